"""Assistant answers through the real LLM engine (tiny test GGUF: nonsense text, real plumbing).

Whatever the model writes, only sentences supported by the cited chunks reach the patient;
with nothing grounded the answer falls back to the passages themselves."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.services._assistant_answer import answer_question, stream_answer
from appliance.services._assistant_tools import TOOLS, plan_with_model, route_by_keywords

pytestmark = pytest.mark.model


class _Spy:
    """The real engine, recording what each call returned or raised (which branch ran)."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.results, self.errors, self.streamed = engine, [], [], []

    def chat(self, *args: Any, **kwargs: Any) -> Any:
        try:
            res = self.engine.chat(*args, **kwargs)
        except Exception as exc:
            self.errors.append(exc)
            raise
        self.results.append(res)
        return res

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        for piece in self.engine.stream(*args, **kwargs):
            self.streamed.append(piece.text)
            yield piece


class _TimingOut:
    def chat(self, *args: Any, **kwargs: Any) -> Any:
        from appliance.errors import LLMTimeout

        raise LLMTimeout()

    stream = chat


def _grounded(result: Any) -> None:
    from appliance.services._assistant_grounding import split_sentences, support

    sources = " ".join(c["text"] for c in result.citations)
    for sentence in split_sentences(result.answer):
        assert support(sentence.split("】")[-1], [sources]) >= 0.6


def test_tiny_model_answer_is_checked_and_its_nonsense_never_reaches_the_patient(
    tiny_engine: Any, lexical_kb: Any
) -> None:
    """The model runs and returns (its random R1 output is mostly hidden ``<think>`` text);
    nothing it shows is supported by the chunks, so the patient gets the passages."""
    from appliance.services._assistant_grounding import grounded_sentences

    spy = _Spy(tiny_engine)
    result = answer_question(lexical_kb, "做腹部B超要空腹吗", engine=spy)
    assert len(spy.results) == 1 and not spy.errors and spy.results[0].timings.completion_tokens > 0
    kept, _ = grounded_sentences(spy.results[0].text, [c["text"] for c in result.citations])
    assert len("".join(kept)) < 12  # nothing checkable survived the grounding rule
    assert result.kind == "passages" and result.model in (None, "")
    assert result.citations and not result.escalate
    _grounded(result)


def test_a_failing_model_falls_back_to_the_passages(lexical_kb: Any) -> None:
    """Fallback path: the model times out; the answer is the passages, the same as --no-llm."""
    result = answer_question(lexical_kb, "做腹部B超要空腹吗", engine=_TimingOut())
    plain = answer_question(lexical_kb, "做腹部B超要空腹吗", no_llm=True)
    assert result.kind == "passages" and result.answer == plain.answer
    assert result.citations == plain.citations


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
    """The model's draft streams first; the final event carries the checked answer, which for
    the tiny model's nonsense is the passages (the same as --no-llm)."""
    spy = _Spy(tiny_engine)
    events = list(stream_answer(lexical_kb, "高血压饮食要注意什么", engine=spy))
    drafts = [e["text"] for e in events if e["event"] == "draft"]
    assert drafts and "".join(drafts) == "".join(spy.streamed)
    assert events[-1]["event"] == "final"
    plain = answer_question(lexical_kb, "高血压饮食要注意什么", no_llm=True)
    assert events[-1]["result"]["answer"] == plain.answer
    assert events[-1]["result"]["citations"] == plain.citations


def test_stream_with_a_failing_model_sends_the_passages(lexical_kb: Any) -> None:
    events = list(stream_answer(lexical_kb, "高血压饮食要注意什么", engine=_TimingOut()))
    assert not [e for e in events if e["event"] == "draft"]
    assert events[-1]["event"] == "final" and events[-1]["result"]["citations"]


def test_model_tool_choice_is_schema_bound(tiny_engine: Any) -> None:
    """The tiny model's choice is schema-valid JSON; a tool is used only when it names one,
    otherwise the keyword router decides."""
    spy = _Spy(tiny_engine)
    tool, arguments = plan_with_model(spy, "我想查一下化验报告")
    assert len(spy.results) == 1 and not spy.errors
    data = spy.results[0].data
    assert isinstance(data, dict) and isinstance(data.get("tool"), str)
    if data["tool"] in TOOLS:
        assert (tool, arguments) == (data["tool"], {k: v for k, v in data.items() if k != "tool"})
    else:
        assert (tool, arguments) == (route_by_keywords("我想查一下化验报告"), {})


def test_tool_choice_falls_back_to_keywords_when_the_model_fails() -> None:
    assert plan_with_model(_TimingOut(), "我想查一下化验报告") == ("reports", {})
