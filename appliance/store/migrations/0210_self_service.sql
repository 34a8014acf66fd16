-- Patient self-service (health assistant, issue 8): clinic schedule and bookings, lab reports,
-- fee items and visit codes. Times are UTC ISO-8601 text (dates YYYY-MM-DD, local clinic
-- times HH:MM); money is integer fen; ids are random hex text.

CREATE TABLE IF NOT EXISTS visit_code (
    code TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    issued_at TEXT NOT NULL,
    expires_at TEXT,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX IF NOT EXISTS visit_code_patient ON visit_code(patient_id);

CREATE TABLE IF NOT EXISTS schedule_slot (
    id TEXT PRIMARY KEY,
    department TEXT NOT NULL,
    doctor_name TEXT NOT NULL DEFAULT '',
    day TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 0),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS schedule_slot_day ON schedule_slot(day, department);

CREATE TABLE IF NOT EXISTS appointment (
    id TEXT PRIMARY KEY,
    slot_id TEXT NOT NULL REFERENCES schedule_slot(id) ON DELETE CASCADE,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'attended', 'missed')),
    channel TEXT NOT NULL DEFAULT 'assistant',
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS appointment_slot ON appointment(slot_id, status);
CREATE INDEX IF NOT EXISTS appointment_patient ON appointment(patient_id);

CREATE TABLE IF NOT EXISTS lab_report (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    visit_id TEXT REFERENCES visit(id) ON DELETE CASCADE,
    test_name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready')),
    items_json TEXT NOT NULL DEFAULT '[]',
    ordered_at TEXT NOT NULL,
    reported_at TEXT
);
CREATE INDEX IF NOT EXISTS lab_report_patient ON lab_report(patient_id, ordered_at);

CREATE TABLE IF NOT EXISTS fee_item (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    visit_id TEXT REFERENCES visit(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    insurance_fen INTEGER NOT NULL DEFAULT 0 CHECK (insurance_fen >= 0),
    paid INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fee_item_patient ON fee_item(patient_id, created_at);
