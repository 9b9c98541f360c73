-- Four eyes (optional, per data set): whoever entered a firm's report on its behalf cannot
-- approve that report.
ALTER TABLE data_sets ADD COLUMN four_eyes BIGINT NOT NULL DEFAULT 0;
