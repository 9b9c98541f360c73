-- Personal access tokens expire. Tokens made before this migration get the default lifetime
-- (90 days) from their creation.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE api_tokens SET expires_at = created_at + 7776000;
