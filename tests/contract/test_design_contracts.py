"""DESIGN.md "Contracts", command by command, through the real ``clinicbox`` CLI.

Part 1 checks each command's output shape exactly as written in DESIGN.md (field names, types,
enum values), rules only (``--no-llm``) so no language model is needed. Part 2 sweeps bad input
over every command that reads JSON: each must exit 2 with a clear zh/en message (JSON on stderr
with ``--json``), never a traceback, and write nothing. Part 3 covers the store commands when the
store is missing or locked.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests._fixtures.store import ADMIN_PASSWORD, FAST_KDF_ENV, PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio"
CJK = re.compile(r"[\u4e00-\u9fff]")

LEVEL_DISPOSITIONS = {"emergency", "urgent", "routine", "self_care"}
ALERT_TYPES = {
    "interaction",
    "allergy",
    "dose",
    "age",
    "pregnancy",
    "renal",
    "duplicate",
    "antibiotic_tier",
    "unknown_drug",
}
ALERT_SEVERITIES = {"contraindicated", "major", "moderate", "minor"}
QC_SEVERITIES = {"error", "warning", "info"}
RECORD_TEXT_FIELDS = (
    "chief_complaint",
    "present_illness",
    "past_history",
    "allergy_history",
    "personal_history",
    "physical_exam",
    "auxiliary_exams",
    "treatment_plan",
)
DICTATION = (
    "患者男，45岁，咳嗽发热3天，体温38.5度，既往高血压病史，无过敏史。查体咽部充血，"
    "双肺呼吸音粗。诊断急性上呼吸道感染。给予对乙酰氨基酚0.5g口服。"
)
RECORD = {
    "visit_type": "initial",
    "patient": {"age": 45, "sex": "M"},
    "chief_complaint": "咳嗽发热3天",
    "present_illness": "3天前受凉后咳嗽，伴发热，最高38.5℃，无胸痛。",
    "past_history": "高血压病史5年",
    "allergy_history": "无药物过敏史",
    "physical_exam": "T 38.5℃，咽部充血，双肺呼吸音粗",
    "diagnoses": [{"name": "急性上呼吸道感染", "icd10": "J06.9"}],
    "treatment_plan": "对症治疗，多饮水",
    "prescriptions": [{"drug": "对乙酰氨基酚", "dose_mg": 500, "frequency_per_day": 3}],
    "vitals": {"temp": 38.5},
}
PATIENT = {
    "name": "张三丰",
    "sex": "M",
    "birth_date": "1960-03-02",
    "id_number": "11010519491231002X",
    "phone": "13812345678",
    "address": "北京市东城区和平里街道3号楼2单元",
}


def ok(result: Any) -> Any:
    assert "Traceback" not in result.err
    assert result.rc == 0, result.err
    return result.json()


def is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- Part 1: output shapes ----------------------------------------------------------------


def assert_triage_shape(out: dict[str, Any]) -> None:
    assert {"level", "disposition", "department", "refer", "reasons"} <= set(out)
    assert isinstance(out["level"], int) and not isinstance(out["level"], bool)
    assert out["level"] in (1, 2, 3, 4)
    assert out["disposition"] in LEVEL_DISPOSITIONS
    assert isinstance(out["department"], str) and out["department"]
    assert isinstance(out["refer"], bool)
    assert isinstance(out["reasons"], list) and out["reasons"]
    for reason in out["reasons"]:
        assert {"rule", "source", "text"} <= set(reason)
        assert all(isinstance(reason[k], str) and reason[k] for k in ("rule", "source", "text"))


def test_triage_needs_only_a_complaint(cli) -> None:
    out = ok(cli("triage", "--json", "--no-llm", stdin={"complaint": "头痛两天"}))
    assert_triage_shape(out)
    assert out["level"] == 4 and out["disposition"] in ("routine", "self_care")


@pytest.mark.parametrize(
    ("request_body", "level"),
    [
        ({"complaint": "昏迷，叫不醒", "vitals": {"gcs": 6}}, 1),
        ({"complaint": "cardiac arrest, no pulse"}, 1),
        (
            {
                "age": 65,
                "sex": "M",
                "complaint": "chest pain with sweating",
                "vitals": {
                    "sbp": 80,
                    "dbp": 50,
                    "hr": 130,
                    "rr": 24,
                    "temp": 36.8,
                    "spo2": 88,
                    "gcs": 15,
                    "glucose": 6.0,
                    "pain": 8,
                },
            },
            1,  # shock: 130/80 = shock index 1.6 (≥1.4, severe; 卫生部2011 中重度休克 → 1)
        ),
    ],
)
def test_triage_full_request_zh_and_en(cli, request_body: dict[str, Any], level: int) -> None:
    out = ok(cli("triage", "--json", "--no-llm", stdin=request_body))
    assert_triage_shape(out)
    assert out["level"] == level
    assert out["disposition"] == "emergency" and out["refer"] is True


def assert_alert_shape(alert: dict[str, Any]) -> None:
    assert {"type", "severity", "drugs", "message", "source"} <= set(alert)
    assert alert["type"] in ALERT_TYPES
    assert alert["severity"] in ALERT_SEVERITIES
    assert isinstance(alert["drugs"], list) and all(isinstance(d, str) for d in alert["drugs"])
    assert isinstance(alert["message"], str) and alert["message"]
    assert isinstance(alert["source"], str) and alert["source"]


@pytest.mark.parametrize(
    ("warfarin", "aspirin"),
    [
        ("华法林", "阿司匹林"),  # Chinese generic names
        ("warfarin", "acetylsalicylic acid"),  # English INNs
        ("Coumadin", "拜阿司匹灵"),  # brands
        ("可密定", "Bayaspirin"),
    ],
)
def test_meds_names_resolve_from_generic_inn_and_brand(cli, warfarin: str, aspirin: str) -> None:
    body = {"prescriptions": [{"drug": warfarin}, {"drug": aspirin}]}
    out = ok(cli("meds", "check", "--json", "--no-llm", stdin=body))
    assert set(out) >= {"alerts"}
    for alert in out["alerts"]:
        assert_alert_shape(alert)
    interactions = [a for a in out["alerts"] if a["type"] == "interaction"]
    assert [sorted(a["drugs"]) for a in interactions] == [sorted(["华法林", "阿司匹林"])]
    assert not [a for a in out["alerts"] if a["type"] == "unknown_drug"]


def test_meds_full_request_alert_types(cli) -> None:
    body = {
        "patient": {
            "age": 30,
            "sex": "F",
            "weight_kg": 60,
            "pregnant": False,
            "egfr": 90,
            "allergies": ["青霉素"],
            "conditions": [],
        },
        "prescriptions": [
            {"drug": "Augmentin", "dose_mg": 500, "frequency_per_day": 3, "route": "po"},
            {"drug": "ceftriaxone", "dose_mg": 1000, "frequency_per_day": 1, "route": "iv"},
            {"drug": "notadrugxyz", "dose_mg": 5, "frequency_per_day": 1, "route": "po"},
        ],
        "prescriber": {"antibiotic_privilege": "non_restricted"},
    }
    out = ok(cli("meds", "check", "--json", "--no-llm", stdin=body))
    for alert in out["alerts"]:
        assert_alert_shape(alert)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for alert in out["alerts"]:
        by_type.setdefault(alert["type"], []).append(alert)
    allergy = {a["drugs"][0]: a["severity"] for a in by_type["allergy"]}
    assert allergy["阿莫西林克拉维酸钾"] == "contraindicated"
    assert any("头孢曲松" in a["drugs"] for a in by_type["antibiotic_tier"])
    assert [a["drugs"] for a in by_type["unknown_drug"]] == [["notadrugxyz"]]
    en = ok(cli("meds", "check", "--json", "--no-llm", "--lang", "en", stdin=body))
    assert all(not CJK.search(a["message"]) for a in en["alerts"] if a["type"] == "unknown_drug")


def assert_qc_shape(out: dict[str, Any]) -> None:
    assert {"score", "passed", "findings"} <= set(out)
    assert is_num(out["score"]) and 0 <= out["score"] <= 100
    assert isinstance(out["passed"], bool)
    for finding in out["findings"]:
        assert {"rule", "severity", "field", "message", "evidence"} <= set(finding)
        assert finding["rule"].startswith("QC-")
        assert finding["severity"] in QC_SEVERITIES
        assert all(isinstance(finding[k], str) for k in ("field", "message", "evidence"))


def test_qc_shape_on_a_good_and_an_empty_record(cli) -> None:
    good = ok(cli("qc", "--json", "--no-llm", stdin=RECORD))
    assert_qc_shape(good)
    empty = ok(cli("qc", "--json", "--no-llm", stdin={"chief_complaint": "咳嗽"}))
    assert_qc_shape(empty)
    assert empty["passed"] is False and empty["score"] < good["score"]
    assert any(f["severity"] == "error" for f in empty["findings"])


def assert_record_shape(rec: dict[str, Any]) -> None:
    for name in RECORD_TEXT_FIELDS:
        assert isinstance(rec[name], str), name
    assert isinstance(rec["diagnoses"], list)
    for diagnosis in rec["diagnoses"]:
        assert {"name", "icd10"} <= set(diagnosis)
    assert isinstance(rec["prescriptions"], list)
    assert isinstance(rec["vitals"], dict)


def test_emr_structure_no_llm_gives_a_record_that_qc_and_advise_accept(cli, tmp_path) -> None:
    source = tmp_path / "dictation.json"
    source.write_text(json.dumps({"text": DICTATION, "visit_type": "initial"}), encoding="utf-8")
    rec = ok(cli("emr", "structure", "--json", "--no-llm", str(source)))
    assert_record_shape(rec)
    assert rec["chief_complaint"] == "咳嗽发热3天"
    assert rec["diagnoses"][0] == {"name": "急性上呼吸道感染", "icd10": "J06.9"}
    assert rec["vitals"]["temp"] == 38.5
    assert rec["structuring"]["method"] == "rules"  # --no-llm: the deterministic extractor only
    assert_qc_shape(ok(cli("qc", "--json", "--no-llm", stdin=rec)))
    advice = ok(cli("advise", "--json", "--no-llm", stdin=rec))
    assert_advise_shape(advice)


@pytest.mark.model
def test_transcribe_contract(cli, whisper_base_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLINICBOX_SPEECH_MODEL", str(whisper_base_dir))
    out = ok(cli("transcribe", str(AUDIO / "dict07.wav"), "--json"))
    assert {"text", "language", "segments"} <= set(out)
    assert out["language"] == "zh" and isinstance(out["text"], str) and out["text"]
    assert out["segments"]
    for seg in out["segments"]:
        assert {"start", "end", "text"} <= set(seg)
        assert is_num(seg["start"]) and is_num(seg["end"]) and seg["start"] <= seg["end"]
        assert isinstance(seg["text"], str)


def test_deid_contract_removes_identifiers(cli) -> None:
    record = dict(RECORD, chief_complaint="张三丰咳嗽3天，电话13812345678")
    out = ok(cli("deid", "--json", stdin={"patient": PATIENT, "record": record}))
    assert {"patient", "record", "deid"} <= set(out)
    assert isinstance(out["deid"]["method"], str) and out["deid"]["method"]
    assert isinstance(out["deid"]["replaced"], int) and out["deid"]["replaced"] >= 5
    text = json.dumps({"patient": out["patient"], "record": out["record"]}, ensure_ascii=False)
    for identifier in ("张三丰", "11010519491231002X", "13812345678", "和平里", "1960-03-02"):
        assert identifier not in text
    # the same shape: record fields stay where they were
    assert out["record"]["diagnoses"] == record["diagnoses"]
    assert set(out["record"]) == set(record)


def test_ask_no_llm_answers_with_the_cited_passages(cli) -> None:
    out = ok(cli("ask", "--json", "--no-llm", stdin={"question": "抽血化验前需要空腹吗？"}))
    assert set(out) >= {"answer", "citations", "escalate"}
    assert isinstance(out["answer"], str) and out["answer"]
    assert isinstance(out["escalate"], bool) and out["escalate"] is False
    assert out["citations"]
    for citation in out["citations"]:
        assert {"doc", "section", "text"} <= set(citation)
        assert all(isinstance(citation[k], str) and citation[k] for k in ("doc", "section", "text"))
    # no citation, no claim: the answer is the cited passages themselves
    assert any(c["text"] in out["answer"] for c in out["citations"])
    assert "空腹" in out["answer"]


def test_ask_emergency_escalates_and_unknown_claims_nothing(cli) -> None:
    urgent = ok(
        cli("ask", "--json", "--no-llm", stdin={"question": "胸口剧痛，喘不上气，怎么办？"})
    )
    assert urgent["escalate"] is True and "120" in urgent["answer"]
    unknown = ok(cli("ask", "--json", "--no-llm", stdin={"question": "量子计算机怎么编程？"}))
    assert unknown["citations"] == [] and unknown["escalate"] is True


def assert_advise_shape(out: dict[str, Any]) -> None:
    assert {"differentials", "next_steps", "refer"} <= set(out)
    assert isinstance(out["refer"], bool)
    assert isinstance(out["next_steps"], list)
    assert out["differentials"]
    for item in out["differentials"]:
        assert {"name", "for", "against", "citations"} <= set(item)
        assert isinstance(item["name"], str) and item["name"]
        assert isinstance(item["citations"], list) and item["citations"]
        for citation in item["citations"]:
            assert {"doc", "section", "text"} <= set(citation)


def test_advise_contract(cli) -> None:
    assert_advise_shape(ok(cli("advise", "--json", "--no-llm", stdin=RECORD)))


def test_followup_due_lists_patients_with_the_rule(cli, store_env, store_settings) -> None:
    from appliance.services import patients
    from appliance.services._visit_records import save_visit
    from appliance.services.session import system_session
    from appliance.store import open_store

    htn = {
        "chief_complaint": "头晕1周",  # a signed record needs a chief complaint
        "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],
        "vitals": {"sbp": 150, "dbp": 95},
    }
    with open_store(store_settings, PASSPHRASE) as store:
        session = system_session(store)
        pid = patients.add_patient(session, {"name": "李四", "sex": "F"})["patient_id"]
        # the box plans a recheck in 2 weeks (uncontrolled); a month later it is overdue
        save_visit(session, {"patient_id": pid, "record": htn, "sign": True})
    a_month_later = (date.today() + timedelta(days=30)).isoformat()
    out = ok(cli("followup", "due", "--json", "--no-llm", "--date", a_month_later))
    items = out["patients"] if isinstance(out, dict) else out
    assert [i["patient_id"] for i in items] == [pid]
    assert isinstance(items[0]["rule"], str) and items[0]["rule"].startswith("FU-")
    assert isinstance(items[0]["source"], str) and items[0]["source"]
    assert items[0]["overdue"] is True, items


def test_init_patient_add_and_audit_verify(cli, tmp_path, monkeypatch) -> None:
    for key, value in FAST_KDF_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CLINICBOX_ADMIN_PASSWORD", ADMIN_PASSWORD)
    box = tmp_path / "box"
    ok(cli("init", "--data-dir", str(box), "--clinic", "青山镇卫生院", "--admin", "boss", "--json"))
    assert (box / "clinic.db").is_file()
    assert b"SQLite format 3" not in (box / "clinic.db").read_bytes()[:16]  # encrypted
    added = ok(cli("patient", "add", "--json", "--data-dir", str(box), stdin=PATIENT))
    assert set(added) == {"patient_id"} and isinstance(added["patient_id"], str)
    verified = cli("audit", "verify", "--json", "--data-dir", str(box))
    assert verified.rc == 0 and verified.json()["ok"] is True
    human = cli("audit", "verify", "--data-dir", str(box))
    assert human.rc == 0 and "Traceback" not in human.err

    # "exits 0 only when the audit chain is intact": edit one row behind the store's back
    from appliance.config import load_settings
    from appliance.store import open_store
    from tests._fixtures.store import FAST_KDF

    with open_store(load_settings(box, **FAST_KDF), PASSPHRASE) as store:
        store.maintenance(
            lambda conn: conn.execute(
                "UPDATE audit_log SET actor = 'mallory' WHERE seq = (SELECT max(seq) FROM audit_log)"
            )
        )
    broken = cli("audit", "verify", "--json", "--data-dir", str(box))
    assert broken.rc != 0 and broken.error()["code"] == "audit_broken"
    assert "Traceback" not in broken.err


def _fingerprint_of(host: str, port: int) -> str:
    import hashlib

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return hashlib.sha256(der).hexdigest()


def test_serve_and_discover(cli, store_env, monkeypatch) -> None:
    monkeypatch.setenv("CLINICBOX_MDNS_INTERFACES", "127.0.0.1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "appliance",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        served = json.loads(line)
        port = int(served["url"].rsplit(":", 1)[1])
        assert _fingerprint_of("127.0.0.1", port) == served["fingerprint"]
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + 10
        while not found and time.monotonic() < deadline:
            boxes = ok(cli("discover", "--json", "--timeout", "1.5"))
            assert isinstance(boxes, list)
            for box in boxes:
                assert set(box) == {"name", "host", "port", "fingerprint"}
            found = [b for b in boxes if b["fingerprint"] == served["fingerprint"]]
        assert found == [
            {
                "name": "测试乡镇卫生院",
                "host": "127.0.0.1",
                "port": port,
                "fingerprint": served["fingerprint"],
            }
        ]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert proc.returncode in (0, -signal.SIGTERM, 143)


# --- Part 2: bad input -----------------------------------------------------------------------

JSON_COMMANDS: dict[str, tuple[str, ...]] = {
    "triage": ("triage", "--no-llm"),
    "meds": ("meds", "check", "--no-llm"),
    "qc": ("qc", "--no-llm"),
    "emr": ("emr", "structure", "--no-llm"),
    "deid": ("deid",),
    "ask": ("ask", "--no-llm"),
    "advise": ("advise", "--no-llm"),
    "followup-plan": ("followup", "plan"),
}
WRONG_TYPES = {
    "triage": {"complaint": 123, "vitals": {"sbp": "high"}},
    "meds": {"prescriptions": [{"drug": "阿莫西林", "dose_mg": "lots"}]},
    "qc": {"chief_complaint": "咳嗽", "vitals": "high"},
    "emr": {"text": 5},
    "deid": {"patient": "x", "record": []},
    "ask": {"question": 7},
    "advise": {"chief_complaint": "咳嗽", "diagnoses": 5},
    "followup-plan": {"record": {"diagnoses": 5}, "patient": {"conditions": 5}},
    "patient": {"name": 123},
}
MISSING_REQUIRED = {
    "triage": {"age": 40, "vitals": {"hr": 80}},
    "meds": {"patient": {"age": 40}},
    "emr": {"visit_type": "initial"},
    "ask": {},
    "advise": {},
    "deid": {},
    "followup-plan": {"patient": {"age": 60}},
    "patient": {"sex": "M", "phone": "13800000000"},
}
BAD_INPUTS: dict[str, Any] = {
    "malformed": '{"complaint": "头痛",',
    "empty": "",
    "blank": "  \n",
    "array": '[{"complaint": "头痛"}]',
    "scalar": '"头痛"',
    "null": "null",
    "nan": '{"complaint": "头痛", "vitals": {"sbp": NaN}, "record": {}, "text": "x"}',
    "overflow": '{"complaint": "头痛", "vitals": {"sbp": 1e400}, "record": {}, "text": "x"}',
}
MODES = (
    ("zh", True),
    ("en", True),
    ("zh", False),
    ("en", False),
)


def _assert_rejected(result: Any, lang: str, as_json: bool) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out
    assert result.rc == 2, (result.rc, result.out, result.err)
    assert result.out.strip() == ""
    if as_json:
        # stderr holds exactly one JSON document: {"error": {"code", "message"}}
        err = json.loads(result.err)["error"]
        assert set(err) >= {"code", "message"}
        assert err["code"] in ("bad_input", "usage")
        message = err["message"]
    else:
        message = result.err.strip()
        assert message.startswith("错误：" if lang == "zh" else "Error: ")
    assert message
    if lang == "zh":
        assert CJK.search(message), message
    else:
        assert not CJK.search(message), message


def _run_modes(cli, args: tuple[str, ...], stdin: Any) -> None:
    for lang, as_json in MODES:
        flags = (["--json"] if as_json else []) + (["--lang", "en"] if lang == "en" else [])
        _assert_rejected(cli(*args, *flags, stdin=stdin), lang, as_json)


def _cases() -> list[Any]:
    cases = []
    for name, args in JSON_COMMANDS.items():
        for kind, text in BAD_INPUTS.items():
            cases.append(pytest.param(args, text, id=f"{name}-{kind}"))
        cases.append(pytest.param(args, WRONG_TYPES[name], id=f"{name}-wrong-types"))
        if name in MISSING_REQUIRED:
            cases.append(pytest.param(args, MISSING_REQUIRED[name], id=f"{name}-missing-field"))
    return cases


@pytest.mark.parametrize(("args", "stdin"), _cases())
def test_bad_json_input_is_rejected_cleanly(cli, data_dir: Path, args, stdin) -> None:
    _run_modes(cli, args, stdin)
    assert not (data_dir / "clinic.db").exists()


@pytest.mark.parametrize("args", list(JSON_COMMANDS.values()), ids=list(JSON_COMMANDS))
def test_unknown_option_and_missing_file(cli, args, tmp_path: Path) -> None:
    _run_modes(cli, (*args, "--no-such-option"), {"complaint": "头痛"})
    missing = tmp_path / "nope" / "input.json"
    _run_modes(cli, (*args, str(missing)), None)
    for lang, flags in (("zh", []), ("en", ["--lang", "en"])):
        err = cli(*args, str(missing), "--json", *flags).error()
        assert str(missing) in err["message"]
        assert ("找不到" if lang == "zh" else "not found") in err["message"]


def _patient_count(store_settings: Any) -> int:
    from appliance.store import open_store

    with open_store(store_settings, PASSPHRASE) as store, store.read_raw() as conn:
        return int(conn.execute("SELECT count(*) FROM patient").fetchone()[0])


def _audit_rows(store_settings: Any) -> int:
    from appliance.store import open_store

    with open_store(store_settings, PASSPHRASE) as store, store.read_raw() as conn:
        return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def test_patient_add_bad_input_writes_nothing(cli, store_env, store_settings) -> None:
    audit_before = _audit_rows(store_settings)
    args = ("patient", "add")
    for stdin in [*BAD_INPUTS.values(), WRONG_TYPES["patient"], MISSING_REQUIRED["patient"]]:
        _run_modes(cli, args, stdin)
    for invalid in (
        {"name": "王五", "id_number": "110105194912310021"},
        {"name": "王五", "birth_date": "2990-01-01"},
    ):
        _run_modes(cli, args, invalid)
    _run_modes(cli, (*args, "--no-such-option"), {"name": "王五"})
    _run_modes(cli, (*args, str(store_env / "missing.json")), None)
    assert _patient_count(store_settings) == 0
    assert _audit_rows(store_settings) == audit_before


# --- Part 3: store missing or locked ---------------------------------------------------------

STORE_COMMANDS: dict[str, tuple[tuple[str, ...], Any]] = {
    "patient-add": (("patient", "add"), {"name": "王五"}),
    "audit-verify": (("audit", "verify"), None),
    "followup-due": (("followup", "due", "--no-llm"), None),
    "patient-list": (("patient", "list"), None),
    "serve": (("serve", "--host", "127.0.0.1", "--port", "0", "--no-mdns"), None),
}


def _assert_store_error(result: Any, code: str, lang: str, as_json: bool) -> None:
    assert "Traceback" not in result.err and result.out.strip() == ""
    assert result.rc not in (0, 1, 70), (result.rc, result.err)
    if as_json:
        err = json.loads(result.err)["error"]
        assert err["code"] == code, err
        message = err["message"]
    else:
        message = result.err.strip()
    assert ("clinicbox init" in message) if code == "store_missing" else True
    if lang == "zh":
        assert CJK.search(message)
    else:
        assert not CJK.search(message), message


@pytest.mark.parametrize("name", list(STORE_COMMANDS))
def test_store_commands_without_a_store(cli, name: str, data_dir: Path) -> None:
    args, stdin = STORE_COMMANDS[name]
    for lang, as_json in MODES:
        flags = (["--json"] if as_json else []) + (["--lang", "en"] if lang == "en" else [])
        _assert_store_error(cli(*args, *flags, stdin=stdin), "store_missing", lang, as_json)
    assert not (data_dir / "clinic.db").exists()


@pytest.mark.parametrize("name", list(STORE_COMMANDS))
def test_store_commands_with_a_wrong_passphrase(
    cli, name: str, store_env: Path, store_settings, monkeypatch
) -> None:
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "not-the-passphrase")
    args, stdin = STORE_COMMANDS[name]
    for lang in ("zh", "en"):
        flags = ["--lang", "en"] if lang == "en" else []
        _assert_store_error(
            cli(*args, "--json", *flags, stdin=stdin), "wrong_passphrase", lang, True
        )
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", PASSPHRASE)
    assert _patient_count(store_settings) == 0


def test_store_commands_without_a_passphrase_say_locked(cli, store_env: Path, monkeypatch) -> None:
    monkeypatch.delenv("CLINICBOX_PASSPHRASE")
    for args, stdin in STORE_COMMANDS.values():
        result = cli(*args, "--json", stdin=stdin if stdin is not None else "")
        assert result.rc == 77
        _assert_store_error(result, "store_locked", "zh", True)
        assert "CLINICBOX_PASSPHRASE" in result.error()["message"]


def test_followup_plan_takes_one_diagnosis_as_a_list_of_one(cli) -> None:
    body = {"patient": {"age": 60}, "record": {"diagnoses": "高血压", "vitals": {"sbp": 150}}}
    out = ok(cli("followup", "plan", "--json", stdin=body))
    assert out["condition"] == "hypertension" and out["rule"].startswith("FU-")


def test_stdin_with_a_bom_is_read_and_non_utf8_stdin_is_named(cli) -> None:
    out = ok(cli("triage", "--json", "--no-llm", stdin='\ufeff{"complaint": "胸痛，大汗"}'))
    assert out["level"] <= 2
    # GBK bytes on a UTF-8 stdin arrive as surrogates (surrogateescape)
    gbk = '{"complaint": "\udcd0\udcd8\udcca\udcb4"}'
    for lang in ("zh", "en"):
        result = cli("triage", "--json", "--no-llm", "--lang", lang, stdin=gbk)
        assert result.rc == 2 and "UTF-8" in result.error()["message"]


@pytest.mark.parametrize("column", ["name_zh", "inn", "brands"])
def test_every_formulary_name_resolves(cli, column: str) -> None:
    """Every Chinese generic name, INN and brand in the bundled formulary resolves (no
    ``unknown_drug``), checked through the CLI in requests of at most 100 prescriptions."""
    import csv

    path = ROOT / "appliance" / "knowledge" / "data" / "formulary.csv"
    with path.open(encoding="utf-8") as f:
        names = sorted({n for row in csv.DictReader(f) for n in row[column].split("|") if n})
    assert len(names) > 100
    for start in range(0, len(names), 100):
        chunk = names[start : start + 100]
        body = {"prescriptions": [{"drug": n} for n in chunk]}
        out = ok(cli("meds", "check", "--json", "--no-llm", stdin=body))
        unknown = [a["drugs"] for a in out["alerts"] if a["type"] == "unknown_drug"]
        assert unknown == []
        for alert in out["alerts"]:
            assert_alert_shape(alert)


def test_selfservice_slots_bad_input_writes_nothing(cli, store_env, store_settings) -> None:
    from appliance.store import open_store

    slot = {"department": "内科", "day": "2030-01-02", "times": ["08:00-08:30"]}
    for bad in ({**slot, "capacity": "many"}, {**slot, "times": 5}, {**slot, "times": [None]}):
        _run_modes(cli, ("selfservice", "slots"), bad)
    _run_modes(cli, ("selfservice", "slots"), "[]")
    with open_store(store_settings, PASSPHRASE) as store, store.read_raw() as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        slot_tables = [name for name in tables if "slot" in name]
        assert slot_tables
        for name in slot_tables:
            assert conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == 0
    assert ok(cli("selfservice", "slots", "--json", stdin={**slot, "capacity": "2"}))["slot_ids"]


def test_non_utf8_input_file_is_named(cli, tmp_path: Path) -> None:
    source = tmp_path / "gbk.json"
    source.write_bytes('{"complaint": "胸痛，大汗"}'.encode("gbk"))
    for lang, word in (("zh", "UTF-8 编码"), ("en", "not UTF-8")):
        result = cli("triage", str(source), "--json", "--no-llm", "--lang", lang)
        assert result.rc == 2 and word in result.error()["message"]


def test_zh_usage_errors_have_no_doubled_punctuation(cli) -> None:
    result = cli("discover", "--timeout", "-1", "--json")
    assert result.rc == 2 and result.error()["code"] == "usage"
    assert ".。" not in result.error()["message"]


def test_without_a_model_every_command_answers_from_the_rules(cli) -> None:
    """No model installed (a fresh data dir) and no --no-llm: the rules still answer in the
    contract's shape; the model is a helper, never a prerequisite."""
    assert_triage_shape(ok(cli("triage", "--json", stdin={"complaint": "胸痛"})))
    meds = ok(cli("meds", "check", "--json", stdin={"prescriptions": [{"drug": "华法林"}]}))
    assert isinstance(meds["alerts"], list)
    assert_qc_shape(ok(cli("qc", "--json", stdin=RECORD)))
    assert_advise_shape(ok(cli("advise", "--json", stdin=RECORD)))
    assert_record_shape(ok(cli("emr", "structure", "--json", stdin={"text": DICTATION})))
    answer = ok(cli("ask", "--json", stdin={"question": "抽血化验前需要空腹吗？"}))
    assert answer["citations"] and isinstance(answer["escalate"], bool)


def test_meds_every_contract_alert_type_is_reachable(cli) -> None:
    body = {
        "patient": {
            "age": 3,
            "weight_kg": 14,
            "pregnant": True,
            "egfr": 20,
            "allergies": ["青霉素"],
        },
        "prescriptions": [
            {"drug": "阿莫西林", "dose_mg": 5000, "frequency_per_day": 6},
            {"drug": "Amoxil"},
            {"drug": "华法林"},
            {"drug": "阿司匹林"},
            {"drug": "xyz-not-a-drug"},
            {"drug": "头孢曲松", "route": "iv"},
            {"drug": "二甲双胍"},
        ],
        "prescriber": {"antibiotic_privilege": "non_restricted"},
    }
    out = ok(cli("meds", "check", "--json", "--no-llm", stdin=body))
    for alert in out["alerts"]:
        assert_alert_shape(alert)
    assert {a["type"] for a in out["alerts"]} == ALERT_TYPES


@pytest.mark.parametrize(
    ("request_body", "level", "disposition"),
    [
        ({"complaint": "胸痛，大汗"}, 2, "emergency"),
        ({"complaint": "腹痛", "vitals": {"hr": 125}}, 3, "urgent"),
        ({"complaint": "头痛两天"}, 4, "routine"),
        ({"age": 30, "complaint": "感冒，流鼻涕两天", "vitals": {"temp": 36.8}}, 4, "self_care"),
    ],
)
def test_triage_every_disposition_is_reachable(
    cli, request_body: dict[str, Any], level: int, disposition: str
) -> None:
    out = ok(cli("triage", "--json", "--no-llm", stdin=request_body))
    assert_triage_shape(out)
    assert (out["level"], out["disposition"]) == (level, disposition)
