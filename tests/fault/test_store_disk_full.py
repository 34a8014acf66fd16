"""A full disk gives a clear error, loses no acknowledged write and corrupts nothing.

On a real tiny tmpfs when this machine allows mounting one (root); otherwise the write limit is
injected with RLIMIT_FSIZE (the kernel then fails the write with EFBIG instead of ENOSPC).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests._fixtures.store import ADMIN_PASSWORD, PASSPHRASE

CHILD = r"""
import json, os, resource, signal, sys
from appliance.config import load_settings
from appliance.errors import ClinicBoxError
from appliance.store import init_store, open_store
data_dir, mode = sys.argv[1], sys.argv[2]
settings = load_settings(data_dir, store_kdf_log2_n=12, password_hash_memory_kib=1024)
init_store(settings, clinic_name="c", admin_user="admin", admin_password=sys.argv[4],
           passphrase=sys.argv[3])
store = open_store(settings, sys.argv[3])
if mode == "rlimit":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    size = os.path.getsize(os.path.join(data_dir, "clinic.db"))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 300_000, resource.RLIM_INFINITY))
acked, error = [], None
for i in range(2000):
    try:
        store.write(lambda db, i=i: db["patient"].insert(
            {"id": f"p{i}", "name": "n", "address": "y" * 6000, "created_at": "t", "updated_at": "t"}))
    except ClinicBoxError as exc:
        error = {"code": exc.code, "zh": exc.message("zh"), "en": exc.message("en")}
        break
    acked.append(f"p{i}")
try:
    store.close()
except Exception as exc:
    pass
print(json.dumps({"acked": acked, "error": error}))
"""


def _can_mount_tmpfs(target: Path) -> bool:
    if os.geteuid() != 0:
        return False
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(target)], capture_output=True
    )
    return result.returncode == 0


def _run_child(data_dir: Path, mode: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), mode, PASSPHRASE, ADMIN_PASSWORD],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check_intact(data_dir: Path, acked: list[str]) -> None:
    from appliance.config import load_settings
    from appliance.store import open_store

    settings = load_settings(data_dir, store_kdf_log2_n=12, password_hash_memory_kib=1024)
    store = open_store(settings, PASSPHRASE)
    try:
        assert store.damaged is None
        assert store.integrity_check() == []
        with store.read_raw() as conn:
            ids = {r[0] for r in conn.execute("SELECT id FROM patient")}
        assert set(acked) <= ids
        store.write(
            lambda db: db["patient"].insert(
                {"id": "after", "name": "n", "created_at": "t", "updated_at": "t"}
            )
        )
    finally:
        store.close()


def test_disk_full_on_tiny_tmpfs(tmp_path):
    mount = tmp_path / "tiny"
    if not _can_mount_tmpfs(mount):
        pytest.skip("cannot mount a tmpfs here (needs root); see the RLIMIT_FSIZE test")
    try:
        filler = mount / "filler"
        filler.write_bytes(b"\0" * 400_000)  # freed afterwards, as an admin would free space
        result = _run_child(mount / "data", "tmpfs")
        assert result["error"]["code"] == "disk_full"
        assert "磁盘空间已满" in result["error"]["zh"]
        assert "disk is full" in result["error"]["en"]
        assert len(result["acked"]) > 3
        filler.unlink()
        _check_intact(mount / "data", result["acked"])
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_write_limit_gives_clear_error_and_no_corruption(tmp_path):
    result = _run_child(tmp_path / "data", "rlimit")
    assert result["error"]["code"] in {"disk_full", "storage_error"}
    assert "没有保存" in result["error"]["zh"]
    assert len(result["acked"]) > 3
    _check_intact(tmp_path / "data", result["acked"])
