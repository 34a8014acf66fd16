"""``clinicbox compute status|serve`` (算力监测 / 算力共享) and ``clinicbox bench llm``."""

from __future__ import annotations

from typing import Any

import click

from appliance.commands._base import CliState, common_options, pass_state, subgroup
from appliance.i18n import t


def _human_status(r: dict[str, Any]) -> str:
    s = r["summary"]
    lines = [t("算力监测（最近一小时）", "Compute monitor (last hour)")]
    lines.append(
        f"  {t('模型', 'Model')}: {r.get('model') or s.get('model') or t('未安装', 'none installed')}"
    )
    lines.append(
        f"  {t('请求数', 'Requests')}: {s['requests']}   "
        f"{t('提示处理', 'prompt')}: {s['prompt_tokens_per_s'] or '-'} tok/s   "
        f"{t('生成', 'generation')}: {s['generation_tokens_per_s'] or '-'} tok/s"
    )
    for task, a in sorted(s["tasks"].items()):
        lines.append(
            f"    {task:<10} {a['requests']:>4}  {t('平均排队', 'avg wait')} {a['avg_queue_wait_s']:.2f}s  "
            f"{t('首字', 'TTFT')} {a['avg_ttft_s']:.2f}s  {a['avg_generation_tokens_per_s'] or '-'} tok/s"
        )
    m = r["machine"]
    lines.append(
        f"  CPU {m['cpu_percent']:.0f}%  {t('负载', 'load')} {m['load1']}  "
        f"{t('内存', 'RAM')} {m['ram_used_mb']}/{m['ram_total_mb']} MB"
        + (f"  VRAM {m['vram_used_mb']} MB" if m.get("vram_used_mb") is not None else "")
    )
    q = (s.get("latest_sample") or {}).get("queue")
    if q:
        lines.append(
            f"  {t('队列', 'Queue')}: {q['depth']} {t('等待', 'waiting')} {q['depth_by_task']}  "
            f"{t('最久等待', 'oldest wait')} {q['oldest_wait_s']}s"
        )
    rem = r["remote"]
    lines.append(
        f"  {t('算力共享', 'Compute sharing')}: "
        + (
            f"{rem['url']} ({t('策略', 'policy')} {rem['policy']}, {t('局域网', 'LAN')}={rem['lan']})"
            if rem["url"]
            else t("未配置", "not configured")
        )
    )
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    @cli.group("compute", help=t("算力监测与算力共享。", "Compute monitor and compute sharing."))
    def compute_group() -> None:
        pass

    @compute_group.command(
        "status",
        help=t(
            "显示模型吞吐、队列、等待时间、内存/显存和 CPU 负载。",
            "Show model throughput, queue, waits, RAM/VRAM and CPU load.",
        ),
    )
    @click.option("--window", default=3600.0, help=t("统计时间窗（秒）。", "Window in seconds."))
    @click.option(
        "--series", is_flag=True, help=t("同时输出原始时间序列。", "Include the raw series.")
    )
    @common_options
    @pass_state
    def status_cmd(state: CliState, window: float, series: bool) -> None:
        import time

        from appliance.services.compute_admin import (
            is_lan_host,
            machine_sample,
            read_series,
            summary,
        )

        settings = state.settings()
        model = None
        try:
            from models.selection import plan

            model = plan(settings).name
        except Exception:  # no model installed: still show the machine
            model = None
        url = settings.llm_remote_url
        result: dict[str, Any] = {
            "model": model,
            "summary": summary(settings, window_s=window),
            "machine": machine_sample(),
            "remote": {
                "url": url,
                "policy": settings.llm_offload,
                "lan": is_lan_host(_host(url)) if url else None,
                "offload_queue": settings.llm_offload_queue,
            },
        }
        if series:
            result["series"] = read_series(settings, since=time.time() - window)
        state.emit(result, human=_human_status)

    @compute_group.command(
        "serve",
        help=t(
            "把本机模型以 OpenAI 兼容接口提供给局域网内其他 ClinicBox（算力共享）。",
            "Offer this box's model to other ClinicBoxes on the LAN (OpenAI-compatible API).",
        ),
    )
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8081, show_default=True, type=int)
    @click.option(
        "--tls/--no-tls",
        default=None,
        help=t(
            "使用本机局域网证书（非本机地址时必须）。",
            "Use the box's LAN certificate (required beyond loopback).",
        ),
    )
    @common_options
    @pass_state
    def serve_cmd(state: CliState, host: str, port: int, tls: bool | None) -> None:
        from appliance.api.tls import server_fingerprint, tls_paths
        from appliance.services.compute_admin import serve_openai

        settings = state.settings()
        paths = tls_paths(settings)
        use_tls = paths.complete() if tls is None else tls
        cert = key = None
        if use_tls:
            from appliance.errors import ConfigError

            if not paths.complete():
                raise ConfigError(
                    "没有局域网证书，请先运行 clinicbox init。",
                    "No LAN certificate: run clinicbox init first.",
                )
            cert, key = paths.server_cert, paths.server_key
            click.echo(
                t(
                    "证书指纹（对端设置 llm_remote_fingerprint）：",
                    "Certificate fingerprint (set llm_remote_fingerprint on peers): ",
                )
                + server_fingerprint(settings),
                err=True,
            )
        serve_openai(settings, host=host, port=port, tls_cert=cert, tls_key=key)

    bench = subgroup(cli, "bench", t("性能基准（不属于测试）。", "Benchmarks (not tests)."))

    @bench.command(
        "llm",
        help=t(
            "LLM 引擎基准：与 llama.cpp 原生对比的吞吐、带宽上限、首字时间（有无前缀缓存）、峰值内存。",
            "LLM engine benchmark: throughput vs raw llama.cpp, bandwidth bound, TTFT with/without "
            "prefix cache, peak RSS.",
        ),
    )
    @click.option(
        "--model",
        "model_name",
        default=None,
        help=t("模型名或 .gguf 路径。", "Model name or .gguf path."),
    )
    @click.option("--prompt-tokens", default=256, show_default=True, type=int)
    @click.option("--gen-tokens", default=64, show_default=True, type=int)
    @click.option("--repeat", default=2, show_default=True, type=int)
    @click.option("--threads", default=None, type=int)
    @click.option("--out", default=None, help=t("结果 JSON 文件。", "Write the results JSON here."))
    @common_options
    @pass_state
    def bench_llm(
        state: CliState,
        model_name: str | None,
        prompt_tokens: int,
        gen_tokens: int,
        repeat: int,
        threads: int | None,
        out: str | None,
    ) -> None:
        import json
        from pathlib import Path

        from appliance.bench.llm import format_report, run_llm_bench

        report = run_llm_bench(
            state.settings(),
            model=model_name,
            prompt_tokens=prompt_tokens,
            gen_tokens=gen_tokens,
            repeat=repeat,
            threads=threads,
        )
        if out:
            Path(out).write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
        state.emit(report, human=format_report)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""
