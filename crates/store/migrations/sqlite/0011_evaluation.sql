-- 亩均 evaluation runs (domain::mu): one per year and group, with the rule version it used.
-- A run is a draft, then published with an objection window (公示), then final. Re-scoring
-- (after an upheld objection or a rule change) adds a revision of every result; earlier
-- revisions stay, so a result can be explained later.
CREATE TABLE mu_runs (
    mu_run_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    year            INTEGER NOT NULL,
    eval_group      TEXT    NOT NULL CHECK (eval_group IN ('above_scale', 'below_scale')),
    rule_version    TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'published', 'final')),
    revision        INTEGER NOT NULL,
    objection_until INTEGER,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX mu_runs_year ON mu_runs (year, eval_group);

CREATE TABLE mu_results (
    mu_run_id       INTEGER NOT NULL REFERENCES mu_runs (mu_run_id),
    revision        INTEGER NOT NULL,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    rule_version    TEXT    NOT NULL,
    total           DOUBLE PRECISION NOT NULL,
    rank            INTEGER,
    class           TEXT,
    exempt          INTEGER NOT NULL,
    items           TEXT    NOT NULL,
    PRIMARY KEY (mu_run_id, revision, enterprise_id)
) WITHOUT ROWID;
CREATE INDEX mu_results_firm ON mu_results (enterprise_id);

CREATE TABLE mu_objections (
    mu_objection_id INTEGER PRIMARY KEY AUTOINCREMENT,
    mu_run_id       INTEGER NOT NULL REFERENCES mu_runs (mu_run_id),
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    reason          TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
    response        TEXT,
    filed_at        BIGINT  NOT NULL,
    filed_by        TEXT    NOT NULL,
    resolved_at     BIGINT,
    resolved_by     TEXT
);
CREATE INDEX mu_objections_run ON mu_objections (mu_run_id, status);

-- The 小升规 pipeline (domain.md §1.4): a below-scale firm's case for a year moves pool →
-- prospective (准规上) → applied → admitted or rejected; every move is kept.
CREATE TABLE promotion_cases (
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    year            INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pool', 'prospective', 'applied', 'admitted', 'rejected')),
    note            TEXT,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL,
    PRIMARY KEY (enterprise_id, year)
);
CREATE TABLE promotion_events (
    promotion_event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    year            INTEGER NOT NULL,
    from_state      TEXT,
    to_state        TEXT    NOT NULL,
    note            TEXT,
    at              BIGINT  NOT NULL,
    by_user         TEXT    NOT NULL
);
CREATE INDEX promotion_events_firm ON promotion_events (enterprise_id, year);

-- Digital and green programmes (domain.md §9): one row per recognition (a firm on cloud, a
-- smart workshop, a green factory, …) with its level and date; `quantity` counts what one
-- recognition holds (smart stations). Part of the registry the engine holds.
CREATE TABLE programme_records (
    programme_record_id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    programme       TEXT    NOT NULL,
    level           TEXT,
    recognised_on   INTEGER NOT NULL,
    quantity        INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    detail          TEXT,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL
);
CREATE INDEX programme_records_firm ON programme_records (enterprise_id);
CREATE TRIGGER programme_records_changed AFTER INSERT ON programme_records BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER programme_records_edited AFTER UPDATE ON programme_records BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER programme_records_removed AFTER DELETE ON programme_records BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
