-- What changed, for the in-memory analytics engine of each server to catch up with: one row
-- per firm and month whose values or report status changed, written in the same transaction
-- as the change. A NULL firm means "reload everything" (a bulk load). Ids grow with each
-- change; a server remembers the last one it applied.
CREATE TABLE value_changes (
    change_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id   INTEGER,
    period          INTEGER,
    changed_at      BIGINT  NOT NULL
);

-- Revision counters of data the engine holds whole. The registry (firms, memberships,
-- designations) changes rarely; triggers count every change so no write path can forget.
CREATE TABLE change_counters (
    name        TEXT    PRIMARY KEY,
    revision    BIGINT  NOT NULL
);
INSERT INTO change_counters (name, revision) VALUES ('registry', 0);
CREATE TRIGGER enterprises_changed AFTER INSERT ON enterprises BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER enterprises_edited AFTER UPDATE ON enterprises BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER memberships_changed AFTER INSERT ON memberships BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER memberships_edited AFTER UPDATE ON memberships BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER memberships_removed AFTER DELETE ON memberships BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER designations_changed AFTER INSERT ON designations BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER designations_edited AFTER UPDATE ON designations BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;
CREATE TRIGGER designations_removed AFTER DELETE ON designations BEGIN UPDATE change_counters SET revision = revision + 1 WHERE name = 'registry'; END;

-- Annual targets (目标任务) per unit and metric. `scope_id` is the region, park, cluster or
-- chain of `scope_kind`, and 0 for the city (not NULL, so that the unique key holds for it).
-- `metric` is an indicator code (growth, level) or a count (`new_above_scale`,
-- `new_<tier>`); the light thresholds are the target's own (domain::targets::LightRule).
CREATE TABLE targets (
    target_id           INTEGER PRIMARY KEY AUTOINCREMENT,
    year                INTEGER NOT NULL,
    scope_kind          TEXT    NOT NULL CHECK (scope_kind IN ('city', 'district', 'park', 'cluster', 'chain')),
    scope_id            INTEGER NOT NULL DEFAULT 0,
    metric              TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('growth', 'level', 'count')),
    value               DOUBLE PRECISION NOT NULL,
    yellow_pp           DOUBLE PRECISION NOT NULL,
    red_pp              DOUBLE PRECISION NOT NULL,
    green_needs_average INTEGER NOT NULL DEFAULT 0,
    note                TEXT,
    updated_at          BIGINT  NOT NULL,
    updated_by          TEXT    NOT NULL,
    UNIQUE (year, scope_kind, scope_id, metric, kind)
);
