-- Record QC (issue 7): results of the nightly batch QC (and any re-check), one row per record
-- version and rule-catalog version, so the clinic's 病历合格率 can be followed over time and a
-- catalog update re-checks old records without losing the earlier verdicts.
CREATE TABLE IF NOT EXISTS qc_result (
    record_id       TEXT NOT NULL,
    version         INTEGER NOT NULL,
    catalog_version TEXT NOT NULL DEFAULT '',
    visit_id        TEXT,
    checked_at      TEXT NOT NULL,
    score           REAL NOT NULL,
    passed          INTEGER NOT NULL CHECK (passed IN (0, 1)),
    grade           TEXT,
    findings_json   TEXT NOT NULL,
    PRIMARY KEY (record_id, version, catalog_version)
);
CREATE INDEX IF NOT EXISTS qc_result_checked_at ON qc_result(checked_at);
