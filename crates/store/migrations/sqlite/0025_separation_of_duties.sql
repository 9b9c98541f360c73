-- Separation of duties (三员分立): the system administrator (`admin`: accounts), the security
-- administrator (`security_admin`: roles, security policy, locks) and the audit administrator
-- (`audit_admin`: the audit log). The two new roles hold no enterprise data, so like the city's
-- roles they carry no scope column.
--
-- `role_pending`: an account the system administrator created waits, unable to sign in, until
-- the security administrator grants its role, so creating accounts never grants permissions.
--
-- SQLite cannot alter a CHECK in place: the table is rebuilt (sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"). The runner applies this migration with foreign
-- keys off and checks them before it commits, so the tables that reference users keep their rows.
CREATE TABLE users_rebuilt (
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
    last_login_ip           TEXT,
    totp_secret             TEXT,
    totp_enabled_at         BIGINT,
    totp_last_step          BIGINT  NOT NULL DEFAULT 0,
    password_changed_at     BIGINT  NOT NULL DEFAULT 0,
    demo                    BIGINT  NOT NULL DEFAULT 0,
    role_pending            BIGINT  NOT NULL DEFAULT 0,
    CHECK (
        (role IN ('admin', 'security_admin', 'audit_admin', 'city_leader', 'city_analyst') AND region_id IS NULL AND park_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
        (role = 'district_officer'    AND region_id IS NOT NULL AND park_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
        (role = 'park_officer'        AND park_id IS NOT NULL AND region_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
        (role = 'department_handler'  AND department_id IS NOT NULL AND region_id IS NULL AND park_id IS NULL AND enterprise_id IS NULL) OR
        (role = 'enterprise_reporter' AND enterprise_id IS NOT NULL AND region_id IS NULL AND park_id IS NULL AND department_id IS NULL)
    )
);

INSERT INTO users_rebuilt (
    user_id, username, display_name, password_hash, role, region_id, park_id, department_id,
    enterprise_id, lang, must_change_password, disabled, failed_logins, locked_until,
    sessions_valid_after, created_at, updated_at, last_login_ip, totp_secret, totp_enabled_at,
    totp_last_step, password_changed_at, demo)
SELECT
    user_id, username, display_name, password_hash, role, region_id, park_id, department_id,
    enterprise_id, lang, must_change_password, disabled, failed_logins, locked_until,
    sessions_valid_after, created_at, updated_at, last_login_ip, totp_secret, totp_enabled_at,
    totp_last_step, password_changed_at, demo
FROM users;

DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
