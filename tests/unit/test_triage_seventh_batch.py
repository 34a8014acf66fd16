"""Triage mechanisms of the seventh #16 batch, each with cases that fire and cases that do not
(wording ours, written from the criteria named in the data; never from a held-out case):

- unresponsive told apart: called or shaken, then no answer ("叫她名字半天都不答应") is ESI
  level 1 (AVPU: not responding to voice);
- a pesticide named by the crop it is sprayed on ("打麦子的药") with a cholinergic sign; pinpoint
  pupils told apart ("瞳孔缩得很小");
- an animal bite told apart ("狗扑上来在他手上咬了") is a rabies exposure (level 3);
- a tetanus immunisation status is no tetanus;
- a local skin infection (boil, abscess, red hot hard skin) is one resource; with fever it is
  level 3 (labs, IV antibiotics or drainage);
- refusing to use an injured limb is unable to bear weight's counterpart (imaging, level 3);
- CCHR / PECARN: a head injury with no loss of consciousness, no vomiting and normal
  behaviour told is minor (level 4) for a known age ≥ 1; any missing condition keeps 3;
- CTAS pain by site: a site character inside another word names no site (骨头, 指头, 手术);
- semantic: a mild degree before a sign ("嘴唇稍紫") is not matched (the rules judge it); a
  weakness term ("哭声弱") is never matched by a clause that names no weakness.
"""

from __future__ import annotations

from appliance.clinical.triage_pain import PainSites, pain_is_peripheral
from appliance.clinical.triage_semantic import clauses
from appliance.knowledge.triage_catalog import triage_knowledge
from appliance.services.safety import triage
from tests.unit._triage_service import ids, run


def test_called_and_no_answer_is_unresponsive() -> None:
    out = run("奶奶下午躺下歇着，叫她名字半天都不答应，身子软软的", 78)
    assert out["level"] == 1 and "C-ARREST-UNRESPONSIVE" in ids(out)
    out = run("He fell asleep on the sofa; 推他好几下也没反应", 60)
    assert out["level"] == 1
    # answering when called is no unresponsiveness
    assert "C-ARREST-UNRESPONSIVE" not in ids(run("发烧两天，叫他他会答应，就是没精神", 30))
    assert "C-ARREST-UNRESPONSIVE" not in ids(run("叫他吃饭，他说胃口不好，肚子胀", 45))


def test_pesticide_named_by_its_crop_and_pinpoint_pupils_told_apart() -> None:
    out = run("跟家里人怄气，喝了打麦子的药，一直流口水出汗", 40)
    assert out["level"] == 1 and "C-PESTICIDE-EXPOSURE" in ids(out)
    # the crop without the drug is farm work
    assert "C-PESTICIDE-EXPOSURE" not in ids(run("在地里割麦子扭到腰，腰疼", 50))
    out = run("被发现时躺在床边，瞳孔缩得很小，呼吸很慢", 30)
    assert "C-POISONING" in ids(out)
    assert "C-POISONING" not in ids(run("瞳孔等大等圆，对光反射灵敏，头晕", 30))


def test_an_animal_bite_told_apart_is_a_rabies_exposure() -> None:
    out = run("路边的狗冲过来在手上咬了两个洞，出了点血", 9)
    assert "C-ANIMAL-BITE" in ids(out) and out["level"] == 3
    assert "C-ANIMAL-BITE" not in ids(run("家里养的猫掉毛，孩子一直打喷嚏", 6))


def test_a_tetanus_immunisation_status_is_no_tetanus() -> None:
    out = run("Grazed shin on a bike, tetanus shot last year, jab status current", 30)
    assert "C-TETANUS" not in ids(out)
    assert "C-TETANUS" not in ids(run("Cut palm on a fence. Tetanus is current.", 30))
    # trismus after a wound is C-TETANUS-SIGNS since the eleventh batch (trismus alone, a quinsy,
    # is no tetanus); the case stays tetanus
    assert "C-TETANUS-SIGNS" in ids(run("Stepped on a nail a week ago, now jaw stiff, trismus", 50))


def test_skin_infection_with_fever_is_level_3_without_it_level_4() -> None:
    out = run("腋下长了个疖子，红肿热痛，今天开始发烧38.6", 30)
    assert "C-SKIN-INFECTION-FEVER" in ids(out) and out["level"] == 3
    out = run("腋下长了个疖子，红肿，不发烧", 30)
    assert "N-SKIN-INFECTION" in ids(out) and out["level"] == 4
    # a red swollen throat with fever is no skin infection
    assert "N-SKIN-INFECTION" not in ids(run("嗓子又红又肿，发烧38.5", 20))


def test_refusing_to_use_an_injured_limb_needs_imaging() -> None:
    out = run("从床上滚下来肩膀先着地，胳膊不肯抬，一碰就哭", 2)
    assert "C-INJURY-CANNOT-BEAR-WEIGHT" in ids(out) and out["level"] == 3
    # without an injury it is not this finding
    assert "C-INJURY-CANNOT-BEAR-WEIGHT" not in ids(run("感冒三天，没精神，胳膊不肯抬", 2))


def test_a_head_injury_with_every_low_risk_condition_told_is_minor() -> None:
    text = "在家里跑着撞到头，额头鼓了个包，撞完马上就哭，没吐，现在跟平时一样"
    out = run(text, 4)
    assert out["level"] == 4 and "N-HEAD-INJURY-MINOR" in ids(out)
    assert "C-HEAD-INJURY" not in ids(out)
    # a condition not told keeps the head injury at 3
    assert run("在家里跑着撞到头，没吐，现在跟平时一样", 4)["level"] == 3
    assert run("撞到头，没晕，没吐，头有点痛", 30)["level"] == 3
    # an unknown age is not cleared (age ≥ 65 alone is no CT criterion by NICE NG232: the eighth
    # batch dropped the first version's max_age of 65, see test_triage_eighth_batch.py)
    no_age = triage({"complaint": "撞到头，没晕，没吐，头不疼"}, use_llm=False)
    assert no_age["level"] == 3


def test_a_site_character_inside_another_word_names_no_site() -> None:
    sites = triage_knowledge().pain_sites
    assert pain_is_peripheral("扭了脚踝，按脚踝骨头那儿疼，疼痛4分", sites)
    assert pain_is_peripheral("右手指头被门夹了，疼5分", sites)
    assert not pain_is_peripheral("头疼，疼痛5分，手也有点麻", sites)
    assert not pain_is_peripheral("手术后肚子疼，疼痛5分", sites)
    bare = PainSites(("头",), ("脚",))
    assert not pain_is_peripheral("脚崴了，骨头疼，疼4分", bare)  # no not_sites: 头 read


def test_mild_degree_and_weakness_agreement_in_semantic_matching() -> None:
    assert clauses("嘴唇稍紫") == []
    assert clauses("嘴唇发紫") != []
    out = run("摔了一跤，膝盖肿了，一动就哭", 3)
    assert "C-CHILD-DANGER-SIGNS" not in ids(out)
    out = run("三个月宝宝两天不吃奶，哭声很弱", 0.25)
    assert out["level"] <= 2
