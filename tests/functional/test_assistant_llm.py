"""Assistant answers through the real LLM engine (tiny test GGUF: nonsense text, real plumbing).

Whatever the model writes, only sentences supported by the cited chunks reach the patient;
with nothing grounded the answer falls back to the passages themselves."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.services._assistant_answer import answer_question, stream_answer
from appliance.services._assistant_tools import TOOLS, plan_with_model

pytestmark = pytest.mark.model


def test_model_answer_is_grounded_or_falls_back(tiny_engine: Any, lexical_kb: Any) -> None:
    result = answer_question(lexical_kb, "做腹部B超要空腹吗", engine=tiny_engine)
    assert result.kind in ("answer", "passages")
    assert result.citations and not result.escalate
    sources = " ".join(c["text"] for c in result.citations)
    from appliance.services._assistant_grounding import split_sentences, support

    for sentence in split_sentences(result.answer):
        assert support(sentence.split("】")[-1], [sources]) >= 0.6


def test_emergency_never_reaches_the_model(tiny_engine: Any, lexical_kb: Any) -> None:
    class Forbidden:
        def chat(self, *a: Any, **k: Any) -> Any:
            raise AssertionError("the model must not be called for an emergency")

        stream = chat

    assert (
        answer_question(lexical_kb, "胸口压榨样疼痛出冷汗", engine=Forbidden()).kind == "emergency"
    )
    events = list(stream_answer(lexical_kb, "胸口压榨样疼痛出冷汗", engine=Forbidden()))
    assert events[-1]["result"]["kind"] == "emergency"


def test_stream_drafts_then_final(tiny_engine: Any, lexical_kb: Any) -> None:
    events = list(stream_answer(lexical_kb, "高血压饮食要注意什么", engine=tiny_engine))
    assert events[-1]["event"] == "final"
    assert events[-1]["result"]["citations"]


def test_model_tool_choice_is_schema_bound(tiny_engine: Any) -> None:
    tool, arguments = plan_with_model(tiny_engine, "我想查一下化验报告")
    assert tool is None or tool in TOOLS
    assert isinstance(arguments, dict)
