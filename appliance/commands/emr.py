"""``clinicbox emr structure`` — dictated text → a structured 门诊病历 (contract in DESIGN.md)."""

from __future__ import annotations

from typing import Any, Literal

import click
from pydantic import BaseModel, Field

from appliance.commands._base import (
    CliState,
    common_options,
    json_input_argument,
    no_llm_option,
    pass_state,
    read_json_input,
    subgroup,
    validate_input,
)
from appliance.i18n import t


class StructureRequest(BaseModel):
    text: str = Field(min_length=1, max_length=20000)
    visit_type: Literal["initial", "followup"] = "initial"


def open_engine_or_none(state: CliState) -> tuple[Any, str | None]:
    """The local LLM engine, or (None, error code) when no model is installed/loadable."""
    from appliance.runtime import open_engine_or_none as open_engine

    return open_engine(state.settings())


def _record_human(record: dict[str, Any]) -> str:
    from appliance.clinical.record import FIELD_NAMES_ZH

    lines = []
    for key, zh in FIELD_NAMES_ZH.items():
        value = record.get(key)
        if not value:
            continue
        if key == "diagnoses":
            value = "；".join(f"{d['name']}（{d.get('icd10') or '—'}）" for d in value)
        elif key == "prescriptions":
            value = "；".join(
                " ".join(str(p[k]) for k in ("drug", "dose_text", "route") if p.get(k))
                + (f" {p['frequency_per_day']:g}次/日" if p.get("frequency_per_day") else "")
                for p in value
            )
        elif key == "vitals":
            value = "，".join(f"{k}={v:g}" for k, v in value.items())
        lines.append(f"{t(zh, key)}：{value}")
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    emr = subgroup(cli, "emr", t("语音病历：结构化口述内容。", "Voice EMR: structure dictation."))

    @emr.command(
        "structure",
        help=t(
            '把口述病历整理成结构化门诊病历。输入 JSON：{"text": "...", "visit_type": '
            '"initial|followup"}；--no-llm 只用确定性抽取。',
            'Turn dictation into a structured outpatient record. Input JSON: {"text": "...", '
            '"visit_type": "initial|followup"}; --no-llm uses the deterministic extractor only.',
        ),
    )
    @json_input_argument
    @common_options
    @no_llm_option
    @pass_state
    def structure_cmd(state: CliState, source: str | None, no_llm: bool) -> None:
        from appliance.services.emr import structure

        req = validate_input(StructureRequest, read_json_input(source))
        engine, why = (None, None) if no_llm else open_engine_or_none(state)
        try:
            result = structure(
                req.text, visit_type=req.visit_type, engine=engine, use_llm=not no_llm
            )
        finally:
            if engine is not None:
                engine.close()
        if why:
            result["structuring"]["llm_error"] = why
        state.emit(result, human=_record_human)
