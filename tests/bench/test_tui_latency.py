"""TUI responsiveness benchmark (not in the default run): keystroke latency p95 < 100 ms while
the model generates. Uses TUI_BENCH_MODEL (a GGUF path) when set (e.g. the packaged 1.5B), else the tiny test
model. Same code as ``clinicbox bench tui``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.bench, pytest.mark.model]


def test_keystroke_latency_while_generating(tmp_path: Path, tiny_gguf: Path) -> None:
    from appliance.bench.tui import run_latency_bench
    from appliance.config import load_settings
    from appliance.services.training import open_demo_clinic

    model = os.environ.get("TUI_BENCH_MODEL") or str(tiny_gguf)
    settings = load_settings(
        tmp_path,
        model=model,
        llm_threads=2,
        llm_ctx=2048,
        llm_timeout_s=600,
        store_kdf_log2_n=12,
        password_hash_memory_kib=1024,
    )
    service: Any = open_demo_clinic(settings)
    try:
        result = run_latency_bench(service, keys=60)
    finally:
        service.close()
    print(result)
    assert result["generating"]["p95_ms"] < 100, result
