"""``clinicbox followup`` — chronic-disease follow-up: the due/overdue worklist and plans."""

from __future__ import annotations

from typing import Any

import click

from appliance.commands._base import (
    CliState,
    common_options,
    json_input_argument,
    no_llm_option,
    pass_state,
    read_json_input,
    subgroup,
)
from appliance.errors import InputError
from appliance.i18n import t

_STATUS = {
    "refer": ("需转诊", "refer"),
    "overdue": ("逾期", "overdue"),
    "uncontrolled": ("未达标复查", "uncontrolled recheck"),
    "due": ("到期", "due"),
    "upcoming": ("即将到期", "upcoming"),
}


def _due_human(result: dict[str, Any]) -> str:
    items = result["patients"]
    if not items:
        return t("今天没有到期或逾期的随访。", "No follow-up due or overdue today.")
    lines = [t(f"共 {len(items)} 人需随访：", f"{len(items)} patient(s) to follow up:")]
    for i in items:
        status = t(*_STATUS.get(i["status"], (i["status"], i["status"])))
        late = (
            t(f"，逾期 {i['overdue_days']} 天", f", {i['overdue_days']} days late")
            if i["overdue"]
            else ""
        )
        lines.append(
            f"- {i['name'] or i['patient_id']}  {i['condition_name']}  {i['due_date']}  "
            f"[{status}{late}]  {i['rule']}"
        )
    return "\n".join(lines)


def _plan_human(plan: dict[str, Any]) -> str:
    if not plan:
        return t(
            "无需慢病随访（未诊断高血压或 2 型糖尿病）。",
            "No chronic-disease follow-up (no hypertension or type 2 diabetes).",
        )
    lines = []
    for p in [plan, *plan.get("plans", [])]:
        lines.append(
            f"{p['condition_name']}: {p['status']} → {p['next_due']}（{p['interval_days']} "
            + t("天）", "days)")
        )
        lines += [f"  • {r['text']}" for r in p["reasons"]]
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    group = subgroup(
        cli,
        "followup",
        t(
            "慢病随访（高血压、2 型糖尿病）。",
            "Chronic-disease follow-up (hypertension, type 2 diabetes).",
        ),
    )

    @group.command(
        "due",
        help=t(
            "列出到期或逾期需随访的患者及其依据（读取加密数据库）。",
            "List patients due or overdue for follow-up, with the rule (from the store).",
        ),
    )
    @click.option(
        "--date",
        "on",
        default=None,
        metavar="YYYY-MM-DD",
        help=t("按此日期计算（默认今天）。", "Compute as of this date (default today)."),
    )
    @click.option(
        "--within",
        default=0,
        show_default=True,
        type=click.IntRange(0, 365),
        help=t("同时列出此天数内将到期的。", "Also list plans due within this many days."),
    )
    @common_options
    @no_llm_option
    @pass_state
    def due(state: CliState, on: str | None, within: int, no_llm: bool) -> None:
        from appliance.commands._store_cli import cli_session, open_cli_store
        from appliance.services._safety_followup import parse_day
        from appliance.services.safety import followup_due

        day = parse_day(on)
        with open_cli_store(state, read_only=True) as store:
            result = followup_due(store, session=cli_session(store), today=day, within_days=within)
        state.emit(result, human=_due_human)

    @group.command(
        "plan",
        help=t(
            "按本次就诊生成随访计划：JSON {patient, record}。",
            "Make the follow-up plan for a visit from JSON {patient, record}.",
        ),
    )
    @click.option(
        "--date",
        "on",
        default=None,
        metavar="YYYY-MM-DD",
        help=t("就诊日期（默认今天）。", "Visit date (default today)."),
    )
    @json_input_argument
    @common_options
    @no_llm_option
    @pass_state
    def plan(state: CliState, source: str | None, on: str | None, no_llm: bool) -> None:
        from appliance.services._safety_followup import parse_day
        from appliance.services.safety import followup_plan

        data = read_json_input(source)
        if not isinstance(data, dict) or not isinstance(data.get("record"), dict):
            raise InputError(
                '输入需要 {"patient": {...}, "record": {...}}。',
                'Input needs {"patient": {...}, "record": {...}}.',
            )
        state.emit(
            followup_plan(data.get("patient") or {}, data["record"], today=parse_day(on)),
            human=_plan_human,
        )
