-- Which reports the monitoring figures count: approved ones always; submitted ones only when
-- the city says so (a draft or a returned report never counts, and a month without a value is
-- "not reported", never zero).
ALTER TABLE data_sets ADD COLUMN counts_submitted BIGINT NOT NULL DEFAULT 0;
