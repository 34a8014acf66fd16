-- One trusted service path (issue 15): the medication alerts the box computed for each record
-- version (not only at signing), with the rule they came from, so the current alerts of a visit
-- are those of its current version; amendments name the version they correct.
ALTER TABLE alert ADD COLUMN record_id TEXT;
ALTER TABLE alert ADD COLUMN record_version INTEGER;
ALTER TABLE alert ADD COLUMN rule TEXT;
CREATE INDEX IF NOT EXISTS alert_record ON alert(record_id, record_version);
ALTER TABLE record ADD COLUMN amends_version INTEGER;
