"""Triage mechanisms of the tenth #16 batch, firing and non-firing (wording ours)."""

from __future__ import annotations

from typing import Any

from appliance.services.safety import triage


def run(complaint: str, age: float, **kw: Any) -> dict[str, Any]:
    return triage({"complaint": complaint, "age": age, **kw}, use_llm=False)


def rules(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["rule"]: r for r in out["reasons"]}


def test_severe_peripheral_pain_is_ctas_3_and_says_why() -> None:
    """CTAS 2016: severe peripheral pain is level 3; severe central pain stays level 2."""
    ankle = run("打篮球崴了右脚脖子，肿得厉害，不敢着地，疼8分", 25)
    assert ankle["level"] == 3
    pain = rules(ankle)["V-PAIN-SEVERE"]
    assert pain["level"] == 3 and "外周" in pain["text"]
    assert run("下午开始肚子绞着疼，疼8分", 25)["level"] == 2  # central
    assert run("头疼得厉害，疼痛8/10", 25)["level"] == 2  # central
    assert run("疼痛9分", 25)["level"] == 2  # no site named: unsure, stays 2
    # a limb named beside a central pain is not a peripheral pain
    assert run("摔了一跤，手腕擦破了，胸口也疼，疼8分", 60)["level"] == 2


def test_severe_peripheral_pain_keeps_a_high_risk_finding() -> None:
    """The pain row only stops forcing level 2: a limb threat still makes its own level."""
    assert run("摔倒后小腿骨头从伤口露出来了，疼8分", 30)["level"] <= 2
