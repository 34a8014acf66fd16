"""Safety of the LAN API on a real TLS server: headers and closed CORS, size and rate limits,
lockout, strict zh/en validation, idempotent writes, the access audit and intrusion alerts."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from appliance.api import tls
from appliance.api._security import RateLimiter
from appliance.api._transport import Transport
from appliance.api.alerts import security_alerts
from tests._fixtures.api import username_for


@pytest.fixture
def doctor(lan_box, pair_pc):
    _pc, box = pair_pc("诊室")
    transport = Transport(box)
    login = transport.raw(
        "POST", "/api/v1/auth/login", json_body={"username": "doctor", "password": "Role-pass-123!"}
    )
    transport.token = login.json()["token"]
    yield transport
    transport.close()


def _bare(lan_box) -> httpx.Client:
    ctx, _ = tls.pinned_client_context(lan_box.fingerprint)
    return httpx.Client(verify=ctx, trust_env=False, base_url=f"https://127.0.0.1:{lan_box.port}")


def _count(lan_box, table: str) -> int:
    with lan_box.runtime.store.read() as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_security_headers_and_no_cross_origin_access(lan_box) -> None:
    with _bare(lan_box) as client:
        r = client.get("/api/v1/hello", headers={"origin": "http://evil.example"})
        assert r.status_code == 200
        assert not any(h.lower().startswith("access-control-") for h in r.headers)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "max-age" in r.headers["strict-transport-security"]
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert r.headers["cache-control"] == "no-store"
        assert "server" not in r.headers
        preflight = client.options(
            "/api/v1/patients",
            headers={"origin": "http://evil.example", "access-control-request-method": "POST"},
        )
        assert preflight.status_code == 405
        assert "access-control-allow-origin" not in preflight.headers
        # hello carries no patient data
        assert set(r.json()) == {"service", "api", "name", "fingerprint", "locked"}


def test_request_size_limits(lan_box, doctor) -> None:
    before = _count(lan_box, "patient")
    big = {"name": "张三", "address": "x" * (2 * 1024 * 1024)}
    r = doctor.raw("POST", "/api/v1/patients", json_body=big)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"
    with _bare(lan_box) as client:  # chunked body without a length

        def chunks():
            for _ in range(40):
                yield b"x" * 65536

        r = client.post("/api/v1/patients", content=chunks())
        assert r.status_code == 413
    assert _count(lan_box, "patient") == before


def test_rate_limit_answers_429_in_both_languages(lan_box, doctor) -> None:
    gate = lan_box.server.ctx.gate
    saved = gate.request_limit
    gate.request_limit = RateLimiter(3, 60)
    try:
        codes = [doctor.raw("GET", "/api/v1/auth/me").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        r = doctor.raw("GET", "/api/v1/auth/me")
        err = r.json()["error"]
        assert err["code"] == "rate_limited" and err["message_zh"] and err["message_en"]
    finally:
        gate.request_limit = saved


def test_login_lockout_and_failed_login_alert(lan_box, pair_pc, cli, monkeypatch) -> None:
    from appliance.store.accounts import add_user

    add_user(
        lan_box.runtime.store,
        actor=("admin", "admin"),
        username="locktest",
        role="nurse",
        password="Lock-pass-123!",
    )
    _pc, box = pair_pc("前台")
    transport = Transport(box)
    try:
        codes = []
        for _ in range(6):
            r = transport.raw(
                "POST",
                "/api/v1/auth/login",
                json_body={"username": "locktest", "password": "wrong-pw"},
            )
            codes.append(r.json()["error"]["code"])
        assert codes[0] == "login_failed" and codes[-1] == "account_locked"
        r = transport.raw(
            "POST",
            "/api/v1/auth/login",
            json_body={"username": "locktest", "password": "Lock-pass-123!"},
        )
        # the right password is refused while the account is locked, and says so
        assert r.status_code == 401 and r.json()["error"]["code"] == "account_locked"
        # the login limiter stops password guessing from one PC even before the lockout
        gate = lan_box.server.ctx.gate
        saved, gate.login_limit = gate.login_limit, RateLimiter(2, 60)
        try:
            statuses = [
                transport.raw(
                    "POST", "/api/v1/auth/login", json_body={"username": "x1", "password": "y"}
                ).status_code
                for _ in range(3)
            ]
            assert statuses[-1] == 429
        finally:
            gate.login_limit = saved
    finally:
        transport.close()
    alerts = security_alerts(lan_box.runtime.store, lan_box.settings)
    assert any(a["kind"] == "failed_logins" and a["username"] == "locktest" for a in alerts)

    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(lan_box.settings.data_dir))
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "test-passphrase")
    result = cli("audit", "alerts", "--json")
    assert result.rc == 0, result.err
    assert any(a["kind"] == "failed_logins" for a in result.json())


def test_validation_errors_are_bilingual_name_the_field_and_never_echo_values(
    lan_box, doctor
) -> None:
    before = _count(lan_box, "patient")
    body = {"name": "李四", "id_number": "12345-secret-ID"}
    r = doctor.raw("POST", "/api/v1/patients", json_body=body)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "bad_input"
    assert "输入字段有误" in err["message_zh"] and "id_number" in err["message_zh"]
    assert "Invalid input" in err["message_en"]
    assert "secret" not in r.text
    r = doctor.raw("POST", "/api/v1/patients", json_body={"name": "李四", "surprise": 1})
    assert r.status_code == 422 and "surprise" in r.json()["error"]["message"]
    doctor.client.headers["accept-language"] = "en"
    try:
        r = doctor.raw("POST", "/api/v1/triage", json_body={"complaint": ""})
        assert r.status_code == 422 and r.json()["error"]["message"].startswith("Invalid input")
        r = doctor.raw("GET", "/api/v1/patients/" + "../../etc")
        assert r.status_code == 404, r.text  # a path that is no patient id names nothing
    finally:
        doctor.client.headers["accept-language"] = "zh"
    assert _count(lan_box, "patient") == before


def test_an_unknown_vitals_key_is_refused_with_the_accepted_keys(lan_box, doctor) -> None:
    """Issue #16: `temp_c` is refused, naming it and listing the keys triage accepts (zh/en),
    the same refusal as `clinicbox triage --json`."""
    body = {"complaint": "发热", "vitals": {"temp_c": 39.5, "hr": 120}}
    r = doctor.raw("POST", "/api/v1/triage", json_body=body)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "bad_input"
    assert (
        "未知的生命体征字段：temp_c" in err["message_zh"] and "temp（体温 ℃）" in err["message_zh"]
    )
    assert "Accepted keys: sbp" in err["message_en"]


def test_idempotency_key_makes_a_retried_write_happen_once(lan_box, doctor) -> None:
    before = _count(lan_box, "patient")
    body = {"name": "王五", "sex": "M", "birth_date": "1958-03-01"}
    first = doctor.raw("POST", "/api/v1/patients", json_body=body, idem_key="visit-123-add")
    again = doctor.raw("POST", "/api/v1/patients", json_body=body, idem_key="visit-123-add")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert _count(lan_box, "patient") == before + 1
    other = doctor.raw(
        "POST", "/api/v1/patients", json_body={**body, "name": "赵六"}, idem_key="visit-123-add"
    )
    assert other.status_code == 422
    assert _count(lan_box, "patient") == before + 1


def test_patient_reads_are_audited_with_device_and_user(lan_box, doctor) -> None:
    made = doctor.raw("POST", "/api/v1/patients", json_body={"name": "钱七", "sex": "F"})
    patient_id = made.json()["patient_id"]
    assert doctor.raw("GET", f"/api/v1/patients/{patient_id}").status_code == 200
    with lan_box.runtime.store.read() as db:
        rows = list(
            db.query("SELECT * FROM api_access_log WHERE patient_id = ? ORDER BY id", [patient_id])
        )
        chain = list(
            db.query(
                "SELECT * FROM audit_log WHERE patient_id = ? AND action LIKE 'api.%'", [patient_id]
            )
        )
    assert [r["action"] for r in rows] == ["patients.add", "patients.get"]
    assert {r["device_id"] for r in rows} == {doctor.box.device_id}
    assert {r["username"] for r in rows} == {"doctor"}
    # and in the tamper-evident audit chain, with the device
    assert [r["action"] for r in chain] == ["api.patients.add", "api.patients.get"]
    assert doctor.box.device_id in json.dumps(chain, ensure_ascii=False)


def test_alerts_for_many_patients_off_hours_and_unpaired_devices(lan_box, doctor) -> None:
    ids = []
    for i in range(4):
        ids.append(
            doctor.raw("POST", "/api/v1/patients", json_body={"name": f"患者{i}"}).json()[
                "patient_id"
            ]
        )
    for pid in ids:
        doctor.raw("GET", f"/api/v1/patients/{pid}")
    with _bare(lan_box) as client:
        client.get("/api/v1/patients")  # no device signature
    now = time.localtime()
    closed = f"{(now.tm_hour + 2) % 24:02d}:00-{(now.tm_hour + 3) % 24:02d}:00"
    settings = lan_box.settings.model_copy(
        update={"api_alert_patient_reads": 3, "api_office_hours": closed}
    )
    alerts = security_alerts(lan_box.runtime.store, settings, hours=1)
    kinds = {a["kind"] for a in alerts}
    assert {"many_patients", "outside_hours", "unpaired_device"} <= kinds
    many = next(a for a in alerts if a["kind"] == "many_patients")
    assert many["username"] == "doctor"
    blob = json.dumps(alerts, ensure_ascii=False)
    assert "患者0" not in blob and ids[0] not in blob  # alerts never carry patient data
    quiet = lan_box.settings.model_copy(
        update={"api_alert_patient_reads": 1000, "api_office_hours": "00:00-23:59"}
    )
    assert "many_patients" not in {
        a["kind"] for a in security_alerts(lan_box.runtime.store, quiet, hours=1)
    }


def test_logout_ends_the_session_and_tokens_are_bound_to_their_device(
    lan_box, doctor, pair_pc
) -> None:
    _pc, other_box = pair_pc("另一台")
    thief = Transport(other_box)
    try:
        thief.token = doctor.token  # a token copied to another paired PC is useless
        assert thief.raw("GET", "/api/v1/auth/me").status_code == 401
    finally:
        thief.close()
    assert doctor.raw("POST", "/api/v1/auth/logout").status_code == 200
    r = doctor.raw("GET", "/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth_required"


def test_model_calls_stream_progress_as_ndjson(lan_box, doctor) -> None:
    response = doctor.stream(
        "POST",
        "/api/v1/triage",
        json_body={"complaint": "胸痛2小时", "age": 66, "use_llm": True},
        params={"stream": "true"},
    )
    try:
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.iter_lines() if line.strip()]
    finally:
        response.close()
    assert all(set(item) <= {"progress", "result", "error"} for item in lines)
    assert lines[0]["progress"]["fraction"] == 0.0 and "progress" in lines[-2]
    # this box has no model installed: the rules verdict comes back, marked rules-only
    result = lines[-1]["result"]
    assert result["level"] == 2 and result["refer"] is True
    assert result["triage"]["mode"] == "rules" and result["rules_level"] == 2


def test_openapi_and_offline_docs(lan_box) -> None:
    with _bare(lan_box) as client:
        schema = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/patients" in schema["paths"]
        page = client.get("/api/v1/docs")
        assert page.status_code == 200 and "/api/v1/patients" in page.text
        assert "cdn" not in page.text.lower() and "<script" not in page.text.lower()


def test_every_role_can_log_in(lan_box, remote) -> None:
    for role in ("admin", "doctor", "nurse", "front_desk", "kiosk"):
        assert remote(role).current_user()["username"] == username_for(role)[0]


def test_a_lost_answer_is_resent_with_the_same_key_and_writes_once(
    lan_box, remote, monkeypatch
) -> None:
    """The network drops after the box committed but before the PC got the answer."""
    from appliance.errors import ServerUnreachable

    service = remote("doctor")
    real_send = service.http._send
    calls = {"n": 0}

    def flaky_send(request, stream=False):
        calls["n"] += 1
        response = real_send(request, stream=stream)
        if calls["n"] == 1:
            raise ServerUnreachable()  # the answer is lost on the way back
        return response

    monkeypatch.setattr(service.http, "_send", flaky_send)
    before = _count(lan_box, "patient")
    patient_id = service.add_patient({"name": "断网测试", "sex": "F"})
    assert calls["n"] == 2
    assert _count(lan_box, "patient") == before + 1
    assert service.get_patient(patient_id)["name"] == "断网测试"


def test_remote_long_work_reports_progress_and_can_be_cancelled(lan_box, remote) -> None:
    from appliance.errors import Cancelled
    from appliance.services._clinic_types import CancelToken

    service = remote("doctor")
    seen = []
    result = service.structure_record("咳嗽三天，发热一天。", use_llm=False, progress=seen.append)
    assert isinstance(result, dict) and "chief_complaint" in result
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        service.structure_record("咳嗽三天。", progress=seen.append, cancel=cancel)


def test_remote_model_qc_streams_and_never_changes_the_rules_result(lan_box, remote) -> None:
    """``run_qc(use_llm=True)`` over the LAN (the visit screen's model QC pass): streamed, the
    rules' score and verdict unchanged; without a model on the box it says so."""
    service = remote("doctor")
    record = {"chief_complaint": "咳嗽3天", "present_illness": "3天前受凉后咳嗽，否认发热。"}
    plain = service.run_qc(record)
    with_model = service.run_qc(record, use_llm=True, progress=lambda _p: None)
    assert (with_model["score"], with_model["passed"]) == (plain["score"], plain["passed"])
    rules = [f for f in with_model["findings"] if f["origin"] == "rule"]
    assert rules == plain["findings"]
    if lan_box.runtime.engine() is None:
        assert with_model["model_error"] == "feature_unavailable"


def test_admin_sees_alerts_through_the_clinic_service_local_and_remote(lan_box, remote) -> None:
    from appliance.services.interface import ClinicService, LocalClinicService

    admin = remote("admin")
    assert isinstance(admin, ClinicService)
    assert isinstance(admin.security_alerts(), list)
    local = LocalClinicService(lan_box.settings, runtime=lan_box.runtime)
    try:
        local.login("admin", "Admin-pass-123")
        assert isinstance(local, ClinicService)
        assert isinstance(local.security_alerts(hours=1), list)
        local.logout()
        local.login("doctor", "Role-pass-123!")
        from appliance.errors import PermissionDenied

        with pytest.raises(PermissionDenied):
            local.security_alerts()
    finally:
        local.logout()
    with pytest.raises(Exception) as info:
        remote("doctor").security_alerts()
    assert getattr(info.value, "code", "") == "permission_denied"


def test_audio_upload_transcribes_through_the_lan(lan_box, remote, tmp_path) -> None:
    from pathlib import Path

    from appliance.errors import ClinicBoxError

    service = remote("doctor")
    wav = Path(__file__).resolve().parents[1] / "fixtures" / "audio" / "dict01.wav"
    seen = []
    # the packaged Whisper base is installed on every test box: the dictation
    # "患者65岁，反复头晕2年…" comes back through the LAN, with progress on the way
    result = service.transcribe(str(wav), progress=seen.append)
    assert set(result) >= {"text", "segments"} and "65" in result["text"]
    assert result["segments"] and seen
    assert result["context_words"] == 0  # no patient given: no patient words
    # issue #21: with the patient, the box listens for this patient's words (read from the
    # record on the box, never sent by the PC)
    pid = service.add_patient({"name": "听写测试", "sex": "F"})
    record = {
        "chief_complaint": "头晕2年",
        "diagnoses": [{"name": "原发性高血压"}],
        "prescriptions": [{"drug": "苯磺酸氨氯地平片", "dose": "5mg", "frequency": "qd"}],
    }
    service.save_visit({"patient_id": pid, "record": record})  # type: ignore[typeddict-item]
    words = service.transcribe(str(wav), patient_id=pid)
    assert words["context_words"] > 0 and "65" in words["text"]
    # a patient the box does not know costs the doctor nothing: no words, same transcript
    unknown = service.transcribe(str(wav), patient_id="P-NOT-A-PATIENT")
    assert unknown["context_words"] == 0 and "65" in unknown["text"]
    r = service.http.raw("POST", "/api/v1/transcribe", params={"format": "exe"}, content=b"MZ\0\0")
    assert r.status_code == 422  # the box checks the format too
    r = service.http.raw("POST", "/api/v1/transcribe", content=b"")
    assert r.status_code == 422
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ" + b"\0" * 100)
    with pytest.raises(ClinicBoxError) as info:
        service.transcribe(str(bad))
    assert info.value.code == "bad_input"
    huge = tmp_path / "long.wav"
    huge.write_bytes(b"\0" * (33 * 1024 * 1024))
    with pytest.raises(ClinicBoxError) as info:
        service.transcribe(str(huge))
    assert info.value.code == "payload_too_large"


def test_idle_sessions_expire(lan_box, doctor) -> None:
    import hashlib

    from appliance.api._auth import SESSION_IDLE_S

    gate = lan_box.server.ctx.gate
    session = gate._sessions[hashlib.sha256(doctor.token.encode()).hexdigest()]
    session.last_used -= SESSION_IDLE_S + 1
    r = doctor.raw("GET", "/api/v1/auth/me")
    assert r.status_code == 401 and "登录已超时" in r.json()["error"]["message_zh"]


def test_an_expired_session_sends_the_pc_back_to_login(lan_box, remote) -> None:
    from appliance.errors import AuthRequired

    service = remote("nurse")
    lan_box.server.ctx.gate.close_all()  # as if the box restarted
    with pytest.raises(AuthRequired):
        service.search_patients("")
    assert service.current_user() is None
    service.login("nurse", "Role-pass-123!")
    assert isinstance(service.search_patients(""), list)
