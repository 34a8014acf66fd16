"""The model pass of advise only reorders and explains the rules' candidates; what it says is
checked against the knowledge base (a scripted engine stands in for the model here; the real tiny
model runs in tests/functional/test_advise_llm.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from appliance.errors import ClinicBoxError
from appliance.services._advise_model import apply_model
from appliance.services._assistant_advise import advise_record

RECORD = {
    "chief_complaint": "发热、咳嗽3天，右侧胸痛伴大汗",
    "physical_exam": "右下肺湿啰音",
    "auxiliary_exams": "胸片右下肺斑片影",
    "patient": {"age": 55, "sex": "M"},
}


@dataclass
class Reply:
    data: Any
    text: str = ""
    model: str = "scripted"


class Scripted:
    def __init__(self, data: Any = None, error: ClinicBoxError | None = None) -> None:
        self.data, self.error, self.calls = data, error, 0

    def chat(self, messages: list[dict[str, str]], **kw: Any) -> Reply:
        self.calls += 1
        assert kw["timeout_s"] <= 20 and kw["schema"]["properties"]["order"]["items"]["enum"]
        if self.error:
            raise self.error
        return Reply(self.data)


def test_model_reorders_only_among_candidates_and_keeps_refer() -> None:
    rules = advise_record(None, RECORD)
    names = [d["name"] for d in rules["differentials"]]
    assert len(names) >= 2
    engine = Scripted({"order": ["肝硬化", names[1], names[0]],
                       "why": [{"name": names[1], "text": "胸痛伴大汗需先排除。"},
                               {"name": names[0], "text": "湿啰音和斑片影支持。"}]})  # fmt: skip
    out = apply_model(advise_record(None, RECORD), "text", engine)
    got = [d["name"] for d in out["differentials"]]
    assert got[:2] == [names[1], names[0]] and set(got) == set(names)
    assert "肝硬化" not in got and out["model"]["ignored_names"] == ["肝硬化"]
    assert out["refer"] == rules["refer"] and out["refer_reasons"] == rules["refer_reasons"]
    assert (
        out["source"] == "rules+model"
        and out["differentials"][0]["explanation"]["origin"] == "model"
    )


def test_sentences_beyond_the_knowledge_base_are_removed() -> None:
    rules = advise_record(None, RECORD)
    top = rules["differentials"][0]["name"]
    engine = Scripted({"order": [top], "why": [
        {"name": top, "text": "湿啰音和斑片影支持。也可能是肝硬化。可以加用左氧氟沙星。"}]})  # fmt: skip
    out = apply_model(rules, "text", engine)
    d = next(d for d in out["differentials"] if d["name"] == top)
    assert d["explanation"]["text"] == "湿啰音和斑片影支持。"
    assert out["model"]["claims_removed"] == 2


def test_any_model_problem_leaves_the_rules_answer() -> None:
    rules = advise_record(None, RECORD)
    for engine in (Scripted(error=ClinicBoxError("忙", "busy")),
                   Scripted(data="not json"), None):  # fmt: skip
        out = apply_model(advise_record(None, RECORD), "text", engine)
        assert [d["name"] for d in out["differentials"]] == [
            d["name"] for d in rules["differentials"]
        ]
        assert out["model"]["used"] is False and out["model"]["error"]
        assert out["source"] == "rules"
