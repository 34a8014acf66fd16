"""``clinicbox bench visit``: dictation end → first fields → all fields → QC, on this box's model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appliance.commands._base import CliState, common_options, pass_state, subgroup
from appliance.i18n import t


def _human(r: dict[str, Any]) -> str:
    s = t("秒", "s")
    lines = [
        t("模型：", "Model: ")
        + str(r.get("model") or t("未安装（只用规则）", "none (rules only)")),
    ]
    if "audio_s" in r:
        lines.append(
            t(
                f"口述 {r['audio_s']} 秒；转写完成：{r['transcribed_s']} 秒",
                f"Dictation {r['audio_s']} s; transcribed: {r['transcribed_s']} s",
            )
        )
    lines += [
        t("首批字段（规则）", "First fields (rules)")
        + f": {r['first_fields_s']} {s} ({len(r['first_fields'])})"
        + t(
            f"  目标 ≤ {r['targets']['first_fields_s']:g} 秒",
            f"  target ≤ {r['targets']['first_fields_s']:g} s",
        ),
        *(
            [
                t("模型首段字段", "First model section")
                + f": {r['first_model_fields_s']} {s} "
                + t(
                    f"（{r['structuring']['sections_done']}/{r['structuring']['sections']} 段完成）",
                    f"({r['structuring']['sections_done']}/{r['structuring']['sections']} "
                    "sections done)",
                )
            ]
            if r.get("first_model_fields_s") is not None
            else []
        ),
        t("全部字段（模型）", "All fields (model)")
        + f": {r['all_fields_s']} {s} ({len(r['all_fields'])})"
        + t(
            f"  目标 ≤ {r['targets']['all_fields_s']:g} 秒",
            f"  target ≤ {r['targets']['all_fields_s']:g} s",
        ),
        t("规则质控", "Rules QC") + f": {r['rules_qc_s']} {s}",
        t("质控完成（含模型）", "QC done (with the model)")
        + f": {r['qc_s']} {s}  "
        + t("得分", "score")
        + f" {r['qc']['score']}",
    ]
    err = (r.get("structuring") or {}).get("llm_error")
    if err:
        lines.append(
            t(
                f"模型结构化未完成：{err}（规则结果保留）",
                f"Model structuring did not finish: {err} (rules kept)",
            )
        )
    lines.append(t("达标" if r["passed"] else "未达标", "PASS" if r["passed"] else "FAIL"))
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    bench = subgroup(cli, "bench", t("性能基准（不属于测试）。", "Benchmarks (not tests)."))

    @bench.command(
        "visit",
        help=t(
            "一次就诊的等待：口述结束 → 首批字段 → 全部字段 → 质控（本机模型）。",
            "A visit's waits: dictation end → first fields → all fields → QC (this box's model).",
        ),
    )
    @click.option(
        "--audio",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help=t("口述录音（默认 23 秒的示例）。", "Dictation audio (default: the 23 s sample)."),
    )
    @click.option(
        "--text", default=None, help=t("跳过转写，直接用这段文字。", "Skip speech: use this text.")
    )
    @common_options
    @pass_state
    def bench_visit(state: CliState, audio: Path | None, text: str | None) -> int:
        from appliance.bench.visit import run_visit_bench

        result = run_visit_bench(state.settings(), audio=audio, text=text)
        state.emit(result, human=_human)
        return 0 if result["passed"] else 1
