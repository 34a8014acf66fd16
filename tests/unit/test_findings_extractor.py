"""The shared findings extractor: vitals, age, sex, pregnancy, labs and negation-aware concepts
read from free text, each with the span it came from (used by triage and decision support)."""

from __future__ import annotations

import pytest

from appliance.clinical.findings import Concept, Vocabulary, extract_findings
from appliance.clinical.findings_labs import extract_labs
from appliance.clinical.findings_vitals import extract_vitals
from appliance.knowledge.findings_data import lab_analytes


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("体温40℃，精神差", "temp", 40.0),
        ("发烧到三十九度五", "temp", 39.5),
        ("T 38.2°C", "temp", 38.2),
        ("104°F and lethargic", "temp", 40.0),
        ("temp 101.3 F", "temp", 38.5),
        ("血压78/触诊", "sbp", 78.0),
        ("BP 144/92", "dbp", 92.0),
        ("血压一百七十比一百一十毫米汞柱", "sbp", 170.0),
        ("心率148次/分", "hr", 148.0),
        ("P 120, R 28", "rr", 28.0),
        ("HR 44 bpm", "hr", 44.0),
        ("心率一百二十次每分", "hr", 120.0),
        ("呼吸三十次/分", "rr", 30.0),
        ("血氧85%", "spo2", 85.0),
        ("SpO2 91% on room air", "spo2", 91.0),
        ("指脉氧百分之八十八", "spo2", 88.0),
        ("GCS 9分", "gcs", 9.0),
        ("E2V2M4", "gcs", 8.0),
        ("疼痛评分8分", "pain", 8.0),
        ("pain 7/10", "pain", 7.0),
        ("指尖血糖2.1mmol/L", "glucose", 2.1),
        ("glucose 450 mg/dL", "glucose", 25.0),
        ("呼吸急促，30次/分", "rr", 30.0),
        ("高压180，低压110", "dbp", 110.0),
        ("高压一百九", "sbp", 190.0),
        ("心跳很快，150次/分", "hr", 150.0),
        ("烧了三天，最高39.5", "temp", 39.5),
        # link words between label and number: a measuring verb and a hedge
        ("血压量着九十/五十", "sbp", 90.0),
        ("血压量着九十/五十", "dbp", 50.0),
        ("心跳大概一百四", "hr", 140.0),
        ("血氧只有百分之八十五", "spo2", 85.0),
        ("体温测了三十九度", "temp", 39.0),
        ("血压触诊大约七十", "sbp", 70.0),  # palpated: systolic only
    ],
)
def test_vital_read_from_text_with_its_span(text, key, value):
    vitals = extract_vitals(text)
    reading = vitals.values[key]
    assert reading.value == pytest.approx(value, abs=0.05)
    assert text[reading.span[0] : reading.span[1]] == reading.text


@pytest.mark.parametrize(
    "text",
    [
        "呼吸困难3天",
        "发热3天",
        "三度烧伤",
        "头痛2周",
        "心率不齐",
        "G2P1",
        "BP normal",
        "咳嗽2个月",
        "心跳很快，一阵一阵的",
        "最高120次",
        "血压有点高",
        "血压一直都不稳",
    ],
)
def test_no_vital_invented_from_durations_or_words(text):
    assert extract_vitals(text).values == {}


def test_a_palpated_systolic_pressure_is_reported_as_palpable():
    v = extract_vitals("血压触诊大约七十，脉搏摸不清")
    assert v.values["sbp"].value == 70 and v.sbp_palpable is not None and "dbp" not in v.values


def test_palpable_only_blood_pressure_is_reported():
    v = extract_vitals("血压78/触诊，四肢湿冷")
    assert v.sbp_palpable is not None and "dbp" not in v.values


def test_the_most_abnormal_of_two_readings_is_kept():
    v = extract_vitals("最高体温39.8℃，现体温37.6℃")
    assert v.values["temp"].value == 39.8
    assert len(v.readings) == 2


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("65岁", 65.0),
        ("患儿，3岁半，发热", 3.5),
        ("5个月婴儿不吃奶", 5 / 12),
        ("男，5个月，发热", 5 / 12),
        ("月龄8个月", 8 / 12),
        ("6周龄女婴", 6 * 7 / 365.25),
        ("生后10天", 10 / 365.25),
        ("5-month-old girl", 5 / 12),
        ("a 72-year-old man", 72.0),
        ("78 yo F", 78.0),
        ("65, M, chest pain", 65.0),
    ],
)
def test_age_in_years_months_weeks_and_days(text, years):
    age = extract_vitals(text).age_years
    assert age is not None and age.value == pytest.approx(years, rel=1e-3)


@pytest.mark.parametrize(
    "text",
    ["孕32周，头痛", "咳嗽2个月", "停经2个月", "fell 4 m from a roof", "diabetic for 10 yrs"],
)
def test_pregnancy_weeks_and_durations_are_not_an_age(text):
    assert extract_vitals(text).age_years is None


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("男，65岁", "M"),
        ("患者女，30岁", "F"),
        ("孕妇，头痛", "F"),
        ("a 45-year-old woman", "F"),
        ("78 yo F", "F"),
        ("72-year-old man", "M"),
        ("6周龄女婴", "F"),
    ],
)
def test_sex(text, sex):
    found = extract_vitals(text).sex
    assert found is not None and found.value == sex


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("孕32周，头痛", 32),
        ("妊娠36+3周", 36.4),
        ("34 weeks pregnant", 34),
        ("G2P1 at 34 weeks", 34),
        ("停经50天，腹痛", 7.1),
    ],
)
def test_pregnancy_weeks(text, weeks):
    v = extract_vitals(text)
    assert v.pregnant and v.pregnancy_weeks is not None
    assert v.pregnancy_weeks.value == pytest.approx(weeks, abs=0.1)


def test_lab_values_in_canonical_units_with_spans():
    text = "白细胞15.2×10^9/L，中性粒细胞85%，Hb 7.8 g/dL，肌酐2.1 mg/dL，K+ 6.1，CRP 56 mg/L"
    labs = {lab.id: lab for lab in extract_labs(text, lab_analytes())}
    assert labs["wbc"].value == 15.2
    assert labs["neut_pct"].value == 85
    assert labs["hb"].value == 78 and labs["hb"].unit == "g/L"
    assert labs["creatinine"].value == pytest.approx(185.6, abs=0.1)
    assert labs["potassium"].value == 6.1
    assert all(text[slice(*lab.span)] == lab.text for lab in labs.values())


VOCAB = Vocabulary(
    (
        Concept("chest_pain", ("胸痛", "chest pain")),
        Concept("fever", ("发热", "fever")),
        Concept("vomiting", ("呕吐", "vomiting")),
        Concept("acute_mi", ("心梗",), unless=("心梗病史",)),
        Concept("pregnancy_bleeding", ("怀孕", "pregnant"), requires=("出血", "bleeding")),
    )
)


@pytest.mark.parametrize(
    ("text", "present", "negated"),
    [
        ("否认胸痛，发热3天", {"fever"}, {"chest_pain"}),
        ("无明显诱因出现胸痛", {"chest_pain"}, set()),
        ("denies chest pain, no fever or vomiting", set(), {"chest_pain", "fever", "vomiting"}),
        ("没有呕吐，未发热", set(), {"vomiting", "fever"}),
        ("心梗病史10年，今晨胸痛", {"chest_pain"}, set()),
        ("怀孕8周，阴道出血", {"pregnancy_bleeding"}, set()),
        ("怀孕8周，无出血", set(), set()),
        ("chest pain without fever", {"chest_pain"}, {"fever"}),
    ],
)
def test_concepts_found_with_negation(text, present, negated):
    found = extract_findings(text, vocabulary=VOCAB, include_negated=True)
    assert {f.id for f in found if not f.negated} == present
    assert {f.id for f in found if f.negated} == negated
    for f in found:
        assert text[f.span[0] : f.span[1]] == f.text
    assert {f.id for f in extract_findings(text, vocabulary=VOCAB)} == present


ADVERB_VOCAB = Vocabulary(
    (
        Concept("sudden_blindness", ("突然看不见",)),
        Concept("sudden_chest_pain", ("突发胸痛",)),
    )
)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("今早左眼突然看不见了", {"sudden_blindness"}),  # exact
        ("突然左眼看不见", {"sudden_blindness"}),  # a site after the adverb
        ("昨晚突然一只眼什么都看不见", set()),  # more than four characters between: not bridged
        ("突然全都看不见", {"sudden_blindness"}),
        ("突发剧烈胸痛1小时", {"sudden_chest_pain"}),  # a modifier after the adverb
        ("突然不看不见", set()),  # a negation character never bridges
        ("突然头晕，后来看不见东西", set()),  # a clause break never bridges
    ],
)
def test_a_leading_adverb_takes_a_short_site_or_modifier_after_it(text, present):
    found = extract_findings(text, vocabulary=ADVERB_VOCAB)
    assert {f.id for f in found} == present
    for f in found:
        assert text[f.span[0] : f.span[1]] == f.text


INTENSIFIER_VOCAB = Vocabulary(
    (
        Concept("chest_pain", ("胸口痛",)),
        Concept("oliguria", ("尿少",)),
        Concept("dyspnoea", ("呼吸困难",)),
    )
)


@pytest.mark.parametrize(
    ("text", "present", "negated"),
    [
        ("胸口越来越痛", {"chest_pain"}, set()),  # a progressive inside the predicate
        ("这两天尿特别少", {"oliguria"}, set()),
        ("呼吸很困难", {"dyspnoea"}, set()),
        ("呼吸有点困难", set(), set()),  # a softener is not read past: mild is not severe
        ("没有胸口很痛", set(), {"chest_pain"}),  # the negation still holds
        ("很胸口痛", {"chest_pain"}, set()),  # not inside: the term as written
    ],
)
def test_an_intensifier_inside_a_predicate_is_read_past(text, present, negated):
    found = extract_findings(text, vocabulary=INTENSIFIER_VOCAB, include_negated=True)
    assert {f.id for f in found if not f.negated} == present
    assert {f.id for f in found if f.negated} == negated
    for f in found:
        assert text[f.span[0] : f.span[1]] == f.text


def test_teng_and_tong_name_the_same_pain():
    """疼 and 痛 are written interchangeably: a term in either spelling finds both."""
    vocab = Vocabulary((Concept("rlq", ("右下腹痛",)), Concept("headache", ("头疼",))))
    text = "昨天开始右下腹疼，头痛"
    found = {f.id: f for f in extract_findings(text, vocabulary=vocab)}
    assert set(found) == {"rlq", "headache"}
    assert found["rlq"].text == "右下腹疼" and text[slice(*found["rlq"].span)] == "右下腹疼"


def test_lab_values_of_another_specimen_are_left_out() -> None:
    """Urine white cells or a urine sodium are no blood count or serum sodium (the triage and the
    differential read the same values)."""
    found = extract_labs("尿常规白细胞0，尿钠 20 mmol/L，血常规白细胞15.2×10^9/L", lab_analytes())
    assert [(v.id, v.value) for v in found] == [("wbc", 15.2)]
    assert extract_labs("尿检白细胞 3 个/HP", lab_analytes()) == []
