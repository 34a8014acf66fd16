"""Dictation → structured 门诊病历: field-level accuracy on 54 written development dictations, provenance for
every field, numbers/units normalised, nothing invented."""

from __future__ import annotations

import re
from typing import Any

import pytest

from appliance.clinical.extract import durations, extract_vitals, split_diagnoses
from appliance.clinical.extract_numbers import cn_to_number, normalize_numbers
from appliance.clinical.extract_sections import dictation_sections
from appliance.services.emr import structure
from tests._fixtures.speech import dictations, score_record


def _all() -> list[dict[str, Any]]:
    """The development dictations (the 12 once called held-out were tuned on: moved here, #22)."""
    return dictations()


def test_field_level_accuracy_on_the_dictation_set() -> None:
    cases = _all()
    assert len(cases) >= 40
    total = correct = 0
    misses = []
    for case in cases:
        record = structure(case["text"], visit_type=case["visit_type"], use_llm=False)
        scores = score_record(record, case["expect"])
        total += len(scores)
        correct += sum(scores.values())
        misses += [f"{case['id']}.{k}" for k, ok in scores.items() if not ok]
    accuracy = correct / total
    assert accuracy >= 0.95, (accuracy, misses[:20])


@pytest.mark.parametrize("case", _all()[:54:6], ids=lambda c: c["id"])
def test_every_field_points_to_its_words(case: dict[str, Any]) -> None:
    text = case["text"]
    record = structure(text, visit_type=case["visit_type"], use_llm=False)
    plain = re.sub(r"[\s，,。；;、:：]", "", normalize_numbers(text))
    for field in ("chief_complaint", "present_illness", "physical_exam", "treatment_plan"):
        if not record[field]:
            continue
        spans = record["sources"][field]
        assert spans, field
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"]
        for clause in re.split(r"[，。；]", record[field]):
            assert re.sub(r"\s", "", clause) in plain, (field, clause)  # nothing invented


def test_followup_visit_type_and_contract_fields() -> None:
    out = structure(
        "复诊。血压控制可。查体血压132/84mmHg。诊断高血压病。继续缬沙坦80mg口服每日1次。",
        visit_type="followup",
        use_llm=False,
    )
    for key in (
        "chief_complaint",
        "present_illness",
        "past_history",
        "allergy_history",
        "personal_history",
        "physical_exam",
        "auxiliary_exams",
        "diagnoses",
        "treatment_plan",
        "prescriptions",
        "vitals",
    ):
        assert key in out
    assert out["visit_type"] == "followup"
    assert out["diagnoses"] == [{"name": "高血压病", "icd10": "I10"}]
    assert out["prescriptions"][0]["drug"] == "缬沙坦"
    assert out["structuring"]["method"] == "rules"


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("血压一百七十比一百毫米汞柱", "血压170/100 mmHg"),
        ("血压一百四十比九十", "血压140/90 mmHg"),
        ("体温三十八度五", "体温38.5℃"),
        ("心率八十八次每分", "心率88次/分"),
        ("空腹血糖七点八毫摩尔每升", "空腹血糖7.8 mmol/L"),
        ("二甲双胍零点五克每日三次", "二甲双胍0.5g每日3次"),
        ("血氧饱和度百分之九十六", "血氧饱和度96%"),
        ("每日解稀水样便五六次", "每日解稀水样便5~6次"),
        ("十二指肠溃疡，一般情况可，一过性黑矇", "十二指肠溃疡，一般情况可，一过性黑矇"),
        ("二度房室传导阻滞", "二度房室传导阻滞"),
    ],
)
def test_spoken_numbers_and_units(spoken: str, written: str) -> None:
    assert normalize_numbers(spoken) == written
    assert normalize_numbers(written) == written  # idempotent


def test_number_words() -> None:
    assert cn_to_number("一百零五") == 105
    assert cn_to_number("三十八点五") == 38.5
    assert cn_to_number("两千") == 2000
    assert cn_to_number("一七零") == 170
    assert cn_to_number("甲") is None


def test_durations_vitals_and_diagnosis_lists() -> None:
    assert [round(d.days) for d in durations("反复头晕2年，加重3天，半年前")] == [730, 3, 182]
    v = extract_vitals("T 37.2℃，P 80次/分，R 18次/分，BP 120/80mmHg，SpO2 98%")
    assert v.present() == {"temp": 37.2, "hr": 80, "rr": 18, "sbp": 120, "dbp": 80, "spo2": 98}
    assert split_diagnoses("1.高血压病3级 2.2型糖尿病") == ["高血压病3级", "2型糖尿病"]


@pytest.mark.parametrize("bad", ["", "   "])
def test_empty_text_is_a_clear_error(bad: str) -> None:
    from appliance.errors import InputError

    with pytest.raises(InputError) as err:
        structure(bad, use_llm=False)
    assert "为空" in err.value.message_zh and "empty" in err.value.message_en


class _Spy:
    """The real engine, recording what each call returned or raised (which branch ran)."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.results, self.errors = engine, [], []

    def chat(self, *args: Any, **kwargs: Any) -> Any:
        try:
            res = self.engine.chat(*args, **kwargs)
        except Exception as exc:
            self.errors.append(exc)
            raise
        self.results.append(res)
        return res


@pytest.mark.model
def test_llm_pass_with_a_real_tiny_model_never_invents(tiny_engine: Any) -> None:
    """With room to finish, the tiny model's output is schema-valid: the rules+llm branch runs
    and grounding drops every clause of its nonsense (each listed in ``rejected``)."""
    text = _all()[1]["text"]
    rules_only = structure(text, use_llm=False)
    spy = _Spy(tiny_engine)
    out = structure(text, engine=spy, use_llm=True, llm_timeout_s=600)
    meta = out["structuring"]
    assert meta["method"] == "rules+llm" and "llm_error" not in meta, meta
    # one small call per section of the dictation (issue 20), not one long call at the end
    sections = dictation_sections(text)
    assert len(sections) > 1 and len(spy.results) == len(sections) and not spy.errors
    assert all(isinstance(r.data, dict) for r in spy.results)
    assert meta["rejected"], "the tiny model's nonsense must be dropped, not merged"
    plain = re.sub(r"[\s，,。；;、:：]", "", normalize_numbers(text))
    for field in ("chief_complaint", "present_illness", "physical_exam", "treatment_plan"):
        for clause in re.split(r"[，。；]", out[field]):
            assert re.sub(r"\s", "", clause) in plain
    assert out["vitals"] == rules_only["vitals"]  # numbers always from the rules
    assert out["prescriptions"] == rules_only["prescriptions"]


@pytest.mark.model
def test_llm_pass_that_runs_out_of_tokens_keeps_the_rules_record(tiny_engine: Any) -> None:
    """Fallback path: 8 tokens cannot hold any section's schema (48 held the smallest once the
    model went section by section), the output is invalid JSON, the record is the rules' own
    and says why the model pass was skipped."""
    text = _all()[1]["text"]
    rules_only = structure(text, use_llm=False)
    out = structure(text, engine=tiny_engine, use_llm=True, max_tokens=8, llm_timeout_s=600)
    assert out["structuring"]["method"] == "rules"
    assert out["structuring"]["llm_error"] == "llm_invalid_output"
    strip = lambda r: {k: v for k, v in r.items() if k != "structuring"}  # noqa: E731
    assert strip(out) == strip(rules_only)


@pytest.mark.model
def test_qc_contradiction_pass_on_the_tiny_model(tiny_engine: Any) -> None:
    """The contradiction pass gets schema-valid output: only grounded model findings (none in
    the nonsense), never blocking; with 32 tokens it falls back and says why."""
    from appliance.services.emr import run_qc

    rules_only = structure(_all()[1]["text"], use_llm=False)
    plain_qc = run_qc(rules_only)
    spy = _Spy(tiny_engine)
    model_qc = run_qc(rules_only, engine=spy, use_llm=True)
    assert len(spy.results) == 1 and not spy.errors and "model_error" not in model_qc
    assert model_qc["passed"] == plain_qc["passed"] and model_qc["score"] == plain_qc["score"]
    assert all(f["origin"] == "model" for f in model_qc["findings"][len(plain_qc["findings"]) :])
    short = run_qc(rules_only, engine=tiny_engine, use_llm=True, max_tokens=32)
    assert short["model_error"] == "llm_invalid_output"
    assert short["findings"] == plain_qc["findings"] and short["score"] == plain_qc["score"]


def test_grounding_drops_what_is_not_in_the_words_and_merge_keeps_rule_numbers() -> None:
    from appliance.clinical.extract import extract_record
    from appliance.clinical.extract_llm import ground, merge
    from appliance.services.emr import drug_names, icd_table

    text = (
        "男，40岁，咳嗽3天。查体体温38.2度，咽部充血。诊断急性支气管炎。给予氨溴索30mg口服每日3次。"
    )
    answer = {
        "chief_complaint": "咳嗽3天",
        "present_illness": "伴胸痛",  # not said: must be rejected
        "past_history": "",
        "allergy_history": "青霉素过敏",  # not said: must be rejected
        "personal_history": "",
        "physical_exam": "体温38.2度，咽部充血",
        "auxiliary_exams": "",
        "treatment_plan": "给予氨溴索30mg口服每日3次",
        "diagnoses": ["急性支气管炎", "肺炎"],  # 肺炎 not said
        "drugs": ["氨溴索", "阿莫西林"],  # 阿莫西林 not said
    }
    grounded = ground(answer, text)
    rejected = {(r["field"], r["text"]) for r in grounded.rejected}
    assert ("present_illness", "伴胸痛") in rejected
    assert ("allergy_history", "青霉素过敏") in rejected
    assert ("diagnoses", "肺炎") in rejected and ("drugs", "阿莫西林") in rejected
    rules = extract_record(text, icd=icd_table(), drug_names=drug_names())
    record, cross = merge(rules, grounded, icd_table(), drug_names())
    assert all(c["kept"] != "llm" for c in cross)
    assert record.allergy_history == "" and record.present_illness == ""
    assert record.vitals.temp == 38.2
    assert [d.name for d in record.diagnoses] == ["急性支气管炎"]
    assert record.physical_exam == "体温38.2℃，咽部充血"


def test_an_age_beyond_a_human_life_is_left_empty_not_a_failure() -> None:
    # found by the dictation property test: "二百岁" (a slip or a misheard number) had raised a
    # validation error out of the structurer
    record = structure("患者女，二百岁，咳嗽三天。", use_llm=False)
    assert record["patient"] == {"age": None, "sex": "F"}
    assert structure("患者男，56岁，咳嗽三天。", use_llm=False)["patient"]["age"] == 56
