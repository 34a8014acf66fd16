"""Backup and restore: online, consistent, encrypted; restore verifies before replacing."""

from __future__ import annotations

import hashlib
import threading

import pytest

from appliance.errors import BackupInvalid
from tests._fixtures.store import PASSPHRASE


def _count(store):
    with store.read_raw() as conn:
        return conn.execute("SELECT count(*) FROM patient").fetchone()[0]


def _add(store, start, n):
    store.write(
        lambda db: db["patient"].insert_all(
            {"id": f"p{i}", "name": f"n{i}", "created_at": "t", "updated_at": "t"}
            for i in range(start, start + n)
        )
    )


def test_backup_during_writes_is_consistent_and_restorable(store, store_settings, tmp_path):
    from appliance.store import backup, open_store, restore, verify_audit

    _add(store, 0, 50)
    stop = threading.Event()

    def writer():
        i = 1000
        while not stop.is_set():
            _add(store, i, 5)
            i += 5

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        info = backup(store, tmp_path / "b")
    finally:
        stop.set()
        thread.join()
    assert info["bytes"] > 0 and len(info["sha256"]) == 64
    at_end = _count(store)
    store.close()

    result = restore(store_settings, info["path"], PASSPHRASE)
    assert result["previous_kept_as"]
    with open_store(store_settings, PASSPHRASE) as again:
        restored = _count(again)
        assert 50 <= restored <= at_end and restored % 5 == 0  # a whole-transaction snapshot
        assert again.integrity_check() == []
        assert verify_audit(again)["ok"]
        with again.read_raw() as conn:
            actions = [r[0] for r in conn.execute("SELECT action FROM audit_log")]
        assert actions[-1] == "backup.restore"


def _corrupt(path, offset_pages=2):
    raw = bytearray(path.read_bytes())
    at = len(raw) - offset_pages * 4096 + 300
    raw[at : at + 32] = b"\x00" * 32
    path.write_bytes(bytes(raw))


def test_restore_refuses_corrupted_backup_and_touches_nothing(store, store_settings, tmp_path):
    from appliance.store import backup, open_store, restore

    _add(store, 0, 400)
    info = backup(store, tmp_path / "b")
    store.close()
    from pathlib import Path

    backup_path = Path(info["path"])
    _corrupt(backup_path)
    db = store_settings.data_dir / "clinic.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(BackupInvalid) as err:
        restore(store_settings, backup_path, PASSPHRASE)
    assert "未做任何恢复" in err.value.message("zh")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not list(store_settings.data_dir.glob(".clinic.db.restore-*"))
    assert not list(store_settings.data_dir.glob("clinic.db.before-restore-*"))
    with open_store(store_settings, PASSPHRASE) as again:
        assert _count(again) == 400


def test_restore_refuses_truncated_and_foreign_files(store, store_settings, tmp_path):
    from appliance.store import backup, restore

    info = backup(store, tmp_path / "b")
    store.close()
    from pathlib import Path

    path = Path(info["path"])
    path.write_bytes(path.read_bytes()[: 4096 * 2])
    with pytest.raises(BackupInvalid):
        restore(store_settings, path, PASSPHRASE)
    junk = tmp_path / "b" / "junk.db"
    junk.write_bytes(b"hello" * 1000)
    with pytest.raises(BackupInvalid):
        restore(store_settings, junk, PASSPHRASE)


def test_restore_over_a_damaged_database_keeps_it(
    store, store_settings, tmp_path, cli, monkeypatch
):
    from appliance.store import backup, open_store

    _add(store, 0, 300)
    info = backup(store, tmp_path / "b")
    store.close()
    db = store_settings.data_dir / "clinic.db"
    _corrupt(db, offset_pages=5)
    damaged_digest = hashlib.sha256(db.read_bytes()).hexdigest()
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(store_settings.data_dir))
    r = cli("restore", info["path"], "--json")
    assert r.rc == 2 and "--yes" in r.error()["message"]
    r = cli("restore", info["path"], "--yes", "--json")
    assert r.rc == 0, r.err
    kept = store_settings.data_dir / r.json()["previous_kept_as"].split("/")[-1]
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == damaged_digest
    with open_store(store_settings, PASSPHRASE) as again:
        assert again.damaged is None and _count(again) == 300


def test_cli_backup_and_list(cli, store_env, tmp_path):
    r = cli("backup", "--to", str(tmp_path / "usb"), "--json")
    assert r.rc == 0, r.err
    assert r.json()["path"].endswith(".db")
    r = cli("backup", "--list", "--to", str(tmp_path / "usb"), "--json")
    assert len(r.json()) == 1 and r.json()[0]["has_envelope"]


def test_cli_backup_keeps_the_newest(cli, store_env, tmp_path):
    folder = tmp_path / "nightly"
    for _ in range(4):
        assert cli("backup", "--to", str(folder), "--keep", "2", "--json").rc == 0
    names = sorted(p.name for p in folder.iterdir())
    assert len([n for n in names if n.endswith(".db")]) == 2
    assert len([n for n in names if n.endswith(".keys.json")]) == 2


def test_restore_under_an_open_store_reopens_it_on_the_restored_file(
    store, store_settings, tmp_path
):
    """The TUI restores while its own store is open: that store carries on with the restored
    data and its writes land in the new file (not the one moved aside)."""
    from appliance.store import backup, open_store, restore

    _add(store, 0, 10)
    info = backup(store, tmp_path / "b")
    _add(store, 100, 5)  # after the backup: gone once restored
    assert _count(store) == 15
    restore(store_settings, info["path"], PASSPHRASE)
    assert _count(store) == 10
    _add(store, 200, 1)
    store.close()
    with open_store(store_settings, PASSPHRASE) as again:
        assert _count(again) == 11


def test_restore_refuses_while_another_program_has_the_store_open(store, store_settings, tmp_path):
    import subprocess
    import sys

    from appliance.errors import StorageError
    from appliance.store import backup, restore

    info = backup(store, tmp_path / "b")
    store.close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from appliance.config import load_settings\n"
         "from appliance.store import open_store\n"
         "s = open_store(load_settings(sys.argv[1]), sys.argv[2])\n"
         "print('open', flush=True)\n"
         "time.sleep(30)\n",
         str(store_settings.data_dir), PASSPHRASE],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        db = store_settings.data_dir / "clinic.db"
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        with pytest.raises(StorageError) as err:
            restore(store_settings, info["path"], PASSPHRASE)
        assert "另一个程序" in err.value.message("zh")
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
        assert not list(store_settings.data_dir.glob("clinic.db.before-restore-*"))
    finally:
        holder.kill()
        holder.wait()
