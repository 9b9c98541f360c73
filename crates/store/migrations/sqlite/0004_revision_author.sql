-- Who replaced a value, kept with the old value (the audit log has it too; this makes the
-- value history self-contained).
ALTER TABLE data_value_revisions ADD COLUMN changed_by TEXT;
