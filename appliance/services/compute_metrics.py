"""The compute monitor's time series in the clinic store (table ``compute_metrics``, migration
0100) and the status document the TUI/API show.

The engine never writes the database itself (monitoring must not queue behind clinical writes on
the one writer thread): it appends to the metrics file, and :func:`ingest` copies new rows into
the store whenever status is read with a store at hand (SQL in ``appliance/store/metrics.py``).
"""

from __future__ import annotations

import time
from typing import Any

from appliance.config import Settings
from appliance.llm.monitor import machine_sample, read_series, summary
from appliance.services.ports import EnginePort, StorePort
from appliance.store import metrics

RETENTION_S = 180 * 86400  # half a year of compute history is plenty for capacity planning
_COLUMNS = (
    "ts", "kind", "model", "backend", "task", "prompt_tokens", "reused_prompt_tokens",
    "completion_tokens", "prompt_tps", "generation_tps", "ttft_s", "queue_wait_s", "queue_depth",
    "cpu_percent", "load1", "ram_used_mb", "ram_total_mb", "rss_mb", "vram_used_mb",
)  # fmt: skip


def _row(r: dict[str, Any]) -> dict[str, Any]:
    queue = r.get("queue") or {}
    out = {
        **{k: r.get(k) for k in _COLUMNS},
        "prompt_tps": r.get("prompt_tokens_per_s"),
        "generation_tps": r.get("generation_tokens_per_s"),
    }
    if r.get("kind") == "sample":
        out["queue_depth"] = queue.get("depth")
    return out


def ingest(store: StorePort, settings: Settings) -> int:
    """Copy metrics-file rows newer than the store's latest into ``compute_metrics``."""
    with store.read() as db:
        if not metrics.has_table(db):
            return 0
        last = metrics.latest_ts(db)
    rows = [
        _row(r) for r in read_series(settings, since=last, limit=100_000) if r.get("ts", 0) > last
    ]
    if not rows:
        return 0

    keep_after = time.time() - RETENTION_S
    store.write(lambda db: metrics.append(db, rows, keep_after))
    return len(rows)


def _series_from_store(store: StorePort, since: float) -> list[dict[str, Any]]:
    with store.read() as db:
        if not metrics.has_table(db):
            return []
        return metrics.since(db, since)


def compute_status(
    settings: Settings,
    *,
    store: StorePort | None = None,
    engine: EnginePort | None = None,
    window_s: float = 3600.0,
) -> dict[str, Any]:
    """``{"model", "tokens_per_s": {"prompt", "generation"}, "queue", "ram", "vram",
    "recent_jobs", "series": {name: [[t, v], ...]}}`` for the TUI, API and CLI."""
    since = time.time() - window_s
    if store is not None:
        ingest(store, settings)
        rows = _series_from_store(store, since)
    else:
        rows = [_row(r) for r in read_series(settings, since=since, limit=20_000)]
    s = summary(settings, window_s=window_s)
    machine = machine_sample()
    requests = [r for r in rows if r["kind"] == "request"]
    samples = [r for r in rows if r["kind"] == "sample"]
    live = engine.stats() if engine is not None else None
    series = {
        "prompt_tokens_per_s": [[r["ts"], r["prompt_tps"]] for r in requests if r["prompt_tps"]],
        "generation_tokens_per_s": [
            [r["ts"], r["generation_tps"]] for r in requests if r["generation_tps"]
        ],
        "queue_wait_s": [[r["ts"], r["queue_wait_s"]] for r in requests],
        "queue_depth": [
            [r["ts"], r["queue_depth"]] for r in samples if r["queue_depth"] is not None
        ],
        "cpu_percent": [[r["ts"], r["cpu_percent"]] for r in samples],
        "ram_used_mb": [[r["ts"], r["ram_used_mb"]] for r in samples],
    }
    return {
        "model": (live or {}).get("model") or s.get("model"),
        "tokens_per_s": {
            "prompt": s["prompt_tokens_per_s"],
            "generation": s["generation_tokens_per_s"],
        },
        "queue": (live["queue"]["depth"] if live else None)
        or ((s.get("latest_sample") or {}).get("queue") or {}).get("depth", 0),
        "queue_detail": live["queue"] if live else (s.get("latest_sample") or {}).get("queue"),
        "tasks": s["tasks"],
        "ram": {
            "used_mb": machine["ram_used_mb"],
            "total_mb": machine["ram_total_mb"],
            "rss_mb": machine["rss_mb"],
        },
        "vram": {"used_mb": machine["vram_used_mb"]}
        if machine["vram_used_mb"] is not None
        else None,
        "cpu_percent": machine["cpu_percent"],
        "load1": machine["load1"],
        "remote": (live or {}).get("remote"),
        "recent_jobs": [
            {k: r[k] for k in ("ts", "task", "backend", "ttft_s", "generation_tps", "queue_wait_s")}
            for r in requests[-20:]
        ],
        "series": series,
    }
