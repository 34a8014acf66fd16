"""Triage mechanisms of the ninth #16 batch (from a fifth outside-written development set,
``triage_outside_dev5.toml``: adults told in lay words), firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_grammar import compact
from appliance.clinical.triage_pain import pain_is_peripheral
from appliance.knowledge.triage_catalog import triage_knowledge
from tests.unit._triage_service import ids, run


def test_a_copied_verb_is_said_once() -> None:
    assert compact("吃饭吃不下")[0] == "吃饭不下"  # type: ignore[index]
    assert compact("说话说得清楚") is None  # no negated complement: nothing read past
    out = run("她刚才说话说不清楚，右手也拿不住筷子", 70)
    assert "C-STROKE-BEFAST" in ids(out) and out["level"] <= 2


def test_allergic_skin_with_a_second_system_is_anaphylaxis_level_2() -> None:
    out = run("Ate shrimp an hour ago, hives all over, vomited twice, feels lightheaded", 30)
    assert "C-ALLERGY-MULTISYSTEM" in ids(out) and out["level"] <= 2
    assert "C-ALLERGY-MULTISYSTEM" not in ids(run("身上起了几个风团，很痒，别的都好", 30))


def test_cauda_equina_by_saddle_numbness_or_back_pain_with_retention() -> None:
    assert run("腰痛一周，屁股周围发麻", 50)["level"] == 2
    out = run("腰疼了好几天，今天一直尿不出来", 50)
    assert "C-CAUDA-EQUINA" in ids(out) and out["level"] == 2
    assert "C-CAUDA-EQUINA" not in ids(run("腰疼了好几天，弯腰更疼，大小便正常", 50))


def test_worsening_heart_failure_is_level_3() -> None:
    out = run("有心衰好几年了，这几天晚上要垫两个枕头才能睡，脚肿得一按一个坑", 72)
    assert "C-HEART-FAILURE-WORSENING" in ids(out) and out["level"] == 3
    assert "C-HEART-FAILURE-WORSENING" not in ids(run("脚肿得一按一个坑，久站以后更明显", 40))


def test_pain_sites_ribs_and_shoulder_blade() -> None:
    sites = triage_knowledge().pain_sites
    assert not pain_is_peripheral(
        "Pain under the right ribs going to the shoulder blade, 6/10", sites
    )
    assert pain_is_peripheral("Twisted my shoulder lifting a box, pain 5/10", sites)


def test_dinner_fork_wrist_is_a_fracture() -> None:
    out = run("Fell on her hand, the wrist is swollen and looks like a dinner fork", 60)
    assert "C-FRACTURE" in ids(out) and out["level"] == 3


def test_a_head_injury_with_a_headache_now_is_not_cleared() -> None:
    assert run("撞到头，当时没晕，没吐，人明明白白的", 40)["level"] == 4
    assert run("撞到头，当时没晕，没吐，人明明白白的，就是头还有点痛", 40)["level"] == 3
