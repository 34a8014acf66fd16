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
        how = t("实时送入", "live") if r.get("mode") == "live" else t("整段文件", "whole file")
        lines.append(
            t(
                f"口述 {r['audio_s']} 秒（{how}）；转写完成：{r['transcribed_s']} 秒",
                f"Dictation {r['audio_s']} s ({how}); transcribed: {r['transcribed_s']} s",
            )
        )
    reused = (r.get("structuring") or {}).get("sections_reused")
    if reused:
        lines.append(
            t(
                f"口述中模型已完成 {reused} 段（结束后直接采用）",
                f"{reused} section(s) done by the model while the doctor spoke (reused)",
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
    @click.option(
        "--file",
        "whole_file",
        is_flag=True,
        help=t(
            "录音结束后才整段转写（上传文件的情形）；默认按麦克风实时送入。",
            "Transcribe the whole recording after it ends (an uploaded file); "
            "default: fed in real time, as the microphone does.",
        ),
    )
    @common_options
    @pass_state
    def bench_visit(state: CliState, audio: Path | None, text: str | None, whole_file: bool) -> int:
        from appliance.bench.visit import run_visit_bench

        mode = "file" if whole_file else "live"
        result = run_visit_bench(state.settings(), audio=audio, text=text, mode=mode)
        state.emit(result, human=_human)
        return 0 if result["passed"] else 1
