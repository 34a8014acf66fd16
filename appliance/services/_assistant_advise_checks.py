"""What ``clinicbox advise`` asks of the other safety rules: triage level, medication and exam checks.

Each check degrades honestly: when a rule set is unavailable the step says it is unchecked
instead of failing the consultation.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from appliance.clinical.differential import ConditionDef
from appliance.i18n import t

log = logging.getLogger("clinicbox.assistant")


def triage_level(record: dict[str, Any], text: str) -> int | None:
    """The box's own triage level for the record (None when triage is unavailable)."""
    try:
        from appliance.services import safety
    except ImportError:
        return None
    patient = record.get("patient") or {}
    request: dict[str, Any] = {
        "complaint": (record.get("chief_complaint") or text)[:2000],
        "vitals": {k: v for k, v in (record.get("vitals") or {}).items()
                   if k in ("sbp", "dbp", "hr", "rr", "temp", "spo2", "glucose")},
        **{k: v for k, v in patient.items() if k in ("age", "sex") and v is not None},
    }  # fmt: skip
    try:
        result: Any = safety.triage(request, engine=None)
    except Exception as exc:
        log.warning("triage unavailable for advise: %s", exc.__class__.__name__)
        return None
    level = result.get("level") if isinstance(result, dict) else getattr(result, "level", None)
    return int(level) if level is not None else None


def _allergies(record: dict[str, Any]) -> list[str]:
    text = str(record.get("allergy_history", ""))
    if not text or re.search(r"^(无|否认)", text.strip()):
        return []
    return [a for a in re.split(r"[、，,；;\s]", text.replace("过敏", "")) if a]


def checked_drug_steps(record: dict[str, Any], condition: ConditionDef) -> list[str]:
    """The condition's usual township drugs, each checked by the medication rules."""
    if not condition.drugs:
        return []
    alerts_by_drug: dict[str, list[str]] = {}
    checked = False
    try:
        from appliance.services import safety

        patient = {k: v for k, v in (record.get("patient") or {}).items() if v is not None}
        request = {
            "patient": {**patient, "allergies": _allergies(record)},
            "prescriptions": [{"drug": d} for d in condition.drugs],
        }
        result: Any = safety.check_meds(request)
        alerts = result.get("alerts") if isinstance(result, dict) else getattr(result, "alerts", [])
        for alert in alerts or []:
            data = alert if isinstance(alert, dict) else alert.model_dump()
            for drug in data.get("drugs", []):
                alerts_by_drug.setdefault(drug, []).append(str(data.get("message", "")))
        checked = True
    except Exception as exc:  # rules not installed: say the options are unchecked
        log.info("medication rules unavailable for advise: %s", exc.__class__.__name__)
    steps = []
    for drug in condition.drugs:
        warnings = [m for name, ms in alerts_by_drug.items() if drug in name or name in drug
                    for m in ms]  # fmt: skip
        if warnings:
            steps.append(t(f"治疗选项：{drug}（用药警示：{'；'.join(warnings)}）",
                           f"Treatment option: {drug} (alert: {'; '.join(warnings)})"))  # fmt: skip
        else:
            note = t("，已过用药审核", ", passed the medication check") if checked else t(
                "，开具前请用用药审核核对", "; run a medication check first")  # fmt: skip
            steps.append(t(f"治疗选项：{drug}（{condition.name}常用药{note}）",
                           f"Treatment option: {drug} (usual for {condition.name}{note})"))  # fmt: skip
    return steps


_EXAM_SPLIT = re.compile(r"[、，,；;。：:（）()\s/]|和|或|及")


def exam_hint_steps(record: dict[str, Any], steps: list[str]) -> list[str]:
    """Suggested exams checked by the exam-ordering rules (repeat / not indicated hints)."""
    names = [w for step in steps for w in _EXAM_SPLIT.split(step) if 1 < len(w) <= 12]
    if not names:
        return []
    try:
        from appliance.services import safety

        request = {
            "exams": list(dict.fromkeys(names))[:50],
            "complaint": " ".join(
                str(record.get(f, "")) for f in ("chief_complaint", "present_illness")
            )[:4000],
            "age": (record.get("patient") or {}).get("age"),
        }
        result: Any = safety.exam_hints(request)
    except Exception as exc:  # rules not installed or request refused: no hints, say nothing
        log.info("exam hints unavailable for advise: %s", exc.__class__.__name__)
        return []
    return [
        t(f"检查提示（{h['exam']}）：{h['message']}", f"Exam hint ({h['exam']}): {h['message']}")
        for h in result.get("hints", [])
    ]
