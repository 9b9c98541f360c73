-- Monthly values keyed by (period, enterprise, indicator) instead of (indicator, period,
-- enterprise). A firm's month is then one stretch of the key: saving a report writes one or
-- two leaves of the key index where it wrote one per indicator, twenty leaves scattered over
-- the month's ranges. A month of every firm is still one range (imports, validation), and one
-- firm's month a single seek (the report form). Aggregation reads whole months, which the
-- in-memory analytics engine does once and then keeps up to date. The table itself is a heap
-- on PostgreSQL; only its key index changes.
ALTER TABLE data_values DROP CONSTRAINT data_values_pkey;
ALTER TABLE data_values ADD PRIMARY KEY (period, enterprise_id, indicator_id);
