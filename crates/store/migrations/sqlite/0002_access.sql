-- People and permissions (SQLite dialect; postgres/0002_access.sql is the same model).

-- Departments (职能处室/部门) that handle enterprise requests.
CREATE TABLE departments (
    department_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    code            TEXT    NOT NULL UNIQUE,
    name_zh         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL
);

-- Users. The scope columns say which district, park, department or enterprise the user's data
-- is narrowed to; the CHECK ties each role to exactly the scope it needs, so a district officer
-- without a district cannot exist. `sessions_valid_after` implements "log out everywhere":
-- sessions created before it are dead. Passwords are argon2id PHC strings.
CREATE TABLE users (
    user_id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    username                TEXT    NOT NULL UNIQUE,
    display_name            TEXT    NOT NULL,
    password_hash           TEXT    NOT NULL,
    role                    TEXT    NOT NULL,
    region_id               INTEGER REFERENCES regions (region_id),
    park_id                 INTEGER REFERENCES parks (park_id),
    department_id           INTEGER REFERENCES departments (department_id),
    enterprise_id           INTEGER REFERENCES enterprises (enterprise_id),
    lang                    TEXT,
    must_change_password    INTEGER NOT NULL DEFAULT 0,
    disabled                INTEGER NOT NULL DEFAULT 0,
    failed_logins           INTEGER NOT NULL DEFAULT 0,
    locked_until            BIGINT  NOT NULL DEFAULT 0,
    sessions_valid_after    BIGINT  NOT NULL DEFAULT 0,
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL,
    CHECK (
        (role IN ('admin', 'city_leader', 'city_analyst') AND region_id IS NULL AND park_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
        (role = 'district_officer'    AND region_id IS NOT NULL AND park_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
        (role = 'park_officer'        AND park_id IS NOT NULL AND region_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
        (role = 'department_handler'  AND department_id IS NOT NULL AND region_id IS NULL AND park_id IS NULL AND enterprise_id IS NULL) OR
        (role = 'enterprise_reporter' AND enterprise_id IS NOT NULL AND region_id IS NULL AND park_id IS NULL AND department_id IS NULL)
    )
);

-- Server-side sessions, shared by every server on the database. Only a SHA-256 of the cookie's
-- token is stored, so a copy of the database does not hand out live sessions.
CREATE TABLE sessions (
    session_hash    TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    csrf_token      TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    last_seen_at    BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    ip              TEXT,
    user_agent      TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Personal access tokens for API clients, stored hashed; revocation is a timestamp.
CREATE TABLE api_tokens (
    api_token_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    token_hash      TEXT    NOT NULL UNIQUE,
    prefix          TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    last_used_at    BIGINT,
    revoked_at      BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The audit log: who did what, when, from where, and what changed (JSON old → new). Rows are
-- only ever added; the triggers below refuse updates and deletes.
CREATE TABLE audit_log (
    audit_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at              BIGINT  NOT NULL,
    actor_user_id   INTEGER,
    actor           TEXT    NOT NULL,
    ip              TEXT,
    action          TEXT    NOT NULL,
    object_type     TEXT,
    object_id       TEXT,
    outcome         TEXT    NOT NULL,
    detail          TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
