-- Published reports of other regions (conference reports, work reports, bulletins) as read by
-- the extraction, and their figures as users corrected them: the peer table (对标) is the
-- accepted achievements by region, indicator and year.
CREATE TABLE peer_reports (
    peer_report_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT    NOT NULL,
    region          TEXT,
    meeting         TEXT,
    held_on         TEXT,
    report_year     INTEGER,
    officials       TEXT    NOT NULL,
    noise           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL
);

CREATE TABLE peer_facts (
    peer_fact_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    peer_report_id  INTEGER NOT NULL REFERENCES peer_reports (peer_report_id),
    position        INTEGER NOT NULL,
    list            TEXT    NOT NULL CHECK (list IN ('achieved', 'target')),
    indicator       TEXT    NOT NULL,
    value           REAL NOT NULL,
    unit            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('growth', 'count', 'amount', 'rank', 'share')),
    year            INTEGER,
    qualifier       TEXT,
    span            TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('extracted', 'corrected', 'rejected')),
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL
);
CREATE INDEX peer_facts_report ON peer_facts (peer_report_id);
