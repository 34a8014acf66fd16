"""LAN API benchmark (not in the default run): ``pytest tests/bench/test_api_bench.py``.
Same code as ``clinicbox bench lan``; asserts the issue's target."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.bench


def test_ten_clients_p95_under_100ms_while_the_model_is_busy(tiny_gguf, data_dir) -> None:
    from appliance.bench.api import run_lan_bench
    from appliance.config import load_settings

    report = run_lan_bench(load_settings(data_dir), clients=10, seconds=10, model=str(tiny_gguf))
    assert report["errors"] == 0
    assert report["server_cpu_percent"]["model_busy"] > report["server_cpu_percent"]["idle"]
    assert report["model_busy"]["p95_ms"] < 100, report
