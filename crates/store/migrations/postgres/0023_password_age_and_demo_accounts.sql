-- When each password was set (for the configured maximum age), and which accounts the demo
-- created with its published password (outside a demo they must change it at first sign-in).
ALTER TABLE users ADD COLUMN password_changed_at BIGINT NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = updated_at;
ALTER TABLE users ADD COLUMN demo BIGINT NOT NULL DEFAULT 0;
