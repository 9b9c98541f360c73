-- Key projects (重点项目, domain::project): where they are (district, park), what they serve
-- (chain), their investment and flags, their stage with the date of each, the year's planned
-- investment and the investment completed month by month (万元).
CREATE TABLE projects (
    project_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    investor        TEXT    NOT NULL,
    region_id       INTEGER NOT NULL REFERENCES regions (region_id),
    park_id         INTEGER REFERENCES parks (park_id),
    chain_id        INTEGER REFERENCES chains (chain_id),
    is_new          INTEGER NOT NULL CHECK (is_new IN (0, 1)),
    ten_major       INTEGER NOT NULL CHECK (ten_major IN (0, 1)),
    total_investment DOUBLE PRECISION NOT NULL CHECK (total_investment > 0),
    planned_start   INTEGER,
    planned_producing INTEGER,
    stage           TEXT    NOT NULL CHECK (stage IN ('signed', 'started', 'building', 'completed', 'producing')),
    signed_on       INTEGER,
    started_on      INTEGER,
    building_on     INTEGER,
    completed_on    INTEGER,
    producing_on    INTEGER,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX projects_region ON projects (region_id);

CREATE TABLE project_plans (
    project_id      INTEGER NOT NULL REFERENCES projects (project_id),
    year            INTEGER NOT NULL,
    planned         DOUBLE PRECISION NOT NULL CHECK (planned >= 0),
    PRIMARY KEY (project_id, year)
);

CREATE TABLE project_investments (
    project_id      INTEGER NOT NULL REFERENCES projects (project_id),
    period          INTEGER NOT NULL,
    amount          DOUBLE PRECISION NOT NULL CHECK (amount >= 0),
    reported_at     BIGINT  NOT NULL,
    reported_by     TEXT    NOT NULL,
    PRIMARY KEY (project_id, period)
);
