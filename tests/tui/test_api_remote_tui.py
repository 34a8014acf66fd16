"""The TUI end to end over the LAN: a real ``clinicbox serve`` process (TLS 1.3 on 127.0.0.1), a
PC paired with a one-time code, and the Textual app driven by Pilot on a RemoteClinicService."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._fixtures.api import PASSPHRASE, box_settings, make_box_store
from tests._fixtures.tui import login, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("served")
    settings = box_settings(root / "box")
    make_box_store(settings)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CLINICBOX_")},
        "CLINICBOX_DATA_DIR": str(settings.data_dir),
        "CLINICBOX_PASSPHRASE": PASSPHRASE,
        "CLINICBOX_PASSWORD_HASH_MEMORY_KIB": "1024",
    }
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
            "--no-mdns",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line, proc.stderr.read() if proc.stderr else "no output"
        info = json.loads(line)
        port = int(info["url"].rsplit(":", 1)[1])
        from appliance.api.tls import fetch_fingerprint

        deadline = time.monotonic() + 20
        while True:
            try:
                assert fetch_fingerprint("127.0.0.1", port) == info["fingerprint"]
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield {"settings": settings, "port": port, "fingerprint": info["fingerprint"], "proc": proc}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = -9
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert rc == 0, f"server exited with {rc}"


def _paired_pc(served_box: dict[str, Any], tmp_path: Path) -> Any:
    from appliance.api._transport import pair_with_box
    from appliance.api.registry import Registry
    from appliance.config import load_settings
    from appliance.store import open_store

    store = open_store(served_box["settings"], passphrase=PASSPHRASE)
    try:
        code = Registry(store).create_code("admin")["code"]
    finally:
        store.close()
    pc = load_settings(tmp_path / "pc", mdns_interfaces="127.0.0.1")
    pair_with_box(pc, "127.0.0.1", served_box["port"], code, "诊室一")
    return pc


def test_tui_registers_and_finds_a_patient_over_the_lan(served_box, tmp_path, drive) -> None:
    from appliance.api.client import connect

    pc = _paired_pc(served_box, tmp_path)
    service = connect(pc, f"127.0.0.1:{served_box['port']}")
    assert service.info()["remote"] is True

    async def scenario(app: Any, pilot: Any) -> None:
        assert type(app.screen).__name__ == "LoginScreen"
        await login(pilot, app, "doctor", "Role-pass-123!")
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("1")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PatientListScreen")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RegisterScreen")
        app.screen.query_one("#reg-name").value = "欧阳远程"
        app.screen.query_one("#reg-birth_date").value = "1961-05-06"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PatientScreen", timeout=10)
        assert "欧阳远程" in str(app.screen.query_one(".title").render())

    try:
        drive(service, scenario)
    finally:
        service.close()

    # a second PC session sees the patient the first one registered: the box holds the data
    other = connect(pc, f"127.0.0.1:{served_box['port']}")
    try:
        other.login("nurse", "Role-pass-123!")
        found = other.search_patients("oyyc")
        assert [p["name"] for p in found] == ["欧阳远程"]
    finally:
        other.close()


def test_tui_shows_a_clear_error_for_a_wrong_password_over_the_lan(
    served_box, tmp_path, drive
) -> None:
    from appliance.api.client import connect

    pc = _paired_pc(served_box, tmp_path)
    service = connect(pc, f"127.0.0.1:{served_box['port']}")

    async def scenario(app: Any, pilot: Any) -> None:
        await login(pilot, app, "doctor", "not-the-password")
        await wait_for(
            pilot, lambda: "✖" in str(app.screen.query_one("#login-error").render()), timeout=10
        )
        assert type(app.screen).__name__ == "LoginScreen"

    try:
        drive(service, scenario)
    finally:
        service.close()


def test_a_visit_autosave_round_trips_over_the_lan(served_box, tmp_path) -> None:
    from appliance.api.client import connect

    pc = _paired_pc(served_box, tmp_path)
    service = connect(pc, f"127.0.0.1:{served_box['port']}")
    try:
        service.login("doctor", "Role-pass-123!")
        pid = service.add_patient({"name": "远程草稿", "sex": "F"})
        assert service.load_visit_draft(pid, None) is None
        payload = {"fields": {"chief_complaint": "头晕3天"}, "vitals": {"sbp": "15"}}
        assert service.save_visit_draft(pid, None, payload)["saved_at"]
        back = service.load_visit_draft(pid, None)
        assert back is not None and back["payload"] == payload
        service.discard_visit_draft(pid, None)
        assert service.load_visit_draft(pid, None) is None
    finally:
        service.close()
