-- Sign-in failures by source address (each address slowed on its own), and the address each
-- user last signed in from (the account's lock does not apply there, so a spray from elsewhere
-- does not lock the owner out).
CREATE TABLE login_throttle (
    address         TEXT    PRIMARY KEY,
    failures        BIGINT  NOT NULL DEFAULT 0,
    refused         BIGINT  NOT NULL DEFAULT 0,
    last_failure_at BIGINT  NOT NULL DEFAULT 0,
    blocked_until   BIGINT  NOT NULL DEFAULT 0
);

ALTER TABLE users ADD COLUMN last_login_ip TEXT;
