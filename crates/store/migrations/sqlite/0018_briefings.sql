-- Briefing templates the bureau edits, and drafts made from them: the draft's text keeps each
-- figure as [[fN|text]] and its provenance (indicator, scope, period, caliber, approval state,
-- the firms behind it) is kept beside it as JSON.
CREATE TABLE briefing_templates (
    template_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL UNIQUE,
    body            TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL
);

CREATE TABLE briefings (
    briefing_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT    NOT NULL,
    period          INTEGER NOT NULL,
    scope           TEXT    NOT NULL,
    template_id     INTEGER REFERENCES briefing_templates (template_id),
    body            TEXT    NOT NULL,
    figures         TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL
);
CREATE INDEX briefings_scope ON briefings (scope);
