"""Triage from findings (#16): quantities read from the text, vitals written in the complaint,
semantic matching with the packaged embedder, self-care by the ESI resource estimate, the output
contract (findings with source and span, vitals_used) and the rules-only time budget."""

from __future__ import annotations

import statistics
import time

import pytest

from appliance.clinical.findings_measures import extract_measures
from appliance.clinical.triage import triage_rules
from appliance.clinical.triage_model import TriageRequest
from appliance.clinical.triage_semantic import clauses, semantic_findings
from appliance.knowledge.catalogs import load_toml
from appliance.knowledge.triage_bank import semantic_bank, triage_embedder
from appliance.knowledge.triage_catalog import triage_knowledge
from appliance.services.safety import triage

KB = triage_knowledge()
MEASURES = load_toml("triage_vitals.toml")["measure"]


def run(complaint, age=40.0, **kw):
    return triage_rules(TriageRequest(age=age, complaint=complaint, **kw), KB)


def ids(result):
    return {r.rule for r in result.reasons}


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("吃了三十片扑热息痛", "tablets", 30),
        ("took 40 paracetamol tablets", "tablets", 40),
        ("吞了一整瓶安眠药", "tablets", 20),
        ("烧伤面积约30%", "burn_tbsa", 30),
        ("20% TBSA burns", "burn_tbsa", 20),
        ("从3米高处摔下", "fall_height_m", 3),
        ("口子八公分长", "wound_cm", 8),
        ("三公分的口子", "wound_cm", 3),
        ("从三楼摔下来", "fall_height_m", 6),
        ("fell 15 feet from a ladder", "fall_height_m", 4.57),
        ("抽搐持续20分钟", "seizure_min", 20),
        ("seizing for 10 minutes", "seizure_min", 10),
        ("腿上烫伤起泡，估计有两成面积", "burn_tbsa", 20),  # tenths (成)
        ("把一整瓶安眠药吞了", "tablets", 20),  # the 把 construction
        ("把40片降压药都吃了", "tablets", 40),
        ("6天前在镇医院做的阑尾切除", "days_since_surgery", 6),
        ("两周前开的刀", "days_since_surgery", 14),
        ("术后第3天，伤口疼", "days_since_surgery", 3),
        ("昨天做的手术", "days_since_surgery", 1),
        ("post-op day 4 after a hernia repair", "days_since_surgery", 4),
        ("had a cholecystectomy 10 days ago", "days_since_surgery", 10),
    ],
)
def test_quantities_read_from_text(text, key, value):
    found = extract_measures(text)
    assert found[key].value == pytest.approx(value, abs=0.01)
    assert text[slice(*found[key].span)] == found[key].text


def _measure_case(rule, fires):
    unit_text = {
        "burn_tbsa": "烧伤面积约{}%",
        "burn_tbsa_told": "烧伤面积约{}%",
        "tablets": "一次吃了{}片药",
        "fall_height_m": "从{}米高处摔下",
        "seizure_min": "抽搐持续{}分钟",
        "days_since_surgery": "{}天前做的阑尾切除，现在发烧呕吐",
        "gi_episodes": "从昨晚起上吐下泻共{}次",
        "wound_cm": "小腿划了个{}公分的口子",
        "lab_potassium": "化验血钾{}mmol/L",
        "lab_sodium": "化验血钠{}mmol/L",
        "lab_hb": "血红蛋白{}g/L",
        "lab_plt": "血小板{}×10^9/L",
        "lab_wbc": "白细胞{}×10^9/L",
        "lab_lactate": "血乳酸{}mmol/L",
    }[rule["measure"]]
    age = 8.0 if rule.get("max_age") else 40.0
    if rule["measure"].startswith("lab_"):  # lab limits have decimals: written as they are
        if rule["op"] in ("<=", "<"):
            below = rule["value"] - (1 if rule["op"] == "<" else 0)
            return unit_text.format(f"{below if fires else rule['value'] * 1.5:g}"), age
        return unit_text.format(f"{rule['value'] if fires else rule['value'] * 0.8:g}"), age
    if rule["op"] == "<=":  # a window: the quiet case lies beyond it
        return unit_text.format(int(rule["value"] if fires else rule["value"] * 3)), age
    if not fires and rule["value"] < 1:  # "any seizure": the quiet case has none
        return "头痛持续3分钟", age
    value = max(rule["value"], 1) if fires else max(rule["value"] / 2 - 1, 1)
    return unit_text.format(int(value)), age


@pytest.mark.parametrize(
    "rule", MEASURES, ids=[f"{r['id']}[{r['source'].split(';')[0]}]" for r in MEASURES]
)
def test_measure_rule_fires_at_threshold_and_not_below(rule):
    text, age = _measure_case(rule, fires=True)
    fired = run(text, age=age)
    assert fired.level <= rule["level"]
    text, age = _measure_case(rule, fires=False)
    assert rule["id"] not in ids(run(text, age=age))


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("手脚冰凉怕冷多年", 30.0),  # a TCM complaint, not poor perfusion in an adult
        ("蚊子咬了起了个包", 30.0),
        ("孩子不哭不闹，吃奶好", 0.5),
        ("吃了退烧药没反应，还是有点烧", 30.0),
        ("no response to paracetamol, temperature 37.8", 30.0),
        ("不想干活，没精神", 30.0),
        ("cut his finger with a knife while cooking, small cut", 30.0),
        ("eye pain after reading, vision normal", 30.0),
        ("消化不良，饭后恶心", 40.0),
        ("口干舌燥，睡不好", 40.0),
        ("怀孕8周，流清水鼻涕", 28.0),
        ("吃海鲜后腹痛腹泻", 30.0),  # food poisoning, not anaphylaxis (no skin involvement)
        ("被树枝划伤了一点，不出血", 30.0),
    ],
)
def test_everyday_phrases_near_red_flag_words_stay_non_urgent(text, age):
    assert run(text, age=age).level >= 3


def test_anaphylaxis_needs_skin_signs_with_gut_symptoms_or_an_allergen_with_airway_signs():
    assert run("吃海鲜后全身起疹子，呕吐").level == 1  # WAO criterion 1: skin + severe GI
    assert run("被蜜蜂蜇了，嗓子紧").level == 1  # WAO criterion 2: allergen + airway
    assert run("吃海鲜后呕吐").level >= 3


def test_daily_dose_is_not_an_overdose():
    assert run("每次吃2片，一天三次").level == 4


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("胸口闷痛40分钟", "C-CHEST-PAIN-ACS"),
        # a stable melaena is its own finding since the eleventh batch (was C-MAJOR-BLEEDING)
        ("解黑色柏油样大便两天", "C-MELAENA"),
    ],
)
def test_symptom_words_with_a_modifier_still_match(text, rule):
    assert rule in ids(run(text))


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("pressure in her chest for an hour", "C-CHEST-PAIN-ACS"),
        ("has had two seizures today", "C-SEIZURE"),
        ("burns to the face and neck", "C-FACE-BURN"),
        ("swelling of the tongue", "C-ANGIOEDEMA"),
        ("vomited bright red blood twice", "C-MAJOR-BLEEDING"),
        ("28-year-old, missed her period, lower abdominal pain", "C-PREGNANCY-EMERGENCY"),
        ("sudden severe pain in the right testicle", "C-TESTICULAR-TORSION"),
    ],
)
def test_english_plurals_and_prepositional_paraphrases_match(text, rule):
    assert rule in ids(run(text))


@pytest.mark.parametrize(
    "text",
    ["no pressure in her chest", "denies seizures", "pressure of work", "seizure-free for years"],
)
def test_english_paraphrases_respect_negation_and_word_bounds(text):
    result = run(text)
    assert "C-CHEST-PAIN-ACS" not in ids(result) and "C-SEIZURE" not in ids(result)


@pytest.mark.parametrize("text", ["胸口不痛", "胸口没痛过", "不想干活"])
def test_a_negation_or_other_word_in_the_gap_does_not_match(text):
    assert run(text).level == 4


def test_vitals_written_in_the_complaint_are_used_with_their_span():
    text = "体温40℃，血压78/触诊，心率148次/分，血氧85%"
    result = run(text)
    used = result.vitals_used
    assert used["temp"]["from"] == "text" and used["temp"]["value"] == 40
    assert text[slice(*used["spo2"]["span"])] == used["spo2"]["text"]
    assert used["sbp"]["palpable_only"] is True
    assert result.level <= 2
    assert not any("未测生命体征" in r.text_zh for r in result.reasons)


def test_a_field_wins_over_the_text_and_the_conflict_is_reported():
    result = run("心率148次/分", vitals={"hr": 90})
    assert result.vitals_used["hr"]["value"] == 90
    assert result.vitals_used["hr"]["conflict"]["text_value"] == 148


def test_age_and_pregnancy_from_text():
    infant = triage_rules(TriageRequest(complaint="6周龄男婴，发烧"), KB)
    assert infant.vitals_used["age"]["from"] == "text" and infant.level == 2
    pregnant = triage_rules(TriageRequest(complaint="孕32周，血压165/112"), KB)
    assert "V-PREG-SEVERE-BP" in ids(pregnant)


@pytest.mark.parametrize(
    ("complaint", "age", "vitals", "disposition"),
    [
        ("感冒流鼻涕两天", 30, {}, "self_care"),
        ("感冒流鼻涕两天", None, {}, "routine"),  # unknown age
        ("感冒流鼻涕两天", 80, {}, "routine"),  # outside 2–65
        ("感冒流鼻涕两天", 30, {"temp": 38.4}, "routine"),  # abnormal vital
        ("崴脚，能走路", 30, {}, "routine"),  # one resource (x-ray)
        ("开降压药", 60, {}, "routine"),
    ],
)
def test_self_care_only_without_resources_risk_or_abnormal_vital(
    complaint, age, vitals, disposition
):
    result = triage_rules(TriageRequest(age=age, complaint=complaint, vitals=vitals), KB)
    assert result.level == 4 and result.disposition == disposition
    assert result.resources == (0 if disposition == "self_care" else 1)


def test_pregnant_patient_is_not_sent_home_for_self_care():
    result = triage_rules(TriageRequest(age=28, pregnant=True, complaint="感冒流鼻涕"), KB)
    assert result.disposition == "routine"


# ------------------------------------------------------------------ semantic matching
EMBEDDER = triage_embedder()
BANK = semantic_bank(EMBEDDER) if EMBEDDER is not None else None


def test_the_packaged_embedder_and_precomputed_bank_are_present():
    assert EMBEDDER is not None and BANK is not None
    assert BANK.vectors.shape[0] == len(BANK.ids) > 500


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("一只眼睛突然什么都看不到了", "C-EYE-EMERGENCY"),
        ("sudden loss of sight in one eye", "C-EYE-EMERGENCY"),
        ("肚子疼得直不起腰", "C-SEVERE-ABDOMINAL-PAIN"),
    ],
)
def test_unseen_wording_lands_on_its_finding_with_its_similarity(text, finding):
    hits = semantic_findings(text, BANK, EMBEDDER)
    hit = next(h for h in hits if h.id == finding)
    assert hit.source == "semantic" and hit.similarity >= BANK.threshold
    assert text[slice(*hit.span)] == hit.text


@pytest.mark.parametrize(
    "text",
    [
        "手臂皮疹瘙痒一周",
        "最近血糖还可以",
        "来开降压药",
        "复查血压",
        "无呼吸困难",
        "不发烧",
        "能吃能喝",
    ],
)
def test_benign_or_negated_clauses_raise_nothing(text):
    assert all(h.id.startswith("N-") for h in semantic_findings(text, BANK, EMBEDDER))


def test_negated_and_normal_clauses_are_not_embedded():
    assert [c[2] for c in clauses("否认胸痛，无发热，突发头痛")] == ["突发头痛"]
    assert [c[2] for c in clauses("breathing fine, rash on arms")] == ["rash on arms"]


def test_semantic_hit_only_raises_and_is_labelled():
    out = triage({"age": 63, "complaint": "一只眼睛突然什么都看不到了"})
    assert out["level"] == 2
    hit = next(f for f in out["findings"] if f["source"] == "semantic")
    assert hit["id"] == "C-EYE-EMERGENCY" and 0 < hit["similarity"] <= 1
    assert any(r["origin"] == "semantic" for r in out["reasons"])


def test_output_contract_has_findings_and_vitals_used():
    out = triage({"complaint": "男，5个月，不吃奶，皮肤花斑，体温三十九度五"})
    assert out["level"] == 2
    for f in out["findings"]:
        assert set(f) >= {"id", "text", "source", "span"} and f["source"] in (
            "rule",
            "semantic",
            "model",
        )
    assert out["vitals_used"]["temp"] == {
        "value": 39.5,
        "from": "text",
        "span": [15, 22],
        "text": "体温三十九度五",
    }
    assert out["vitals_used"]["age"]["from"] == "text"


def test_rules_only_time_per_case_including_embedding():
    """Budget: p95 < 50 ms per case on the clinic box. Measured as CPU time of this process
    with a generous bound here (the box is shared); tests/bench reports the real number."""
    from tests.clinical_cases.accuracy import load

    cases = load("triage_criteria.toml")
    triage({"complaint": "预热"})
    times = []
    for case in cases:
        request = {
            k: case[k] for k in ("complaint", "age", "sex", "vitals", "pregnant") if k in case
        }
        start = time.process_time()
        triage(request)
        times.append(time.process_time() - start)
    p95 = statistics.quantiles(times, n=20)[-1]
    assert p95 < 0.2, p95


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("6天前做的阑尾切除，这两天吐得厉害", True),
        ("6天前做的阑尾切除，恢复好，来复查", False),  # recent, but no complaint of a complication
        ("两年前做过阑尾切除，现在发烧咳嗽", False),  # an operation long ago
        ("3天前做的手术，没有发烧，不吐", False),  # the co-findings are denied
        ("术前检查，发热", False),  # before an operation is not after one
    ],
)
def test_recent_surgery_needs_a_complication_and_the_30_day_window(text, fires):
    assert ("M-POSTOP-RECENT" in ids(run(text))) is fires


@pytest.mark.parametrize(
    ("clause", "past"),
    [
        ("去年患过脑梗", True),
        ("三年前得过肺结核", True),
        ("以前胃出血住过院", True),
        ("history of stroke", True),
        ("两个月前开始咳嗽", False),  # the onset of today's complaint
        ("老胃病今天又犯了", False),
        ("5-year-old, drowsy", False),
        ("抽搐过一次", False),
    ],
)
def test_a_clause_told_as_past_history(clause, past):
    from appliance.clinical._text import is_past_history

    assert is_past_history(clause) is past


def test_past_history_and_normal_statements_are_not_todays_findings():
    """ "去年患过脑梗" is history and "说话清楚" states a normal function: neither is a stroke
    finding (rules or semantic); the same words told as now still are."""
    quiet = triage({"age": 66, "complaint": "去年患过脑梗，恢复得挺好；这两天流鼻涕、打喷嚏"}, None)
    assert quiet["level"] == 4, quiet["reasons"]
    clear = triage({"age": 40, "complaint": "头痛两天，说话清楚，手脚有力"}, None)
    assert "C-STROKE-BEFAST" not in {f["id"] for f in clear["findings"]}
    now = triage({"age": 66, "complaint": "今天早上又脑梗了，说话不利索"}, None)
    assert now["level"] <= 2
