"""Store benchmark (not in the default run): `pytest tests/bench/test_store_bench.py`."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.bench


def test_store_bench_quick_meets_targets(tmp_path):
    from appliance.bench.store import run_bench

    result = run_bench("quick", folder=tmp_path)
    assert set(result["workloads"]) == {
        "visit_commits",
        "concurrent_commits",
        "record_batch",
        "point_reads",
        "patient_history",
    }
    assert result["write_ratio"] <= result["write_target"], result
    assert result["read_ratio"] <= result["read_target"], result


def test_cli_bench_store_writes_json(cli, tmp_path):
    out = tmp_path / "bench.json"
    r = cli("bench", "store", "--size", "quick", "--out", str(out), "--json")
    assert r.rc == 0, r.err
    assert out.exists() and r.json()["workloads"]["point_reads"]["operations"] == 2500
