-- Tough actions (攻坚行动) and their tasks: a lead unit (a department or a district), the
-- cooperating units by name, a deadline, milestones, and the progress units post. The inbox
-- holds reminders for a unit's users; one reminder per task, kind and day.
CREATE TABLE actions (
    action_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL
);

CREATE TABLE tasks (
    task_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id       INTEGER NOT NULL REFERENCES actions (action_id),
    title           TEXT    NOT NULL,
    lead_department_id INTEGER REFERENCES departments (department_id),
    lead_region_id  INTEGER REFERENCES regions (region_id),
    cooperating     TEXT    NOT NULL,
    deadline        INTEGER NOT NULL,
    percent         INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    last_progress   INTEGER NOT NULL,
    done_on         INTEGER,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    CHECK ((lead_department_id IS NULL) <> (lead_region_id IS NULL))
);
CREATE INDEX tasks_action ON tasks (action_id);

CREATE TABLE task_milestones (
    task_id         INTEGER NOT NULL REFERENCES tasks (task_id),
    position        INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    due_on          INTEGER NOT NULL,
    PRIMARY KEY (task_id, position)
);

CREATE TABLE task_progress (
    task_progress_id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id         INTEGER NOT NULL REFERENCES tasks (task_id),
    text            TEXT    NOT NULL,
    percent         INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    attachment      TEXT,
    at              BIGINT  NOT NULL,
    by_user         TEXT    NOT NULL
);
CREATE INDEX task_progress_task ON task_progress (task_id);

CREATE TABLE inbox (
    inbox_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    department_id   INTEGER REFERENCES departments (department_id),
    region_id       INTEGER REFERENCES regions (region_id),
    task_id         INTEGER REFERENCES tasks (task_id),
    kind            TEXT    NOT NULL,
    day             INTEGER NOT NULL,
    text            TEXT    NOT NULL,
    link            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    UNIQUE (task_id, kind, day)
);
CREATE INDEX inbox_department ON inbox (department_id);
CREATE INDEX inbox_region ON inbox (region_id);
