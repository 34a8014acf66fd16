"""Triage mechanisms of the eighth #16 batch (from a fourth outside-written development set,
``triage_outside_dev4.toml``), each with cases that fire and cases that do not (wording ours,
written from the criteria named in the data; never from a held-out case)."""

from __future__ import annotations

from appliance.clinical.findings_burns import burn_area_from_regions
from appliance.clinical.findings_measures import extract_measures
from appliance.clinical.findings_text import fold, to_number
from appliance.clinical.findings_vitals import extract_vitals
from appliance.clinical.triage_semantic import clauses
from tests.unit._triage_service import ids, run


def test_one_or_two_minutes_is_two_not_twelve() -> None:
    assert to_number("一两") == 2 and to_number("两三") == 3 and to_number("十二") == 12
    assert extract_measures("抽了一下，一两分钟就好了")["seizure_min"].value == 2


def test_a_denied_burn_and_an_english_sentence_break_estimate_no_area() -> None:
    assert (
        burn_area_from_regions(fold("Tingling in the right hand. No burn on hand or chest."))
        is None
    )
    assert burn_area_from_regions(fold("没烫着，手和胸口都好好的")) is None
    assert burn_area_from_regions(fold("热水烫了胸口和两条胳膊")) is not None


def test_an_electric_shock_and_a_tetanus_history_are_not_what_they_name() -> None:
    assert "C-SHOCK" not in ids(
        run("Got a shock from a lamp plug, tingling fingers, feels fine", 40)
    )
    assert "C-SHOCK" in ids(run("BP 70/40, cold clammy, in shock", 40))
    assert "C-TETANUS" not in ids(run("Cut finger on a tin can. Last tetanus unknown.", 40))


def test_a_head_injury_told_apart_and_its_high_risk_composite() -> None:
    out = run("后脑壳撞在门框上，回来吐了两回", 30)
    assert "C-HEAD-INJURY-HIGH-RISK" in ids(out) and out["level"] == 2
    out = run("额头磕在门上，没晕，记得怎么摔的，没吐，不吃抗凝药", 75)
    assert out["level"] == 4 and "N-HEAD-INJURY-MINOR" in ids(out)  # NICE: ≥ 65 needs LOC/amnesia
    assert "C-ANTICOAGULANT-FALL" in ids(run("吃利伐沙班的，在厕所滑了一跤", 70))


def test_pregnancy_told_in_spoken_weeks_and_months() -> None:
    assert extract_vitals("怀孕六个月了").pregnancy_weeks.value > 25  # type: ignore[union-attr]
    assert extract_vitals("有咗二十八个礼拜").pregnancy_weeks.value == 28  # type: ignore[union-attr]
    assert extract_vitals("咳嗽有了三个礼拜").pregnancy_weeks is None
    assert extract_vitals("避孕三个月了").pregnancy_weeks is None  # contraception
    assert extract_vitals("备孕两个月").pregnancy_weeks is None  # trying to conceive
    assert run("怀孕三十五周，从早上到现在没感觉孩子动", 28, sex="F")["level"] == 2


def test_postpartum_fever_with_a_systemic_or_uterine_sign_is_high_risk() -> None:
    out = run("生完孩子一周，发烧39度，小肚子疼", 28, sex="F", vitals={"hr": 112})
    assert "C-POSTPARTUM-FEVER" in ids(out) and out["level"] == 2
    out = run("产后两周，左边乳房红肿一块，发烧38.5", 28, sex="F", vitals={"hr": 90})
    assert "C-POSTPARTUM-FEVER" not in ids(out)


def test_hidden_means_and_giving_away_are_suicide_risk() -> None:
    assert "C-SUICIDE-RISK" in ids(run("儿子说他偷偷买了一包老鼠药，问他干啥也不说", 40))
    assert "C-SUICIDE-RISK" in ids(run("她这几天把银行卡交给我，说以后不用管她", 50))
    assert "C-SUICIDE-RISK" not in ids(run("家里有老鼠，买了老鼠药放在墙角", 40))


def test_snake_bite_in_any_order_battery_and_inhaled_foreign_body() -> None:
    out = run("Bitten on the hand by a green snake while picking tea, hand swelling", 45)
    assert "C-SNAKEBITE" in ids(out) and out["level"] <= 2
    assert "C-SNAKEBITE" not in ids(run("蛇缠腰，右边肋骨那一圈疼", 60))
    assert "C-BUTTON-BATTERY" in ids(run("孩子把一颗纽扣大的电池吞下去了", 2))
    out = run("吃瓜子时呛了一下，之后一直咳", 3)
    assert "C-FB-ASPIRATION-SUSPECTED" in ids(out) and out["level"] == 3
    assert "C-FB-ASPIRATION-SUSPECTED" not in ids(run("吃饭时呛了一下，咳两声就好了", 30))


def test_sulfonylurea_hypoglycaemia_and_self_harm_acts() -> None:
    out = run("吃格列美脲的，下午心慌手抖出虚汗，测血糖3.0，吃了糖好了", 70)
    assert "C-SULFONYLUREA-HYPOGLYCAEMIA" in ids(out) and out["level"] <= 3
    assert "C-SULFONYLUREA-HYPOGLYCAEMIA" not in ids(run("吃格列美脲的，来开药，血糖控制得好", 70))
    out = run("跟男朋友吵了一架，用刀片在胳膊上划了几道，浅的", 19)
    assert "C-SELF-HARM-ACT" in ids(out) and out["level"] <= 3
    assert "C-SELF-HARM-ACT" not in ids(run("刮胡子时刀片划了下巴，出了点血", 30))


def test_child_danger_signs_in_south_western_words_and_mild_sunken_eyes() -> None:
    assert fold("喂啥子吐啥子") == "喂什么吐什么"
    out = run("娃儿十个月，拉肚子，喂啥子吐啥子", 0.8)
    assert "C-CHILD-DANGER-SIGNS" in ids(out) and out["level"] <= 2
    assert clauses("眼窝有点陷") == []
