"""Rules + LLM triage on a real (tiny) model: the plumbing works and the model can only ever
raise urgency. The tiny model's opinion is random; quality is measured with the packaged model
in docs/accuracy.md."""

from __future__ import annotations

import pytest

from appliance.clinical.triage import merge_model_level, triage_rules
from appliance.clinical.triage_model import TriageRequest
from appliance.knowledge.catalogs import triage_knowledge
from appliance.services.safety import triage

KB = triage_knowledge()


@pytest.mark.model
@pytest.mark.parametrize(
    "request_",
    [
        {"age": 65, "complaint": "胸痛2小时伴大汗", "vitals": {"sbp": 150, "hr": 96}},
        {"age": 30, "complaint": "感冒，流鼻涕"},
    ],
)
def test_rules_plus_tiny_model_never_lowers_the_rule_level(tiny_engine, request_):
    rules_only = triage(request_, None)
    out = triage(request_, tiny_engine, timeout_s=120)
    assert out["level"] <= rules_only["level"]
    assert out["rules_level"] == rules_only["level"]
    meta = out["triage"]
    # The tiny model answers within the schema: the extractor branch ran (not a fallback).
    assert meta["mode"] == "rules+llm", meta
    ids = {r.id for r in KB.complaints}
    assert set(meta["model_findings"]) <= ids
    for f in out["findings"]:
        assert f["source"] in ("rule", "semantic", "model")
    model_reasons = [r for r in out["reasons"] if r["origin"] == "model"]
    assert {r["rule"] for r in model_reasons} <= set(meta["model_findings"])
    assert all(r["level"] < 4 for r in model_reasons)


def _rules(complaint: str):
    return triage_rules(TriageRequest(age=40, complaint=complaint), KB)


def test_model_cannot_lower_a_rule_verdict():
    base = _rules("胸痛1小时")
    merged = merge_model_level(base, 4, "轻症", "minor", "LLM test", KB)
    assert merged.level == base.level == 2 and merged.disposition == "emergency"
    assert merged.reasons[-1].origin == "model"


def test_model_can_raise_urgency_and_the_outputs_follow():
    base = _rules("头晕一天")
    assert base.level == 4
    merged = merge_model_level(base, 2, "疑似后循环卒中", "possible stroke", "LLM test", KB)
    assert merged.level == 2 and merged.refer and merged.disposition == "emergency"
    assert merged.rules_level == 4
    merged1 = merge_model_level(base, 1, "x", "x", "LLM test", KB)
    assert merged1.call_120 and merged1.department_key == "resus"


def test_model_failure_keeps_rules():
    """Fault path: an engine that times out (the real error type) leaves the rules verdict."""
    from appliance.errors import LLMTimeout

    class TimingOut:
        def chat(self, *args, **kwargs):
            raise LLMTimeout()

    out = triage({"complaint": "胸痛"}, TimingOut())
    assert out["level"] == 2 and out["triage"]["llm_error"] == "llm_timeout"


@pytest.mark.model
def test_recommendation_phrasing_on_tiny_model_keeps_rule_options(tiny_engine):
    from appliance.services.safety import recommend_meds

    request = {"diagnosis": "社区获得性肺炎", "patient": {"age": 40, "allergies": ["青霉素"]}}
    rules = recommend_meds(request)
    out = recommend_meds(request, engine=tiny_engine, timeout_s=120)
    assert out["options"] == rules["options"] and out["excluded"] == rules["excluded"]
    assert ("summary" in out and out["summary"]["origin"] == "model") or out.get("llm_error")
