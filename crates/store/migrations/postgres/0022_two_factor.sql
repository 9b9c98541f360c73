-- Two-factor sign-in (TOTP, RFC 6238): the shared secret, when the user confirmed it, and the
-- last time step used (a code is accepted once); one-time recovery codes, stored hashed; and
-- the sign-ins waiting for their second factor.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
    user_id     BIGINT  NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL,
    used_at     BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE login_challenges (
    challenge_hash  TEXT    PRIMARY KEY,
    user_id         BIGINT  NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    next_path       TEXT    NOT NULL,
    expires_at      BIGINT  NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0
);
