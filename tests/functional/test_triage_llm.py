"""Rules + LLM triage on a real (tiny) model: the plumbing works and the model can only ever
raise urgency. The tiny model's opinion is random; quality is measured with the packaged model
in docs/accuracy.md."""

from __future__ import annotations

from types import SimpleNamespace

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
    """The tiny model answers schema-valid JSON (a level 1-4), so the rules+llm branch runs."""
    rules_only = triage(request_, None)
    out = triage(request_, tiny_engine, timeout_s=600)
    meta = out["triage"]
    assert meta["mode"] == "rules+llm" and "llm_error" not in meta, meta
    assert out["rules_level"] == rules_only["level"]
    assert 1 <= meta["model_level"] <= 4
    model_reasons = [r for r in out["reasons"] if r["origin"] == "model"]
    assert len(model_reasons) == 1 and model_reasons[0]["rule"] == "LLM-TRIAGE"
    assert out["level"] == min(meta["model_level"], rules_only["level"]) <= rules_only["level"]
    assert meta["raised"] is (meta["model_level"] < rules_only["level"])


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
    assert out["triage"]["mode"] == "rules"
    assert not [r for r in out["reasons"] if r["origin"] == "model"]


def test_unusable_model_output_keeps_rules():
    """Fallback path: a level outside 1-4 is not used; the reason says the output was invalid."""

    class OutOfRange:
        def chat(self, *args, **kwargs):
            return SimpleNamespace(data={"level": 0, "reason": "x"}, model="fake")

    out = triage({"age": 30, "complaint": "感冒，流鼻涕"}, OutOfRange())
    assert out["level"] == 4 and out["triage"] == {
        "mode": "rules",
        "llm_error": "invalid_output",
        "elapsed_s": out["triage"]["elapsed_s"],
    }


@pytest.mark.model
def test_recommendation_phrasing_on_tiny_model_keeps_rule_options(tiny_engine):
    from appliance.services.safety import recommend_meds

    request = {"diagnosis": "社区获得性肺炎", "patient": {"age": 40, "allergies": ["青霉素"]}}
    rules = recommend_meds(request)
    out = recommend_meds(request, engine=tiny_engine, timeout_s=600)
    assert out["options"] == rules["options"] and out["excluded"] == rules["excluded"]
    assert "llm_error" not in out, out.get("llm_error")  # the tiny model answered: a summary
    assert out["summary"]["origin"] == "model" and out["summary"]["model"] == tiny_engine.model


def test_recommendation_phrasing_falls_back_to_the_rule_options():
    """Fallback path: a timing-out model adds no summary, says why and keeps every option."""
    from appliance.errors import LLMTimeout
    from appliance.services.safety import recommend_meds

    class TimingOut:
        def chat(self, *args, **kwargs):
            raise LLMTimeout()

        stream = chat

    request = {"diagnosis": "社区获得性肺炎", "patient": {"age": 40, "allergies": ["青霉素"]}}
    rules = recommend_meds(request)
    out = recommend_meds(request, engine=TimingOut(), timeout_s=5)
    assert out["llm_error"] == "llm_timeout" and "summary" not in out
    assert out["options"] == rules["options"] and out["excluded"] == rules["excluded"]
