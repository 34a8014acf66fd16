"""The one outbox of the box and the sync agent's tables (state, pseudonym links, replies,
installed updates). Functions take the ``sqlite_utils.Database`` of the current transaction
(``store.read()`` / ``store.write(fn)``); the sync area decides what to send, this module only
reads and writes rows.

One row per case version: ``requested`` (a referral waiting to be sealed) → ``pending`` (sealed
bundle, waiting to be uploaded) → ``sent`` / ``rejected``. Case versions are unique: asking or
sealing twice never makes a twin.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

import sqlite_utils

Row = dict[str, Any]


def _rows(db: sqlite_utils.Database, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    return list(db.query(sql, params))


def case_key(kind: str, case_id: str, version: int) -> str:
    return f"{'referral' if kind == 'case' else kind}:{case_id}:{version}"


# --- agent state ---------------------------------------------------------------------------


def get_state(db: sqlite_utils.Database) -> dict[str, str]:
    return {r["key"]: r["value"] for r in _rows(db, "SELECT key, value FROM sync_state")}


def set_state(db: sqlite_utils.Database, values: Mapping[str, str]) -> None:
    for key, value in values.items():
        db.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


# --- cases ---------------------------------------------------------------------------------


def case(db: sqlite_utils.Database, case_id: str, version: int) -> Row | None:
    found = _rows(
        db,
        "SELECT id, kind, state, size, patient_id, payload_json FROM outbox"
        " WHERE case_id = ? AND version = ?",
        (case_id, version),
    )
    return found[0] if found else None


def request_case(
    db: sqlite_utils.Database,
    *,
    case_id: str,
    version: int,
    patient_id: str,
    payload: Mapping[str, Any],
    at: str,
) -> str:
    """A referral waiting to be sealed; returns its outbox id."""
    outbox_id = secrets.token_hex(8)
    db.execute(
        "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, payload_json,"
        " case_id, version, state, created_at, updated_at)"
        " VALUES (?, 'case', ?, ?, ?, ?, ?, ?, 'requested', ?, ?)",
        (
            outbox_id,
            case_id,
            patient_id,
            case_key("case", case_id, version),
            json.dumps(dict(payload), ensure_ascii=False),
            case_id,
            version,
            at,
            at,
        ),
    )
    return outbox_id


def requested_cases(db: sqlite_utils.Database) -> list[Row]:
    return _rows(
        db,
        "SELECT id, case_id, version, patient_id, payload_json FROM outbox"
        " WHERE state = 'requested' ORDER BY created_at, case_id",
    )


def store_bundle(
    db: sqlite_utils.Database,
    *,
    case_id: str,
    version: int,
    kind: str,
    patient_id: str | None,
    bundle: bytes,
    digest: str,
    at: str,
) -> None:
    """Put a sealed bundle in the case's row (a request becomes ``pending``); a version that is
    already sealed keeps its first bundle."""
    db.execute(
        "UPDATE outbox SET bundle = ?, size = ?, content_hash = ?, state = 'pending',"
        " updated_at = ? WHERE case_id = ? AND version = ? AND state = 'requested'",
        (bundle, len(bundle), digest, at, case_id, version),
    )
    db.execute(
        "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, case_id, version,"
        " bundle, size, content_hash, state, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING",
        (
            secrets.token_hex(8),
            kind,
            case_id if kind == "case" else None,
            patient_id,
            case_key(kind, case_id, version),
            case_id,
            version,
            bundle,
            len(bundle),
            digest,
            at,
            at,
        ),
    )


def last_version(db: sqlite_utils.Database, case_id: str) -> Row | None:
    found = _rows(
        db,
        "SELECT version, content_hash FROM outbox WHERE case_id = ? AND bundle IS NOT NULL"
        " ORDER BY version DESC LIMIT 1",
        (case_id,),
    )
    return found[0] if found else None


def referred_visits(db: sqlite_utils.Database) -> set[str]:
    """Visits with a referral (requested or sealed)."""
    return {
        str(r["ref_id"])
        for r in _rows(db, "SELECT ref_id FROM outbox WHERE kind = 'case' AND ref_id IS NOT NULL")
    }


def pending(db: sqlite_utils.Database, limit: int) -> list[Row]:
    """Sealed bundles waiting to be sent, smallest first (bandwidth-aware), then oldest."""
    return _rows(
        db,
        "SELECT case_id, version, size, attempts, upload_id FROM outbox"
        " WHERE state = 'pending' AND bundle IS NOT NULL"
        " ORDER BY size, created_at, case_id LIMIT ?",
        (limit,),
    )


def bundle_of(db: sqlite_utils.Database, case_id: str, version: int) -> bytes:
    rows = _rows(
        db, "SELECT bundle FROM outbox WHERE case_id = ? AND version = ?", (case_id, version)
    )
    return bytes(rows[0]["bundle"])


def mark(
    db: sqlite_utils.Database, case_id: str, version: int, state: str, error: str | None, at: str
) -> None:
    db.execute(
        "UPDATE outbox SET state = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
        " last_error = ?, attempts = attempts + 1, updated_at = ? WHERE case_id = ? AND version = ?",
        (state, state, at, error, at, case_id, version),
    )


def note_attempt(
    db: sqlite_utils.Database, case_id: str, version: int, error: str, upload_id: str | None
) -> None:
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
        " upload_id = COALESCE(?, upload_id) WHERE case_id = ? AND version = ?",
        (error[:200], upload_id, case_id, version),
    )


def counts(db: sqlite_utils.Database) -> dict[str, Any]:
    by_state = {
        r["state"]: r["n"]
        for r in _rows(db, "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
    }
    pend = _rows(
        db,
        "SELECT COALESCE(SUM(size), 0) AS b, MIN(created_at) AS oldest FROM outbox"
        " WHERE state = 'pending' AND bundle IS NOT NULL",
    )[0]
    return {"by_state": by_state, "pending_bytes": pend["b"], "oldest_pending": pend["oldest"]}


# --- pseudonyms and replies ------------------------------------------------------------------


def link_pseudonym(db: sqlite_utils.Database, pseudonym: str, patient_id: str, at: str) -> None:
    db.execute(
        "INSERT INTO sync_links (pseudonym, patient_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (pseudonym, patient_id, at),
    )


def save_reply(db: sqlite_utils.Database, seq: int, payload: Mapping[str, Any], at: str) -> bool:
    """One reply re-linked to its patient, and the reply cursor advanced (same transaction)."""
    link = _rows(
        db, "SELECT patient_id FROM sync_links WHERE pseudonym = ?", (payload.get("pseudonym"),)
    )
    cur = db.execute(
        "INSERT INTO sync_replies (reply_id, seq, case_id, case_version, pseudonym, patient_id,"
        " mentor, advice, created_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (
            payload["reply_id"],
            seq,
            payload["case_id"],
            int(payload["case_version"]),
            payload.get("pseudonym"),
            link[0]["patient_id"] if link else None,
            str(payload["mentor"]),
            str(payload["advice"]),
            str(payload["created_at"]),
            at,
        ),
    )
    db.execute(
        "INSERT INTO sync_state (key, value) VALUES ('reply_cursor', ?) ON CONFLICT (key) DO UPDATE"
        " SET value = CAST(MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
        (str(seq),),
    )
    return bool(cur.rowcount)


def replies(db: sqlite_utils.Database, patient_id: str | None = None) -> list[Row]:
    if patient_id:
        return _rows(
            db, "SELECT * FROM sync_replies WHERE patient_id = ? ORDER BY seq", (patient_id,)
        )
    return _rows(db, "SELECT * FROM sync_replies ORDER BY seq")


def reply_counts(db: sqlite_utils.Database) -> tuple[int, int]:
    total = _rows(db, "SELECT COUNT(*) AS n FROM sync_replies")[0]["n"]
    unread = _rows(db, "SELECT COUNT(*) AS n FROM sync_replies WHERE read_at IS NULL")[0]["n"]
    return int(total), int(unread)


# --- installed updates -----------------------------------------------------------------------


def installed_updates(db: sqlite_utils.Database) -> set[tuple[str, str]]:
    return {(r["kind"], r["version"]) for r in _rows(db, "SELECT kind, version FROM sync_updates")}


def record_update(db: sqlite_utils.Database, kind: str, version: str, at: str) -> None:
    db.execute(
        "INSERT INTO sync_updates (kind, version, installed_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (kind, version, at),
    )
