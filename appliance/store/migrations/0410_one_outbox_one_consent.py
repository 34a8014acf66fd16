"""One outbox and one consent table (issue 15).

Before: the core ``outbox`` held referral *requests* and ``sync_outbox`` the sealed case bundles;
the core ``consent`` table (grant + revoked_at) and ``sync_consent`` (append-only history) could
disagree about a patient. After: one ``outbox`` row per case version — requested, then sealed
(bundle), then sent — and one append-only ``consent`` history (latest entry wins).

Existing rows are merged: every sync_outbox bundle keeps its state; a referral request without a
bundle stays ``requested``; core consent grants become a grant entry (and a withdrawal entry at
``revoked_at``) in time order with the sync history. Runs on the clinic store and, for its
simulations, on ``sync.plainstore`` (which has only the sync tables). Numbered in the sync
range, after 0400, so a new store never recreates the old tables after the merge.
"""

from __future__ import annotations

import json
from typing import Any

OUTBOX = """
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL DEFAULT 'case' CHECK (kind IN ('case', 'aggregate')),
    ref_id          TEXT,
    patient_id      TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload_json    TEXT NOT NULL DEFAULT '{}',
    case_id         TEXT,
    version         INTEGER,
    bundle          BLOB,
    size            INTEGER NOT NULL DEFAULT 0,
    content_hash    TEXT,
    upload_id       TEXT,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN
                        ('requested', 'pending', 'sending', 'sent', 'acked', 'failed', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (case_id, version)
)
"""
CONSENT = """
CREATE TABLE consent (
    id          TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL,
    scope       TEXT NOT NULL DEFAULT 'mentor_review',
    granted     INTEGER NOT NULL CHECK (granted IN (0, 1)),
    method      TEXT NOT NULL DEFAULT 'written',
    recorded_by TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
)
"""
AFTER = [
    "CREATE INDEX outbox_state ON outbox(state, size, created_at)",
    "CREATE INDEX outbox_patient ON outbox(patient_id)",
    "CREATE INDEX consent_patient ON consent(patient_id, scope, recorded_at)",
    "CREATE TRIGGER consent_append_only BEFORE UPDATE ON consent"
    " BEGIN SELECT RAISE(ABORT, 'consent history is append-only'); END",
]


def _tables(conn: Any) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _rows(conn: Any, sql: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _merge_outbox(conn: Any, tables: set[str]) -> None:
    old = _rows(conn, "SELECT * FROM outbox") if "outbox" in tables else []
    bundles = _rows(conn, "SELECT * FROM sync_outbox") if "sync_outbox" in tables else []
    for name in ("outbox", "sync_outbox"):
        if name in tables:
            conn.execute(f"DROP TABLE {name}")
    conn.execute(OUTBOX)
    requests: dict[tuple[str, int], dict[str, Any]] = {}
    for row in old:
        try:
            payload = json.loads(row.get("payload_json") or "{}")
        except ValueError:
            payload = {}
        if row.get("kind") == "referral" and payload.get("visit_id") and payload.get("version"):
            requests[(str(payload["visit_id"]), int(payload["version"]))] = {**row, **payload}
            continue
        conn.execute(  # other kinds keep their row (no case key)
            "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, payload_json,"
            " state, attempts, last_error, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                row["id"],
                "aggregate" if row.get("kind") == "aggregate" else "case",
                row.get("ref_id"),
                row.get("patient_id"),
                row["idempotency_key"],
                row.get("payload_json") or "{}",
                row.get("state") or "pending",
                row.get("attempts") or 0,
                row.get("last_error"),
                row["created_at"],
                row["updated_at"],
            ),
        )
    for b in bundles:
        key = (str(b["case_id"]), int(b["version"]))
        req = requests.pop(key, None)
        payload = {
            k: req[k] for k in ("visit_id", "record_id", "version", "question") if req and k in req
        }
        conn.execute(
            "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, payload_json,"
            " case_id, version, bundle, size, content_hash, upload_id, state, attempts,"
            " last_error, created_at, updated_at, sent_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                req["id"] if req else f"case:{key[0]}:{key[1]}",
                b.get("kind") or "case",
                key[0] if b.get("kind") != "aggregate" else None,
                b.get("patient_id"),
                f"referral:{key[0]}:{key[1]}"
                if b.get("kind") != "aggregate"
                else f"aggregate:{key[0]}:{key[1]}",
                json.dumps(payload, ensure_ascii=False),
                key[0],
                key[1],
                b["bundle"],
                b["size"],
                b["content_hash"],
                b.get("upload_id"),
                b["state"],
                b.get("attempts") or 0,
                b.get("last_error"),
                b["created_at"],
                b.get("sent_at") or b["created_at"],
                b.get("sent_at"),
            ),
        )
    for (visit_id, version), req in requests.items():  # never sealed: still to be sealed
        conn.execute(
            "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, payload_json,"
            " case_id, version, state, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                req["id"],
                "case",
                visit_id,
                req.get("patient_id"),
                req["idempotency_key"],
                json.dumps(
                    {
                        k: req[k]
                        for k in ("visit_id", "record_id", "version", "question")
                        if k in req
                    },
                    ensure_ascii=False,
                ),
                visit_id,
                version,
                "requested",
                req["created_at"],
                req["updated_at"],
            ),
        )


def _merge_consent(conn: Any, tables: set[str]) -> None:
    entries: list[tuple[str, str, int, str, str, str, str]] = []
    if "consent" in tables:
        for c in _rows(conn, "SELECT * FROM consent"):
            by = str(c.get("recorded_by") or "")
            entries.append(
                (
                    str(c["recorded_at"]),
                    c["patient_id"],
                    int(c["granted"]),
                    c.get("method") or "written",
                    by,
                    "",
                    f"core:{c['id']}",
                )
            )
            if c.get("revoked_at"):
                entries.append(
                    (
                        str(c["revoked_at"]),
                        c["patient_id"],
                        0,
                        c.get("method") or "written",
                        by,
                        "revoked",
                        f"core:{c['id']}:revoked",
                    )
                )
    if "sync_consent" in tables:
        for c in _rows(conn, "SELECT * FROM sync_consent ORDER BY id"):
            entries.append(
                (
                    str(c["recorded_at"]),
                    c["patient_id"],
                    int(c["granted"]),
                    c.get("method") or "written",
                    str(c.get("recorded_by") or ""),
                    c.get("note") or "",
                    f"sync:{c['id']:012d}",
                )
            )
    for name in ("consent", "sync_consent"):
        if name in tables:
            conn.execute(f"DROP TABLE {name}")
    conn.execute(CONSENT)
    # time order (the sync history's own order for equal times): the latest entry wins
    for at, pid, granted, method, by, note, cid in sorted(entries, key=lambda e: (e[0], e[6])):
        conn.execute(
            "INSERT INTO consent (id, patient_id, scope, granted, method, recorded_by,"
            " recorded_at, note) VALUES (?,?,?,?,?,?,?,?)",
            (cid, pid, "mentor_review", granted, method, by, at, note),
        )


def migrate(conn: Any) -> None:
    tables = _tables(conn)
    for trigger in ("sync_consent_append_only",):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    _merge_outbox(conn, tables)
    _merge_consent(conn, tables)
    for statement in AFTER:
        conn.execute(statement)
