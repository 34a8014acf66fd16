"""Triage mechanisms of the forty-fifth #16 batch, read from the outside-written development sets
dev99 (``triage_outside_dev99.toml``: pregnancy and women's health), dev100
(``triage_outside_dev100.toml``: school-age children and teenagers) and dev101
(``triage_outside_dev101.toml``: the nervous system and dizziness); firing and non-firing
(wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_match import first_mention
from appliance.clinical.findings_text import fold
from appliance.clinical.triage_semantic import clauses
from tests.unit._triage_service import ids, run


def test_a_word_inside_a_longer_negated_word_is_denied_with_it() -> None:
    # "不出血" denies 出血, so the 血 inside it is no bleeding either
    hit = first_mention(fold("有点痔疮，不出血"), ("出血", "血"))
    assert hit is not None and hit[2]
    assert "C-POSTPARTUM-BLEEDING" not in ids(run("月子里大便干，有点痔疮，不出血", 29))
    assert "C-POSTPARTUM-BLEEDING" in ids(run("坐月子，下面出血好多", 29))


def test_a_medicine_not_taken_is_denied_before_or_after_it() -> None:
    for text in ("起身头撞了柜门，没肿，也不吃啥抗凝药", "头撞了柜门，抗凝药从没吃过"):
        assert "C-ANTICOAGULANT-FALL" not in ids(run(text, 50)), text
    assert "C-ANTICOAGULANT-FALL" in ids(run("头撞了柜门，一直吃华法林", 50))
    # a sign before a refusal to eat keeps it: "不吃" after a sign is no medicine denied
    assert "C-YOUNG-INFANT-FEVER" in ids(run("发烧不吃，光哭", 0.1))
    assert "C-ABDOMINAL-PAIN" in ids(run("肚子痛不吃", 5))
    # a medicine not taken that is a finding of its own keeps it ("胰岛素没打" and vomiting)
    assert run("糖尿病，胰岛素两天没打，吐了一天", 40)["level"] <= 2


def test_a_heavy_head_is_no_depressed_consciousness() -> None:
    out = run("最近加班多，脑袋昏昏沉沉的，走路稳", 40)
    assert "C-DEPRESSED-CONSCIOUSNESS" not in ids(out) and out["level"] >= 3
    assert "C-DEPRESSED-CONSCIOUSNESS" in ids(run("老人一早就昏昏沉沉的，叫他也不大理", 80))


def test_a_played_down_degree_is_no_clause_for_the_bank() -> None:
    assert clauses("肚子还不怎么痛") == [] and clauses("腿不太肿") == []
    assert [c[2] for c in clauses("肚子痛得直打滚")] == ["肚子痛得直打滚"]


def test_sudden_loss_of_sight_told_as_a_curtain() -> None:
    out = run("左眼刚才像拉了帘子一样，一下啥都看不到了", 70)
    assert out["level"] <= 2 and "C-EYE-EMERGENCY" in ids(out)
    assert "C-EYE-EMERGENCY" not in ids(run("家里新买了窗帘，来量血压", 70))


def test_vertigo_with_a_gait_pulled_left_or_slurred_speech() -> None:
    out = run("晕得天旋地转，走路往右边偏", 66)
    assert out["level"] <= 2 and "C-STROKE-BEFAST" in ids(out)
    assert "C-STROKE-BEFAST" in ids(run("今早起来说话舌头拌蒜", 66))
    # the world turning, told after a word of dizziness, is vertigo
    assert "C-VERTIGO" in ids(run("头晕，屋里一直在转，想吐", 45))
    assert "C-VERTIGO" not in ids(run("头晕，孩子在院子里转圈玩", 45))


def test_no_baby_movements_told_plainly() -> None:
    out = run("怀孕37周，今天一上午没感觉宝宝动", 27, pregnant=True)
    assert out["level"] <= 2 and "C-FETAL-MOVEMENTS-ABSENT" in ids(out)


def test_bleeding_after_the_menopause_told_as_seen_blood() -> None:
    out = run("绝经十年了，最近内裤上见血", 61)
    assert "C-POSTMENOPAUSAL-BLEEDING" in ids(out) and out["level"] == 3


def test_a_pregnancy_past_its_due_date() -> None:
    assert "C-PREGNANCY-POST-TERM" in ids(run("预产期早过了十来天，一点动静没有", 30))
    assert "C-PREGNANCY-POST-TERM" not in ids(run("预产期是下个月，过了年再来", 30))


def test_a_birth_stuck_half_way() -> None:
    out = run("接生的时候肩膀卡住出不来了", 28, pregnant=True)
    assert out["level"] == 1 and "C-BIRTH-ENTRAPMENT" in ids(out)
    assert "C-BIRTH-ENTRAPMENT" not in ids(run("宝宝出生五天，头卡着枕头睡", 0.02))


def test_waters_told_as_a_lot_of_fluid() -> None:
    out = run("39周，刚才下面突然流了好多水", 26, pregnant=True)
    assert "C-MEMBRANES-RUPTURED" in ids(out)


def test_breathing_not_seen_is_breathing_absent() -> None:
    out = run("刚生下来的娃浑身发紫，看不到喘气", 0)
    assert out["level"] == 1 and "C-ARREST-UNRESPONSIVE" in ids(out)
    assert "C-ARREST-UNRESPONSIVE" not in ids(run("看不到东西，喘气有点急", 60))


def test_a_clot_in_the_leg_with_breathlessness_and_a_risk_or_a_fast_pulse() -> None:
    text = "剖宫产后一周，右小腿比左边粗，这两天胸口闷"
    out = run(text, 30, vitals={"hr": 110})
    assert out["level"] <= 2 and "C-PE-SUSPECTED" in ids(out)


def test_orthopnoea_after_a_birth_is_heart_failure() -> None:
    out = run("生完娃一个月，晚上躺不平，只能坐着睡，两只脚都肿", 35)
    assert "C-PERIPARTUM-HEART-FAILURE" in ids(out) and out["level"] <= 2


def test_a_lip_swollen_where_a_blow_landed_is_no_angioedema() -> None:
    out = run("打球被肘子撞了一下，上嘴唇肿了", 16)
    assert "C-ANGIOEDEMA" not in ids(out) and out["level"] == 4
    assert "C-ANGIOEDEMA" in ids(run("吃了虾以后嘴巴肿了", 16))


def test_lethargy_and_a_neck_that_will_not_bend_with_fever() -> None:
    out = run("发烧一天，叫醒了又睡，脖子痛不肯低头", 9, vitals={"temp": 39.2})
    assert out["level"] <= 2
    assert {"C-ALTERED-CONSCIOUSNESS", "C-FEVER-STIFF-NECK"} <= ids(out)


def test_a_wish_to_die_said_to_the_family_is_a_marker_outside_the_bank() -> None:
    out = run("手臂上划了好几道，冲着妈妈喊让我去死", 15)
    assert out["level"] <= 2 and "C-SUICIDE-RISK" in ids(out)
    # the fear of dying in a panic attack is no wish to die
    assert "C-SUICIDE-RISK" not in ids(run("突然心慌手麻，觉得自己要死了", 30))


def test_a_timed_run_is_exertion() -> None:
    out = run("体测跑到一半一头栽在跑道上，马上醒了", 16)
    assert out["level"] <= 2 and "C-SYNCOPE-EXERTIONAL" in ids(out)


def test_a_missed_dose_still_tells_the_medicine_is_used() -> None:
    # an insulin user who missed a dose, with belly pain and vomiting: ketoacidosis risk
    out = run("胰岛素没打，肚子痛想吐", 40)
    assert out["level"] <= 2 and "N-DIABETES-KNOWN" in ids(out)
