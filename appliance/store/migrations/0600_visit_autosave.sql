-- Visit workspace autosave (issue 20): what a user typed into an open visit, saved a moment after
-- every edit so a crash, a power cut or a stray key never loses it. One row per user and
-- workspace key (patient + visit); deleted once the visit is saved for real. Lives in the
-- encrypted clinic store like every record; never synced.
CREATE TABLE IF NOT EXISTS visit_autosave (
    user_id     TEXT NOT NULL,
    draft_key   TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    visit_id    TEXT,
    saved_at    TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    PRIMARY KEY (user_id, draft_key)
);
