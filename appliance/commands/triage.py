"""``clinicbox triage`` — four-level triage and department guidance (contract in DESIGN.md)."""

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
)
from appliance.i18n import t

_DISPOSITION = {
    "emergency": ("立即抢救/急诊处理", "emergency"),
    "urgent": ("优先就诊", "urgent"),
    "routine": ("普通门诊", "routine"),
    "self_care": ("可居家自我护理", "self-care"),
}


def _human(result: dict[str, Any]) -> str:
    lines = [
        f"{result['level_name']} — {t(*_DISPOSITION[result['disposition']])}",
        f"{t('科室：', 'Department: ')}{result['department']}",
    ]
    if result.get("call_120"):
        lines.append(t("⚠ 请立即拨打 120。", "⚠ Call 120 now."))
    elif result["refer"]:
        lines.append(t("建议转上级医院（帮扶医院）。", "Refer to the mentor hospital."))
    for r in result["reasons"]:
        lines.append(f"- [{r['level']}] {r['text']}  ({r['rule']})")
    for f in result.get("findings", []):
        where = f"@{f['span'][0]}-{f['span'][1]}" if f["span"] != [0, 0] else ""
        sim = f" {f['similarity']:.2f}" if "similarity" in f else ""
        lines.append(f"  · {f['id']} [{f['source']}{sim}] “{f['text']}” {where}")
    for key, v in result.get("vitals_used", {}).items():
        origin = t("原文", "text") if v["from"] == "text" else v["from"]
        lines.append(
            f"  · {key} = {v['value']} ({origin}{': ' + str(v['text']) if 'text' in v else ''})"
        )
    note = result.get("triage", {}).get("llm_note")
    if note:
        lines.append(f"ⓘ {note}")
    return "\n".join(lines)


def _open_engine(state: CliState) -> tuple[Any, str | None]:
    from appliance.runtime import open_engine_or_none

    return open_engine_or_none(state.settings())


def register(cli: click.Group) -> None:
    @cli.command(
        "triage",
        help=t(
            "智能导诊：按急诊预检分诊四级标准给出级别、去向、科室、是否转诊及依据。"
            "从标准输入或文件读取 JSON。",
            "Triage: level (Chinese 4-level standard), disposition, department, referral and "
            "cited reasons. Reads JSON from stdin or a file.",
        ),
    )
    @json_input_argument
    @common_options
    @no_llm_option
    @pass_state
    def triage_cmd(state: CliState, source: str | None, no_llm: bool) -> None:
        from appliance.services._safety_triage import parse_triage_request
        from appliance.services.safety import triage

        req = parse_triage_request(read_json_input(source))
        engine, why = (None, None) if no_llm else _open_engine(state)
        try:
            budget = state.settings().triage_model_budget_s
            result = triage(req, engine, use_llm=not no_llm, timeout_s=budget)
        finally:
            if engine is not None:
                engine.close()
        if why:
            result["triage"]["llm_error"] = why
        state.emit(result, human=_human)
