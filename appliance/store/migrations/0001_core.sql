-- ClinicBox core schema (store area, migrations 0001-0099).
-- Times are UTC ISO-8601 text; money is integer fen (分); ids are random hex text.

CREATE TABLE clinic (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    settings_json TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE user (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('admin', 'doctor', 'nurse', 'front_desk', 'kiosk')),
    password_hash TEXT NOT NULL,
    antibiotic_privilege TEXT NOT NULL DEFAULT 'non_restricted'
        CHECK (antibiotic_privilege IN ('non_restricted', 'restricted', 'special')),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    last_login_at TEXT,
    password_changed_at TEXT
);

CREATE TABLE patient (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sex TEXT CHECK (sex IN ('M', 'F', 'U')),
    birth_date TEXT,
    id_number TEXT,
    phone TEXT,
    address TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT REFERENCES user(id)
);
CREATE INDEX patient_name ON patient(name);
CREATE INDEX patient_id_number ON patient(id_number);
CREATE INDEX patient_phone ON patient(phone);

CREATE TABLE visit (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    visit_type TEXT NOT NULL DEFAULT 'initial' CHECK (visit_type IN ('initial', 'followup')),
    department TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
    doctor_id TEXT REFERENCES user(id),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    fee_fen INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0)
);
CREATE INDEX visit_patient ON visit(patient_id, started_at);

-- Outpatient records are versioned: every edit inserts (record_id, version + 1); rows are never
-- updated. Deletion is only possible during a legal erasure of the patient (erasure_pending).
CREATE TABLE erasure_pending (
    patient_id TEXT PRIMARY KEY
);

CREATE TABLE record (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    visit_id TEXT NOT NULL REFERENCES visit(id) ON DELETE CASCADE,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed', 'amended')),
    content_json TEXT NOT NULL,
    author_id TEXT REFERENCES user(id),
    signed_by TEXT REFERENCES user(id),
    signed_at TEXT,
    change_note TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
);
CREATE INDEX record_visit ON record(visit_id);
CREATE INDEX record_patient ON record(patient_id);

CREATE TRIGGER record_versions_are_immutable BEFORE UPDATE ON record
BEGIN
    SELECT RAISE(ABORT, 'record versions are immutable; insert a new version');
END;

CREATE TRIGGER record_delete_only_on_erasure BEFORE DELETE ON record
WHEN NOT EXISTS (SELECT 1 FROM erasure_pending WHERE patient_id = OLD.patient_id)
BEGIN
    SELECT RAISE(ABORT, 'record versions cannot be deleted');
END;

CREATE VIEW record_current AS
SELECT r.* FROM record r
WHERE r.version = (SELECT max(version) FROM record x WHERE x.record_id = r.record_id);

CREATE TABLE vitals (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    visit_id TEXT REFERENCES visit(id) ON DELETE CASCADE,
    measured_at TEXT NOT NULL,
    measured_by TEXT REFERENCES user(id),
    sbp INTEGER, dbp INTEGER, hr INTEGER, rr INTEGER,
    temp_c REAL, spo2 INTEGER, gcs INTEGER, glucose_mmol REAL, pain INTEGER,
    weight_kg REAL, height_cm REAL
);
CREATE INDEX vitals_patient ON vitals(patient_id, measured_at);

CREATE TABLE prescription (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    visit_id TEXT REFERENCES visit(id) ON DELETE CASCADE,
    record_id TEXT,
    drug TEXT NOT NULL,
    dose_mg REAL,
    frequency_per_day REAL,
    route TEXT,
    days INTEGER,
    quantity INTEGER,
    unit_price_fen INTEGER CHECK (unit_price_fen IS NULL OR unit_price_fen >= 0),
    prescriber_id TEXT REFERENCES user(id),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled', 'dispensed')),
    created_at TEXT NOT NULL
);
CREATE INDEX prescription_patient ON prescription(patient_id);

CREATE TABLE alert (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    visit_id TEXT REFERENCES visit(id) ON DELETE CASCADE,
    prescription_id TEXT REFERENCES prescription(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('contraindicated', 'major', 'moderate', 'minor')),
    drugs_json TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX alert_patient ON alert(patient_id);

CREATE TABLE alert_override (
    id TEXT PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES user(id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_at TEXT NOT NULL
);

CREATE TABLE triage (
    id TEXT PRIMARY KEY,
    patient_id TEXT REFERENCES patient(id) ON DELETE CASCADE,
    visit_id TEXT REFERENCES visit(id) ON DELETE CASCADE,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    disposition TEXT NOT NULL CHECK (disposition IN ('emergency', 'urgent', 'routine', 'self_care')),
    department TEXT,
    refer INTEGER NOT NULL DEFAULT 0 CHECK (refer IN (0, 1)),
    reasons_json TEXT NOT NULL DEFAULT '[]',
    input_json TEXT NOT NULL DEFAULT '{}',
    by_user TEXT REFERENCES user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX triage_patient ON triage(patient_id);

CREATE TABLE followup_plan (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    condition TEXT NOT NULL,
    rule TEXT NOT NULL,
    source TEXT,
    interval_days INTEGER NOT NULL CHECK (interval_days > 0),
    next_due TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'closed')),
    created_by TEXT REFERENCES user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX followup_plan_due ON followup_plan(status, next_due);

CREATE TABLE followup_event (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES followup_plan(id) ON DELETE CASCADE,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    due_date TEXT NOT NULL,
    done_at TEXT,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('done', 'missed', 'refused', 'referred')),
    notes TEXT,
    by_user TEXT REFERENCES user(id)
);

CREATE TABLE consent (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    scope TEXT NOT NULL DEFAULT 'mentor_sharing',
    granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
    method TEXT NOT NULL DEFAULT 'written' CHECK (method IN ('written', 'verbal', 'electronic')),
    recorded_by TEXT REFERENCES user(id),
    recorded_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX consent_patient ON consent(patient_id, scope);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id TEXT,
    patient_id TEXT REFERENCES patient(id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload_json TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'acked', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_state ON outbox(state, created_at);
