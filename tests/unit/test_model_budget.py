"""Model steps are bounded and honest (issue 20): budgets come from this box's measured
tokens/s, progress counts tokens written of tokens expected with an ETA that is never 0 while
work remains, and a step past its budget or cancelled stops the model."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from appliance.llm.budget import (
    CEILING_S,
    DEFAULT_SPEED,
    FLOOR_S,
    Speed,
    SpeedMeter,
    budgets,
    expected_output_tokens,
    load_speed,
    step_budget_s,
)


def test_budget_follows_the_measured_speed_within_floor_and_ceiling() -> None:
    slow = Speed(prompt_tps=20.0, generation_tps=2.0, measured=True)
    fast = Speed(prompt_tps=2000.0, generation_tps=200.0, measured=True)
    mid = Speed(prompt_tps=170.0, generation_tps=31.0, measured=True)
    assert step_budget_s(fast, 700, 320) == FLOOR_S
    assert step_budget_s(slow, 700, 320) == CEILING_S
    assert FLOOR_S < step_budget_s(mid, 700, 320) < CEILING_S
    assert step_budget_s(mid, 700, 320) >= mid.seconds(700, 320)  # room for the expected work


def test_expected_structuring_output_grows_with_the_dictation_but_is_capped() -> None:
    short, long = expected_output_tokens("emr", 50), expected_output_tokens("emr", 400)
    assert short < long <= 900


def test_the_speed_meter_learns_and_persists_per_model(tmp_path: Path) -> None:
    meter = SpeedMeter(tmp_path, "m1")
    assert meter.speed == DEFAULT_SPEED and not meter.speed.measured
    meter.observe(150.0, 30.0)
    assert meter.speed.measured and meter.speed.generation_tps == 30.0
    meter.observe(150.0, 10.0)  # smoothed, not replaced by one slow answer
    assert 10.0 < meter.speed.generation_tps < 30.0
    meter.observe(0.0, 0.0)  # a one-token answer measures nothing
    again = load_speed(tmp_path, "m1")
    assert again.generation_tps == meter.speed.generation_tps
    assert load_speed(tmp_path, "other") == DEFAULT_SPEED
    rows = budgets(again)
    assert {r["step"] for r in rows} >= {"emr", "qc"}
    assert all(float(r["budget_s"]) >= float(r["expected_s"]) for r in rows)  # type: ignore[arg-type]


@pytest.mark.model
def test_a_model_step_reports_tokens_and_an_eta_never_zero(tiny_engine: Any) -> None:
    from appliance.clinical.extract_llm import llm_messages, llm_schema
    from appliance.errors import LLMOutputInvalid
    from appliance.services._model_step import model_step

    seen: list[Any] = []
    # random weights: the answer may hit the token limit before the JSON closes
    with contextlib.suppress(LLMOutputInvalid):
        model_step(
            tiny_engine,
            llm_messages("咳嗽三天，发热。", "initial"),
            step="emr",
            schema=llm_schema(),
            max_tokens=64,
            expected_tokens=64,
            progress=seen.append,
            cancel=None,
        )
    assert seen and all(p.eta_s is not None and p.eta_s >= 1.0 for p in seen)
    assert all(p.fraction is not None and p.fraction < 1.0 for p in seen)
    assert any("词元" in p.message for p in seen) or len(seen) == 1
    assert tiny_engine.speed_meter.speed.measured  # this box's speed was measured


@pytest.mark.model
def test_a_cancelled_model_step_stops(tiny_engine: Any) -> None:
    from appliance.clinical.extract_llm import llm_messages, llm_schema
    from appliance.errors import Cancelled, ClinicBoxError
    from appliance.services._model_step import model_step
    from appliance.services.interface import CancelToken

    token = CancelToken()
    token.cancel()
    with pytest.raises((Cancelled, ClinicBoxError)):
        model_step(
            tiny_engine,
            llm_messages("咳嗽三天。", "initial"),
            step="emr",
            schema=llm_schema(),
            max_tokens=400,
            expected_tokens=400,
            progress=None,
            cancel=token,
        )
