"""advise with a real (tiny) model: the model pass runs inside the visit budget and can only
reorder and explain the rules' candidates. The tiny model's opinion is random; quality with the
packaged model is for docs/accuracy.md."""

from __future__ import annotations

import time
from typing import Any

import pytest

from appliance.services._advise_model import apply_model
from appliance.services._assistant_advise import advise_record, record_text


@pytest.mark.model
def test_tiny_model_reranks_only_among_candidates(tiny_engine: Any) -> None:
    record = {"chief_complaint": "突发胸骨后压榨样疼痛1小时，伴大汗",
              "past_history": "高血压", "patient": {"age": 63, "sex": "M"}}  # fmt: skip
    rules = advise_record(None, record)
    started = time.monotonic()
    out = apply_model(advise_record(None, record), record_text(record), tiny_engine)
    assert time.monotonic() - started < 60  # tiny model on a shared CI core; budget is 20 s
    assert {d["name"] for d in out["differentials"]} == {d["name"] for d in rules["differentials"]}
    assert out["refer"] is True and out["refer_reasons"] == rules["refer_reasons"]
    assert out["model"]["used"] or out["model"]["error"]
