"""Medication check use case: validate the request, run the pure checks, apply overrides."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from appliance.clinical.meds import check_prescriptions
from appliance.clinical.meds_model import Alert, PatientInfo, Prescriber, PrescriptionItem
from appliance.config import Settings
from appliance.errors import InputError, OverrideReasonMissing
from appliance.i18n import get_lang
from appliance.knowledge.catalogs import meds_knowledge
from appliance.logsafe import redact
from appliance.services.ports import EnginePort

log = logging.getLogger("clinicbox.safety")
M = TypeVar("M", bound=BaseModel)


class AlertOverride(BaseModel):
    model_config = ConfigDict(extra="ignore")

    rule: str = Field(min_length=1, max_length=100)
    drug: str | None = None
    reason: str = ""


class MedsCheckRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    patient: PatientInfo = Field(default_factory=lambda: PatientInfo.model_validate({}))
    prescriptions: list[PrescriptionItem] = Field(min_length=1, max_length=100)
    prescriber: Prescriber | None = None
    diagnoses: list[str] = Field(default_factory=list)
    overrides: list[AlertOverride] = Field(default_factory=list)

    @field_validator("prescriptions", mode="before")
    @classmethod
    def _names_allowed(cls, v: object) -> object:
        """Accept plain drug names (``["阿莫西林", ...]``) as well as objects."""
        if isinstance(v, list):
            return [{"drug": x} if isinstance(x, str) else x for x in v]
        return v


def validate(model: type[M], data: Any) -> M:
    """Validate ``data`` against ``model``; errors name the fields and never echo values."""
    if isinstance(data, model):
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump()
    if not isinstance(data, dict):
        raise InputError("输入必须是一个 JSON 对象。", "The input must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where = [".".join(str(p) for p in e["loc"]) or "(root)" for e in exc.errors()[:8]]
        listing = "; ".join(f"{w} ({e['type']})" for w, e in zip(where, exc.errors(), strict=False))
        raise InputError(
            f"输入字段有误：{listing}",
            f"Invalid input field(s): {listing}",
            details={"fields": where},
        ) from None


def parse_meds_request(request: Any) -> MedsCheckRequest:
    return validate(MedsCheckRequest, request)


def tier_file(settings: Settings | None) -> Path | None:
    if settings is None:
        return None
    if settings.antibiotic_tier_file is not None:
        return Path(settings.antibiotic_tier_file)
    default = settings.data_dir / "antibiotic_tiers.toml"
    return default if default.is_file() else None


def _override_for(alert: Alert, overrides: list[AlertOverride]) -> AlertOverride | None:
    for o in overrides:
        if o.rule != alert.rule:
            continue
        if o.drug and not any(o.drug.strip() in d for d in alert.drugs):
            continue
        return o
    return None


def run_meds_check(
    request: Any, *, settings: Settings | None = None, session: Any = None
) -> dict[str, Any]:
    req = parse_meds_request(request)
    for o in req.overrides:
        if not o.reason.strip():
            raise OverrideReasonMissing(
                f"忽略警示 {o.rule} 时必须填写理由。", f"Override of {o.rule} needs a reason."
            )
    kb = meds_knowledge(tier_file(settings))
    prescriber = req.prescriber or Prescriber()
    alerts = check_prescriptions(
        req.patient, req.prescriptions, prescriber, knowledge=kb, diagnoses=req.diagnoses
    )
    lang = get_lang()
    out: list[dict[str, Any]] = []
    used: list[AlertOverride] = []
    for alert in alerts:
        item = alert.as_dict(lang)
        override = _override_for(alert, req.overrides)
        if override is not None:
            item["overridden"] = True
            item["override_reason"] = override.reason.strip()
            used.append(override)
        out.append(item)
    unused = [o.rule for o in req.overrides if o not in used]
    if unused:
        raise InputError(
            f"要忽略的警示不存在：{', '.join(unused)}",
            f"No such alert to override: {', '.join(unused)}",
        )
    if used and session is not None:
        for o in used:
            # The audit chain keeps who overrode what and why, but never identifiers a doctor
            # may have typed into the reason (names, phones, ID numbers are scrubbed).
            reason = redact(o.reason.strip())[:200]
            session.audit("meds.override", target=o.rule, detail={"reason": reason})
    return {"alerts": out, "formulary_version": kb.version}


class RecommendRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    diagnosis: str = Field(min_length=1, max_length=500)
    icd10: str = Field("", max_length=20)
    patient: PatientInfo = Field(default_factory=lambda: PatientInfo.model_validate({}))
    current_medications: list[PrescriptionItem] = Field(default_factory=list, max_length=100)
    prescriber: Prescriber | None = None


def run_recommend(
    request: Any,
    *,
    settings: Settings | None = None,
    engine: EnginePort | None = None,
    timeout_s: float | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    from appliance.clinical.meds_recommend import match_diagnosis, recommend
    from appliance.knowledge.catalogs import cite, recommend_entries

    req = validate(RecommendRequest, request)
    lang = get_lang()
    entry = match_diagnosis(req.diagnosis, req.icd10, recommend_entries())
    if entry is None:
        return {
            "diagnosis": req.diagnosis,
            "matched": None,
            "options": [],
            "excluded": [],
            "note": t_(
                "本机推荐库中没有该诊断的一线用药，请按指南人工选择。",
                "No first-line options for this diagnosis in the box's library; "
                "choose by the guideline.",
                lang,
            ),
        }
    kb = meds_knowledge(tier_file(settings))
    options, excluded = recommend(
        entry,
        req.patient,
        req.current_medications,
        req.prescriber or Prescriber(),
        knowledge=kb,
        diagnosis=req.diagnosis,
    )
    guideline = cite(entry.source)
    result: dict[str, Any] = {
        "diagnosis": req.diagnosis,
        "matched": entry.name_en if lang == "en" else entry.name_zh,
        "guideline": guideline,
        "note": entry.note,
        "options": [
            {
                "drug": o.drug.name_zh,
                "inn": o.drug.inn,
                "regimen": o.option.regimen,
                "dose_mg": o.dose_mg,
                "frequency_per_day": o.option.frequency_per_day,
                "guideline": guideline,
                "safe": o.safe,
                "alerts": [a.as_dict(lang) for a in o.alerts],
            }
            for o in options
        ],
        "excluded": [
            {
                "drug": x.drug.name_zh,
                "inn": x.drug.inn,
                "reason": (x.alerts[0].message_en if lang == "en" else x.alerts[0].message_zh),
                "alerts": [a.as_dict(lang) for a in x.alerts],
            }
            for x in excluded
        ],
        "formulary_version": kb.version,
    }
    if engine is not None and result["options"]:
        from appliance.services._safety_phrase import phrase_recommendation

        phrase_recommendation(result, engine, timeout_s, progress)
    return result


def t_(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" else zh


_RELEASE = {
    "ir": ("普通（速释）制剂", "immediate release"),
    "sr": ("缓释制剂", "sustained/extended release"),
    "cr": ("控释制剂", "controlled release"),
    "ec": ("肠溶制剂", "enteric-coated"),
}


def lookup_drug(name: str, *, settings: Settings | None = None) -> dict[str, Any] | None:
    """One formulary product with its limits, cautions and sibling release forms."""
    from appliance.clinical.meds_resolve import resolve_in
    from appliance.knowledge.catalogs import cite

    kb = meds_knowledge(tier_file(settings))
    drug = resolve_in(kb.index, name)
    if drug is None:
        return None
    molecule = drug.parent or drug.id
    siblings = [
        {"id": d.id, "name_zh": d.name_zh, "release": d.release or "ir", "brands": list(d.brands)}
        for d in kb.drugs
        if d.id != drug.id and (d.parent or d.id) == molecule
    ]
    cautions = [
        {
            "kind": r.kind,
            "severity": r.severity,
            "when": (
                f"eGFR<{r.egfr_below:g}"
                if r.egfr_below is not None
                else f"age>={r.min_age_years:g}"
                if r.min_age_years is not None
                else f"age<{r.below_age_years:g}"
                if r.below_age_years is not None
                else r.kind
            ),
            "message_zh": r.message_zh,
            "message_en": r.message_en,
            "rule": r.id,
        }
        for r in kb.patient_rules
        if drug.id == r.target.lstrip("=") or _rule_matches(drug, r.target)
    ]
    return {
        "id": drug.id,
        "name_zh": drug.name_zh,
        "inn": drug.inn,
        "brands": list(drug.brands),
        "atc": drug.atc,
        "classes": list(drug.classes),
        "forms": list(drug.forms),
        "release": drug.release or ("ir" if siblings else ""),
        "adult_dose_mg": [drug.adult_dose_min_mg, drug.adult_dose_max_mg],
        "adult_max_daily_mg": drug.adult_max_daily_mg,
        "max_frequency_per_day": drug.max_freq_per_day,
        "ped_dose_mg_per_kg": drug.ped_dose_mg_per_kg,
        "ped_max_daily_mg_per_kg": drug.ped_max_daily_mg_per_kg,
        "antibiotic_tier": drug.antibiotic_tier,
        "antibiotic_tier_parenteral": drug.antibiotic_tier_parenteral or drug.antibiotic_tier,
        "essential_medicine": drug.essential,
        "cautions": cautions,
        "other_forms": siblings,
        "source": cite(drug.source),
    }


def _rule_matches(drug: Any, target: str) -> bool:
    from appliance.clinical.meds_interact import matches

    return not target.startswith("=") and matches(drug, target)


def release_label(code: str, lang: str) -> str:
    zh, en = _RELEASE.get(code, ("", ""))
    return en if lang == "en" else zh
