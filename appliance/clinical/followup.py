"""Chronic-disease follow-up planner (慢病随访), pure.

Follows 国家基本公共卫生服务规范（第三版）for hypertension and type 2 diabetes: at least four
face-to-face follow-ups a year (every 90 days when controlled); urgent referral on danger
signs (BP ≥180/110, glucose ≥16.7 or ≤3.9 mmol/L, symptoms…) with a check within two weeks;
a recheck within two weeks when uncontrolled; referral after two consecutive uncontrolled
visits. Targets: BP <140/90 (<150/90 at ≥65 years), fasting glucose <7.0 mmol/L.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from appliance.clinical._text import find_terms, normalize

Condition = Literal["hypertension", "diabetes"]
Status = Literal["urgent_referral", "referral", "uncontrolled", "controlled", "no_data"]


@dataclass(frozen=True)
class FollowupVisit:
    """What was measured at the visit being planned from."""

    on: date
    sbp: float | None = None
    dbp: float | None = None
    hr: float | None = None
    temp: float | None = None
    fasting_glucose: float | None = None
    random_glucose: float | None = None
    symptoms: str = ""
    pregnant_or_lactating: bool = False


@dataclass(frozen=True)
class PlanReason:
    rule: str
    text_zh: str
    text_en: str
    source: str

    def as_dict(self, lang: str = "zh") -> dict[str, str]:
        return {"rule": self.rule, "text": self.text_en if lang == "en" else self.text_zh,
                "source": self.source}  # fmt: skip


@dataclass(frozen=True)
class FollowupPlan:
    condition: Condition
    status: Status
    rule: str
    interval_days: int
    next_due: date
    refer: bool
    urgent: bool
    reasons: tuple[PlanReason, ...]
    source: str
    target: str
    name_zh: str = ""
    name_en: str = ""

    @property
    def controlled(self) -> bool | None:
        if self.status == "no_data":
            return None
        return self.status == "controlled"

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "condition": self.condition,
            "condition_name": self.name_en if lang == "en" else self.name_zh,
            "status": self.status,
            "controlled": self.controlled,
            "refer": self.refer,
            "urgent": self.urgent,
            "rule": self.rule,
            "source": self.source,
            "target": self.target,
            "interval_days": self.interval_days,
            "next_due": self.next_due.isoformat(),
            "due_date": self.next_due.isoformat(),
            "reasons": [r.as_dict(lang) for r in self.reasons],
        }


@dataclass(frozen=True)
class FollowupKnowledge:
    conditions: dict[str, dict[str, Any]]
    sources: dict[str, str] = field(default_factory=dict)

    def cite(self, keys: str) -> str:
        return "；".join(
            self.sources.get(k.strip(), k.strip()) for k in keys.split(";") if k.strip()
        )


def chronic_conditions(diagnoses: list[tuple[str, str]], kb: FollowupKnowledge) -> list[Condition]:
    """Conditions under management among ``diagnoses`` (name, icd10) pairs."""
    found: list[Condition] = []
    for key in ("hypertension", "diabetes"):
        spec = kb.conditions[key]
        for name, icd in diagnoses:
            code = (icd or "").upper().replace(" ", "")
            by_code = any(code.startswith(p) for p in spec["icd10_prefixes"])
            by_name = bool(find_terms(name or "", spec["diagnosis_terms"]))
            if key == "diabetes" and by_name and "1型" in normalize(name or ""):
                by_name = False
            if by_code or by_name:
                found.append(key)
                break
    return found


def _urgent_reasons(
    cond: Condition, v: FollowupVisit, spec: dict[str, Any], src: str
) -> list[PlanReason]:
    out: list[PlanReason] = []
    if (v.sbp is not None and v.sbp >= spec["urgent_sbp"]) or (
        v.dbp is not None and v.dbp >= spec["urgent_dbp"]
    ):
        out.append(
            PlanReason(
                f"FU-{_tag(cond)}-URGENT-BP",
                f"血压 {_bp(v)} mmHg ≥{spec['urgent_sbp']}/{spec['urgent_dbp']}，紧急转诊",
                f"BP {_bp(v)} mmHg ≥{spec['urgent_sbp']}/{spec['urgent_dbp']}: urgent referral",
                src,
            )
        )
    if cond == "diabetes":
        g = v.fasting_glucose if v.fasting_glucose is not None else v.random_glucose
        if g is not None and (g >= spec["urgent_glucose_high"] or g <= spec["urgent_glucose_low"]):
            out.append(
                PlanReason(
                    "FU-DM-URGENT-GLUCOSE",
                    f"血糖 {g:g} mmol/L（≥{spec['urgent_glucose_high']} 或 ≤{spec['urgent_glucose_low']}），紧急转诊",
                    f"Glucose {g:g} mmol/L (≥{spec['urgent_glucose_high']} or ≤{spec['urgent_glucose_low']}): urgent referral",
                    src,
                )
            )
        if v.hr is not None and v.hr > spec["urgent_hr"]:
            out.append(
                PlanReason(
                    "FU-DM-URGENT-HR",
                    f"持续心动过速（心率 {v.hr:g} >{spec['urgent_hr']}）",
                    f"Persistent tachycardia (HR {v.hr:g} >{spec['urgent_hr']})",
                    src,
                )
            )
        if v.temp is not None and v.temp > spec["urgent_temp"]:
            out.append(
                PlanReason(
                    "FU-DM-URGENT-FEVER",
                    f"体温 {v.temp:g} °C >{spec['urgent_temp']}",
                    f"Temperature {v.temp:g} °C >{spec['urgent_temp']}",
                    src,
                )
            )
    symptoms = find_terms(v.symptoms, spec["urgent_symptoms"]) if v.symptoms else []
    if symptoms:
        listed = "、".join(symptoms[:4])
        out.append(
            PlanReason(
                f"FU-{_tag(cond)}-URGENT-SYMPTOM",
                f"危急症状：{listed}，紧急转诊",
                f"Danger symptoms: {', '.join(symptoms[:4])}: urgent referral",
                src,
            )
        )
    if v.pregnant_or_lactating and cond == "hypertension" and _bp_high(v, 140, 90):
        out.append(
            PlanReason(
                "FU-HTN-URGENT-PREGNANCY",
                "妊娠期或哺乳期血压高于正常，紧急转诊",
                "Raised BP in pregnancy or lactation: urgent referral",
                src,
            )
        )
    return out


def _tag(cond: Condition) -> str:
    return "HTN" if cond == "hypertension" else "DM"


def _bp(v: FollowupVisit) -> str:
    return (
        f"{v.sbp:g}/{v.dbp:g}" if v.sbp is not None and v.dbp is not None else f"{v.sbp or v.dbp:g}"
    )


def _bp_high(v: FollowupVisit, sbp: float, dbp: float) -> bool:
    return (v.sbp is not None and v.sbp >= sbp) or (v.dbp is not None and v.dbp >= dbp)


def _control(
    cond: Condition, v: FollowupVisit, age: float | None, spec: dict[str, Any]
) -> tuple[bool | None, str]:
    if cond == "hypertension":
        elderly = age is not None and age >= spec["elderly_age"]
        sbp_t = spec["elderly_target_sbp"] if elderly else spec["target_sbp"]
        dbp_t = spec["elderly_target_dbp"] if elderly else spec["target_dbp"]
        target = f"<{sbp_t}/{dbp_t} mmHg"
        if v.sbp is None and v.dbp is None:
            return None, target
        return not _bp_high(v, sbp_t, dbp_t), target
    target = f"FPG <{spec['target_fasting_glucose']} mmol/L"
    if v.fasting_glucose is None:
        return None, target
    return v.fasting_glucose < spec["target_fasting_glucose"], target


def plan_followup(
    condition: Condition,
    visit: FollowupVisit,
    *,
    age: float | None,
    previous_uncontrolled: int,
    kb: FollowupKnowledge,
) -> FollowupPlan:
    """The plan after ``visit``. ``previous_uncontrolled``: consecutive uncontrolled visits just
    before this one (0 if the last one was controlled or unknown)."""
    spec = kb.conditions[condition]
    src = kb.cite(spec["source"])
    tag = _tag(condition)
    urgent = _urgent_reasons(condition, visit, spec, src)
    ok, target = _control(condition, visit, age, spec)

    def plan(
        status: Status, interval: str, reasons: tuple[PlanReason, ...], *, refer: bool = False
    ) -> FollowupPlan:
        days = int(spec[interval])
        return FollowupPlan(
            condition,
            status,
            reasons[0].rule,
            days,
            visit.on + timedelta(days=days),
            refer or status == "urgent_referral",
            status == "urgent_referral",
            reasons,
            src,
            target,
            spec["name_zh"],
            spec["name_en"],
        )

    if urgent:
        return plan("urgent_referral", "referral_followup_days", tuple(urgent))
    if ok is None:
        reason = PlanReason(
            f"FU-{tag}-NO-MEASUREMENT",
            "本次未记录控制指标，按季度随访并请测量",
            "No control measurement recorded: quarterly follow-up, please measure",
            src,
        )
        return plan("no_data", "interval_controlled_days", (reason,))
    if ok:
        days = int(spec["interval_controlled_days"])
        per_year = spec["visits_per_year"]
        reason = PlanReason(
            f"FU-{tag}-CONTROLLED",
            f"控制满意（目标 {target}），{days} 天后随访（每年至少 {per_year} 次）",
            f"Controlled (target {target}): next visit in {days} days (≥{per_year} a year)",
            kb.cite(spec["target_source"]),
        )
        return plan("controlled", "interval_controlled_days", (reason,))
    if previous_uncontrolled >= 1:
        reason = PlanReason(
            f"FU-{tag}-REFER-TWO-UNCONTROLLED",
            "连续两次随访控制不满意，建议转诊上级医院，2 周内随访转诊结果",
            "Uncontrolled at two consecutive visits: refer to the mentor hospital; check back within 2 weeks",
            src,
        )
        return plan("referral", "referral_followup_days", (reason,), refer=True)
    reason = PlanReason(
        f"FU-{tag}-UNCONTROLLED-RECHECK",
        f"控制不满意（目标 {target}），调整用药，2 周内随访",
        f"Not controlled (target {target}): adjust treatment, recheck within 2 weeks",
        src,
    )
    return plan("uncontrolled", "recheck_uncontrolled_days", (reason,))


def due_status(next_due: date, today: date) -> Literal["due", "overdue"] | None:
    if next_due < today:
        return "overdue"
    if next_due == today:
        return "due"
    return None
