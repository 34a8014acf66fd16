"""Patients and visits of the clinic service (over the store helper's services)."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from appliance.errors import InputError
from appliance.services._clinic_types import JSON, Patient, VisitDraft, VisitSummary
from appliance.services._parts import as_json


@lru_cache(maxsize=4096)
def pinyin_initials(name: str) -> str:
    """``张三`` → ``zs``; Latin letters are kept, other characters dropped."""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pragma: no cover - pypinyin is a core dependency
        return ""
    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for part in letters for ch in part.lower() if ch.isalnum())


def age_on(birth_date: str | None, today: date | None = None) -> int | None:
    if not birth_date:
        return None
    try:
        born = date.fromisoformat(str(birth_date)[:10])
    except ValueError:
        return None
    today = today or date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def matches(patient: Patient, query: str) -> bool:
    """Name substring, pinyin initials prefix, patient id / ID number / phone substring."""
    q = query.strip().lower()
    if not q:
        return True
    name = str(patient.get("name") or "")
    if q in name.lower():
        return True
    if q.isascii() and q.isalpha() and pinyin_initials(name).startswith(q):
        return True
    digits = re.sub(r"\s+", "", q)
    for key in ("patient_id", "id_number", "phone"):
        if digits and digits in str(patient.get(key) or "").lower():
            return True
    return False


def enrich(raw: Any) -> Patient:
    data = as_json(raw)
    patient: Patient = dict(data) if isinstance(data, dict) else {}  # type: ignore[assignment]
    if "patient_id" not in patient and "id" in patient:
        patient["patient_id"] = str(data["id"])
    patient["pinyin"] = pinyin_initials(str(patient.get("name") or ""))
    age = age_on(patient.get("birth_date"))
    if age is not None:
        patient["age"] = age
    return patient


class PatientsMixin:
    runtime: Any

    def _session(self) -> Any:
        raise NotImplementedError

    # --- patients ------------------------------------------------------------------------
    def search_patients(self, query: str = "", limit: int = 50) -> list[Patient]:
        from appliance.services import patients

        session = self._session()
        q = query.strip()
        if not q:
            return [enrich(r) for r in patients.list_patients(session, limit=limit)][:limit]
        found = [enrich(r) for r in patients.search_patients(session, q, limit=max(limit, 200))]
        if len(found) < limit and q.isascii() and (q.isalpha() or q.isdigit()):
            # Pinyin initials and partial phone numbers: filter the clinic's list here.
            seen = {p.get("patient_id") for p in found}
            for raw in patients.list_patients(session, limit=5000):
                p = enrich(raw)
                if p.get("patient_id") not in seen and matches(p, q):
                    found.append(p)
        return found[:limit]

    def get_patient(self, patient_id: str) -> Patient:
        from appliance.services import patients

        return enrich(patients.get_patient(self._session(), patient_id))

    def add_patient(self, data: Patient) -> str:
        from appliance.services import patients

        if not str(data.get("name") or "").strip():
            raise InputError("请填写患者姓名。", "The patient's name is required.")
        result = patients.add_patient(self._session(), dict(data))
        return str(result["patient_id"])

    def patient_visits(self, patient_id: str) -> list[VisitSummary]:
        from appliance.services import visits

        rows = visits.list_visits(self._session(), patient_id)
        return [dict(r) for r in rows]  # type: ignore[misc]

    # --- visits --------------------------------------------------------------------------
    def get_visit(self, visit_id: str) -> VisitDraft:
        from appliance.services import visits

        return visits.get_visit(self._session(), visit_id)  # type: ignore[return-value]

    def save_visit(self, draft: VisitDraft) -> VisitSummary:
        """The box recomputes alerts, QC, triage and the follow-up plan; see
        :func:`visits.save_visit`."""
        from appliance.services import visits

        return visits.save_visit(  # type: ignore[return-value]
            self._session(), dict(draft), settings=self.runtime.settings
        )

    def amend_visit(
        self,
        visit_id: str,
        record: JSON,
        reason: str,
        overrides: list[JSON] | None = None,
        followup_note: str | None = None,
    ) -> VisitSummary:
        from appliance.services import visits

        return visits.amend_visit(  # type: ignore[return-value]
            self._session(),
            visit_id,
            record,
            reason,
            overrides or [],
            followup_note=followup_note,
            settings=self.runtime.settings,
        )

    def visit_of_record(self, record_id: str) -> str:
        """The visit a record id belongs to (in-process only; ``sync refer --record``)."""
        from appliance.services import referrals

        return referrals.visit_of_record(self._session(), record_id)

    def refer_to_mentor(self, visit_id: str, question: str) -> JSON:
        from appliance.services import referrals

        return referrals.refer_visit(
            self._session(), visit_id, question, sealer=self.runtime.referral_sealer()
        )
