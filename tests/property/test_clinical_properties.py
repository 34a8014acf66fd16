"""Property tests of the clinical rules (hypothesis).

- Adding an abnormal vital sign, or any further finding, never lowers urgency.
- Adding a red-flag complaint never lowers urgency.
- Drug-name resolution is insensitive to case, spaces and full-width characters.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from appliance.clinical.triage import triage_rules
from appliance.clinical.triage_model import TriageRequest
from appliance.knowledge.catalogs import meds_knowledge, resolve_drug
from appliance.knowledge.triage_catalog import triage_knowledge

KB = triage_knowledge()
DRUGS = meds_knowledge().drugs

RANGES = {
    "sbp": (40, 260), "dbp": (20, 150), "hr": (20, 230), "rr": (4, 70), "temp": (30.0, 42.5),
    "spo2": (60, 100), "gcs": (3, 15), "glucose": (1.0, 45.0), "pain": (0, 10),
}  # fmt: skip
COMPLAINTS = ["头晕", "咳嗽两天", "牙痛", "感冒流鼻涕", "腹泻", "cough", "rash", "腰痛三天", "乏力"]
RED_FLAGS = [t for r in KB.complaints for t in r.terms[:2] if not r.with_terms]


def vital_value(name: str) -> st.SearchStrategy[float]:
    lo, hi = RANGES[name]
    if isinstance(lo, int):
        return st.integers(lo, hi).map(float)
    return st.floats(lo, hi, allow_nan=False).map(lambda x: round(x, 1))


vitals_st = st.dictionaries(st.sampled_from(sorted(RANGES)), st.nothing()).flatmap(
    lambda _: st.fixed_dictionaries({}, optional={k: vital_value(k) for k in RANGES})
)
ages = st.one_of(st.none(), st.floats(0, 100, allow_nan=False).map(lambda a: round(a, 2)))


def level(complaint: str, age: float | None, vitals: dict[str, float]) -> int:
    return triage_rules(TriageRequest(complaint=complaint, age=age, vitals=vitals), KB).level


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(COMPLAINTS), ages, vitals_st, st.sampled_from(sorted(RANGES)), st.data())
def test_adding_a_vital_sign_never_lowers_urgency(complaint, age, vitals, extra, data):
    base = {k: v for k, v in vitals.items() if k != extra}
    value = data.draw(vital_value(extra))
    assert level(complaint, age, {**base, extra: value}) <= level(complaint, age, base)


# derived rows (the shock index, from HR and SBP) are not a typed vital: left out here
INPUT_VITALS = sorted({r.vital for r in KB.adult_vitals + KB.any_age_vitals} & set(RANGES))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(INPUT_VITALS), st.data(), ages, vitals_st)
def test_an_abnormal_vital_never_lowers_urgency(vital, data, age, vitals):
    rules = [r for r in KB.adult_vitals + KB.any_age_vitals if r.vital == vital]
    rule = data.draw(st.sampled_from(rules))
    delta = {"<": -0.5, "<=": 0, ">": 0.5, ">=": 0}[rule.op]
    abnormal = {**vitals, vital: rule.value + delta}
    _lo, _hi = RANGES[vital]
    abnormal[vital] = min(
        max(abnormal[vital], 0), {"spo2": 100, "gcs": 15, "pain": 10}.get(vital, 320)
    )
    before = level("头晕", age, {k: v for k, v in vitals.items() if k != vital})
    after = level("头晕", age, abnormal)
    assert after <= before
    if rule.vital in {"spo2", "gcs", "temp", "glucose", "pain"} or age is None or age >= 14:
        assert after <= rule.level


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(COMPLAINTS), st.sampled_from(RED_FLAGS), ages, vitals_st)
# found by hypothesis in CI: a toothache beside dizziness had made a pain of 7 peripheral (3 < 2)
@example("头晕", "牙痛", None, {"pain": 7.0, "sbp": 90.0})
@example("咳嗽两天", "牙痛", None, {"pain": 7.0, "sbp": 90.0})
def test_adding_a_red_flag_never_lowers_urgency(complaint, flag, age, vitals):
    if _names_peripheral_site(flag):
        # the one designed exception: CTAS 2016 reads a pain score by its site, so naming a limb,
        # skin or tooth re-reads the score one level lower (severe peripheral pain is level 3);
        # bounded by the test below, checked here without a pain score
        vitals = {k: v for k, v in vitals.items() if k != "pain"}
    assert level(f"{complaint}，{flag}", age, vitals) <= level(complaint, age, vitals)


def _names_peripheral_site(flag: str) -> bool:
    return any(site in flag.lower() for site in KB.pain_sites.peripheral)


PERIPHERAL_FLAGS = [f for f in RED_FLAGS if _names_peripheral_site(f)]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(COMPLAINTS), st.sampled_from(PERIPHERAL_FLAGS), ages, vitals_st)
@example("咳嗽两天", "牙痛", None, {"pain": 7.0, "sbp": 90.0})
def test_a_peripheral_pain_site_lowers_a_pain_score_by_one_level_at_most(
    complaint, flag, age, vitals
):
    """The CTAS pain-site modifier's bound: one level, and a severe pain never below level 3."""
    before = level(complaint, age, vitals)
    after = level(f"{complaint}，{flag}", age, vitals)
    assert after <= before + 1
    if vitals.get("pain", 0) >= 7:
        assert after <= 3


def _fullwidth(s: str) -> str:
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s
    )


@st.composite
def mangled_name(draw: st.DrawFn) -> tuple[str, str]:
    drug = draw(st.sampled_from(DRUGS))
    name = draw(st.sampled_from([drug.name_zh, drug.inn, *drug.brands]))
    chars = []
    for ch in name:
        ch = ch.upper() if draw(st.booleans()) else ch.lower()
        chars.append(ch)
        if draw(st.integers(0, 5)) == 0:
            chars.append(draw(st.sampled_from([" ", "  ", "\u3000", "\t"])))
    mangled = "".join(chars)
    if draw(st.booleans()):
        mangled = _fullwidth(mangled)
    return name, mangled


@settings(max_examples=500, deadline=None)
@given(mangled_name())
def test_drug_name_resolution_is_case_space_fullwidth_insensitive(pair):
    name, mangled = pair
    assert resolve_drug(mangled) == resolve_drug(name)
    assert resolve_drug(name) is not None
