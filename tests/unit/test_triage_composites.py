"""Extractor and triage mechanisms of the third #16 batch, each with cases that fire and cases
that do not (wording ours, written from the criteria named in the data; never from a held-out
case):

- a dictionary word that the sentence's segmentation splits is no mention ("撞上吊柜");
- "不" before a verb of taking negates what follows ("不吃抗凝药");
- a vital sign looked for and not found is its absence ("没有呼吸了", "摸不到脚背的脉搏");
- a finding cancelled later in its sentence is over ("已经止住了");
- similes read as "X样" ("像柏油一样");
- composites: pregnancy + a seizure however told = eclampsia (妊娠期高血压疾病诊治指南 2020),
  age ≥ 65 + fever + cough = level 3 (CRB-65, ESI v4 resources);
- IMCI chest indrawing in a young child; a blunt swallowed coin without symptoms is one resource.
"""

from __future__ import annotations

from typing import Any

import pytest

from appliance.clinical._text import _is_negated_zh
from appliance.services.safety import triage


def run(complaint: str, age: float, **kw: Any) -> dict[str, Any]:
    return triage({"complaint": complaint, "age": age, **kw}, use_llm=False)


def ids(out: dict[str, Any]) -> set[str]:
    return {f["id"] for f in out["findings"]}


def test_a_word_split_by_the_sentence_is_not_a_mention() -> None:
    assert "C-DROWNING-ELECTRIC-HANGING" not in ids(run("弯腰起来时额头撞上吊灯，擦破点皮", 40))
    out = run("老伴在储藏室上吊，刚被家人解下来", 70)
    assert "C-DROWNING-ELECTRIC-HANGING" in ids(out) and out["level"] == 1
    # a mention that is not one dictionary word is never refused ("小腿肿" in 小腿|肿胀)
    assert "C-DVT-SUSPECTED" in ids(run("右小腿肿胀发紧三天", 55))


@pytest.mark.parametrize(
    ("before", "negated"),
    [("不吃", True), ("不服用", True), ("不用", True), ("看不出", True), ("摸不着", True),
     ("不适伴", False), ("不能", False), ("不吃了又", False)],
)  # fmt: skip
def test_negation_before_a_verb_of_taking_and_a_sign_not_found(before: str, negated: bool) -> None:
    assert _is_negated_zh(before) is negated


def test_a_negated_anticoagulant_is_not_a_fall_on_anticoagulants() -> None:
    assert "C-ANTICOAGULANT-FALL" not in ids(run("摔了一跤磕到额头，平时不吃抗凝药", 50))
    assert "C-ANTICOAGULANT-FALL" in ids(run("摔了一跤磕到额头，一直吃抗凝药", 50))


def test_an_absent_breath_or_pulse_is_an_arrest_but_no_breathlessness_is_not() -> None:
    for words in ("从井里拉上来后没有呼吸了", "抱过来时看不出在喘气，脸发青", "颈部摸不着脉搏了"):
        out = run(words, 50)
        assert "C-ARREST-UNRESPONSIVE" in ids(out) and out["level"] == 1, words
    for words in ("咳嗽一周，无呼吸困难", "没有喘气费劲的感觉", "脚背摸不着脉搏"):
        assert "C-ARREST-UNRESPONSIVE" not in ids(run(words, 50)), words


def test_an_absent_distal_pulse_is_limb_ischaemia_only_at_a_limb() -> None:
    out = run("腿被砸伤，脚冰凉，摸不到脚背的脉搏", 40)
    assert "C-ACUTE-LIMB-ISCHAEMIA" in ids(out) and out["level"] == 2
    assert "C-ACUTE-LIMB-ISCHAEMIA" not in ids(run("颈部摸不着脉搏了", 50))


def test_bleeding_said_to_have_stopped_is_over() -> None:
    assert "C-MAJOR-BLEEDING" not in ids(run("剁骨头砍到手，流血不少，用布压着已经止住了", 30))
    assert "C-MAJOR-BLEEDING" in ids(run("剁骨头砍到手，流血不止", 30))
    # the stop has to be in the same sentence, after the bleeding
    assert "C-MAJOR-BLEEDING" in ids(run("上次鼻血止住了。今天又流血不止", 30))


def test_a_simile_is_read_as_the_quality_it_names() -> None:
    out = run("这几天大便像柏油一样发黑发亮", 50)
    # melaena is C-MELAENA since the eleventh batch (stable: level 3); it was C-MAJOR-BLEEDING
    hit = next(f for f in out["findings"] if f["id"] == "C-MELAENA")
    assert hit["text"] == "柏油一样"
    assert not {"C-MAJOR-BLEEDING", "C-MELAENA"} & ids(run("脸色像纸一样白", 50))


def test_pregnancy_and_a_seizure_however_told_is_eclampsia() -> None:
    out = run("全身一抽一抽的，口吐白沫", 27, pregnant=True)
    assert "C-ECLAMPSIA" in ids(out) and out["level"] == 1
    hit = next(f for f in out["findings"] if f["id"] == "C-ECLAMPSIA")
    assert "pregnant" in hit["text"]
    assert "C-ECLAMPSIA" not in ids(run("全身一抽一抽的，口吐白沫", 27))  # not pregnant: a seizure


def test_an_older_adult_with_fever_and_cough_needs_two_resources() -> None:
    words = "咳嗽三天，有黄痰，体温38.4℃"
    out = run(words, 70)
    assert "C-LRTI-OLDER" in ids(out) and out["level"] == 3 and out["resources"] == 2
    assert run(words, 30)["level"] == 4  # a young adult: no CRB-65 point
    assert "C-LRTI-OLDER" not in ids(run("咳嗽三天，有黄痰，体温36.8℃", 70))  # no fever


def test_chest_indrawing_in_a_young_child_but_not_sunken_eyes() -> None:
    out = run("两岁，发烧咳嗽，一喘气肋骨下面就凹进去", 2)
    assert "C-CHEST-INDRAWING" in ids(out) and out["level"] == 2
    assert "C-CHEST-INDRAWING" not in ids(run("两岁，拉肚子三天，眼窝凹陷，呼吸平稳", 2))


def test_a_swallowed_coin_without_symptoms_is_one_resource_a_stuck_bone_is_two() -> None:
    coin = run("三岁，半小时前吞了一枚硬币，能吃能喝，不流口水", 3)
    assert coin["level"] == 4 and coin["disposition"] == "routine"
    assert coin["resources"] == 1
    bone = run("吃鱼时鱼刺卡在嗓子里，咽东西刺痛", 40)
    assert "C-FOREIGN-BODY-STUCK" in ids(bone) and bone["level"] == 3


# --- fourth batch (after the fourth held-out set's first run) ------------------------------------
@pytest.mark.parametrize(
    ("spoken", "value"),
    [("七八", 8.0), ("三四", 4.0), ("两三", 3.0), ("七八十", 80.0), ("二十来", 20.0),
     ("十几", 15.0), ("三十几", 35.0), ("一七零", 170.0), ("一百七", 170.0), ("二十", 20.0)],
)  # fmt: skip
def test_spoken_estimates_are_numbers_and_ranges_read_at_their_upper_end(
    spoken: str, value: float
) -> None:
    from appliance.clinical.findings_text import to_number

    assert to_number(spoken) == value


def test_body_parts_match_by_their_lay_names_and_their_side_is_read_past() -> None:
    from appliance.clinical.findings_text import body_part_variants

    assert {"放射至左胳膊", "放射至左臂"} <= body_part_variants("放射至左臂")
    assert "下巴痛" in body_part_variants("下颌痛") and "溅进眼" in body_part_variants("溅进眼睛")
    out = run("刷墙时石灰浆溅进左眼，睁不开眼", 45)
    assert "C-EYE-CHEMICAL" in ids(out) and out["level"] == 2
    assert "C-EYE-CHEMICAL" not in ids(run("刷墙时石灰浆溅到衣服上", 45))


def test_a_size_after_a_measure_word_is_read_past() -> None:
    out = run("搬东西时心口像是压着一块大石头，出冷汗", 60)
    assert out["level"] <= 2 and "C-CHEST-PAIN-ACS" in ids(out)
    assert "C-CHEST-PAIN-ACS" not in ids(run("院子里搬了块大石头，腰有点酸", 60))


def test_a_scald_measured_in_palms_is_a_burn_area() -> None:
    out = run("一岁半，被热水烫了，前胸起水泡，差不多十二个巴掌大", 1.5)
    assert "M-BURN-MAJOR-CHILD" in ids(out) and out["level"] <= 2
    assert "M-BURN-MAJOR-CHILD" not in ids(run("一岁半，拍了他两巴掌，哭了一会", 1.5))


def test_tablets_told_in_passing_in_the_ba_construction_and_a_fall_height_told_after() -> None:
    out = run("她把一瓶安眠药，三十来片，一下子全吞了", 19)
    assert "M-TABLETS-OVERDOSE" in ids(out) and out["level"] <= 2
    assert "M-TABLETS-OVERDOSE" not in ids(run("把药吃了以后有点头晕", 60))
    fall = run("修房顶时脚一滑掉下来，五六米高，后背痛", 45)
    assert "M-FALL-HEIGHT" in ids(fall) and fall["level"] <= 2
    assert "M-FALL-HEIGHT" not in ids(run("跳绳时摔了一跤，膝盖擦破", 10))


def test_many_vomiting_or_diarrhoea_episodes_need_two_resources() -> None:
    out = run("从昨晚开始拉水样便十几次，口干", 35)
    assert "M-GI-EPISODES" in ids(out) and out["level"] == 3
    assert "M-GI-EPISODES" not in ids(run("今天拉了两次稀便，能吃能喝", 35))


def test_a_mechanism_is_never_a_semantic_match() -> None:
    out = run("骑三轮车时不小心摔了一下，手掌擦破点皮", 40)
    assert not any(
        f["id"] in ("C-HIGH-RISK-MECHANISM", "C-FALL-FROM-HEIGHT") for f in out["findings"]
    )
    assert out["level"] >= 3


def test_a_wound_with_a_retained_foreign_body_and_streaked_sputum_need_two_resources() -> None:
    wound = run("光脚踩到碎玻璃，脚底划了个口子，感觉里面还有东西", 30)
    assert "C-WOUND-RETAINED-FB" in ids(wound) and wound["level"] == 3
    assert "C-WOUND-RETAINED-FB" not in ids(run("打碎了一个玻璃杯，人没受伤", 30))
    sputum = run("咳嗽两周，痰中带血丝，不发烧", 55)
    assert "C-HAEMOPTYSIS-MINOR" in ids(sputum) and sputum["level"] == 3
    assert "C-HAEMOPTYSIS-MINOR" not in ids(run("咳嗽两周，痰白，没有血", 55))
