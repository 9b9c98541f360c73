-- Requests' reminders and escalations in the inbox beside the tasks' (one per request, kind
-- and day), and files attached to a task's progress or to a request, kept in the database so
-- that a backup holds them too.
ALTER TABLE inbox ADD COLUMN request_id INTEGER REFERENCES requests (request_id);
CREATE UNIQUE INDEX inbox_request_kind_day ON inbox (request_id, kind, day);

CREATE TABLE attachments (
    attachment_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_type      TEXT    NOT NULL CHECK (owner_type IN ('task', 'request')),
    owner_id        INTEGER NOT NULL,
    file_name       TEXT    NOT NULL,
    size            BIGINT  NOT NULL,
    content         BLOB   NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_type, owner_id);
