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
        from appliance.clinical.triage_model import TriageRequest
        from appliance.services._safety_meds import validate
        from appliance.services.safety import triage

        req = validate(TriageRequest, read_json_input(source))
        engine, why = (None, None) if no_llm else _open_engine(state)
        try:
            result = triage(req, engine, use_llm=not no_llm)
        finally:
            if engine is not None:
                engine.close()
        if why:
            result["triage"]["llm_error"] = why
        state.emit(result, human=_human)
