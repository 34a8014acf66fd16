"""Autosaved visit workspaces: what the doctor typed, kept encrypted until the visit is saved.

The visit screen calls :meth:`VisitAutosaveMixin.save_visit_draft` a moment after every edit and
:meth:`~VisitAutosaveMixin.load_visit_draft` when it opens, so a crash, a power cut or a stray key
loses nothing. Each user has their own autosave per patient and visit (``visit_id`` None: a new
visit). The payload is the workspace as the screen holds it (record fields, vitals, transcript,
prescriptions, follow-up note); it is not a saved record and never leaves the box.
"""

from __future__ import annotations

import json
import re
from typing import Any

from appliance.errors import InputError
from appliance.services._clinic_types import JSON

#: Enough for a long dictation plus a full record; a bigger payload is a client bug.
MAX_PAYLOAD_CHARS = 200_000
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def draft_key(patient_id: str, visit_id: str | None) -> str:
    for value in (patient_id, visit_id):
        if value is not None and not _ID.match(value):
            raise InputError("草稿编号无效。", "Invalid draft id.")
    return f"{patient_id}/{visit_id or 'new'}"


class VisitAutosaveMixin:
    """``save_visit_draft`` / ``load_visit_draft`` / ``discard_visit_draft`` of the service."""

    def _require(self, permission: str) -> Any:  # provided by LocalClinicService
        raise NotImplementedError

    def save_visit_draft(self, patient_id: str, visit_id: str | None, payload: JSON) -> JSON:
        session = self._require("visit.write")
        if not isinstance(payload, dict):
            raise InputError("草稿内容必须是 JSON 对象。", "A draft must be a JSON object.")
        if len(json.dumps(payload, ensure_ascii=False)) > MAX_PAYLOAD_CHARS:
            raise InputError("草稿内容过长，未能自动保存。", "The draft is too large to autosave.")
        from appliance.store import autosave

        row = autosave.put_autosave(
            session.store,
            user_id=str(session.user_id),
            draft_key=draft_key(patient_id, visit_id),
            patient_id=patient_id,
            visit_id=visit_id,
            payload=dict(payload),
        )
        return {"saved_at": row.saved_at}

    def load_visit_draft(self, patient_id: str, visit_id: str | None) -> JSON | None:
        session = self._require("visit.write")
        from appliance.store import autosave

        row = autosave.get_autosave(
            session.store, user_id=str(session.user_id), draft_key=draft_key(patient_id, visit_id)
        )
        if row is None:
            return None
        return {"saved_at": row.saved_at, "payload": row.payload}

    def discard_visit_draft(self, patient_id: str, visit_id: str | None) -> None:
        session = self._require("visit.write")
        from appliance.store import autosave

        autosave.delete_autosave(
            session.store, user_id=str(session.user_id), draft_key=draft_key(patient_id, visit_id)
        )
