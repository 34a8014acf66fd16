"""Provisioning in a fake root: the files, users and units it creates; idempotence; dry-run;
update with rollback. System commands are recorded, never run against this machine."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FS = ROOT / "firmware_scripts"
VENV_CLINICBOX = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "clinicbox"


def _answers(tmp_path: Path, **extra: str) -> Path:
    values = {
        "CLINIC_NAME": "青山镇卫生院",
        "ADMIN_USER": "admin",
        "ADMIN_PASSWORD": "Admin-pass-123",
        "PASSPHRASE": "provision-test-passphrase",
        "API_PORT": "9443",
        **extra,
    }
    path = tmp_path / "answers.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    return path


def _provision(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clinicbox = (
        VENV_CLINICBOX
        if VENV_CLINICBOX.exists()
        else Path(shutil.which("clinicbox") or "clinicbox")
    )
    return subprocess.run(
        [str(FS / "provision.sh"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CLINICBOX_BIN": str(clinicbox), **(env or {})},
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_dry_run_changes_nothing(tmp_path):
    root = tmp_path / "root"
    proc = _provision(
        "--dry-run", "--root", str(root), "--answers", str(_answers(tmp_path)), "--no-models"
    )
    assert proc.returncode == 0, proc.stderr
    assert "[dry-run]" in proc.stdout
    assert "apt-get install" in proc.stdout and "systemctl enable" in proc.stdout
    assert [p for p in root.rglob("*")] == []


def test_fake_root_provisioning_creates_box_layout(tmp_path):
    root = tmp_path / "root"
    answers = _answers(tmp_path, KIOSK_TTY="tty2")
    proc = _provision("--root", str(root), "--answers", str(answers), "--no-models", "--no-venv")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]

    assert "clinicbox:" in (root / "etc/passwd").read_text()
    assert "clinicbox-kiosk:" in (root / "etc/passwd").read_text()
    assert _mode(root / "var/lib/clinicbox") == 0o700
    assert _mode(root / "etc/clinicbox/unlock.key") == 0o640
    env = (root / "etc/clinicbox/clinicbox.env").read_text()
    assert "CLINICBOX_DATA_DIR=/var/lib/clinicbox" in env and "CLINICBOX_API_PORT=9443" in env
    assert "provision-test-passphrase" not in env
    for unit in (
        "clinicbox-api.service",
        "clinicbox-sync.service",
        "clinicbox-backup.timer",
        "clinicbox-qc.timer",
        "clinicbox-reindex.timer",
    ):
        assert (root / "etc/systemd/system" / unit).is_file(), unit
    assert "User=clinicbox" in (root / "etc/systemd/system/clinicbox-api.service").read_text()
    nft = (root / "etc/nftables.d/clinicbox.nft").read_text()
    assert "dport { 9443, 22 }" in nft and "policy drop" in nft
    assert (root / "etc/logrotate.d/clinicbox").is_file()
    assert (root / "etc/systemd/system/getty@tty2.service.d/override.conf").is_file()
    assert os.readlink(root / "opt/clinicbox/current") == "releases/0.1.0"
    assert (root / "opt/clinicbox/releases/0.1.0/pyproject.toml").is_file()
    assert (
        os.readlink(root / "usr/local/bin/clinicbox")
        == "/opt/clinicbox/current/.venv/bin/clinicbox"
    )
    log = (root / "var/log/clinicbox/provision.log").read_text()
    assert "skipped: apt-get install" in log and "skipped: systemctl enable" in log
    assert (root / "var/lib/clinicbox/clinic.db").is_file()
    assert _mode(root / "var/log/clinicbox/init-output.txt") == 0o600
    # The services unlock unattended with the root-only key file (a copy of the recovery key).
    key = (root / "etc/clinicbox/unlock.key").read_text()
    assert "provision-test-passphrase" not in key
    clinicbox = (
        VENV_CLINICBOX
        if VENV_CLINICBOX.exists()
        else Path(shutil.which("clinicbox") or "clinicbox")
    )
    env = {k: v for k, v in os.environ.items() if k != "CLINICBOX_PASSPHRASE"}
    env |= {
        "CLINICBOX_DATA_DIR": str(root / "var/lib/clinicbox"),
        "CLINICBOX_KEY_FILE": str(root / "etc/clinicbox/unlock.key"),
    }
    check = subprocess.run(
        [str(clinicbox), "audit", "verify"], capture_output=True, text=True, env=env, timeout=120
    )
    assert check.returncode == 0, check.stderr

    # Idempotent: a second run succeeds, adds no duplicate user and keeps the clinic store.
    db_before = (root / "var/lib/clinicbox/clinic.db").read_bytes()
    proc = _provision("--root", str(root), "--answers", str(answers), "--no-models", "--no-venv")
    assert proc.returncode == 0, proc.stderr[-2000:]
    users = [line.split(":")[0] for line in (root / "etc/passwd").read_text().splitlines()]
    assert users.count("clinicbox") == 1
    assert "exists, kept" in proc.stdout
    assert (root / "var/lib/clinicbox/clinic.db").read_bytes() == db_before


def test_missing_answers_non_interactive_is_a_clear_error(tmp_path):
    answers = tmp_path / "a.env"
    answers.write_text("CLINIC_NAME=x\n")
    proc = _provision(
        "--root", str(tmp_path / "r"), "--answers", str(answers), "--no-models", "--no-venv"
    )
    assert proc.returncode != 0
    assert "ADMIN_PASSWORD" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_answer_key_is_refused(tmp_path):
    answers = _answers(tmp_path, NOT_A_KEY="1")
    proc = _provision("--dry-run", "--answers", str(answers))
    assert proc.returncode != 0 and "NOT_A_KEY" in proc.stderr


def test_update_keeps_previous_release_and_rolls_back(tmp_path):
    root = tmp_path / "root"
    (root / "var/log/clinicbox").mkdir(parents=True)
    upd = [str(FS / "update.sh"), "--root", str(root), "--no-venv"]
    assert subprocess.run(upd, capture_output=True, text=True, timeout=120).returncode == 0
    newer = tmp_path / "src"
    newer.mkdir()
    (newer / "pyproject.toml").write_text('[project]\nname = "clinicbox"\nversion = "0.2.0"\n')
    proc = subprocess.run([*upd, "--from", str(newer)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert os.readlink(root / "opt/clinicbox/current") == "releases/0.2.0"
    assert os.readlink(root / "opt/clinicbox/previous") == "releases/0.1.0"
    proc = subprocess.run(
        [*upd[:2], str(root), "--rollback"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert os.readlink(root / "opt/clinicbox/current") == "releases/0.1.0"


@pytest.mark.slow
def test_usb_bundle_installs_offline(tmp_path):
    out = tmp_path / "usb"
    proc = subprocess.run(
        [str(FS / "make-usb-bundle.sh"), "--out", str(out), "--extras", "", "--no-models"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert any(p.name.startswith("clinicbox-") for p in (out / "wheelhouse").iterdir())
    venv = tmp_path / "venv"
    proc = subprocess.run(
        [str(out / "install-offline.sh"), "--venv", str(venv)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PIP_NO_INDEX": "1", "PIP_INDEX_URL": "http://127.0.0.1:9/none"},
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    ver = subprocess.run([str(venv / "bin/clinicbox"), "--version"], capture_output=True, text=True)
    assert ver.returncode == 0 and "0.1.0" in ver.stdout
    # A damaged USB copy is refused before anything is installed.
    victim = next((out / "wheelhouse").iterdir())
    victim.write_bytes(victim.read_bytes()[:-10])
    proc = subprocess.run(
        [str(out / "install-offline.sh"), "--venv", str(tmp_path / "v2")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0 and "checksum" in proc.stderr
    assert not (tmp_path / "v2").exists()
