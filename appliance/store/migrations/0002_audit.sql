-- Tamper-evident audit chain: hash_n = HMAC(audit_key, hash_{n-1} || canonical(row_n)).
-- audit_head holds the latest (seq, hash) with its own MAC so a truncated tail is detected.
-- Rows never contain names or identifiers: only opaque ids, actions and counts.

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'ok',
    patient_id TEXT,
    target TEXT,
    detail_json TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_patient ON audit_log(patient_id, seq);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT NOT NULL
);

-- Legal erasure leaves a non-identifying tombstone: the opaque id, when, by whom, what was removed.
CREATE TABLE erased_patient (
    patient_id TEXT PRIMARY KEY,
    erased_at TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    rows_removed_json TEXT NOT NULL
);
