"""Clinical safety use cases for the CLI, TUI and API.

- :func:`triage` — level 1-4, disposition, department, referral, cited reasons (rules; the
  LLM, when given, may only raise urgency).
- :func:`check_meds` — medication safety alerts (interactions, allergy, dose, renal, pregnancy,
  age, duplicates, antibiotic stewardship, unknown drugs) with override reasons.
- :func:`recommend_meds` — first-line options for a diagnosis, filtered through every check.
- :func:`exam_hints` — repeat/unneeded imaging hints.
- :func:`followup_plan` / :func:`followup_due` — chronic-disease follow-up (hypertension, T2DM).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from appliance.clinical.meds_model import Drug
from appliance.config import Settings
from appliance.knowledge import catalogs
from appliance.services._safety_exams import run_exam_hints
from appliance.services._safety_followup import due_list, make_plans, plan_dict
from appliance.services._safety_meds import MedsCheckRequest, run_meds_check, run_recommend
from appliance.services._safety_triage import run_triage
from appliance.services.ports import EnginePort, StorePort

__all__ = [
    "MedsCheckRequest",
    "check_meds",
    "drug_info",
    "exam_hints",
    "followup_due",
    "followup_plan",
    "recommend_meds",
    "resolve_drug",
    "triage",
]


def triage(
    request: Any,
    engine: EnginePort | None = None,
    *,
    use_llm: bool = True,
    timeout_s: float | None = None,
) -> dict[str, Any]:
    """``clinicbox triage`` contract: level 1-4, disposition, department, refer, reasons.

    Rules decide instantly; with an ``engine`` the model's opinion is merged so that the more
    urgent level wins (the model never lowers a rule verdict). ``request`` is a dict or a
    :class:`~appliance.clinical.triage_model.TriageRequest`.
    """
    return run_triage(request, engine, use_llm=use_llm, timeout_s=timeout_s)


def resolve_drug(name: str) -> Drug | None:
    """Formulary drug for a Chinese generic name, INN, brand or alias (None when unknown)."""
    return catalogs.resolve_drug(name)


def check_meds(
    request: Any, *, settings: Settings | None = None, session: Any = None
) -> dict[str, Any]:
    """``clinicbox meds check`` contract: ``{"alerts": [...]}`` (plus ``formulary_version``).

    Overrides (``{"rule", "drug"?, "reason"}``) need a reason; with a ``session`` each one is
    written to the audit chain.
    """
    return run_meds_check(request, settings=settings, session=session)


def drug_info(name: str, *, settings: Settings | None = None) -> dict[str, Any] | None:
    """The formulary entry for ``name`` as JSON (``clinicbox meds lookup``), with the
    institution's antibiotic tiers applied when ``settings`` name a tier file. A modified-release
    product (缓释/控释) is its own entry; ``other_forms`` lists the same molecule's other products."""
    from appliance.services._safety_meds import lookup_drug

    return lookup_drug(name, settings=settings)


def followup_plan(
    patient: Any, record: Any, *, store: StorePort | None = None, today: date | None = None
) -> dict[str, Any]:
    """Follow-up plan after a visit (hypertension / T2DM), ``{}`` when neither applies.

    ``record`` is a structured record (diagnoses, vitals, chief complaint…); with a ``store``
    and the patient's id, the previous plan decides "two consecutive uncontrolled visits".
    """
    return plan_dict(make_plans(patient, record, store=store, today=today))


def followup_due(
    store: StorePort,
    *,
    session: Any = None,
    today: date | None = None,
    within_days: int = 0,
) -> dict[str, Any]:
    """``clinicbox followup due`` contract: ``{"patients": [...]}`` due or overdue (with the rule
    that made them due), plus chronic patients with no plan yet."""
    if session is not None:
        session.require("followup.read")
    items = due_list(store, today=today, within_days=within_days)
    if session is not None:
        session.audit("followup.due", detail={"count": len(items)})
    return {"patients": items, "date": (today or date.today()).isoformat()}


def exam_hints(
    request: Any, *, store: StorePort | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Exam-ordering hints: ``{"hints": [{rule, exam, severity, message, source, prior?}]}``.

    Prior exams come from ``request["prior"]`` and, with a ``store`` and ``patient_id``, from
    the auxiliary exams of the patient's earlier records.
    """
    return run_exam_hints(request, store=store, settings=settings)


def recommend_meds(
    request: Any,
    *,
    settings: Settings | None = None,
    engine: EnginePort | None = None,
    timeout_s: float | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """First-line options for ``request["diagnosis"]`` from the formulary with their guideline,
    each filtered through every medication check for the patient (``clinicbox meds recommend``).
    Options with a contraindicated/major alert are listed under ``excluded`` with the reason.
    With an ``engine`` the model adds a short ``summary`` for the doctor (it cannot add drugs)."""
    return run_recommend(
        request, settings=settings, engine=engine, timeout_s=timeout_s, progress=progress
    )
