-- Monthly values keyed by (period, enterprise, indicator) instead of (indicator, period,
-- enterprise). A firm's month is then one stretch of the key: saving a report writes one or
-- two leaves of the table where it wrote one per indicator, twenty leaves scattered over the
-- month's ranges, and at a month-end rush of 1,000 saves a second the single SQLite writer
-- spent a millisecond a save on them. A month of every firm is still one range (imports,
-- validation), and one firm's month a single seek (the report form). Aggregation reads
-- whole months, which the in-memory analytics engine does once and then keeps up to date.
-- Dropping the old table dropped its statistics: they are gathered again at the end.
CREATE TABLE data_values_by_month (
    indicator_id    INTEGER NOT NULL REFERENCES indicators (indicator_id),
    period          INTEGER NOT NULL,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    value           DOUBLE PRECISION NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    source          TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (period, enterprise_id, indicator_id)
) WITHOUT ROWID;
INSERT INTO data_values_by_month (indicator_id, period, enterprise_id, value, revision, source, updated_at)
    SELECT indicator_id, period, enterprise_id, value, revision, source, updated_at FROM data_values
    ORDER BY period, enterprise_id, indicator_id;
DROP TABLE data_values;
ALTER TABLE data_values_by_month RENAME TO data_values;
CREATE INDEX data_values_enterprise ON data_values (enterprise_id, period);
ANALYZE data_values;
