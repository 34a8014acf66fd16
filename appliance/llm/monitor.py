"""Compute monitor (算力监测): a time series of model throughput, queue and machine load.

Two kinds of rows, appended to ``<data_dir>/metrics/compute.jsonl`` (rotated at 5 MB):
- ``request``: per model job — task, prompt/generation tokens and tokens/s, reused prefix tokens,
  time to first token, queue wait, queue depth, backend;
- ``sample``: every ``llm_metrics_interval_s`` — CPU load, RAM used/total, process RSS, VRAM
  (NVIDIA), queue depth and waiting times, model in use.
``clinicbox compute status`` and the TUI read it back with :func:`read_series`/:func:`summary`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from appliance.config import Settings

log = logging.getLogger("clinicbox.llm.monitor")

ROTATE_BYTES = 5 << 20


def metrics_file(settings: Settings) -> Path:
    return settings.data_dir / "metrics" / "compute.jsonl"


def _vram_used_mb() -> int | None:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run(
            [exe, "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
        return sum(int(float(x)) for x in out.split())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def machine_sample() -> dict[str, Any]:
    import psutil

    vm = psutil.virtual_memory()
    proc = psutil.Process()
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu_percent": psutil.cpu_percent(interval=None),
        "load1": load1,
        "ram_used_mb": (vm.total - vm.available) >> 20,
        "ram_total_mb": vm.total >> 20,
        "rss_mb": proc.memory_info().rss >> 20,
        "vram_used_mb": _vram_used_mb(),
    }


class ComputeMonitor:
    def __init__(self, settings: Settings, *, model: str, sample: bool = True) -> None:
        self.path = metrics_file(settings)
        self.model = model
        self.interval = settings.llm_metrics_interval_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._queue_source: Callable[[], dict[str, Any]] | None = None
        self._thread: threading.Thread | None = None
        if sample:
            self._thread = threading.Thread(
                target=self._loop, name="clinicbox-compute-monitor", daemon=True
            )
            self._thread.start()

    def attach(self, queue_source: Callable[[], dict[str, Any]]) -> None:
        self._queue_source = queue_source

    def _append(self, row: dict[str, Any]) -> None:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                if self.path.stat().st_size > ROTATE_BYTES:
                    os.replace(self.path, self.path.with_suffix(".jsonl.1"))
            except FileNotFoundError:
                pass
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)

    def record_request(self, task: str, timings: Any, queue: Any, backend: str = "local") -> None:
        row = {
            "ts": time.time(),
            "kind": "request",
            "model": self.model,
            "backend": backend,
            "task": task,
            **timings.to_dict(),
            "queue_depth": queue.depth if queue is not None else None,
        }
        self._append(row)

    def sample_now(self) -> dict[str, Any]:
        row: dict[str, Any] = {"ts": time.time(), "kind": "sample", "model": self.model}
        row.update(machine_sample())
        if self._queue_source is not None:
            row["queue"] = self._queue_source()
        self._append(row)
        return row

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sample_now()
            except Exception:  # never let monitoring disturb the engine
                log.debug("compute sample failed", exc_info=True)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)


def read_series(
    settings: Settings, *, since: float | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    path = metrics_file(settings)
    rows: list[dict[str, Any]] = []
    for p in (path.with_suffix(".jsonl.1"), path):
        try:
            with open(p, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a torn last line after power loss
                    if since is None or row.get("ts", 0) >= since:
                        rows.append(row)
        except FileNotFoundError:
            continue
    return rows[-limit:]


def summary(settings: Settings, *, window_s: float = 3600.0) -> dict[str, Any]:
    """Averages over the last ``window_s``: tokens/s, TTFT and waits per task, latest sample."""
    rows = read_series(settings, since=time.time() - window_s, limit=100_000)
    reqs = [r for r in rows if r.get("kind") == "request"]
    samples = [r for r in rows if r.get("kind") == "sample"]
    by_task: dict[str, dict[str, Any]] = {}
    for r in reqs:
        agg = by_task.setdefault(r["task"], {"requests": 0, "_wait": 0.0, "_ttft": 0.0, "_gen": []})
        agg["requests"] += 1
        agg["_wait"] += r.get("queue_wait_s", 0.0)
        agg["_ttft"] += r.get("ttft_s", 0.0)
        if r.get("generation_tokens_per_s"):
            agg["_gen"].append(r["generation_tokens_per_s"])
    tasks = {
        task: {
            "requests": a["requests"],
            "avg_queue_wait_s": round(a["_wait"] / a["requests"], 3),
            "avg_ttft_s": round(a["_ttft"] / a["requests"], 3),
            "avg_generation_tokens_per_s": round(sum(a["_gen"]) / len(a["_gen"]), 2)
            if a["_gen"]
            else None,
        }
        for task, a in by_task.items()
    }
    prompt_tps = [r["prompt_tokens_per_s"] for r in reqs if r.get("prompt_tokens_per_s")]
    gen_tps = [r["generation_tokens_per_s"] for r in reqs if r.get("generation_tokens_per_s")]
    return {
        "window_s": window_s,
        "requests": len(reqs),
        "model": (reqs or samples or [{}])[-1].get("model"),
        "prompt_tokens_per_s": round(sum(prompt_tps) / len(prompt_tps), 2) if prompt_tps else None,
        "generation_tokens_per_s": round(sum(gen_tps) / len(gen_tps), 2) if gen_tps else None,
        "tasks": tasks,
        "latest_sample": samples[-1] if samples else None,
        "metrics_file": str(metrics_file(settings)),
    }
