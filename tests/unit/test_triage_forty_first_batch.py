"""Triage mechanisms of the forty-first #16 batch, read from the outside-written development sets
dev88 (``triage_outside_dev88.toml``: the Loess Plateau), dev89 (``triage_outside_dev89.toml``:
school-age children and teenagers) and dev90 (``triage_outside_dev90.toml``: emergencies told in
English or mixed English and Chinese); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_struck_eye_that_no_longer_sees_clearly() -> None:
    out = run("鞭炮崩到左眼，左眼看不清了", 12)
    assert out["level"] == 2 and "C-EYE-EMERGENCY" in ids(out)


def test_the_mouth_swollen_after_a_food_is_angioedema() -> None:
    out = run("吃了螃蟹，嘴巴肿得老高，身上起疙瘩", 12)
    assert out["level"] == 2 and "C-ANGIOEDEMA" in ids(out)
    # a mouth ulcer is none (the words are a marker outside the semantic bank), nor a mouth
    # swollen with no trigger and no allergic sign
    assert "C-ANGIOEDEMA" not in ids(run("嘴巴里长了个溃疡，吃东西疼", 30))
    assert "C-ANGIOEDEMA" not in ids(run("嘴巴肿起来了，上火，有点疼", 30))


def test_a_cough_that_will_not_stop_after_a_submersion() -> None:
    out = run("在水库里呛了水，拉上来以后一直咳", 10)
    assert out["level"] <= 2 and "N-COUGH" in ids(out)


def test_a_plan_to_jump_told_in_english() -> None:
    out = run("Says she wants to jump from the roof of the dorm tonight", 20)
    assert out["level"] == 2 and "C-SUICIDE-RISK" in ids(out)
    assert "C-SUICIDE-RISK" not in ids(run("Sprained ankle after a long jump at sports day", 20))
    assert "C-SUICIDE-RISK" not in ids(run("Going to jump rope at school, twisted ankle", 12))


def test_chest_pain_in_nurse_shorthand() -> None:
    out = run("c/o CP x 1 hr, sweaty, h/o HTN", 55)
    assert out["level"] == 2 and "C-CHEST-PAIN-ACS" in ids(out)
    # CP in a child is not chest pain shorthand (the finding is for adults only)
    assert "C-CHEST-PAIN-ACS" not in ids(run("h/o CP, here for a cold", 8))


def test_fainting_while_climbing_stairs_in_english() -> None:
    out = run("Passed out walking up the stairs, out for a few seconds", 57)
    assert out["level"] == 2 and "C-SYNCOPE-HIGH-RISK" in ids(out)


def test_a_dog_bite_told_passive_in_english() -> None:
    out = run("Bitten by a stray dog on the left hand, two deep punctures", 40)
    assert "C-ANIMAL-BITE" in ids(out) and out["level"] == 3


def test_magnet_balls_swallowed_by_their_brand_name() -> None:
    out = run("把巴克球吞了三颗", 6)
    assert "C-BUTTON-BATTERY" in ids(out)
