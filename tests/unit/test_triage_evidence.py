"""A model-proposed triage finding counts only when its quote is affirmed in the complaint and
means the finding (appliance.clinical.triage_evidence); firing and non-firing cases for each
check, with a deterministic embedder."""

from __future__ import annotations

import numpy as np

from appliance.clinical.triage_evidence import Proposal, Support, check_proposals
from appliance.clinical.triage_model import ComplaintRule
from appliance.clinical.triage_semantic import SemanticBank


def _rule(fid: str, terms: tuple[str, ...], **kw: object) -> ComplaintRule:
    return ComplaintRule(id=fid, level=2, department="emergency", terms=terms, source="TEST",
                         text_zh=fid, text_en=fid, **kw)  # type: ignore[arg-type]  # fmt: skip


# three directions: trismus-like words, vision-loss-like words, anything else
AXES = {"张不开嘴": 0, "牙关紧闭": 0, "看不见": 1, "失明": 1}


class Embedder:
    def embed_queries(self, texts):
        rows = []
        for text in texts:
            v = np.zeros(3, dtype=np.float32)
            hits = [axis for word, axis in AXES.items() if word in text]
            v[hits[0] if hits else 2] = 1.0
            rows.append(v)
        return np.stack(rows)


RULES = [
    _rule("TETANUS", ("牙关紧闭",)),
    _rule("VISION", ("失明",)),
    _rule("PREG-BLEED", ("出血",), with_terms=("怀孕",)),
    _rule("CHILD-ONLY", ("不吃奶",), max_age=1.0),
]
BANK = SemanticBank(
    ids=("TETANUS", "VISION"),
    terms=("牙关紧闭", "失明"),
    vectors=np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32),
    model="fake",
    threshold=0.8,
    margin=0.02,
)


def check(text, *proposals, age=40.0, bank=BANK):
    return check_proposals(text, [Proposal(*p) for p in proposals], RULES, age=age, bank=bank,
                           embedder=Embedder())  # fmt: skip


def test_a_quote_written_affirmed_and_meaning_the_finding_counts_with_its_span():
    (c,) = check("十天前扎破脚，现在张不开嘴", ("TETANUS", "张不开嘴"))
    assert c.finding is not None and c.finding.source == "model"
    assert c.finding.span == (9, 13) and c.finding.text == "张不开嘴"
    assert c.similarity == 1.0


def test_a_quote_not_in_the_complaint_does_not_count():
    (c,) = check("脚扎破了", ("TETANUS", "张不开嘴"))
    assert c.finding is None and c.why == "quote_not_affirmed"


def test_a_negated_quote_does_not_count():
    (c,) = check("脚扎破了，没有张不开嘴", ("TETANUS", "张不开嘴"))
    assert c.finding is None and c.why == "quote_not_affirmed"


def test_a_quote_that_means_another_finding_does_not_count():
    (c,) = check("右眼突然看不见", ("TETANUS", "看不见"))
    assert c.finding is None and c.why == "quote_means_something_else"
    (c,) = check("右眼突然看不见", ("VISION", "看不见"))
    assert c.finding is not None


def test_a_finding_with_a_co_finding_or_without_an_embedder_stays_a_hint():
    (c,) = check("怀孕8周，出血", ("PREG-BLEED", "出血"))
    assert c.finding is None and c.why == "not_checkable"
    (c,) = check("现在张不开嘴", ("TETANUS", "张不开嘴"), bank=None)
    assert c.finding is None and c.why == "no_embedder"


def test_age_limits_unknown_ids_and_repeats():
    assert check("宝宝不吃奶", ("CHILD-ONLY", "不吃奶"), age=30)[0].why == "not_applicable"
    assert check("张不开嘴", ("NOPE", "张不开嘴"))[0].why == "not_applicable"
    assert len(check("张不开嘴", ("TETANUS", "张不开嘴"), ("TETANUS", "张不开嘴"))) == 1


def test_a_one_character_quote_is_too_short_to_ground_anything():
    (c,) = check("现在张不开嘴", ("TETANUS", "嘴"))
    assert c.finding is None and c.why == "quote_not_affirmed"


def test_support_slack_is_the_margin_below_the_bank_threshold():
    bank = SemanticBank(("TETANUS",), ("牙关紧闭",), np.array([[0.6, 0.0, 0.8]], np.float32),
                        "fake", 0.8, 0.02)  # fmt: skip
    (c,) = check_proposals("张不开嘴", [Proposal("TETANUS", "张不开嘴")], RULES, age=40,
                           bank=bank, embedder=Embedder(), support=Support(slack=0.12))  # fmt: skip
    assert c.finding is None and round(c.similarity or 0, 2) == 0.6
    (c,) = check_proposals("张不开嘴", [Proposal("TETANUS", "张不开嘴")], RULES, age=40,
                           bank=bank, embedder=Embedder(), support=Support(slack=0.25))  # fmt: skip
    assert c.finding is not None
