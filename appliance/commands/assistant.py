"""``clinicbox ask`` (patient health assistant) and ``clinicbox advise`` (doctors' decision
support), both per the contracts in DESIGN.md."""

from __future__ import annotations

from typing import Any

import click
from pydantic import BaseModel, Field

from appliance.commands._base import (
    CliState,
    common_options,
    json_input_argument,
    no_llm_option,
    pass_state,
    read_json_input,
    validate_input,
)
from appliance.errors import InputError
from appliance.i18n import t


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)


def open_assistant_store(state: CliState) -> Any:
    """The clinic store when it exists and can be unlocked without a prompt, else None (the
    assistant then answers from the public starter documents)."""
    from appliance.errors import ClinicBoxError
    from appliance.store import StorePaths, open_store

    settings = state.settings()
    if not StorePaths(settings.data_dir).envelope.exists():
        return None
    if settings.passphrase is None and settings.key_file is None:
        return None
    try:
        return open_store(settings)
    except ClinicBoxError:
        return None


def _ask_human(result: dict[str, Any]) -> str:
    lines = [result["answer"]]
    for i, cite in enumerate(result["citations"], start=1):
        lines.append(f"  [{i}] {cite['doc']} · {cite['section']}")
    if result["escalate"]:
        lines.append(t("（请咨询医护人员）", "(please ask the staff)"))
    return "\n".join(lines)


def _advise_human(result: dict[str, Any]) -> str:
    lines = []
    for d in result["differentials"]:
        lines.append(f"- {d['name']}")
        if d["for"]:
            lines.append(t("    支持：", "    for: ") + "；".join(d["for"]))
        if d["against"]:
            lines.append(t("    不支持：", "    against: ") + "；".join(d["against"]))
    for step in result["next_steps"]:
        lines.append(t("下一步：", "Next: ") + step)
    lines.append(
        t("建议转诊：", "Refer: ") + (t("是", "yes") if result["refer"] else t("否", "no"))
    )
    return "\n".join(lines)


def _service(state: CliState) -> Any:
    from appliance.services.assistant import AssistantService

    store = open_assistant_store(state)
    try:
        return AssistantService(state.settings(), store), store
    except BaseException:
        if store is not None:
            store.close()
        raise


def register(cli: click.Group) -> None:
    @cli.command(
        "ask",
        help=t(
            '健康助手：回答患者问题并注明出处（JSON 输入 {"question": "..."}）。急症直接提示拨打120。',
            'Health assistant: answer a patient question with citations (JSON {"question": ...}). '
            "Emergencies are told to call 120.",
        ),
    )
    @json_input_argument
    @common_options
    @no_llm_option
    @pass_state
    def ask(state: CliState, source: str | None, no_llm: bool) -> None:
        request = validate_input(AskRequest, read_json_input(source))
        if not request.question.strip():
            raise InputError("问题不能为空。", "The question is empty.")
        service, store = _service(state)
        try:
            result = service.ask(request.question, no_llm=no_llm).to_contract()
        finally:
            service.close()
            if store is not None:
                store.close()
        state.emit(result, human=_ask_human)

    @cli.command(
        "advise",
        help=t(
            "医生辅助决策：输入结构化病历，给出鉴别诊断（支持/不支持依据、出处）、下一步和是否转诊。",
            "Decision support for doctors: differentials with findings for/against and "
            "citations, next steps and whether to refer, from a structured record.",
        ),
    )
    @json_input_argument
    @common_options
    @no_llm_option
    @pass_state
    def advise(state: CliState, source: str | None, no_llm: bool) -> None:
        from appliance.services._assistant_advise import validate_record

        record = validate_record(read_json_input(source))
        service, store = _service(state)
        try:
            result = service.advise(record, no_llm=no_llm)
        finally:
            service.close()
            if store is not None:
                store.close()
        state.emit(result, human=_advise_human)
