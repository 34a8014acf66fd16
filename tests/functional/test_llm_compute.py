"""Compute monitor: per-request and periodic rows, `clinicbox compute status`, and the time
series in the clinic store (migration 0100)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

MSGS = [{"role": "user", "content": "高血压患者如何服用氨氯地平？"}]


def test_compute_status_cli_shows_throughput_queue_and_machine(tiny_engine, cli):
    tiny_engine.chat(MSGS, task="meds", max_tokens=8)
    tiny_engine.chat(MSGS, task="triage", max_tokens=8)
    tiny_engine.monitor.sample_now()
    r = cli("compute", "status", "--json", "--series")
    assert r.rc == 0, r.err
    out = r.json()
    s = out["summary"]
    assert s["requests"] == 2 and set(s["tasks"]) == {"meds", "triage"}
    assert s["generation_tokens_per_s"] > 0 and s["model"] == "tiny-r1-qwen2-test"
    assert out["machine"]["ram_total_mb"] > 0
    assert out["remote"]["url"] is None and out["remote"]["policy"] == "never"
    assert [row["kind"] for row in out["series"]].count("request") == 2
    human = cli("--lang", "en", "compute", "status")
    assert human.rc == 0 and "Compute monitor" in human.out and "triage" in human.out


def test_compute_status_without_any_model_still_reports_the_machine(cli):
    r = cli("compute", "status", "--json")
    assert r.rc == 0 and r.json()["summary"]["requests"] == 0 and r.json()["model"] is None


def test_time_series_lands_in_the_store_once(tiny_engine, tiny_settings, store):
    from appliance.services.compute_metrics import compute_status, ingest

    tiny_engine.chat(MSGS, task="assistant", max_tokens=8)
    tiny_engine.monitor.sample_now()
    status = compute_status(tiny_settings, store=store, engine=tiny_engine)
    assert status["model"] == "tiny-r1-qwen2-test"
    assert status["series"]["generation_tokens_per_s"] and status["series"]["cpu_percent"]
    assert status["recent_jobs"][-1]["task"] == "assistant"
    assert status["queue"] == 0 and status["ram"]["total_mb"] > 0
    with store.read() as db:
        kinds = [r["kind"] for r in db.query("SELECT kind FROM compute_metrics ORDER BY ts")]
    assert kinds.count("request") == 1 and kinds.count("sample") == 1
    assert ingest(store, tiny_settings) == 0  # idempotent
