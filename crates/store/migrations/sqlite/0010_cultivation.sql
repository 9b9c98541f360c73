-- The annual enterprise profile (domain::profile): one value per year, firm and field, keyed
-- year first so that a pool or an evaluation reads a year of every firm as one range. What
-- a value replaced is kept in profile_revisions (old, when, why, who), as for monthly values.
CREATE TABLE enterprise_profiles (
    year            INTEGER NOT NULL,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    field           TEXT    NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    source          TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL,
    PRIMARY KEY (year, enterprise_id, field)
) WITHOUT ROWID;
CREATE INDEX enterprise_profiles_firm ON enterprise_profiles (enterprise_id, year);

CREATE TABLE profile_revisions (
    profile_revision_id INTEGER PRIMARY KEY AUTOINCREMENT,
    year            INTEGER NOT NULL,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    field           TEXT    NOT NULL,
    value           DOUBLE PRECISION,
    replaced_at     BIGINT  NOT NULL,
    reason          TEXT    NOT NULL,
    changed_by      TEXT    NOT NULL
);
CREATE INDEX profile_revisions_firm ON profile_revisions (enterprise_id, year);

-- Versioned, effective-dated rule sets as JSON (domain::criteria::LadderRules, and the 亩均
-- rule sets, the commendation lists): kind 'ladder', 'mu' or 'commendation'. The rules in force on a date are the latest version
-- effective by then; results keep the version they used.
CREATE TABLE rule_sets (
    rule_set_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('ladder', 'mu', 'commendation')),
    version         TEXT    NOT NULL,
    effective_from  INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    UNIQUE (kind, version)
);

-- Bumped by every write of profiles (store::cultivation), so that servers reload what they hold.
INSERT INTO change_counters (name, revision) VALUES ('profiles', 0);
