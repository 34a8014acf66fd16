"""The model's structuring pass goes section by section (issue 20): sections from the doctor's
spoken cues, a small prompt and schema each, progress in sections done of N with an ETA never
0 while sections remain, each section's fields reported as soon as it is done, grounding per
section, and a pass that stops early keeps what it finished."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import pytest

from appliance.clinical.extract_sections import (
    CHUNK_CHARS,
    FREE_FIELDS,
    SECTION_SYSTEM_PROMPT,
    dictation_sections,
    ground_section,
    section_messages,
    section_schema,
    section_tokens,
)
from appliance.errors import LLMOutputInvalid, LLMTimeout
from appliance.services.emr import structure

HEADED = (
    "主诉：咳嗽3天。现病史：3天前受凉后咳嗽，咳白痰。既往史：高血压5年。过敏史：青霉素过敏。"
    "查体：体温38.5℃，咽部充血。诊断：急性支气管炎。处理：多饮水，3天后复诊。"
)
SPOKEN = "主诉咳嗽三天，现病史三天前受凉后咳嗽，查体体温三十八度五，咽部充血，诊断急性支气管炎"


def words(text: str) -> list[tuple[str, str]]:
    return [(s.cue, s.words(text)) for s in dictation_sections(text)]


def test_headed_dictation_splits_at_each_cue_without_the_heading() -> None:
    assert words(HEADED) == [
        ("主诉", "咳嗽3天"),
        ("现病史", "3天前受凉后咳嗽，咳白痰"),
        ("既往史", "高血压5年"),
        ("过敏史", "青霉素过敏"),
        ("查体", "体温38.5℃，咽部充血"),
        ("诊断", "急性支气管炎"),
        ("处理", "多饮水，3天后复诊"),
    ]
    fields = {s.cue: s.fields for s in dictation_sections(HEADED)}
    assert fields["查体"] == ("physical_exam", "auxiliary_exams")
    assert fields["诊断"] == ("diagnoses", "treatment_plan")
    assert [s.index for s in dictation_sections(HEADED)] == list(range(7))


def test_spoken_cues_without_colons_or_full_stops() -> None:
    assert [c for c, _ in words(SPOKEN)] == ["主诉", "现病史", "查体", "诊断"]
    assert words(SPOKEN)[2] == ("查体", "体温三十八度五，咽部充血")


def test_a_cue_word_inside_a_clause_is_not_a_cue() -> None:
    text = "患者咳嗽三天，否认药物过敏史，既往体健。"
    assert [c for c, _ in words(text)] == [""]  # one free chunk: no heading opens a clause


def test_free_text_goes_in_sentence_chunks_with_every_field() -> None:
    sentence = "患者咳嗽咳痰一周伴发热两天，夜间咳嗽明显，无胸痛，无咯血，食欲稍差。"
    text = sentence * 5  # ~170 characters, no cue
    parts = dictation_sections(text)
    assert len(parts) >= 2
    for p in parts:  # 主诉 and 现病史 always; the other fields only where the rules read them
        assert p.cue == "" and {"chief_complaint", "present_illness"} <= set(p.fields)
        assert set(p.fields) <= set(FREE_FIELDS) and "treatment_plan" not in p.fields
    assert all(len(p.words(text)) <= CHUNK_CHARS for p in parts)
    assert "".join(p.words(text) + "。" for p in parts).replace("。。", "。") == text


def test_a_chunk_asks_for_the_fields_the_rules_read_in_it() -> None:
    text = "咳嗽咳痰一周，发热两天。既往体健，否认药物过敏史。"
    (chunk,) = dictation_sections(text)
    assert chunk.fields == (
        "chief_complaint",
        "present_illness",
        "past_history",
        "allergy_history",
    )


def test_text_before_the_first_cue_is_its_own_chunk_and_history_cues_are_not_sent() -> None:
    text = "患者女，58岁。咳嗽一周。家族史：父亲高血压。查体：咽部充血。"
    parts = dictation_sections(text)
    assert [(p.cue, p.words(text)) for p in parts] == [
        ("", "患者女，58岁。咳嗽一周"),
        ("查体", "咽部充血"),
    ]  # 家族史 is the rules' own: no model call for it


def test_each_section_has_a_small_schema_and_the_same_system_prompt() -> None:
    parts = dictation_sections(HEADED)
    exam = next(p for p in parts if p.cue == "查体")
    schema = section_schema(exam, HEADED)
    assert set(schema["properties"]) == {"physical_exam", "auxiliary_exams"}
    assert schema["required"] == ["physical_exam", "auxiliary_exams"]
    longest = len(exam.words(HEADED)) + 4
    assert all(p["maxLength"] <= longest for p in schema["properties"].values())
    prompts = [section_messages(p, HEADED, "initial") for p in parts]
    assert {m[0]["content"] for m in prompts} == {SECTION_SYSTEM_PROMPT}  # KV reused
    assert exam.words(HEADED) in prompts[4][1]["content"]
    assert "咳嗽3天" not in prompts[4][1]["content"]  # only the section's own words
    expected, most = section_tokens(exam, HEADED)
    assert 0 < expected < most < 200


def test_grounding_keeps_only_the_sections_words_located_in_the_whole_dictation() -> None:
    exam = next(p for p in dictation_sections(HEADED) if p.cue == "查体")
    grounded = ground_section(
        {"physical_exam": "体温38.5℃，双肺湿啰音", "treatment_plan": "咽部充血"}, exam, HEADED
    )
    assert grounded.values == {"physical_exam": "体温38.5℃"}  # 湿啰音 was never said
    assert {"field": "physical_exam", "text": "双肺湿啰音"} in grounded.rejected
    span = grounded.spans["physical_exam"][0]
    assert HEADED[span.start : span.end] == "体温38.5℃"  # not an offset inside the section


# --- the pass, with a scripted engine ----------------------------------------------------------
@dataclass
class _Result:
    data: Any
    model: str = "scripted"


class ScriptedEngine:
    """Answers each section from a script keyed by the section's cue; records every call."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers, self.calls = answers, []

    def chat(self, messages: Any, *, task: str, schema: Any, max_tokens: int, timeout_s: float):
        user = messages[1]["content"]
        cue = user.split("栏目：", 1)[1].split("\n", 1)[0]
        self.calls.append({"cue": cue, "task": task, "fields": list(schema["properties"])})
        answer = self.answers.get(cue, {})
        if isinstance(answer, Exception):
            raise answer
        return _Result({k: answer.get(k, "") for k in schema["properties"]})


TEXT = "患者男，65岁。主诉头晕3天。既往史高血压5年，吸烟20年。查体血压170/100mmHg。诊断高血压病。"


def test_the_model_pass_runs_one_small_call_per_section_and_reports_each() -> None:
    engine = ScriptedEngine(
        {
            "主诉": {"chief_complaint": "头晕3天"},
            "既往史": {"past_history": "高血压5年", "personal_history": "吸烟20年"},
            "查体": {"physical_exam": "血压170/100mmHg，心率120次/分"},  # invents the pulse
            "诊断": {"diagnoses": ["高血压病"]},
        }
    )
    seen: list[Any] = []
    out = structure(TEXT, engine=engine, use_llm=True, progress=seen.append)
    meta = out["structuring"]
    assert [c["cue"] for c in engine.calls] == ["未说明", "主诉", "既往史", "查体", "诊断"]
    assert all(c["task"] == "emr_section" for c in engine.calls)
    assert engine.calls[3]["fields"] == ["physical_exam", "auxiliary_exams"]
    assert meta["method"] == "rules+llm" and meta["sections_done"] == 5
    assert "llm_error" not in meta
    assert "心率" not in out["physical_exam"]  # grounded: never in the words
    assert out["vitals"]["sbp"] == 170  # numbers from the rules
    pieces = [p.piece for p in seen if p.piece]
    assert [p["section"] for p in pieces] == [0, 1, 2, 3, 4]
    assert all(p["of"] == 5 for p in pieces)
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions == sorted(fractions) and max(fractions) < 1.0
    # while a section remains, the ETA is never 0; the message counts sections
    for p in seen:
        if p.piece is None or p.piece["section"] < 4:
            assert p.eta_s is not None and p.eta_s >= 1.0, p
    assert any("1/5" in p.message for p in seen) and any("5/5" in p.message for p in seen)


def test_a_section_with_invalid_output_is_skipped_and_a_timeout_stops_the_pass() -> None:
    engine = ScriptedEngine(
        {
            "主诉": LLMOutputInvalid(),
            "既往史": {"personal_history": "吸烟20年"},
            "查体": LLMTimeout(),
            "诊断": {"diagnoses": ["高血压病"]},
        }
    )
    rules = structure(TEXT, use_llm=False)
    seen: list[Any] = []
    out = structure(TEXT, engine=engine, use_llm=True, progress=seen.append)
    meta = out["structuring"]
    statuses = [s["status"] for s in meta["sections"]]
    assert statuses == ["done", "llm_invalid_output", "done", "llm_timeout", "skipped"]
    assert [c["cue"] for c in engine.calls] == ["未说明", "主诉", "既往史", "查体"]
    assert meta["method"] == "rules+llm" and meta["llm_error"] == "llm_timeout"
    assert meta["sections_done"] == 2
    for field in ("chief_complaint", "physical_exam", "diagnoses"):  # the rules' stand
        assert out[field] == rules[field]


def test_nothing_finished_is_the_rules_record_with_the_reason() -> None:
    engine = ScriptedEngine({cue: LLMTimeout() for cue in ("未说明",)})
    rules = structure(TEXT, use_llm=False)
    out = structure(TEXT, engine=engine, use_llm=True)
    assert out["structuring"]["method"] == "rules"
    assert out["structuring"]["llm_error"] == "llm_timeout"
    assert len(engine.calls) == 1
    strip = lambda r: {k: v for k, v in r.items() if k != "structuring"}  # noqa: E731
    assert strip(out) == strip(rules)


def test_the_fields_the_model_filled_are_named_for_the_screen() -> None:
    text = "主诉：头晕3天。现病史：3天前起床后头晕，否认头痛。"
    rules = structure(text, use_llm=False)
    engine = ScriptedEngine({"现病史": {"past_history": "否认头痛"}})
    out = structure(text, engine=engine, use_llm=True)
    filled = out["structuring"]["fields"]
    assert all(out[f] != rules.get(f) for f in filled)
    assert json.dumps(out, ensure_ascii=False)  # JSON-shaped throughout


@pytest.mark.parametrize("text", [HEADED, SPOKEN, TEXT, "咳嗽。"])
def test_sections_never_overlap_and_stay_inside_the_text(text: str) -> None:
    parts = dictation_sections(text)
    for a, b in itertools.pairwise(parts):
        assert a.end <= b.start
    assert all(0 <= p.start < p.end <= len(text) for p in parts)


# --- live passes while the doctor speaks, and the memo the end pass reuses ---------------------
def test_a_live_pass_leaves_the_last_section_and_the_end_pass_reuses_the_rest() -> None:
    from appliance.services._section_memo import SectionMemo

    answers = {
        "主诉": {"chief_complaint": "头晕3天"},
        "既往史": {"past_history": "高血压5年"},
        "查体": {"physical_exam": "血压170/100mmHg"},
        "诊断": {"diagnoses": ["高血压病"]},
    }
    engine, memo = ScriptedEngine(answers), SectionMemo()
    so_far = TEXT[: TEXT.index("诊断")]  # the doctor is still speaking: 查体 may still grow
    live = structure(so_far, engine=engine, memo=memo, live=True)
    assert [c["cue"] for c in engine.calls] == ["未说明", "主诉", "既往史"]
    assert live["structuring"]["sections_done"] == 3
    assert live["past_history"].startswith("高血压5年")
    engine.calls.clear()
    seen: list[Any] = []
    out = structure(TEXT, engine=engine, memo=memo, progress=seen.append)
    assert [c["cue"] for c in engine.calls] == ["查体", "诊断"]  # only what was said last
    meta = out["structuring"]
    assert meta["sections_done"] == 5 and meta["sections_reused"] == 3
    assert [p.piece["section"] for p in seen if p.piece] == [0, 1, 2, 3, 4]
    assert out == structure(TEXT, engine=ScriptedEngine(answers)) | {"structuring": meta}


def test_the_memo_is_keyed_by_the_exact_words_and_the_model() -> None:
    from appliance.services._section_memo import SectionMemo

    engine, memo = ScriptedEngine({"主诉": {"chief_complaint": "头晕3天"}}), SectionMemo()
    structure(TEXT, engine=engine, memo=memo)
    first = len(engine.calls)
    structure(TEXT.replace("头晕3天", "头晕4天"), engine=engine, memo=memo)
    assert [c["cue"] for c in engine.calls[first:]] == ["主诉"]  # only the changed words
    other = ScriptedEngine({})
    other.model = "another-model"
    structure(TEXT, engine=other, memo=memo)
    assert len(other.calls) == 5  # another model's answers are its own


def test_a_failed_section_is_not_kept_and_a_second_pass_waits_for_one_in_flight() -> None:
    import threading

    from appliance.services._section_memo import SectionMemo

    memo = SectionMemo(size=2)
    key = ("initial", "主诉", "头晕3天", ("chief_complaint",), "m")
    assert memo.claim(key, 0) == (False, None)  # mine to write
    got: list[Any] = []
    waiter = threading.Thread(target=lambda: got.append(memo.claim(key, 5)))
    waiter.start()
    memo.keep(key, {"chief_complaint": "头晕3天"})
    waiter.join(5)
    assert got == [(True, {"chief_complaint": "头晕3天"})]  # waited, not written twice
    other = ("initial", "查体", "x", ("physical_exam",), "m")
    assert memo.claim(other, 0) == (False, None)
    memo.drop(other)  # the model failed: nothing kept, the next pass writes it
    assert memo.claim(other, 0) == (False, None)
    memo.drop(other)
    for n in range(3):  # bounded: the oldest answers go first
        k = ("initial", "诊断", str(n), ("diagnoses",), "m")
        memo.claim(k, 0)
        memo.keep(k, {})
    assert memo.claim(key, 0) == (False, None)


def test_a_timeout_in_a_live_pass_leaves_the_section_for_the_end_pass() -> None:
    from appliance.services._section_memo import SectionMemo

    memo = SectionMemo()
    structure(TEXT, engine=ScriptedEngine({"主诉": LLMTimeout()}), memo=memo, live=True)
    engine = ScriptedEngine({"主诉": {"chief_complaint": "头晕3天"}})
    out = structure(TEXT, engine=engine, memo=memo)
    assert [c["cue"] for c in engine.calls] == ["主诉", "既往史", "查体", "诊断"]
    assert out["chief_complaint"] == "头晕3天"
    assert out["structuring"]["sections_reused"] == 1 and "llm_error" not in out["structuring"]
