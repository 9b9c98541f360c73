-- Firms that must report a data set besides the month's above-scale firms (selected
-- below-scale firms, 重点监测的规下企业), chosen by the city analyst.
CREATE TABLE data_set_firms (
    data_set_id     INTEGER NOT NULL REFERENCES data_sets (data_set_id),
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (enterprise_id),
    added_by        TEXT    NOT NULL,
    added_at        BIGINT  NOT NULL,
    PRIMARY KEY (data_set_id, enterprise_id)
);
