"""`clinicbox bench llm` runs end to end (on the tiny model here; real numbers come from the
packaged 1.5B and are recorded in docs/benchmarks.md). Not in the default run."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.bench, pytest.mark.model]


def test_bench_llm_reports_every_figure(cli, tiny_gguf, tmp_path):
    out = tmp_path / "llm.json"
    r = cli(
        "bench", "llm", "--model", str(tiny_gguf), "--prompt-tokens", "64", "--gen-tokens", "16",
        "--repeat", "1", "--threads", "1", "--out", str(out), "--json",
    )  # fmt: skip
    assert r.rc == 0, r.err
    rep = r.json()
    for key in ("raw_llama_cpp", "engine", "ratio", "bandwidth_gb_s", "tg_bound_tokens_per_s",
                "triage_ttft_cold_s", "triage_ttft_warm_s", "peak_rss_mb"):  # fmt: skip
        assert key in rep
    assert rep["engine"]["tg_tokens_per_s"] > 0 and rep["raw_llama_cpp"]["pp_tokens_per_s"] > 0
    assert rep["triage_reused_tokens_warm"] > 100
    assert out.is_file()
