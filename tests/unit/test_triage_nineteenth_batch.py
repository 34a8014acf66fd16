"""Triage mechanisms of the nineteenth #16 batch (from the outside-written development sets dev24,
``triage_outside_dev24.toml``: ESI decision point A versus B, and dev25,
``triage_outside_dev25.toml``: level 3 versus 4 by resources), firing and non-firing (wording
ours)."""

from __future__ import annotations

from appliance.clinical.findings_measures import extract_measures
from tests.unit._triage_service import ids, run


def test_one_sides_arm_and_leg_weak_and_slurred_words_are_a_stroke() -> None:
    side = run("早上起来左边胳膊腿都使不上劲，人是清醒的", 70)
    assert side["level"] <= 2 and "C-STROKE-BEFAST" in ids(side)
    words = run("今天上午开始吐字不清，嘴角往一边歪", 66)
    assert "C-STROKE-BEFAST" in ids(words)
    tired = run("上吐下泻两天，嘴巴干，浑身没劲", 27)
    assert "C-STROKE-BEFAST" not in ids(tired)


def test_speaking_in_broken_phrases_is_moderate_respiratory_distress() -> None:
    """CTAS 2016: speaking in phrases or clipped sentences is moderate distress, level 2."""
    out = run("哮喘老病号，喷了药还喘，一句话要分两三截才说完", 38)
    assert out["level"] <= 2 and "C-DYSPNOEA" in ids(out)
    full = run("哮喘老病号，有点喘，说话一句一句都说得完整", 38)
    assert full["level"] >= 3


def test_a_sheet_of_tablets_swallowed_is_counted() -> None:
    assert extract_measures("一口气吞了一板曲马多")["tablets"].value == 10
    assert "tablets" not in extract_measures("喝了一瓶白酒")
    out = run("吵架后吞了一板曲马多，现在想睡", 28)
    assert out["level"] <= 2


def test_a_charcoal_fire_indoors_and_snakes_by_local_name() -> None:
    co = run("昨晚屋里生了炭火炉子，早上一家人都头疼恶心", 36)
    assert co["level"] == 2 and "C-CO-EXPOSURE" in ids(co)
    snake = run("在菜园里被青竹丝咬到手背，肿到手腕了", 67)
    assert snake["level"] <= 2 and "C-SNAKEBITE" in ids(snake)
    rope = run("看到一条青竹丝从菜园爬过去，吓了一跳，没被咬", 67)
    assert "C-SNAKEBITE" not in ids(rope)


def test_early_pregnancy_with_lower_abdominal_pain_told_apart() -> None:
    out = run("停经七周，试纸两道杠，还没做B超，今天左下腹隐痛，有点见红", 31)
    assert out["level"] == 2 and "C-PREGNANCY-EMERGENCY" in ids(out)
