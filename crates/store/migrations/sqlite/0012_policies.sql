-- Policies (政策库, domain::policy): each with its issuer, dates, text, benefit and the
-- condition over a firm's facts in the policy language; `automatic` marks 免申即享 policies
-- whose eligible firms are found by Xinzhi. Staff confirm or exclude firms of the list.
CREATE TABLE policies (
    policy_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT    NOT NULL,
    issuer          TEXT    NOT NULL,
    document_no     TEXT,
    issued_on       INTEGER NOT NULL,
    valid_from      INTEGER NOT NULL,
    valid_to        INTEGER,
    summary         TEXT    NOT NULL,
    benefit         TEXT    NOT NULL,
    condition       TEXT    NOT NULL,
    automatic       INTEGER NOT NULL CHECK (automatic IN (0, 1)),
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE TABLE policy_decisions (
    policy_id       INTEGER NOT NULL REFERENCES policies (policy_id),
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    decision        TEXT    NOT NULL CHECK (decision IN ('confirmed', 'excluded')),
    note            TEXT,
    decided_at      BIGINT  NOT NULL,
    decided_by      TEXT    NOT NULL,
    PRIMARY KEY (policy_id, enterprise_id)
);
