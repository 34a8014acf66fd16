-- Failed logins for user names that have no account, counted like real accounts' so that a
-- name that exists and one that does not get the same answers, lockout included (issue 18).
-- The name is kept only as an HMAC under the audit key: a mistyped name may be a person's.
CREATE TABLE IF NOT EXISTS login_unknown (
    name_mac TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_failed_at TEXT NOT NULL
);
