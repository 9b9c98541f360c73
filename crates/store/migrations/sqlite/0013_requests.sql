-- The working-day calendar (domain::calendar): a year's arrangement as JSON, stored when a city
-- adds or corrects a year; the shipped years (2024–2026) apply where none is stored.
CREATE TABLE work_calendar (
    year            INTEGER PRIMARY KEY,
    body            TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL
);

-- Enterprise requests (企业诉求, domain::request) by category, each with the time limits of
-- its stages in working days and the department it goes to by default.
CREATE TABLE request_categories (
    code            TEXT    PRIMARY KEY,
    name_zh         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    accept_days     INTEGER NOT NULL CHECK (accept_days >= 0),
    reply_days      INTEGER NOT NULL CHECK (reply_days >= 0),
    remind_days_before INTEGER NOT NULL CHECK (remind_days_before >= 0),
    department_id   INTEGER REFERENCES departments (department_id)
);

-- A request: where it stands, the department it is with, and the clock of its stage
-- (due_at, remind_at in unix seconds, computed on the calendar when the stage starts).
CREATE TABLE requests (
    request_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    category        TEXT    NOT NULL REFERENCES request_categories (code),
    channel         TEXT    NOT NULL CHECK (channel IN ('online', 'phone', 'hotline', 'visit')),
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    department_id   INTEGER REFERENCES departments (department_id),
    stage           TEXT    NOT NULL CHECK (stage IN ('raised', 'accepted', 'replied', 'closed')),
    stage_started_at BIGINT NOT NULL,
    due_at          BIGINT,
    remind_at       BIGINT,
    reply           TEXT,
    replied_at      BIGINT,
    replied_on_time INTEGER,
    rating          INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    rating_note     TEXT,
    reopened        INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL
);
CREATE INDEX requests_firm ON requests (enterprise_id);
CREATE INDEX requests_department ON requests (department_id, stage);
CREATE INDEX requests_due ON requests (stage, due_at);

CREATE TABLE request_events (
    request_event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id      INTEGER NOT NULL REFERENCES requests (request_id),
    step            TEXT    NOT NULL,
    from_stage      TEXT,
    to_stage        TEXT    NOT NULL,
    note            TEXT,
    at              BIGINT  NOT NULL,
    by_user         TEXT    NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id);
