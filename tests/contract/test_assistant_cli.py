"""`clinicbox ask --json` and `clinicbox advise --json` contracts (DESIGN.md)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _lexical_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINICBOX_KB_EMBEDDER", "none")


def test_ask_no_llm_returns_passages_with_citations(cli: Any) -> None:
    res = cli("ask", "--json", "--no-llm", stdin={"question": "做B超要空腹吗？"})
    assert res.rc == 0, res.err
    out = res.json()
    assert set(out) == {"answer", "citations", "escalate"}
    assert out["escalate"] is False
    assert out["citations"] and set(out["citations"][0]) == {"doc", "section", "text"}
    assert out["citations"][0]["text"] in out["answer"]


def test_ask_emergency_and_refusal(cli: Any) -> None:
    out = cli("ask", "--json", "--no-llm", stdin={"question": "老人突然口角歪斜，说话不清"}).json()
    assert out["escalate"] is True and "120" in out["answer"]
    out = cli("ask", "--json", "--no-llm", stdin={"question": "股票明天会涨吗"}).json()
    assert out == {"answer": out["answer"], "citations": [], "escalate": True}


def test_ask_without_model_falls_back_to_passages(cli: Any) -> None:
    out = cli("ask", "--json", stdin={"question": "低血糖怎么办"}).json()
    assert out["citations"][0]["section"] == "低血糖怎么办"


@pytest.mark.parametrize(
    ("stdin", "code"),
    [("{bad json", "bad_input"), ({"q": "x"}, "bad_input"), ({"question": ""}, "bad_input")],
)
def test_ask_bad_input_is_a_clear_error(cli: Any, stdin: Any, code: str) -> None:
    res = cli("ask", "--json", "--no-llm", stdin=stdin)
    assert res.rc == 2 and res.out == ""
    assert res.error()["code"] == code


PNEUMONIA = {
    "chief_complaint": "发热、咳嗽3天",
    "present_illness": "3天前受凉后发热，体温最高39℃，咳嗽咳黄痰，无咯血",
    "physical_exam": "右下肺可闻及湿啰音",
    "auxiliary_exams": "血常规白细胞升高；胸片右下肺斑片影",
    "patient": {"age": 52, "sex": "M"},
}


def test_advise_contract(cli: Any) -> None:
    res = cli("advise", "--json", stdin=PNEUMONIA)
    assert res.rc == 0, res.err
    out = res.json()
    # DESIGN.md's three fields plus what issue #19 adds (referral reasons, codes, must-not-miss).
    # No model installed here: the model pass says so instead of failing.
    assert out.pop("model") == {"used": False, "error": "model_missing"}
    assert set(out) == {"differentials", "next_steps", "refer", "refer_reasons", "icd10",
                        "must_not_miss", "enough_information", "ask", "source"}  # fmt: skip
    top = out["differentials"][0]
    assert {"name", "for", "against", "citations"} <= set(top)
    assert top["icd10"] == "J18.9" and out["icd10"][0] == "J18.9"
    assert top["must_not_miss"] is False and out["must_not_miss"] == []
    assert out["refer_reasons"] == [] and out["source"] == "rules"
    assert top["name"] == "社区获得性肺炎"
    assert "肺部湿啰音/实变体征" in top["for"]
    assert top["citations"][0]["section"].startswith("社区获得性肺炎")
    assert out["refer"] is False
    assert any("胸片" in s for s in out["next_steps"])


def test_advise_refers_stroke_and_rejects_empty_record(cli: Any) -> None:
    out = cli(
        "advise",
        "--json",
        stdin={"chief_complaint": "突发左侧肢体无力1小时", "present_illness": "伴口角歪斜、言语不清",
               "patient": {"age": 70}},
    ).json()  # fmt: skip
    assert out["differentials"][0]["name"] == "急性脑卒中" and out["refer"] is True
    assert out["must_not_miss"][0]["name"] == "急性脑卒中"
    assert any("急性脑卒中" in r for r in out["refer_reasons"])
    res = cli("advise", "--json", stdin={"chief_complaint": ""})
    assert res.rc == 2 and res.error()["code"] == "bad_input"


def test_emergency_answer_says_call_120_first_then_the_asked_first_aid(cli: Any) -> None:
    out = cli("ask", "--json", "--no-llm", stdin={"question": "低血糖怎么办"}).json()
    assert out["escalate"] is True
    assert out["answer"].index("120") < out["answer"].index("低血糖怎么办")
    assert [c["section"] for c in out["citations"]][1:] != []


def test_emergency_answer_adds_no_passage_that_is_not_about_the_question(cli: Any) -> None:
    out = cli("ask", "--json", "--no-llm", stdin={"question": "胸口剧痛，喘不上气"}).json()
    assert out["escalate"] is True
    assert "等待急救时可参考" not in out["answer"]
    assert {c["doc"] for c in out["citations"]} == {"急症识别与120"}
