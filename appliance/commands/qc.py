"""``clinicbox qc`` — record quality control (contract in DESIGN.md), batch QC with the clinic's
病历合格率, and the rule catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appliance.commands._base import (
    CliState,
    common_options,
    no_llm_option,
    parse_json_text,
    pass_state,
    read_json_input,
)
from appliance.errors import InputError
from appliance.i18n import t


def _qc_human(result: dict[str, Any]) -> str:
    verdict = t("合格", "passed") if result["passed"] else t("不合格", "failed")
    grade = t(f"（{result['grade']}）", f" (grade {result['grade']}), ")
    lines = [f"{t('得分', 'Score')} {result['score']:g}{grade}{verdict}"]
    marks = {"error": "✗", "warning": "!", "info": "·"}
    for f in result["findings"]:
        model = t("［模型］", "[model] ") if f.get("origin") == "model" else ""
        evidence = f"  「{f['evidence']}」" if f["evidence"] else ""
        lines.append(f"{marks[f['severity']]} {f['rule']} {model}{f['message']}{evidence}")
    return "\n".join(lines)


def _batch_human(result: dict[str, Any]) -> str:
    rate = result["pass_rate"]
    lines = [
        t("病历合格率", "Record pass rate")
        + f"：{rate * 100:.1f}%（{result['passed']}/{result['checked']}）"
        if rate is not None
        else t("没有可质控的病历。", "No records to check."),
    ]
    for item in result["top_rules"]:
        lines.append(f"  {item['rule']}: {item['count']}")
    return "\n".join(lines)


def _read_records(source: str) -> list[Any]:
    path = Path(source)
    if not path.is_file():
        raise InputError(f"找不到输入文件：{source}", f"Input file not found: {source}")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        return [parse_json_text(line) for line in text.splitlines() if line.strip()]
    data = parse_json_text(text)
    if not isinstance(data, list):
        raise InputError(
            "批量质控需要病历数组（JSON 数组或 JSONL）。", "Batch QC needs a JSON array or JSONL."
        )
    return data


def _rules(state: CliState) -> None:
    from appliance.i18n import get_lang
    from appliance.services.emr import qc_catalog

    lang = get_lang()
    out = [
        {
            "id": r.id,
            "category": r.category,
            "severity": r.severity,
            "points": r.points,
            "field": r.field,
            "visit_types": list(r.visit_types),
            "message": r.message(lang),
            "fix": r.fix(lang),
            "source": r.source,
        }
        for r in qc_catalog().rules
    ]
    state.emit(
        {"rules": out},
        human=lambda d: "\n".join(
            f"{r['id']} [{r['severity']}] {r['message']}（{r['source']}）" for r in d["rules"]
        ),
    )


def _batch(state: CliState, source: str | None, use_store: bool, no_llm: bool = True) -> None:
    from appliance.services.emr import batch_qc, batch_qc_store

    if use_store:
        from appliance.commands.emr import open_engine_or_none
        from appliance.runtime import open_clinic_store

        store = open_clinic_store(state.settings())
        engine, _why = (None, None) if no_llm else open_engine_or_none(state)
        try:
            result = batch_qc_store(store, engine=engine, use_llm=engine is not None)
        finally:
            if engine is not None:
                engine.close()
            store.close()
    elif source and source != "-":
        result = batch_qc(_read_records(source))
    else:
        data = read_json_input(source)
        if not isinstance(data, list):
            raise InputError("批量质控需要病历数组。", "Batch QC needs a JSON array of records.")
        result = batch_qc(data)
    state.emit(result, human=_batch_human)


def register(cli: click.Group) -> None:
    @cli.command(
        "qc",
        help=t(
            "病历内涵质控：输入结构化病历 JSON（文件或标准输入），输出得分、是否合格和问题清单。"
            "qc batch：质控本院数据库中全部病历并保存结果（夜间任务）；qc batch FILE：质控病历"
            "数组/JSONL；两者都给出病历合格率。qc rules：列出规则目录。",
            "Record quality control: a structured record (file or stdin) in, score, pass/fail "
            "and findings out. qc batch: check every record in the clinic database and keep the "
            "results (nightly job); qc batch FILE: a JSON array/JSONL of records; both give the "
            "pass rate. qc rules: list the catalog.",
        ),
    )
    @click.argument("args", nargs=-1, metavar="[FILE | batch [FILE] | rules]")
    @common_options
    @no_llm_option
    @click.option("--batch", "as_batch", is_flag=True, help=t("批量质控。", "Batch QC."))
    @click.option(
        "--store",
        "use_store",
        is_flag=True,
        help=t("质控本院数据库。", "Check the clinic database."),
    )
    @click.option("--rules", "list_rules", is_flag=True, help=t("列出规则。", "List the rules."))
    @pass_state
    def qc(
        state: CliState,
        args: tuple[str, ...],
        no_llm: bool,
        as_batch: bool,
        use_store: bool,
        list_rules: bool,
    ) -> None:
        words = list(args)
        if words and words[0] == "rules":
            words.pop(0)
            list_rules = True
        elif words and words[0] == "batch":
            words.pop(0)
            as_batch = True
            use_store = use_store or not words  # `clinicbox qc batch`: the clinic database
        if len(words) > 1:
            raise InputError("参数过多。", "Too many arguments.")
        source = words[0] if words else None
        if list_rules:
            _rules(state)
            return
        if as_batch or use_store:
            _batch(state, source, use_store, no_llm)
            return
        from appliance.commands.emr import open_engine_or_none
        from appliance.services.emr import run_qc

        data = read_json_input(source)
        engine, why = (None, None) if no_llm else open_engine_or_none(state)
        try:
            result = run_qc(data, engine=engine, use_llm=engine is not None)
        finally:
            if engine is not None:
                engine.close()
        if why:
            result["model_error"] = why
        state.emit(result, human=_qc_human)
