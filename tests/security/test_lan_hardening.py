"""Issue 18, LAN and hub items: role filtering of response fields, backups from the API,
request nonces across a restart, uploaded audio never on disk, hub TLS 1.3 and private files.

Each test names the OWASP ASVS 4.0.3 requirement it checks (table in docs/lan.md).
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
import stat
from pathlib import Path
from typing import Any

import pytest

from appliance.errors import ClinicBoxError

A, D, N, F, K = "admin", "doctor", "nurse", "front_desk", "kiosk"

#: (endpoint, response field) → roles that may see that field. The clinic's policy, spelled out:
#: the front desk registers patients and books visits, but never reads the record (complaint,
#: diagnoses); a kiosk reads no patient data at all.
FIELD_TABLE: dict[tuple[str, str], set[str]] = {
    ("patients.get", "name"): {A, D, N, F},
    ("patients.get", "id_number"): {A, D, N, F},
    ("patients.get", "phone"): {A, D, N, F},
    ("patients.visits", "visit_id"): {A, D, N, F},
    ("patients.visits", "started_at"): {A, D, N, F},
    ("patients.visits", "status"): {A, D, N, F},
    ("patients.visits", "chief_complaint"): {A, D, N},
    ("patients.visits", "diagnoses"): {A, D, N},
    ("visits.get", "record"): {A, D, N},
}
RECORD = {
    "chief_complaint": "胸闷气短2天",
    "diagnoses": [{"name": "冠状动脉粥样硬化性心脏病", "icd10": "I25.1"}],
}


@pytest.fixture(scope="module")
def seen_fields(lan_box: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """For each role: the fields each endpoint returned (None when the call was refused)."""
    from appliance.api._transport import pair_with_box
    from appliance.api.client import RemoteClinicService
    from appliance.config import load_settings
    from tests._fixtures.api import username_for

    def service(role: str) -> Any:
        pc = load_settings(tmp_path_factory.mktemp(f"pc-{role}"), mdns_interfaces="127.0.0.1")
        box = pair_with_box(pc, "127.0.0.1", lan_box.port, lan_box.new_code(), f"pc-{role}")
        svc = RemoteClinicService(pc, box)
        svc.login(*username_for(role))
        return svc

    doctor = service(D)
    patient_id = doctor.add_patient(
        {"name": "周建国", "sex": "M", "birth_date": "1950-03-07", "phone": "13812345678"}
    )
    visit_id = doctor.save_visit({"patient_id": patient_id, "record": RECORD})["visit_id"]
    doctor.close()
    calls = {
        "patients.get": lambda s: s.get_patient(patient_id),
        "patients.visits": lambda s: s.patient_visits(patient_id)[0],
        "visits.get": lambda s: s.get_visit(visit_id),
    }
    seen: dict[str, Any] = {}
    for role in (A, D, N, F, K):
        svc = service(role)
        try:
            for endpoint, fetch in calls.items():
                try:
                    seen[f"{role}|{endpoint}"] = set(fetch(svc))
                except ClinicBoxError:
                    seen[f"{role}|{endpoint}"] = None
        finally:
            svc.close()
    return seen


@pytest.mark.parametrize(("endpoint", "field"), sorted(FIELD_TABLE))
@pytest.mark.parametrize("role", [A, D, N, F, K])
def test_role_endpoint_field_table(seen_fields, role, endpoint, field):
    """ASVS V4.1.3 (least privilege) and V4.2.1: each role sees exactly the fields the table
    allows; front_desk no longer reads complaints and diagnoses from the visit list."""
    fields = seen_fields[f"{role}|{endpoint}"]
    allowed = role in FIELD_TABLE[(endpoint, field)]
    visible = fields is not None and field in fields
    assert visible == allowed, f"{role} {endpoint}.{field}: visible={visible}"


def test_api_backup_refuses_paths_outside_the_backup_folder(remote, lan_box, tmp_path, monkeypatch):
    """ASVS V12.3.1/V12.3.2: POST /admin/backup {"destination": "../../x"} (and absolute paths)
    is refused; nothing is written relative to the server's working directory."""
    work = tmp_path / "server" / "cwd"  # the server's working directory for this test
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    admin = remote(A)
    for destination in ("../../escaped", str(tmp_path / "elsewhere")):
        with pytest.raises(ClinicBoxError) as info:
            admin.backup(destination)
        assert info.value.code == "bad_input"
    assert not (tmp_path / "escaped").exists()
    assert not (tmp_path / "elsewhere").exists()
    written = admin.backup(None)
    assert Path(written["path"]).parent == lan_box.settings.resolved("backup_dir").resolve()


def test_request_nonces_survive_a_restart(tmp_path):
    """ASVS V3.5.3 (signed tokens resist replay): a nonce used before a restart of the API is
    still refused after it (the signature window outlives a restart)."""
    from appliance.api._auth import Gatekeeper
    from appliance.config import load_settings

    settings = load_settings(tmp_path / "box")
    settings.data_dir.mkdir(parents=True)
    first = Gatekeeper(settings, lambda: None)
    assert first.nonces.use("device-1:nonce-abc")
    assert not first.nonces.use("device-1:nonce-abc")
    first.close_all()  # the server stops (or crashes: the line is already written)
    again = Gatekeeper(settings, lambda: None)
    assert not again.nonces.use("device-1:nonce-abc")
    assert again.nonces.use("device-1:nonce-new")
    again.close_all()
    log_file = settings.data_dir / "api-nonces.log"
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert "nonce-abc" not in log_file.read_text()


def test_uploaded_audio_never_touches_the_disk(remote, lan_box, monkeypatch, tmp_path):
    """ASVS V8.1.2 (temporary copies of sensitive data protected): the dictation uploaded to
    /transcribe is held in memory (memfd), not written to DATA_DIR/tmp in plain text."""
    from appliance.services.interface import LocalClinicService

    audio = b"RIFF" + os.urandom(2000)
    got: dict[str, Any] = {}

    def fake_transcribe(self: Any, audio_path: str, **kw: Any) -> dict[str, Any]:
        path = Path(audio_path)
        got["path"] = audio_path
        got["bytes"] = path.read_bytes()
        tmp = lan_box.settings.data_dir / "tmp"
        got["on_disk"] = [p.name for p in tmp.iterdir()] if tmp.exists() else []
        return {"text": "", "language": "zh", "segments": []}

    monkeypatch.setattr(LocalClinicService, "transcribe", fake_transcribe)
    upload = tmp_path / "dictation.wav"
    upload.write_bytes(audio)
    remote(D).transcribe(str(upload))
    assert got["bytes"] == audio
    assert got["on_disk"] == []
    assert not got["path"].startswith(str(lan_box.settings.data_dir))


def test_serve_sweeps_audio_left_by_older_versions(lan_box):
    """ASVS V8.1.2: plain audio left in DATA_DIR/tmp by a crash of an older version is removed
    when the server starts."""
    from appliance.api.server import ApiServer

    leftover = lan_box.settings.data_dir / "tmp" / "tmpa1b2c3.wav"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"RIFF....WAVE")
    server = ApiServer(lan_box.settings, lan_box.runtime, host="127.0.0.1", port=0, advertise=False)
    server.sock.close()
    assert not leftover.exists()


def test_hub_accepts_tls_1_3_only(https_hub):
    """ASVS V9.1.3 (only the latest TLS versions): a TLS 1.2 client cannot connect to the hub."""
    host, port = https_hub.url.removeprefix("https://").split(":")
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.check_hostname, old.verify_mode = False, ssl.CERT_NONE
    old.maximum_version = ssl.TLSVersion.TLSv1_2
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        pytest.raises(ssl.SSLError),
    ):
        old.wrap_socket(raw, server_hostname=None)
    new = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    new.check_hostname, new.verify_mode = False, ssl.CERT_NONE
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        new.wrap_socket(raw, server_hostname=None) as tls,
    ):
        assert tls.version() == "TLSv1.3"


def test_hub_database_and_logs_are_private(tmp_path):
    """ASVS V7.3.3 (logs protected) and V4.1.3: hub.db (and its WAL) and every log file,
    rotated ones too, are readable by the service account only (0600)."""
    from appliance.logsafe import PrivateRotatingFileHandler, configure_logging
    from sync.hub.service import HubService

    old_umask = os.umask(0o022)
    try:
        service = HubService(tmp_path / "hub")
        service.close()
        for name in ("hub.db", "hub.db-wal", "hub.db-shm"):
            path = tmp_path / "hub" / name
            if path.exists():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        assert stat.S_IMODE((tmp_path / "hub").stat().st_mode) == 0o700

        log_file = tmp_path / "logs" / "clinicbox.log"
        configure_logging(log_file)
        logging.getLogger("clinicbox.test").warning("hub started")
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
        handler = PrivateRotatingFileHandler(tmp_path / "r.log", maxBytes=200, backupCount=2)
        record = logging.LogRecord("x", logging.WARNING, __file__, 1, "line " * 20, None, None)
        for _ in range(5):
            handler.emit(record)
        handler.close()
        for path in tmp_path.glob("r.log*"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    finally:
        os.umask(old_umask)
        configure_logging(None)
