"""Visit workspace autosave rows (table ``visit_autosave``, migration 0600).

A repository of typed rows: the service layer decides who may write what; this module only
reads and writes the encrypted store. Payloads are JSON text (Chinese kept as is).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from appliance.store.db import Store


@dataclass(frozen=True)
class AutosaveRow:
    user_id: str
    draft_key: str
    patient_id: str
    visit_id: str | None
    saved_at: str
    payload: dict[str, Any]


def put_autosave(
    store: Store,
    *,
    user_id: str,
    draft_key: str,
    patient_id: str,
    visit_id: str | None,
    payload: dict[str, Any],
) -> AutosaveRow:
    """Insert or replace the autosave of ``draft_key`` for ``user_id``."""
    saved_at = datetime.now(UTC).isoformat(timespec="seconds")
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)

    def write(conn: Any) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO visit_autosave"
            " (user_id, draft_key, patient_id, visit_id, saved_at, payload_json)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, draft_key, patient_id, visit_id, saved_at, text),
        )

    store.write_raw(write)
    return AutosaveRow(user_id, draft_key, patient_id, visit_id, saved_at, dict(payload))


def get_autosave(store: Store, *, user_id: str, draft_key: str) -> AutosaveRow | None:
    with store.read_raw() as conn:
        row = conn.execute(
            "SELECT patient_id, visit_id, saved_at, payload_json FROM visit_autosave"
            " WHERE user_id = ? AND draft_key = ?",
            (user_id, draft_key),
        ).fetchone()
    if row is None:
        return None
    try:
        payload = json.loads(row[3])
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    return AutosaveRow(user_id, draft_key, str(row[0]), row[1], str(row[2]), payload)


def delete_autosave(store: Store, *, user_id: str, draft_key: str) -> bool:
    def write(conn: Any) -> int:
        cursor = conn.execute(
            "DELETE FROM visit_autosave WHERE user_id = ? AND draft_key = ?",
            (user_id, draft_key),
        )
        return int(cursor.rowcount or 0)

    return store.write_raw(write) > 0
