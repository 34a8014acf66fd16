"""Triage mechanisms of the forty-seventh #16 batch, read from the outside-written development sets
dev105 (``triage_outside_dev105.toml``: breathing problems), dev106
(``triage_outside_dev106.toml``: triage-desk shorthand) and dev107 (``triage_outside_dev107.toml``:
the minor end); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_snoring_pauses_of_some_seconds_are_sleep_apnoea() -> None:
    out = run("家里人说他睡觉呼噜很响，有时憋住几秒钟不喘气，白天犯困", 50)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out) and out["level"] == 4
    # found not breathing in sleep and not woken is still an arrest
    assert run("半夜打呼噜突然不喘气了，叫不醒", 50)["level"] == 1


def test_blood_streaks_told_after_the_sputum_or_cough() -> None:
    out = run("老烟民，最近痰里总是带血丝", 60)
    assert "C-HAEMOPTYSIS-MINOR" in ids(out) and out["level"] == 3
    assert "C-HAEMOPTYSIS-MINOR" not in ids(run("咳嗽一周，痰里没带血", 60))


def test_breathless_lying_flat_is_orthopnoea_and_on_walking_is_on_effort() -> None:
    out = run("最近走路就气短，一躺下就憋", 70)
    assert "C-HEART-FAILURE-WORSENING" in ids(out) and out["level"] == 3
    # told as unable to get a breath lying down, it is breathlessness too (level 2)
    assert run("一躺下就喘不上气，只能坐着", 70)["level"] <= 2


def test_heart_failure_after_a_birth_is_high_risk() -> None:
    out = run("产后一个月，一躺平就憋，两条腿也肿了", 29)
    assert out["level"] <= 2 and "C-PERIPARTUM-HEART-FAILURE" in ids(out)


def test_an_asthmatic_without_attacks_for_a_refill() -> None:
    out = run("哮喘多年，最近没发作，药快用完了来开药", 40)
    assert "C-ASTHMA-COPD-EXACERBATION" not in ids(out) and out["level"] == 4


def test_a_particle_driven_into_the_eye_is_no_open_globe() -> None:
    assert "C-OPEN-GLOBE" not in ids(run("砂轮打磨时铁屑崩进右眼，有点磨", 30))
    assert "C-OPEN-GLOBE" in ids(run("锤钢钉时一块铁片崩进右眼", 30))


def test_jaw_pain_running_to_the_neck_with_a_sweat() -> None:
    out = run("下巴连着脖子疼了半个钟头，出冷汗", 60)
    assert out["level"] <= 2 and "C-CHEST-PAIN-ACS" in ids(out)


def test_a_pause_in_sleep_with_blue_lips_is_not_cleared() -> None:
    out = run("孩子睡觉打呼噜，憋了好几秒不喘气，嘴唇发紫", 3)
    assert "N-BREATHING-PAUSE-RESOLVED" not in ids(out) and out["level"] <= 2
