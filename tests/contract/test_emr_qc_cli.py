"""CLI contracts of DESIGN.md: ``clinicbox transcribe AUDIO --json``, ``emr structure --json``
(with --no-llm) and ``qc --json`` — exact field names, JSON errors, zh/en."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests._fixtures.speech import AUDIO

RECORD_FIELDS = {
    "chief_complaint", "present_illness", "past_history", "allergy_history", "personal_history",
    "physical_exam", "auxiliary_exams", "diagnoses", "treatment_plan", "prescriptions", "vitals",
}  # fmt: skip
DICTATION = (
    "患者男，65岁，反复头晕2年，加重3天。头晕呈阵发性，无视物旋转。既往体健。否认药物过敏史。查体血压一百七十比一百毫米汞柱，"
    "心率88次每分。诊断高血压病3级。给予苯磺酸氨氯地平片5mg口服每日1次，2周后复诊。"
)


def test_emr_structure_contract(cli: Any) -> None:
    res = cli("emr", "structure", "--json", "--no-llm", stdin={"text": DICTATION})
    assert res.rc == 0, res.err
    out = res.json()
    assert set(out) >= RECORD_FIELDS
    assert out["diagnoses"] == [{"name": "高血压病3级", "icd10": "I10"}]
    assert out["vitals"] == {"sbp": 170, "dbp": 100, "hr": 88}
    assert out["prescriptions"][0]["drug"] == "苯磺酸氨氯地平片"
    assert out["chief_complaint"] == "反复头晕2年，加重3天"


def test_emr_structure_without_a_model_falls_back_to_rules(cli: Any) -> None:
    res = cli("emr", "structure", "--json", stdin={"text": DICTATION, "visit_type": "initial"})
    assert res.rc == 0, res.err
    meta = res.json()["structuring"]
    assert meta["method"] == "rules" and meta.get("llm_error")


def test_qc_contract(cli: Any, tmp_path: Path) -> None:
    record = cli("emr", "structure", "--json", "--no-llm", stdin={"text": DICTATION}).json()
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    res = cli("qc", "--json", "--no-llm", str(path))
    assert res.rc == 0, res.err
    out = res.json()
    assert set(out) >= {"score", "passed", "findings"}
    assert 0 <= out["score"] <= 100 and isinstance(out["passed"], bool)
    for f in out["findings"]:
        assert set(f) >= {"rule", "severity", "field", "message", "evidence"}
        assert f["rule"].startswith("QC-") and f["severity"] in ("error", "warning", "info")


def test_qc_flags_a_bare_record_and_accepts_patient(cli: Any) -> None:
    res = cli(
        "qc",
        "--json",
        "--no-llm",
        stdin={"chief_complaint": "咳嗽", "patient": {"age": 30, "sex": "F"}},
    )
    out = res.json()
    assert out["passed"] is False
    assert {"QC-C06", "QC-C07", "QC-F02"} <= {f["rule"] for f in out["findings"]}


def test_qc_batch_gives_the_pass_rate(cli: Any, tmp_path: Path) -> None:
    good = cli("emr", "structure", "--json", "--no-llm", stdin={"text": DICTATION}).json()
    lines = [json.dumps(good, ensure_ascii=False), json.dumps({"chief_complaint": ""})]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    out = cli("qc", "batch", str(path), "--json").json()
    assert out["checked"] == 2 and out["passed"] == 1 and out["pass_rate"] == 0.5


def test_qc_rules_lists_the_catalog(cli: Any) -> None:
    out = cli("qc", "rules", "--json", "--lang", "en").json()
    assert len(out["rules"]) >= 25 and all(r["source"] for r in out["rules"])


@pytest.mark.parametrize(
    ("args", "stdin", "code"),
    [
        (("emr", "structure", "--json", "--no-llm"), {"text": ""}, "bad_input"),
        (("emr", "structure", "--json", "--no-llm"), "{not json", "bad_input"),
        (("qc", "--json", "--no-llm"), {"diagnoses": 5}, "bad_input"),
        (("qc", "--json", "--no-llm"), ["a list"], "bad_input"),
    ],
)
def test_bad_input_is_a_json_error(cli: Any, args: tuple[str, ...], stdin: Any, code: str) -> None:
    res = cli(*args, stdin=stdin)
    assert res.rc == 2 and res.out == ""
    assert res.error()["code"] == code and "Traceback" not in res.err


@pytest.mark.model
def test_transcribe_contract(cli: Any, whisper_base_dir: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("CLINICBOX_SPEECH_MODEL", str(whisper_base_dir))
    res = cli("transcribe", str(AUDIO / "dict06.wav"), "--json")
    assert res.rc == 0, res.err
    out = res.json()
    assert out["language"] == "zh" and "青霉素" in out["text"]
    assert out["segments"] and set(out["segments"][0]) == {"start", "end", "text"}
    silent = cli("transcribe", str(AUDIO / "silence.wav"), "--json").json()
    assert silent["text"] == "" and silent["segments"] == []


def test_transcribe_missing_file_is_a_clear_error(cli: Any) -> None:
    res = cli("transcribe", "/nonexistent/visit.m4a", "--json")
    assert res.rc == 2 and res.error()["code"] == "bad_audio"
    res_en = cli("transcribe", "/nonexistent/visit.m4a", "--json", "--lang", "en")
    assert "not found" in res_en.error()["message"]
