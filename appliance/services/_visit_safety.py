"""What the box computes for every record version it saves: medication alerts, QC, the
triage level and the chronic-disease follow-up plan — from the record and the store's patient
(and, for the plan, the patient's previous plan), never from what a client sent — and
what a signature needs (chief complaint, a diagnosis, an override for each major or
contraindicated alert).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from appliance.clinical.meds import check_prescriptions
from appliance.clinical.meds_model import PatientInfo, Prescriber, PrescriptionItem
from appliance.clinical.vocabulary import parse_allergies
from appliance.config import Settings
from appliance.errors import ClinicBoxError, InputError, OverrideReasonMissing, SignBlocked
from appliance.i18n import get_lang
from appliance.knowledge.catalogs import meds_knowledge
from appliance.services._safety_followup import make_plans, plan_dict
from appliance.services._safety_meds import tier_file
from appliance.services._safety_triage import run_triage
from appliance.services.emr import run_qc
from appliance.services.ports import StorePort

JSON = dict[str, Any]

#: Alerts a doctor must explicitly override (rule + reason) before signing.
NEEDS_OVERRIDE = ("contraindicated", "major")
_TRIAGE_VITALS = ("sbp", "dbp", "hr", "rr", "temp", "spo2", "gcs", "glucose", "pain")


@dataclass
class BoxSafety:
    """The box's own results for one record version."""

    alerts: list[JSON] = field(default_factory=list)
    qc: JSON = field(default_factory=dict)
    triage: JSON | None = None
    followup_plan: JSON | None = None


def _age(birth_date: object) -> float | None:
    if not birth_date:
        return None
    try:
        born = date.fromisoformat(str(birth_date)[:10])
    except ValueError:
        return None
    today = date.today()
    return float(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def _diagnosis_names(record: Mapping[str, Any]) -> list[str]:
    names = []
    for dx in record.get("diagnoses") or []:
        name = dx.get("name") if isinstance(dx, Mapping) else dx
        if str(name or "").strip():
            names.append(str(name).strip())
    return names


def _prescriptions(record: Mapping[str, Any]) -> list[PrescriptionItem]:
    items = []
    for i, raw in enumerate(record.get("prescriptions") or []):
        data = {"drug": raw} if isinstance(raw, str) else raw
        if not isinstance(data, Mapping) or not str(data.get("drug") or "").strip():
            continue
        try:
            items.append(PrescriptionItem.model_validate(dict(data)))
        except ValidationError as exc:
            where = [
                f"record.prescriptions.{i}." + ".".join(map(str, e["loc"])) for e in exc.errors()
            ]
            raise InputError(
                f"处方字段有误：{', '.join(where)}",
                f"Invalid prescription field(s): {', '.join(where)}",
                details={"fields": where},
            ) from None
    return items


def patient_facts(patient_row: Mapping[str, Any], record: Mapping[str, Any]) -> PatientInfo:
    """The patient as the medication checks see it: age and sex from the register; allergies
    from the record's 过敏史 (否认/无/NKDA = none) and any listed allergens; conditions from the
    diagnoses and past history; weight from the vitals."""
    allergies = parse_allergies(str(record.get("allergy_history") or ""))
    for extra in record.get("allergies") or []:
        if str(extra).strip() and str(extra).strip() not in allergies:
            allergies.append(str(extra).strip())
    conditions = _diagnosis_names(record)
    past = str(record.get("past_history") or "").strip()
    if past:
        conditions.append(past)
    vitals = record.get("vitals") or {}
    weight = vitals.get("weight_kg") if isinstance(vitals, Mapping) else None
    sex = patient_row.get("sex")
    return PatientInfo.model_validate(
        {
            "age": _age(patient_row.get("birth_date")),
            "sex": sex if sex in ("M", "F") else None,
            "weight_kg": float(weight)
            if isinstance(weight, int | float) and 0 < weight <= 400
            else None,
            "allergies": allergies,
            "conditions": conditions,
        }
    )


def compute_alerts(
    patient_row: Mapping[str, Any],
    record: Mapping[str, Any],
    privilege: str,
    settings: Settings | None = None,
) -> list[JSON]:
    items = _prescriptions(record)
    if not items:
        return []
    kb = meds_knowledge(tier_file(settings))
    prescriber = Prescriber.model_validate({"antibiotic_privilege": privilege})
    alerts = check_prescriptions(
        patient_facts(patient_row, record),
        items,
        prescriber,
        knowledge=kb,
        diagnoses=_diagnosis_names(record),
    )
    lang = get_lang()
    return [dict(a.as_dict(lang)) for a in alerts]


def compute_triage(patient_row: Mapping[str, Any], record: Mapping[str, Any]) -> JSON | None:
    complaint = str(record.get("chief_complaint") or "").strip()
    if not complaint:
        return None
    vitals = record.get("vitals") or {}
    request: JSON = {
        "complaint": complaint,
        "vitals": {k: vitals[k] for k in _TRIAGE_VITALS if vitals.get(k) is not None},
    }
    age = _age(patient_row.get("birth_date"))
    if age is not None:
        request["age"] = age
    if patient_row.get("sex") in ("M", "F"):
        request["sex"] = patient_row["sex"]
    try:
        return run_triage(request, None, use_llm=False)
    except ClinicBoxError:  # implausible vitals: QC reports them; the draft is still kept
        return None


def compute_qc(
    patient_row: Mapping[str, Any], record: Mapping[str, Any], signer: str | None = None
) -> JSON:
    """QC of the record as it will be stored; ``signer`` when it is being signed (病历书写基本规范
    第八条: signature and time are part of the record)."""
    data = dict(record)
    if signer:
        data.setdefault("doctor", signer)
        data.setdefault("signed_at", date.today().isoformat())
    patient: JSON = {}
    age = _age(patient_row.get("birth_date"))
    if age is not None:
        patient["age"] = age
    if patient_row.get("sex") in ("M", "F"):
        patient["sex"] = patient_row["sex"]
    if patient:
        data["patient"] = patient
    return run_qc(data, use_llm=False)


def compute_followup(
    patient_row: Mapping[str, Any],
    record: Mapping[str, Any],
    store: StorePort | None = None,
    history_before: str | None = None,
) -> JSON | None:
    """The follow-up plan (国家基本公共卫生服务规范: hypertension, type 2 diabetes) for this
    record, or None when no chronic condition applies. With the ``store``, the patient's
    previous plan (made before ``history_before``, when given) decides "two consecutive
    uncontrolled visits" (referral)."""
    try:
        plans = make_plans(
            dict(patient_row), dict(record), store=store, history_before=history_before
        )
    except InputError:  # a malformed diagnosis list: QC reports it; the draft is still kept
        return None
    return plan_dict(plans) or None


def compute(
    patient_row: Mapping[str, Any],
    record: Mapping[str, Any],
    privilege: str,
    settings: Settings | None = None,
    signer: str | None = None,
    store: StorePort | None = None,
    history_before: str | None = None,
) -> BoxSafety:
    return BoxSafety(
        alerts=compute_alerts(patient_row, record, privilege, settings),
        qc=compute_qc(patient_row, record, signer),
        triage=compute_triage(patient_row, record),
        followup_plan=compute_followup(patient_row, record, store, history_before),
    )


def override_rule(override: Mapping[str, Any]) -> str:
    """``{"rule", "reason"}`` (the contract) or ``{"alert": {...}, "reason"}`` (the TUI)."""
    rule = override.get("rule")
    if not rule and isinstance(override.get("alert"), Mapping):
        rule = override["alert"].get("rule")
    return str(rule or "").strip()


def apply_overrides(alerts: list[JSON], overrides: Sequence[Mapping[str, Any]]) -> int:
    """Mark each box alert the doctor overrode (by rule, optionally narrowed to a drug) with the
    reason; overrides of alerts the box did not raise are ignored. Returns how many applied."""
    applied = 0
    for override in overrides:
        rule = override_rule(override)
        reason = str(override.get("reason") or "").strip()
        if not rule:
            continue
        if not reason:
            raise OverrideReasonMissing(
                f"忽略警示 {rule} 时必须填写理由。", f"Override of {rule} needs a reason."
            )
        drug = str(override.get("drug") or "").strip()
        for alert in alerts:
            if alert.get("rule") != rule or alert.get("overridden"):
                continue
            if drug and not any(drug in str(d) for d in alert.get("drugs") or []):
                continue
            alert["overridden"] = True
            alert["override_reason"] = reason
            applied += 1
    return applied


def sign_problems(record: Mapping[str, Any], alerts: Sequence[Mapping[str, Any]]) -> list[str]:
    """What stops a signature: ``chief_complaint``, ``diagnoses``, ``override:<rule>``."""
    missing = []
    if not str(record.get("chief_complaint") or "").strip():
        missing.append("chief_complaint")
    if not _diagnosis_names(record):
        missing.append("diagnoses")
    for alert in alerts:
        if alert.get("severity") in NEEDS_OVERRIDE and not alert.get("overridden"):
            key = f"override:{alert.get('rule')}"
            if key not in missing:
                missing.append(key)
    return missing


def require_signable(record: Mapping[str, Any], alerts: Sequence[Mapping[str, Any]]) -> None:
    missing = sign_problems(record, alerts)
    if not missing:
        return
    zh, en = [], []
    if "chief_complaint" in missing:
        zh.append("缺少主诉")
        en.append("the chief complaint is missing")
    if "diagnoses" in missing:
        zh.append("至少需要一个诊断")
        en.append("at least one diagnosis is needed")
    rules = [m.removeprefix("override:") for m in missing if m.startswith("override:")]
    if rules:
        zh.append(
            f"以下严重用药警示需写明忽略理由（overrides 中的 rule 与 reason）：{'、'.join(rules)}"
        )
        en.append(
            f"these major/contraindicated alerts need an override (rule and reason): {', '.join(rules)}"
        )
    raise SignBlocked(
        "不能签名：" + "；".join(zh) + "。",
        "Cannot sign: " + "; ".join(en) + ".",
        details={"missing": missing},
    )
