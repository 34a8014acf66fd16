"""Compute monitor (算力监测): model, tokens/s, queue, RAM/VRAM, recent jobs, with plots."""

from __future__ import annotations

import time
from collections import deque

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON
from tui._base import ClinicScreen


def _num(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else ""


def summary_lines(status: JSON) -> str:
    tps = status.get("tokens_per_s") or {}
    ram = status.get("ram") or {}
    vram = status.get("vram") or None
    model = status.get("model") or t("无（未安装模型）", "none (no model installed)")
    lines = [
        f"{t('模型', 'Model')}: {model}",
        f"{t('速度', 'Speed')}: {t('提示', 'prompt')} {tps.get('prompt') or '—'} tok/s · "
        f"{t('生成', 'generation')} {tps.get('generation') or '—'} tok/s",
        f"{t('队列', 'Queue')}: {status.get('queue', 0)}",
        f"CPU: {status.get('cpu_percent', '—')}% × {status.get('cpu_count', '?')}",
        f"{t('内存', 'RAM')}: {ram.get('used_mb', '?')} / {ram.get('total_mb', '?')} MB",
    ]
    if vram:
        lines.append(
            f"{t('显存', 'VRAM')}: {vram.get('used_mb', '?')} / {vram.get('total_mb', '?')} MB"
        )
    if status.get("model_problem"):
        lines.append("⚠ " + str(status["model_problem"]))
    return "\n".join(lines)


class ComputeScreen(ClinicScreen):
    HELP_KEY = "compute"

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, deque[tuple[float, float]]] = {
            "cpu": deque(maxlen=120),
            "ram": deque(maxlen=120),
            "tps": deque(maxlen=120),
        }

    def body(self) -> ComposeResult:
        with Vertical(id="compute"):
            yield Static(t("算力监测", "Compute monitor"), classes="title")
            with Horizontal():
                yield Static("", id="compute-summary", classes="card")
                try:
                    from textual_plotext import PlotextPlot

                    yield PlotextPlot(id="compute-plot")
                except ImportError:
                    yield Static(t("（未安装绘图组件）", "(plotting not installed)"))
            yield Static(t("最近任务", "Recent jobs"), classes="section")
            table: DataTable[str] = DataTable(id="jobs")
            table.add_columns(
                t("任务", "Task"),
                t("状态", "State"),
                t("等待s", "Wait s"),
                t("用时s", "Time s"),
                "tok/s",
            )
            yield table

    def on_mount(self) -> None:
        self.load()
        self.set_interval(2.0, self.load)

    @work(thread=True, exclusive=True, group="compute", exit_on_error=False)
    def load(self) -> None:
        try:
            status, error = self.service.compute_status(), ""
        except ClinicBoxError as exc:
            status, error = {}, exc.message()
        self.app.call_from_thread(self._show, status, error)

    def _show(self, status: JSON, error: str) -> None:
        summary = self.query_one("#compute-summary", Static)
        if error:
            summary.update("⚠ " + error)
            return
        summary.update(summary_lines(status))
        now = time.time()
        ram = status.get("ram") or {}
        self.history["cpu"].append((now, float(status.get("cpu_percent") or 0)))
        if ram.get("total_mb"):
            self.history["ram"].append((now, 100.0 * ram.get("used_mb", 0) / ram["total_mb"]))
        gen = (status.get("tokens_per_s") or {}).get("generation")
        if gen is not None:
            self.history["tps"].append((now, float(gen)))
        table = self.query_one("#jobs", DataTable)
        table.clear()
        for job in list(status.get("recent_jobs") or [])[-20:][::-1]:
            ts = job.get("ts")
            when = time.strftime("%H:%M:%S", time.localtime(ts)) if ts else ""
            table.add_row(
                when,
                str(job.get("task", "")),
                str(job.get("backend", "")),
                _num(job.get("queue_wait_s")),
                _num(job.get("ttft_s")),
                _num(job.get("generation_tps")),
            )
        self._plot()

    def _plot(self) -> None:
        plots = list(self.query("#compute-plot"))
        if not plots:
            return
        plt = plots[0].plt  # type: ignore[attr-defined]
        plt.clear_data()
        start = None
        for key, label in (("cpu", "CPU %"), ("ram", "RAM %"), ("tps", "tok/s")):
            points = list(self.history[key])
            if not points:
                continue
            start = start or points[0][0]
            plt.plot([p[0] - start for p in points], [p[1] for p in points], label=label)
        plt.title(t("资源使用（近4分钟）", "Usage (last 4 min)"))
        plots[0].refresh()
