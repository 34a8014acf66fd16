"""Model text cannot invent medication facts (issue #17 item 3).

The model's words are planted through an engine stand-in that returns exactly the text under
test (a real model cannot be made to say a chosen falsehood on demand); everything after the
model — the rule output, the formulary and the verifier — is the real code path of
``clinicbox meds recommend``."""

from __future__ import annotations

import json

from appliance.clinical.meds_claims import RuleFacts, verify_text
from appliance.knowledge.catalogs import formulary
from appliance.llm._types import ChatResult
from appliance.services.safety import recommend_meds

FALSE_CLAIM = "阿奇霉素对青霉素类过敏者禁用"


class PlantedModel:
    """Answers every chat with the planted summary (records the call's time limit)."""

    def __init__(self, summary: str) -> None:
        self.summary = summary
        self.timeouts: list[float | None] = []

    def chat(self, messages, *, task, schema, max_tokens, timeout_s=None, **_kw):
        self.timeouts.append(timeout_s)
        return ChatResult(text=json.dumps({"summary": self.summary}, ensure_ascii=False),
                          model="planted", task=task, data={"summary": self.summary})  # fmt: skip


def _recommend(summary: str, **patient: object):
    engine = PlantedModel(summary)
    steps: list[str] = []
    out = recommend_meds(
        {"diagnosis": "社区获得性肺炎", "patient": {"age": 40, "allergies": ["青霉素"], **patient}},
        engine=engine,
        timeout_s=5,
        progress=lambda zh, en: steps.append(zh),
    )
    return out, engine, steps


def test_planted_azithromycin_penicillin_claim_never_reaches_the_user():
    text = f"青霉素过敏，阿莫西林已排除。首选阿奇霉素。{FALSE_CLAIM}。"
    out, engine, steps = _recommend(text)
    assert "阿奇霉素" in [o["drug"] for o in out["options"]]
    shown = json.dumps(out, ensure_ascii=False)
    assert FALSE_CLAIM not in shown
    assert out["summary"]["text"] == "首选阿奇霉素。" or FALSE_CLAIM not in out["summary"]["text"]
    assert out["summary"]["verified"] is True and out["summary"]["removed"] >= 1
    assert engine.timeouts == [5]  # time-bounded
    assert len(steps) == 2 and "删除" in steps[1]  # progress before and after


def test_supported_sentences_stay():
    out, _, _ = _recommend("首选阿奇霉素。阿莫西林因青霉素过敏被排除。")
    assert out["summary"]["text"] == "首选阿奇霉素。阿莫西林因青霉素过敏被排除。"
    assert out["summary"]["removed"] == 0


def test_only_false_text_leaves_no_model_summary():
    out, _, _ = _recommend(FALSE_CLAIM + "。")
    assert "summary" not in out and out["summary_removed"] == 1
    assert out["options"]  # the rules' result is untouched


DRUGS = formulary()
FACTS = RuleFacts(
    offered={
        "阿奇霉素": (500.0, "500 mg 每日 1 次，共 3 日"),
        "多西环素": (100.0, "100 mg 每日 2 次"),
    },
    excluded=frozenset({"阿莫西林"}),
    alerts=(
        ("allergy", "contraindicated", ("阿莫西林",), "患者对青霉素过敏，禁用。"),
        ("interaction", "major", ("华法林", "多西环素"), "…"),
    ),
)


def test_unsupported_interaction_contraindication_dose_and_new_drugs_go():
    cases = {
        "阿奇霉素与华法林合用会导致严重出血。": False,  # no such alert for azithromycin
        "阿奇霉素禁用于本患者。": False,  # no contraindication
        "阿奇霉素每次 2000 mg。": False,  # outside rule dose and formulary range
        "也可以加用莫西沙星。": False,  # a drug the rules did not offer
        "阿奇霉素 500 mg 每日一次。": True,
        "阿莫西林因青霉素过敏禁用。": True,  # the allergy alert supports it
        "多西环素与华法林合用需监测。": True,  # the interaction alert supports it
        "请注意随访。": True,
    }
    for sentence, keep in cases.items():
        out = verify_text(sentence, DRUGS, FACTS)
        assert (out.text == sentence) is keep, sentence
        assert (len(out.removed) == 0) is keep, sentence


def test_verifier_reasons_never_repeat_the_false_text():
    out = verify_text(FALSE_CLAIM, DRUGS, FACTS)
    assert out.text == "" and out.removed and FALSE_CLAIM not in " ".join(out.removed)
