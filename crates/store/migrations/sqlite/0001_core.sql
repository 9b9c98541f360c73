-- Core data model of Xinzhi (SQLite dialect; postgres/0001_core.sql is the same model).
--
-- Conventions (docs/architecture.md): snake_case plural tables; primary keys named
-- <entity>_id so joins read `USING (enterprise_id)`; months as integer yyyymm; dates as
-- integer yyyymmdd; timestamps as unix seconds (UTC); flags as integer 0/1; amounts as
-- DOUBLE PRECISION in the indicator's unit. These types decode identically through sqlx's Any
-- driver on both backends.

-- Admin divisions: the city and its districts/counties (GB/T 2260), a materialised path
-- ('/1/4/') so "everything under the city" is a prefix match.
CREATE TABLE regions (
    region_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT    NOT NULL UNIQUE,
    name_zh     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    parent_id   INTEGER REFERENCES regions (region_id),
    level       TEXT    NOT NULL CHECK (level IN ('province', 'prefecture', 'county')),
    path        TEXT    NOT NULL
);

-- Parks (园区) have their own ids: development zones do not map onto admin codes (domain.md §6.2).
CREATE TABLE parks (
    park_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT    NOT NULL UNIQUE,
    name_zh     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    region_id   INTEGER NOT NULL REFERENCES regions (region_id),
    kind        TEXT    NOT NULL,
    area_mu     DOUBLE PRECISION
);

-- One record per industrial legal entity, identified by its credit code.
CREATE TABLE enterprises (
    enterprise_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    credit_code     TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    industry_code   TEXT    NOT NULL,
    established_on  INTEGER,
    closed_on       INTEGER,
    land_area_mu    DOUBLE PRECISION,
    employees       INTEGER,
    address         TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX enterprises_name ON enterprises (name);
CREATE INDEX enterprises_industry ON enterprises (industry_code);

CREATE TABLE clusters (
    cluster_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT    NOT NULL UNIQUE,
    name_zh     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    level       TEXT    NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE chains (
    chain_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster_id  INTEGER NOT NULL REFERENCES clusters (cluster_id),
    code        TEXT    NOT NULL UNIQUE,
    name_zh     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0
);

-- The chain map: a tree of segments under the three stages of a chain.
CREATE TABLE chain_segments (
    segment_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    chain_id    INTEGER NOT NULL REFERENCES chains (chain_id),
    parent_id   INTEGER REFERENCES chain_segments (segment_id),
    stage       TEXT    NOT NULL CHECK (stage IN ('upstream', 'midstream', 'downstream')),
    name_zh     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chain_segments_chain ON chain_segments (chain_id);

-- 链长: the official who owns a chain (链长制, domain.md §5.1).
CREATE TABLE chain_chiefs (
    chain_chief_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    chain_id        INTEGER NOT NULL REFERENCES chains (chain_id),
    name            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    appointed_on    INTEGER
);

-- 链主: chain-owner enterprises, a local designation attached to a chain (domain.md §3.6).
CREATE TABLE chain_owners (
    chain_id        INTEGER NOT NULL REFERENCES chains (chain_id),
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    designated_on   INTEGER,
    authority       TEXT,
    PRIMARY KEY (chain_id, enterprise_id)
);

-- Time-valid memberships. One table for all kinds keeps "the set of firms in X in month t"
-- one query shape; the typed target columns keep foreign keys, and the CHECK ties each kind
-- to exactly its own target.
CREATE TABLE memberships (
    membership_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    kind            TEXT    NOT NULL,
    region_id       INTEGER REFERENCES regions (region_id),
    park_id         INTEGER REFERENCES parks (park_id),
    cluster_id      INTEGER REFERENCES clusters (cluster_id),
    segment_id      INTEGER REFERENCES chain_segments (segment_id),
    valid_from      INTEGER NOT NULL,
    valid_to        INTEGER,
    reason          TEXT,
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (
        (kind = 'district'      AND region_id IS NOT NULL AND park_id IS NULL AND cluster_id IS NULL AND segment_id IS NULL) OR
        (kind = 'park'          AND park_id IS NOT NULL AND region_id IS NULL AND cluster_id IS NULL AND segment_id IS NULL) OR
        (kind = 'cluster'       AND cluster_id IS NOT NULL AND region_id IS NULL AND park_id IS NULL AND segment_id IS NULL) OR
        (kind = 'chain_segment' AND segment_id IS NOT NULL AND region_id IS NULL AND park_id IS NULL AND cluster_id IS NULL) OR
        (kind = 'above_scale'   AND region_id IS NULL AND park_id IS NULL AND cluster_id IS NULL AND segment_id IS NULL)
    )
);
CREATE INDEX memberships_enterprise ON memberships (enterprise_id, kind, valid_to);
CREATE INDEX memberships_kind ON memberships (kind, valid_from, valid_to, enterprise_id);
CREATE INDEX memberships_region ON memberships (region_id) WHERE region_id IS NOT NULL;
CREATE INDEX memberships_park ON memberships (park_id) WHERE park_id IS NOT NULL;
CREATE INDEX memberships_segment ON memberships (segment_id) WHERE segment_id IS NOT NULL;

-- Ladder designations (梯度培育), with expiry for review (复核).
CREATE TABLE designations (
    designation_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    tier            TEXT    NOT NULL,
    level           TEXT    NOT NULL,
    granted_on      INTEGER NOT NULL,
    expires_on      INTEGER,
    status          TEXT    NOT NULL,
    batch           TEXT
);
CREATE INDEX designations_enterprise ON designations (enterprise_id);
CREATE INDEX designations_tier ON designations (tier, status);

-- The indicator catalogue (data elements). Editable data: a new indicator is a new row.
CREATE TABLE indicators (
    indicator_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    code            TEXT    NOT NULL UNIQUE,
    name_zh         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    unit_zh         TEXT    NOT NULL,
    unit_en         TEXT    NOT NULL,
    temporal        TEXT    NOT NULL CHECK (temporal IN ('flow', 'stock')),
    aggregation     TEXT    NOT NULL CHECK (aggregation IN ('sum', 'mean')),
    decimals        INTEGER NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1
);

-- Monthly values, current version only: enterprise × month × indicator. The primary key leads
-- with (indicator, period) because aggregation ("Σ gross output of set S in 2024-03") is the hot
-- path; WITHOUT ROWID stores the rows in that key order with no separate rowid b-tree. The
-- secondary index serves one enterprise's record page.
CREATE TABLE data_values (
    indicator_id    INTEGER NOT NULL REFERENCES indicators (indicator_id),
    period          INTEGER NOT NULL,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    value           DOUBLE PRECISION NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    source          TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (indicator_id, period, enterprise_id)
) WITHOUT ROWID;
CREATE INDEX data_values_enterprise ON data_values (enterprise_id, period);

-- Superseded versions of monthly values. A write that changes a value first copies the old
-- version here, so current + revisions is the full history and bulk loads pay nothing.
CREATE TABLE data_value_revisions (
    data_value_revision_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id    INTEGER NOT NULL REFERENCES indicators (indicator_id),
    period          INTEGER NOT NULL,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    revision        INTEGER NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    source          TEXT    NOT NULL,
    written_at      BIGINT  NOT NULL,
    replaced_at     BIGINT  NOT NULL,
    reason          TEXT
);
CREATE INDEX data_value_revisions_key ON data_value_revisions (enterprise_id, indicator_id, period);

-- Installation facts such as the demo city's name and seed.
CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
