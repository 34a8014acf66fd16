"""R1 <think> handling: reasoning never reaches the user, whatever way the text is split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.llm._template import PromptFormatter, ThinkFilter, strip_think
from appliance.llm._types import TASK_PRIORITY, priority_for_task

ANSWER = "建议急诊科就诊。"
RAW = "<think>\n患者胸痛伴大汗，考虑急性冠脉综合征……\n</think>\n\n" + ANSWER


def _feed_split(text: str, cuts: list[int]) -> tuple[str, ThinkFilter]:
    f = ThinkFilter()
    out, last = [], 0
    for cut in sorted(set(cuts)):
        out.append(f.feed(text[last:cut]))
        last = cut
    out.append(f.feed(text[last:]))
    out.append(f.flush())
    return "".join(out), f


@given(st.lists(st.integers(min_value=0, max_value=len(RAW)), max_size=12))
def test_reasoning_is_removed_however_the_stream_is_split(cuts):
    visible, f = _feed_split(RAW, cuts)
    assert visible == ANSWER
    assert "急性冠脉综合征" in (f.reasoning or "")
    assert f.visible == ANSWER


def test_answer_without_think_passes_through():
    assert strip_think("  直接回答") == ("  直接回答", None)
    assert strip_think("<thin") == ("<thin", None)  # not a tag after all: released at the end


def test_unclosed_think_is_never_shown():
    visible, reasoning = strip_think("<think>还在想，没有结束")
    assert visible == "" and reasoning == "还在想，没有结束"


def test_no_think_prefill_closes_the_block_for_r1_templates():
    r1 = PromptFormatter(
        "{{bos_token}}{% for m in messages %}<｜User｜>{{m['content']}}{% endfor %}"
        "{% if add_generation_prompt %}<｜Assistant｜>{% endif %}"
        "{# content.split('</think>') #}",
        bos_token="<s>",
        eos_token="</s>",
    )
    assert r1.reasoning
    msgs = [{"role": "user", "content": "你好"}]
    assert r1.render(msgs, no_think=True).endswith("<｜Assistant｜><think>\n\n</think>\n\n")
    assert r1.render(msgs, no_think=False).endswith("<｜Assistant｜>")


def test_models_without_template_get_chatml_and_no_think_block():
    plain = PromptFormatter(None, bos_token="", eos_token="")
    assert not plain.reasoning
    out = plain.render([{"role": "user", "content": "hi"}], no_think=True)
    assert out.endswith("<|im_start|>assistant\n")


@pytest.mark.parametrize(
    ("higher", "lower"),
    [
        ("triage", "emr"),
        ("emr", "meds"),
        ("qc", "meds"),
        ("meds", "assistant"),
        ("assistant", "batch"),
    ],
)
def test_task_priorities(higher, lower):
    assert priority_for_task(higher) < priority_for_task(lower)
    assert TASK_PRIORITY["emr"] == TASK_PRIORITY["qc"]
    assert priority_for_task("unknown") == TASK_PRIORITY["assistant"]


def test_prefix_cache_keeps_the_longest_prefix_and_evicts_lru():
    from appliance.llm._local import PrefixCache

    cache = PrefixCache(capacity_bytes=100)
    cache.put((1, 2, 3), b"a" * 40)
    cache.put((1, 2, 3, 4, 5), b"b" * 40)  # extends (1,2,3): supersedes it
    assert list(cache.states) == [(1, 2, 3, 4, 5)] and cache.size == 40
    cache.put((7, 8), b"c" * 40)
    assert cache.best([1, 2, 3, 9]) == ((1, 2, 3, 4, 5), 3)  # also marks it recently used
    cache.put((9,), b"d" * 40)  # over capacity: the least recently used (7, 8) goes
    assert set(cache.states) == {(1, 2, 3, 4, 5), (9,)} and cache.size == 80
    assert cache.best([5, 5]) == (None, 0)
    cache.put((4,), b"x" * 101)  # larger than the whole cache: not kept
    assert (4,) not in cache.states
