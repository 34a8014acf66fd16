"""Exam-ordering hints use case: prior exams from the request and/or the store."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from appliance.clinical.exams import PriorExam, exam_hints, identify_exam
from appliance.config import Settings
from appliance.i18n import get_lang
from appliance.knowledge.catalogs import exam_knowledge
from appliance.services._safety_meds import validate
from appliance.services.ports import StorePort
from appliance.store import reports

log = logging.getLogger("clinicbox.safety")


class PriorExamIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    exam: str = Field(min_length=1, max_length=200)
    date: date
    result: str = Field("", max_length=2000)


class ExamRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    exams: list[str] = Field(min_length=1, max_length=50)
    complaint: str = Field("", max_length=4000)
    age: float | None = Field(None, ge=0, le=130)
    gcs: float | None = Field(None, ge=3, le=15)
    duration_days: float | None = Field(None, ge=0, le=36500)
    patient_id: str | None = None
    prior: list[PriorExamIn] = Field(default_factory=list, max_length=500)
    today: date | None = None


def prior_from_store(store: StorePort, patient_id: str) -> list[PriorExam]:
    """Exams named in the auxiliary exams of the patient's earlier records, dated by record."""
    kb = exam_knowledge()
    found: list[PriorExam] = []
    try:
        with store.read() as db:
            rows = reports.current_records_of_patient(db, patient_id)
    except Exception as exc:
        log.warning("exam history unavailable: %s", exc.__class__.__name__)
        return found
    for content, created in rows:
        try:
            data = json.loads(content)
        except (TypeError, ValueError):
            continue
        rec = data.get("record", data) if isinstance(data, dict) else {}
        text = str(rec.get("auxiliary_exams") or "") if isinstance(rec, dict) else ""
        for piece in text.replace("；", "，").replace(";", "，").split("，"):
            exam = identify_exam(piece, kb) if piece.strip() else None
            if exam is not None:
                found.append(
                    PriorExam(
                        exam.name_zh, date.fromisoformat(str(created)[:10]), piece.strip()[:200]
                    )
                )
    return found


def run_exam_hints(
    request: Any, *, store: StorePort | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    req = validate(ExamRequest, request)
    today = req.today or date.today()
    prior = [PriorExam(p.exam, p.date, p.result) for p in req.prior]
    if store is not None and req.patient_id:
        prior += prior_from_store(store, req.patient_id)
    window = settings.exam_repeat_window_days if settings is not None else 30
    hints, unknown = exam_hints(
        req.exams,
        complaint=req.complaint,
        age=req.age,
        gcs=req.gcs,
        duration_text_days=req.duration_days,
        prior=prior,
        today=today,
        default_window_days=window,
        kb=exam_knowledge(),
    )
    lang = get_lang()
    return {"hints": [h.as_dict(lang) for h in hints], "unrecognised_exams": unknown}
