"""Pairing a clinic PC with the box: one-time code, pinned fingerprint, signed requests, revocation."""

from __future__ import annotations

import json

import httpx
import pytest

from appliance.api import pairing, tls
from appliance.api._transport import Transport, load_paired, pair_with_box
from appliance.api.client import RemoteClinicService
from appliance.config import load_settings
from appliance.errors import DeviceNotPaired, FingerprintMismatch, PairingFailed


def _pc(tmp_path, name="pc"):
    return load_settings(tmp_path / name, mdns_interfaces="127.0.0.1")


def test_happy_path_pins_the_fingerprint_and_the_pc_can_log_in(lan_box, tmp_path) -> None:
    pc = _pc(tmp_path)
    box = pair_with_box(pc, "127.0.0.1", lan_box.port, lan_box.new_code().lower(), "护士站")
    assert box.fingerprint == lan_box.fingerprint
    assert load_paired(pc) == box  # saved on the PC (private key file mode 0600)
    assert (tmp_path / "pc" / "client" / "paired-box.json").stat().st_mode & 0o077 == 0
    service = RemoteClinicService(pc, box)
    try:
        assert service.login("doctor", "Role-pass-123!")["role"] == "doctor"
        assert service.info()["clinic_name"] == "青山镇卫生院"
        assert service.info()["remote"] is True
    finally:
        service.close()
    devices = {d["device_id"]: d for d in lan_box.registry().list_devices()}
    assert devices[box.device_id]["name"] == "护士站"
    assert devices[box.device_id]["revoked"] is False
    assert "public_key" not in devices[box.device_id]


def test_wrong_code_is_refused_and_burns_the_code_after_repeated_failures(
    lan_box, tmp_path
) -> None:
    code = lan_box.new_code()
    wrong = ("0" if code[0] != "0" else "1") + code[1:]
    for _ in range(5):
        with pytest.raises(PairingFailed):
            pair_with_box(_pc(tmp_path), "127.0.0.1", lan_box.port, wrong, "x")
    # five wrong guesses: the real code is dead too (no brute force within its lifetime)
    with pytest.raises(PairingFailed):
        pair_with_box(_pc(tmp_path), "127.0.0.1", lan_box.port, code, "x")
    kinds = [e["kind"] for e in _events(lan_box)]
    assert kinds.count("pairing_failed") >= 5


def test_a_code_works_once(lan_box, tmp_path) -> None:
    code = lan_box.new_code()
    pair_with_box(_pc(tmp_path, "a"), "127.0.0.1", lan_box.port, code, "a")
    with pytest.raises(PairingFailed):
        pair_with_box(_pc(tmp_path, "b"), "127.0.0.1", lan_box.port, code, "b")


def test_a_relayed_proof_for_another_certificate_is_refused(lan_box) -> None:
    """A man in the middle shows its own certificate: the PC's proof is bound to that one."""
    code = lan_box.new_code()
    key = pairing.new_device_key()
    public = pairing.public_key_b64(key)
    mitm_fp = "ee" * 32
    body = {
        "device_name": "x",
        "public_key": public,
        "proof": pairing.client_proof(pairing.code_key(code), mitm_fp, public),
        "fingerprint": mitm_fp,
    }
    ctx, _ = tls.pinned_client_context(lan_box.fingerprint)
    with httpx.Client(verify=ctx, trust_env=False) as client:
        response = client.post(f"https://127.0.0.1:{lan_box.port}/api/v1/pair", json=body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "pairing_failed"


def test_pc_refuses_a_box_with_another_fingerprint(lan_box, tmp_path) -> None:
    with pytest.raises(FingerprintMismatch):
        pair_with_box(_pc(tmp_path), "127.0.0.1", lan_box.port, lan_box.new_code(), "x", "aa" * 32)
    pc, box = _pc(tmp_path, "p2"), None
    box = pair_with_box(pc, "127.0.0.1", lan_box.port, lan_box.new_code(), "x")
    box.fingerprint = "bb" * 32  # as if the box were swapped for an impostor
    service = RemoteClinicService(pc, box)
    try:
        with pytest.raises(FingerprintMismatch):
            service.login("doctor", "Role-pass-123!")
    finally:
        service.http.close()


def test_revoked_device_is_refused_at_once_and_logged(lan_box, pair_pc) -> None:
    pc, box = pair_pc("药房")
    service = RemoteClinicService(pc, box)
    service.login("doctor", "Role-pass-123!")
    assert service.search_patients("") is not None
    lan_box.registry().revoke(box.device_id, "admin")
    with pytest.raises(DeviceNotPaired) as info:
        service.search_patients("")
    assert info.value.details.get("revoked") is True
    with pytest.raises(DeviceNotPaired):
        service.login("doctor", "Role-pass-123!")
    service.http.close()
    assert any(
        e["kind"] == "revoked_device" and e["device_id"] == box.device_id for e in _events(lan_box)
    )


def test_unsigned_forged_and_replayed_requests_are_refused(lan_box, pair_pc) -> None:
    _pc_settings, box = pair_pc()
    transport = Transport(box)
    try:
        url = f"https://127.0.0.1:{lan_box.port}/api/v1/auth/login"
        body = json.dumps({"username": "doctor", "password": "Role-pass-123!"}).encode()
        # unsigned
        r = transport.client.post(url, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "device_not_paired"
        # signed, then replayed byte for byte
        headers = pairing.sign_request(
            transport.key, box.device_id, "POST", "/api/v1/auth/login", body
        )
        headers["content-type"] = "application/json"
        assert transport.client.post(url, content=body, headers=headers).status_code == 200
        assert transport.client.post(url, content=body, headers=headers).status_code == 401
        # signed by another key (a copied device id is useless without the key)
        other = pairing.new_device_key()
        forged = pairing.sign_request(other, box.device_id, "POST", "/api/v1/auth/login", body)
        forged["content-type"] = "application/json"
        assert transport.client.post(url, content=body, headers=forged).status_code == 401
        # body changed after signing
        headers = pairing.sign_request(
            transport.key, box.device_id, "POST", "/api/v1/auth/login", body
        )
        headers["content-type"] = "application/json"
        tampered = body.replace(b"doctor", b"admin\x20")
        assert transport.client.post(url, content=tampered, headers=headers).status_code == 401
    finally:
        transport.close()
    assert any(e["kind"] == "bad_signature" for e in _events(lan_box))


def test_cli_pair_devices_list_and_revoke(lan_box, cli, monkeypatch, tmp_path) -> None:
    box_env = {
        "CLINICBOX_DATA_DIR": str(lan_box.settings.data_dir),
        "CLINICBOX_PASSPHRASE": "test-passphrase",
    }
    for k, v in box_env.items():
        monkeypatch.setenv(k, v)
    made = cli("pair", "--json")
    assert made.rc == 0, made.err
    code = made.json()
    assert code["fingerprint"] == lan_box.fingerprint and len(code["code"]) == 11

    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(tmp_path / "pc"))
    joined = cli(
        "pair",
        "--json",
        "--code",
        code["code"],
        "--connect",
        f"127.0.0.1:{lan_box.port}",
        "--name",
        "诊室一",
    )
    assert joined.rc == 0, joined.err
    device_id = joined.json()["device_id"]
    assert joined.json()["fingerprint"] == lan_box.fingerprint

    again = cli("pair", "--json", "--code", code["code"], "--connect", f"127.0.0.1:{lan_box.port}")
    assert again.rc != 0 and again.error()["code"] == "pairing_failed"

    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(lan_box.settings.data_dir))
    listed = cli("devices", "list", "--json")
    assert listed.rc == 0, listed.err
    assert any(d["device_id"] == device_id and d["name"] == "诊室一" for d in listed.json())
    revoked = cli("devices", "revoke", device_id, "--json")
    assert revoked.rc == 0 and revoked.json()["revoked"] is True
    missing = cli("devices", "revoke", "dev_nope", "--json")
    assert missing.rc != 0 and missing.error()["code"] == "not_found"


def _events(lan_box) -> list[dict]:
    with lan_box.runtime.store.read() as db:
        return list(db.query("SELECT * FROM api_security_events ORDER BY id"))


def test_server_and_clients_leave_no_threads_or_sockets(lan_box, tmp_path) -> None:
    import threading
    import time

    import psutil

    from appliance.api.server import ApiServer

    me = psutil.Process()

    def inet() -> int:
        return len(me.net_connections(kind="inet"))

    threads_before, sockets_before = threading.active_count(), inet()
    server = ApiServer(lan_box.settings, lan_box.runtime, host="127.0.0.1", port=0, advertise=True)
    server.start()
    pc = _pc(tmp_path)
    box = pair_with_box(pc, "127.0.0.1", server.port, lan_box.new_code(), "leak")
    service = RemoteClinicService(pc, box)
    service.login("nurse", "Role-pass-123!")
    service.search_patients("")
    service.close()
    server.stop()
    deadline = time.monotonic() + 5
    while threading.active_count() > threads_before or inet() > sockets_before:
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert threading.active_count() <= threads_before
    assert inet() <= sockets_before


def test_the_box_tui_service_makes_codes_and_manages_devices(lan_box, tmp_path) -> None:
    """LocalClinicService (the TUI on the box) offers the same pairing admin as the CLI/API."""
    from appliance.errors import PermissionDenied
    from appliance.services.interface import LocalClinicService

    local = LocalClinicService(lan_box.settings, runtime=lan_box.runtime)
    try:
        local.login("admin", "Admin-pass-123")
        code = local.pairing_code(ttl_s=120)
        assert code["fingerprint"] == lan_box.fingerprint and code["ttl_s"] == 120
        box = pair_with_box(_pc(tmp_path), "127.0.0.1", lan_box.port, code["code"], "候诊区")
        assert any(d["device_id"] == box.device_id for d in local.list_devices())
        assert local.revoke_device(box.device_id)["revoked"] is True
        local.logout()
        local.login("nurse", "Role-pass-123!")
        with pytest.raises(PermissionDenied):
            local.pairing_code()
    finally:
        local.logout()
