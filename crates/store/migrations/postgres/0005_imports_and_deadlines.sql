-- Uploaded report files awaiting the uploader's decision after the preview (import valid rows,
-- all or nothing, or download the error report). Kept in the database, not on one server's
-- disk, so that any server behind a load balancer can continue; purged after a day.
CREATE TABLE uploads (
    upload_id   TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    file_name   TEXT    NOT NULL,
    period      BIGINT,
    content     BYTEA   NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX uploads_created ON uploads (created_at);

-- A firm allowed to submit after its data set's deadline while the data set locks late
-- reports (`lock_after_deadline`): until the end of `until_date` (yyyymmdd).
CREATE TABLE report_exceptions (
    data_set_id     BIGINT  NOT NULL REFERENCES data_sets (data_set_id),
    enterprise_id   BIGINT  NOT NULL REFERENCES enterprises (enterprise_id),
    period          BIGINT  NOT NULL,
    until_date      BIGINT  NOT NULL,
    reason          TEXT    NOT NULL,
    granted_by      TEXT    NOT NULL,
    granted_at      BIGINT  NOT NULL,
    PRIMARY KEY (data_set_id, enterprise_id, period)
);

-- Figures the statistics bureau publishes for a region (domain.md §2.1), kept beside the
-- platform's own estimates: the month's or the cumulative 1—N月 level, or their growth in %.
CREATE TABLE official_figures (
    region_id       BIGINT  NOT NULL REFERENCES regions (region_id),
    indicator_id    BIGINT  NOT NULL REFERENCES indicators (indicator_id),
    period          BIGINT  NOT NULL,
    measure         TEXT    NOT NULL CHECK (measure IN ('month', 'cumulative', 'month_growth', 'cumulative_growth')),
    value           DOUBLE PRECISION NOT NULL,
    imported_by     TEXT    NOT NULL,
    imported_at     BIGINT  NOT NULL,
    PRIMARY KEY (region_id, indicator_id, period, measure)
);
