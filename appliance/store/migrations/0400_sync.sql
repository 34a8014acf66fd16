-- Mentor-hospital sync (issue 11): outbox of signed+encrypted case bundles, the local
-- pseudonym <-> patient link (never leaves the box; the store file is encrypted), PIPL consent
-- history (append-only), mentor replies re-linked to patients, agent state, installed updates.
CREATE TABLE IF NOT EXISTS sync_outbox (
    case_id      TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    kind         TEXT NOT NULL DEFAULT 'case' CHECK (kind IN ('case', 'aggregate')),
    patient_id   TEXT,
    bundle       BLOB NOT NULL,
    size         INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'rejected')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    upload_id    TEXT,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    PRIMARY KEY (case_id, version)
);
CREATE INDEX IF NOT EXISTS sync_outbox_pending ON sync_outbox (state, size);

CREATE TABLE IF NOT EXISTS sync_links (
    pseudonym  TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sync_links_patient ON sync_links (patient_id);

CREATE TABLE IF NOT EXISTS sync_consent (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id  TEXT NOT NULL,
    scope       TEXT NOT NULL DEFAULT 'mentor_review',
    granted     INTEGER NOT NULL CHECK (granted IN (0, 1)),
    method      TEXT NOT NULL DEFAULT 'written',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sync_consent_patient ON sync_consent (patient_id, scope, id);
CREATE TRIGGER IF NOT EXISTS sync_consent_append_only BEFORE UPDATE ON sync_consent
BEGIN
    SELECT RAISE(ABORT, 'consent history is append-only');
END;

CREATE TABLE IF NOT EXISTS sync_replies (
    reply_id     TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL,
    case_id      TEXT NOT NULL,
    case_version INTEGER NOT NULL,
    pseudonym    TEXT,
    patient_id   TEXT,
    mentor       TEXT NOT NULL,
    advice       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    read_at      TEXT
);
CREATE INDEX IF NOT EXISTS sync_replies_patient ON sync_replies (patient_id);

CREATE TABLE IF NOT EXISTS sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sync_updates (
    kind         TEXT NOT NULL,
    version      TEXT NOT NULL,
    installed_at TEXT NOT NULL,
    PRIMARY KEY (kind, version)
);
