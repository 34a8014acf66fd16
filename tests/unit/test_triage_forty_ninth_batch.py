"""Triage mechanisms of the forty-ninth #16 batch: the clause-only near rule and the mechanisms read
from the outside-written development sets dev111–dev113; firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings import Concept, Vocabulary, extract_findings
from appliance.clinical.triage_lowrisk import lasted
from tests.unit._triage_service import ids, run


def test_a_clause_only_near_rule_never_reads_the_next_clause() -> None:
    loose = Concept("X", (), near_sites=("背上",), near_signs=("像刀割",))
    strict = Concept("Y", (), near_sites=("背上",), near_signs=("像刀割",), near_clause=True)
    text = "背上划了个口子，像刀割"
    assert [f.id for f in extract_findings(text, vocabulary=Vocabulary((loose, strict)))] == ["X"]
    assert {
        f.id for f in extract_findings("背上一阵像刀割", vocabulary=Vocabulary((loose, strict)))
    } == {
        "X",
        "Y",
    }


def test_a_knife_cutting_pain_of_the_back_or_chest_is_a_tearing_pain_in_its_own_clause() -> None:
    for text in (
        "胸口一下子像刀子割，疼到后背",
        "背心那里像拿刀割，一阵一阵的",
        "后背像刀割样，人出虚汗",
    ):
        out = run(text, 60)
        assert "C-TEARING-PAIN" in ids(out) and out["level"] == 2, text
    for text in ("背上被玻璃划了个口子，像刀割一样疼", "后背长了个疖子，疼得像刀割"):
        assert "C-TEARING-PAIN" not in ids(run(text, 35)), text


def test_a_deficit_told_as_lasting_weeks_is_no_stroke_alert() -> None:
    for text in (
        "左手没劲三四年了，拿不住筷子",
        "右手拿不住筷子一个多月了，越来越厉害",
        "左手没劲，三四年了",
    ):
        out = run(text, 70)
        assert "N-DEFICIT-LONGSTANDING" in ids(out) and out["level"] == 3, text
        assert "C-STROKE-BEFAST" not in ids(out), text
    # days, a time ago, anything sudden or of today, or the duration of something else: a stroke
    for text in (
        "说话含糊两天了",
        "说话不清，三个月前中过风",
        "左边胳膊腿没劲两个月，今天突然更重了",
        "说话含糊，血压高了好几年",
        "左边手脚没劲，一个多月前摔过一跤",
    ):
        assert run(text, 70)["level"] <= 2, text
    # the more specific palsy row still wins
    assert "N-BELLS-PALSY" in ids(run("嘴歪了半个月了，眼睛闭不严", 40))


def test_lasted_reads_numerals_vague_counts_and_a_duration_clause() -> None:
    assert lasted("手没劲好几年了", 3, 14)
    assert lasted("手没劲半个月", 3, 14)
    assert lasted("手没劲，都两三个月了", 3, 14)
    assert not lasted("手没劲十来天", 3, 14)
    assert not lasted("手没劲，两年前摔过", 3, 14)
    assert not lasted("手没劲，血压高了好几年", 3, 14)
