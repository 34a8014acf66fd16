"""Follow-up use cases: a plan per visit (pure planner + optional history from the store) and
the due/overdue worklist read from the encrypted store."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta
from typing import Any

from appliance.clinical.followup import (
    FollowupPlan,
    FollowupVisit,
    chronic_conditions,
    due_status,
    plan_followup,
)
from appliance.errors import InputError
from appliance.i18n import get_lang, t
from appliance.knowledge.catalogs import followup_knowledge
from appliance.services.ports import StorePort
from appliance.store import reports

log = logging.getLogger("clinicbox.safety")


def _num(x: Any) -> float | None:
    try:
        return None if x is None or x == "" else float(x)
    except (TypeError, ValueError):
        return None


def _as_dict(x: Any) -> dict[str, Any]:
    if x is None:
        return {}
    if hasattr(x, "model_dump"):
        return dict(x.model_dump())
    if isinstance(x, dict):
        return x
    raise InputError("随访计划需要 JSON 对象。", "Follow-up planning needs JSON objects.")


def _age(patient: dict[str, Any], today: date) -> float | None:
    age = _num(patient.get("age"))
    if age is not None:
        return age
    birth = patient.get("birth_date")
    if birth:
        try:
            b = date.fromisoformat(str(birth)[:10])
        except ValueError:
            return None
        return (today - b).days / 365.25
    return None


def _visit(record: dict[str, Any], on: date) -> FollowupVisit:
    vitals = _as_dict(record.get("vitals"))
    symptoms = "，".join(
        str(record.get(k) or "") for k in ("chief_complaint", "present_illness", "symptoms")
    )
    pregnant = bool(_as_dict(record.get("patient")).get("pregnant") or record.get("pregnant"))
    fasting = _num(vitals.get("fasting_glucose"))
    if fasting is None:
        fasting = _num(vitals.get("glucose"))
    return FollowupVisit(
        on=on,
        sbp=_num(vitals.get("sbp")),
        dbp=_num(vitals.get("dbp")),
        hr=_num(vitals.get("hr")),
        temp=_num(vitals.get("temp")),
        fasting_glucose=fasting,
        symptoms=symptoms,
        pregnant_or_lactating=pregnant,
    )


def _listed(value: Any, field: str) -> list[Any]:
    """A list field given as one item (``"高血压"``) counts as a list of one; other types are
    bad input (exit 2), not an internal error."""
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    if isinstance(value, list):
        return value
    raise InputError(
        f"输入字段有误：{field} 应为列表。",
        f"Invalid input field: {field} must be a list.",
        details={"fields": [field]},
    )


def _diagnoses(record: dict[str, Any], patient: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for d in _listed(record.get("diagnoses"), "record.diagnoses"):
        if isinstance(d, dict):
            out.append((str(d.get("name") or ""), str(d.get("icd10") or "")))
        elif isinstance(d, str):
            out.append((d, ""))
    for c in _listed(patient.get("conditions"), "patient.conditions"):
        out.append((str(c), ""))
    return out


def _previous_uncontrolled(
    store: StorePort | None, patient_id: str | None, condition: str, before: str | None = None
) -> int:
    if store is None or not patient_id:
        return 0
    try:
        with store.read() as db:
            rule = reports.last_plan_rule(db, patient_id, condition, before)
    except Exception as exc:  # store absent/locked: plan without history
        log.warning("follow-up history unavailable: %s", exc.__class__.__name__)
        return 0
    return 1 if rule and "UNCONTROLLED" in rule else 0


def make_plans(
    patient: Any,
    record: Any,
    *,
    store: StorePort | None = None,
    today: date | None = None,
    previous_uncontrolled: dict[str, int] | None = None,
    history_before: str | None = None,
) -> list[FollowupPlan]:
    """The plans of this visit. ``history_before`` (a time) limits the store's history to
    plans made before it: an amendment must not count its own visit's plan as the previous."""
    p, r = _as_dict(patient), _as_dict(record)
    on = today or date.today()
    kb = followup_knowledge()
    pid = p.get("patient_id") or p.get("id")
    plans = []
    for cond in chronic_conditions(_diagnoses(r, p), kb):
        prev = (previous_uncontrolled or {}).get(cond)
        if prev is None:
            prev = _previous_uncontrolled(store, pid, cond, history_before)
        plans.append(
            plan_followup(cond, _visit(r, on), age=_age(p, on), previous_uncontrolled=prev, kb=kb)
        )
    return sorted(plans, key=lambda pl: (not pl.urgent, pl.next_due))


def plan_dict(plans: list[FollowupPlan]) -> dict[str, Any]:
    """One JSON plan: the most pressing condition at the top, the others under ``plans``."""
    lang = get_lang()
    if not plans:
        return {}
    first = plans[0].as_dict(lang)
    first["plans"] = [p.as_dict(lang) for p in plans[1:]]
    return first


# ------------------------------------------------------------------------------ worklist
def _chronic_without_plan(db: Any, kb: Any) -> list[dict[str, Any]]:
    active = reports.active_plan_keys(db)
    out = []
    seen: set[tuple[str, str]] = set()
    rows = reports.all_current_record_contents(db)
    for pid, content, created in rows:
        try:
            rec = json.loads(content)
        except (TypeError, ValueError):
            continue
        if not isinstance(rec, dict):
            continue
        inner = rec.get("record")
        body: dict[str, Any] = inner if isinstance(inner, dict) else rec
        try:
            diagnoses = _diagnoses(body, {})
        except InputError:  # one malformed stored record must not hide everyone else
            continue
        for cond in chronic_conditions(diagnoses, kb):
            if (pid, cond) in active or (pid, cond) in seen:
                continue
            seen.add((pid, cond))
            out.append({"patient_id": pid, "condition": cond, "since": str(created)[:10]})
    return out


def due_list(
    store: StorePort, *, today: date | None = None, within_days: int = 0
) -> list[dict[str, Any]]:
    kb = followup_knowledge()
    on = today or date.today()
    horizon = (on + timedelta(days=within_days)).isoformat()
    items: list[dict[str, Any]] = []
    with store.read() as db:
        people = reports.patient_names_and_phones(db)
        names = {pid: name for pid, (name, _phone) in people.items()}
        plans = reports.active_plans_due(db, horizon)
        unplanned = _chronic_without_plan(db, kb)
    for pid, cond, rule, source, interval, next_due in plans:
        due = date.fromisoformat(str(next_due)[:10])
        status: str = due_status(due, on) or "upcoming"
        if "REFER" in str(rule) or "URGENT" in str(rule):
            status = "refer"
        elif "UNCONTROLLED" in str(rule):
            status = "uncontrolled"
        spec = kb.conditions.get(cond, {})
        items.append(
            {
                "patient_id": pid,
                "name": names.get(pid, ""),
                "phone": people.get(pid, ("", ""))[1] or "",
                "condition": cond,
                "condition_name": t(spec.get("name_zh", cond), spec.get("name_en", cond)),
                "due_date": due.isoformat(),
                "status": status,
                "overdue": due < on,
                "overdue_days": max(0, (on - due).days),
                "interval_days": interval,
                "rule": rule,
                "source": source or kb.cite(spec.get("source", "PHS3")),
            }
        )
    for u in unplanned:
        spec = kb.conditions[u["condition"]]
        items.append(
            {
                "patient_id": u["patient_id"],
                "name": names.get(u["patient_id"], ""),
                "phone": people.get(u["patient_id"], ("", ""))[1] or "",
                "condition": u["condition"],
                "condition_name": t(spec["name_zh"], spec["name_en"]),
                "due_date": on.isoformat(),
                "status": "due",
                "overdue": False,
                "overdue_days": 0,
                "interval_days": int(spec["interval_controlled_days"]),
                "rule": "FU-ENROL-NO-PLAN",
                "rule_text": t(
                    "已确诊但尚无随访计划：纳入慢病管理并首次随访",
                    "Diagnosed but no follow-up plan: enrol and follow up",
                ),
                "source": kb.cite(spec["source"]),
            }
        )
    order = {"refer": 0, "overdue": 1, "uncontrolled": 2, "due": 3, "upcoming": 4}
    items.sort(key=lambda i: (order.get(i["status"], 5), i["due_date"]))
    return items


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise InputError(
            f"日期格式应为 YYYY-MM-DD：{value}", f"Dates are YYYY-MM-DD: {value}"
        ) from None
