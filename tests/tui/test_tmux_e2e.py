"""End to end in a real terminal: ``clinicbox demo`` inside tmux, driven with send-keys and read
with capture-pane, from login to a signed visit; then the signed visit is checked in the store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux:
    def __init__(self, session: str) -> None:
        self.session = session

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", *args], check=True, capture_output=True, text=True, timeout=10
        ).stdout

    def send(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def wait_gone(self, text: str, timeout: float = 15.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end and text in self.screen():
            time.sleep(0.2)
        assert text not in self.screen(), self.screen()

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear; the screen was:\n{self.screen()}")


@pytest.fixture
def tmux_demo(tmp_path: Path) -> Iterator[tuple[Tmux, Path]]:
    session = f"cbx-e2e-{os.getpid()}"
    env = {
        "CLINICBOX_DATA_DIR": str(tmp_path / "clinic"),
        "CLINICBOX_STORE_KDF_LOG2_N": "12",
        "CLINICBOX_PASSWORD_HASH_MEMORY_KIB": "1024",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    command = f"cd {ROOT} && env {exports} {sys.executable} -m appliance demo"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "140", "-y", "45", command],
        check=True,
        timeout=10,
    )
    tmux = Tmux(session)
    subprocess.run(
        ["tmux", "set-option", "-s", "escape-time", "0"], capture_output=True, timeout=10
    )
    try:
        yield tmux, tmp_path / "clinic"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, timeout=10)


def test_login_to_signed_visit_in_a_real_terminal(tmux_demo: tuple[Tmux, Path]) -> None:
    tmux, data_dir = tmux_demo
    tmux.wait_for("培训模式", timeout=60)
    # typed at full speed, no pause: the Tab must move on before "demo1234" arrives (issue 20:
    # the username became "doctordemo1234")
    tmux.send("doctor", literal=True)
    tmux.send("Tab")
    tmux.send("demo1234", literal=True)
    tmux.send("Enter")
    tmux.wait_for("欢迎使用 ClinicBox")  # the guided tour opens on first login in the demo
    tmux.send("Right")
    tmux.wait_for("2/")
    tmux.send("Escape")
    tmux.wait_gone("结束导览")
    tmux.send("1")
    tmux.wait_for("拼音首字母")
    tmux.send("zjg", literal=True)
    tmux.wait_for("张建国")
    tmux.send("Enter")  # one Enter: the only match opens (issue 20; it used to take two)
    tmux.wait_for("就诊记录")
    tmux.send("C-v")
    tmux.wait_for("生命体征与分诊")
    # the key help at the bottom is whole in a real terminal (it once showed "f9   诊帮扶")
    footer = tmux.wait_for("f9 转诊帮扶")
    assert "f4 离开" in footer and "f6 结构化" in footer
    # complaint and vitals typed without pauses (issue 20: "1509011220" in the SBP box)
    tmux.send("头痛2天", literal=True)
    tmux.send("Tab")
    tmux.send("135", literal=True)
    tmux.send("Tab")
    tmux.send("85", literal=True)
    tmux.send("Tab")
    tmux.send("72", literal=True)
    time.sleep(0.5)
    for _ in range(17):  # from the heart rate on to 初步诊断 (tests/tui focus order)
        tmux.send("Tab")
    time.sleep(1.0)
    tmux.send("紧张型头痛", literal=True)
    tmux.wait_for("紧张型头痛")
    tmux.send("F10")
    shown = tmux.wait_for("已签名保存")
    assert "Traceback" not in shown
    tmux.send("C-q")
    end = time.monotonic() + 15
    while time.monotonic() < end and "clinicbox" in tmux.screen().lower():
        time.sleep(0.2)

    # the signed visit is in the demo clinic's own database, not in the real one
    from appliance.config import load_settings
    from appliance.services.training import open_demo_clinic

    assert not (data_dir / "clinic.db").exists()
    service = open_demo_clinic(load_settings(data_dir))
    try:
        service.login("doctor", "demo1234")
        patient = service.search_patients("zjg")[0]
        visits = service.patient_visits(patient["patient_id"])
        signed = [v for v in visits if v["chief_complaint"] == "头痛2天"]
        assert signed and signed[0]["status"] == "signed"
        vitals = service.get_visit(signed[0]["visit_id"])["record"]["vitals"]
        assert vitals == {"sbp": 135, "dbp": 85, "hr": 72}, vitals
    finally:
        service.close()


def test_login_typed_at_full_speed_with_enter(tmux_demo: tuple[Tmux, Path]) -> None:
    """Enter after the username moves to the password before the next key arrives (issue 20:
    typed ahead, the password landed in the username)."""
    tmux, _data_dir = tmux_demo
    tmux.wait_for("培训模式", timeout=60)
    tmux.send("doctor", literal=True)
    tmux.send("Enter")
    tmux.send("demo1234", literal=True)
    tmux.send("Enter")
    tmux.wait_for("欢迎使用 ClinicBox")  # logged in: the guided tour opens
