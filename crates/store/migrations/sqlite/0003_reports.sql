-- Monthly reporting (SQLite dialect; postgres/0003_reports.sql is the same model).

-- A data set: what is reported each month, by when, and whether it locks after the deadline.
CREATE TABLE data_sets (
    data_set_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code                TEXT    NOT NULL UNIQUE,
    name_zh             TEXT    NOT NULL,
    name_en             TEXT    NOT NULL,
    deadline_day        INTEGER NOT NULL CHECK (deadline_day BETWEEN 1 AND 28),
    lock_after_deadline INTEGER NOT NULL DEFAULT 1
);

-- The indicators of a data set, in form order; `required` ones must be filled to submit.
CREATE TABLE data_set_indicators (
    data_set_id     INTEGER NOT NULL REFERENCES data_sets (data_set_id),
    indicator_id    INTEGER NOT NULL REFERENCES indicators (indicator_id),
    required        INTEGER NOT NULL DEFAULT 0,
    position        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (data_set_id, indicator_id)
);

-- Validation rules as data (DHIS2's shape): left expression, operator, right expression.
CREATE TABLE validation_rules (
    validation_rule_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    data_set_id         INTEGER NOT NULL REFERENCES data_sets (data_set_id),
    code                TEXT    NOT NULL,
    name_zh             TEXT    NOT NULL,
    name_en             TEXT    NOT NULL,
    left_expression     TEXT    NOT NULL,
    operator            TEXT    NOT NULL,
    right_expression    TEXT    NOT NULL,
    importance          TEXT    NOT NULL CHECK (importance IN ('error', 'warning')),
    missing_values      TEXT    NOT NULL DEFAULT 'skip_if_any_missing',
    active              INTEGER NOT NULL DEFAULT 1,
    UNIQUE (data_set_id, code)
);

-- One report per data set, enterprise and month, with its place in the review workflow:
-- draft → submitted → approved, or submitted → returned (with a reason) → submitted again.
CREATE TABLE reports (
    report_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    data_set_id     INTEGER NOT NULL REFERENCES data_sets (data_set_id),
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    period          INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    explanation     TEXT,
    return_reason   TEXT,
    submitted_at    BIGINT,
    submitted_by    TEXT,
    reviewed_at     BIGINT,
    reviewed_by     TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (data_set_id, enterprise_id, period)
);
CREATE INDEX reports_period ON reports (data_set_id, period, status);
