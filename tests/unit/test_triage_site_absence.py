"""A sign's absence at one part of the body, and a major burn with signs of shock (session 19's
general mechanisms, before the forty-eighth #16 batch); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_pulse_not_felt_at_a_foot_is_a_threatened_limb_not_an_arrest() -> None:
    out = run("摔了一跤，右脚背摸不到脉搏，脚发白", 50)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out) and out["level"] == 2
    out = run("pulseless left foot after the fall", 50)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out) and "C-ACUTE-LIMB-ISCHAEMIA" in ids(out)


def test_a_pulse_not_felt_in_a_collapse_or_in_both_hands_and_feet_is_still_an_arrest() -> None:
    assert "C-ARREST-UNRESPONSIVE" in ids(run("人倒在地上，摸不到脉搏", 60))
    assert "C-ARREST-UNRESPONSIVE" in ids(run("手脚冰凉摸不到脉搏", 60))
    assert "C-ARREST-UNRESPONSIVE" in ids(run("no pulse, not breathing", 60))


def test_a_babys_heart_stopped_in_the_womb_is_the_pregnancy_finding_not_the_mothers_arrest() -> (
    None
):
    out = run("孕32周，胎心跳停止了", 30)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out) and "C-FETAL-MOVEMENTS-ABSENT" in ids(out)
    assert out["level"] == 2


def test_hard_to_rouse_told_with_a_degree_is_no_coma() -> None:
    out = run("喝了一斤白酒，人叫不太应", 40)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out)
    assert "C-ARREST-UNRESPONSIVE" in ids(run("喝了一斤白酒，叫不应了", 40))


def test_a_major_burn_with_a_changed_mind_or_cold_hands_and_feet_is_burn_shock() -> None:
    out = run("开水烫了，两条腿都烫了起泡，人迷迷糊糊的", 40)
    assert "C-SHOCK" in ids(out) and out["level"] == 1
    assert run("开水烫了，两条腿都烫了起泡，手脚冰凉", 40)["level"] == 1
    # the same burn, awake and warm: the burn's own level 2
    out = run("开水烫了，两条腿都烫了起泡，人清醒", 40)
    assert "C-SHOCK" not in ids(out) and out["level"] == 2
    # a small burn in a drunk man is no burn shock
    assert "C-SHOCK" not in ids(run("右手烫了一块，人迷迷糊糊的喝多了", 40))
