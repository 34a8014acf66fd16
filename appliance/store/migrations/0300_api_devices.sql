-- LAN API (issue 10): paired devices, one-time pairing codes, security events for intrusion
-- alerts, the API access log (who read which patient from which device) and idempotency keys.
CREATE TABLE IF NOT EXISTS api_devices (
    device_id   TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    public_key  TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    paired_at   TEXT NOT NULL,
    paired_by   TEXT NOT NULL DEFAULT '',
    last_seen   TEXT,
    last_ip     TEXT,
    revoked_at  TEXT,
    revoked_by  TEXT
);

CREATE TABLE IF NOT EXISTS api_pairing_codes (
    code_id    TEXT PRIMARY KEY,
    code_key   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    expires_at REAL NOT NULL,
    used_at    TEXT,
    device_id  TEXT,
    failures   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS api_security_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ts        REAL NOT NULL,
    kind      TEXT NOT NULL,
    username  TEXT,
    device_id TEXT,
    ip        TEXT,
    detail    TEXT
);
CREATE INDEX IF NOT EXISTS api_security_events_ts ON api_security_events (ts);

CREATE TABLE IF NOT EXISTS api_access_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ts         REAL NOT NULL,
    username   TEXT NOT NULL,
    role       TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    patient_id TEXT,
    status     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS api_access_log_ts ON api_access_log (ts);

CREATE TABLE IF NOT EXISTS api_idempotency (
    device_id    TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   REAL NOT NULL,
    PRIMARY KEY (device_id, idem_key)
);
