"""``clinicbox exams check`` — exam-ordering hints (repeats, low-back pain, head injury…)."""

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
from appliance.i18n import t


def _human(result: dict[str, Any]) -> str:
    if not result["hints"]:
        return t("未发现重复或不必要的检查。", "No repeated or unneeded exam found.")
    lines = [f"{'!' if h['severity'] == 'warning' else '·'} {h['exam']}：{h['message']}  "
             f"[{h['rule']}]" for h in result["hints"]]  # fmt: skip
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    group = subgroup(cli, "exams", t("检查开单提示。", "Exam-ordering hints."))

    @group.command(
        "check",
        help=t(
            "检查开单提示：JSON {exams, complaint, age, gcs, patient_id?, prior?}；"
            "给出 patient_id 时从数据库读取既往检查。",
            "Exam hints from JSON {exams, complaint, age, gcs, patient_id?, prior?}; with a "
            "patient_id, prior exams are read from the store.",
        ),
    )
    @json_input_argument
    @common_options
    @no_llm_option
    @pass_state
    def check(state: CliState, source: str | None, no_llm: bool) -> None:
        from appliance.services.safety import exam_hints

        data = read_json_input(source)
        settings = state.settings()
        if isinstance(data, dict) and data.get("patient_id"):
            from appliance.commands._store_cli import open_cli_store

            with open_cli_store(state, read_only=True) as store:
                result = exam_hints(data, store=store, settings=settings)
        else:
            result = exam_hints(data, settings=settings)
        state.emit(result, human=_human)
