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
