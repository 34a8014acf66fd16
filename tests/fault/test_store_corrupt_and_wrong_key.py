"""Wrong key, damaged file: clear errors, nothing touched, the damaged file never overwritten."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests._fixtures.store import PASSPHRASE


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill(store, n=300):
    def work(db):
        db["patient"].insert_all(
            {
                "id": f"p{i}",
                "name": f"name{i}",
                "address": "x" * 400,
                "created_at": "t",
                "updated_at": "t",
            }
            for i in range(n)
        )

    store.write(work)


def test_wrong_passphrase_is_counted_and_touches_nothing(store_settings, initialised_store):
    from appliance.errors import UnlockThrottled, WrongPassphrase
    from appliance.store import open_store

    db = store_settings.data_dir / "clinic.db"
    envelope = store_settings.data_dir / "clinic.keys.json"
    before = (_digest(db), _digest(envelope), db.stat().st_mtime_ns)
    for attempt in range(1, store_settings.max_unlock_attempts + 1):
        with pytest.raises(WrongPassphrase) as info:
            open_store(store_settings, "not-the-passphrase")
        assert info.value.details["failures"] == attempt
    assert (_digest(db), _digest(envelope), db.stat().st_mtime_ns) == before
    assert not (store_settings.data_dir / "clinic.db-wal").exists()
    # now paused, even for the right passphrase, until the back-off passes
    with pytest.raises(UnlockThrottled):
        open_store(store_settings, PASSPHRASE)
    open_store(store_settings, recovery_key=initialised_store.recovery_key).close()  # still works
    state = store_settings.data_dir / "clinic.unlock.json"
    data = json.loads(state.read_text())
    data["last_failure"] -= 3600
    state.write_text(json.dumps(data))
    open_store(store_settings, PASSPHRASE).close()
    assert json.loads(state.read_text())["failures"] == 0


def test_wrong_passphrase_cli_is_clear(cli, store_env, monkeypatch):
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "wrong-passphrase-1")
    r = cli("patient", "list", "--json")
    assert r.rc == 77
    err = r.error()
    assert err["code"] == "wrong_passphrase"
    assert "口令不正确" in err["message"]
    assert "Traceback" not in r.err
    r = cli("--lang", "en", "patient", "list")
    assert "Wrong passphrase" in r.err


def test_no_passphrase_means_locked(cli, store_env, monkeypatch):
    monkeypatch.delenv("CLINICBOX_PASSPHRASE")
    r = cli("patient", "list", "--json")
    assert r.rc == 77 and r.error()["code"] == "store_locked"


def test_missing_store_is_clear(cli, data_dir):
    r = cli("patient", "list", "--json", "--data-dir", str(data_dir))
    assert r.error()["code"] == "store_missing"
    assert "clinicbox init" in r.error()["message"]


def test_recovery_key_and_key_file_unlock(store_settings, tmp_path):
    from appliance.config import load_settings
    from appliance.store import init_store, open_store

    usb = tmp_path / "usb"
    result = init_store(
        store_settings,
        clinic_name="c",
        admin_user="admin",
        admin_password="Admin-pass-123",
        passphrase=PASSPHRASE,
        key_file=usb,
    )
    open_store(store_settings, recovery_key=result.recovery_key.lower()).close()
    with_file = load_settings(store_settings.data_dir, key_file=result.key_file)
    open_store(with_file).close()


def test_damaged_page_opens_read_only_and_is_never_written(store_settings, store, cli, monkeypatch):
    from appliance.errors import StoreReadOnly
    from appliance.store import open_store

    _fill(store)
    store.close()
    db = store_settings.data_dir / "clinic.db"
    raw = bytearray(db.read_bytes())
    page = 4096
    assert len(raw) > 20 * page
    middle = (len(raw) // page - 3) * page
    raw[middle + 100 : middle + 140] = b"\xff" * 40  # breaks that page's HMAC
    db.write_bytes(bytes(raw))
    before = _digest(db)

    damaged = open_store(store_settings, PASSPHRASE)
    try:
        assert damaged.read_only and damaged.damaged
        with pytest.raises(StoreReadOnly) as info:
            damaged.write(lambda d: d["clinic"].update(damaged.clinic_id, {"name": "x"}))
        assert "clinicbox restore" in info.value.message("zh")
        with damaged.read() as d:  # what can still be read, can be read
            assert d["clinic"].count == 1
    finally:
        damaged.close()
    assert _digest(db) == before
    wal = store_settings.data_dir / "clinic.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0

    for key, value in {
        "CLINICBOX_PASSPHRASE": PASSPHRASE,
        "CLINICBOX_DATA_DIR": str(store_settings.data_dir),
    }.items():
        monkeypatch.setenv(key, value)
    r = cli("unlock", "--json")
    assert r.rc == 74
    assert "只读" in r.err
    assert json.loads(r.out)["damaged"]
    assert _digest(db) == before


def test_damaged_first_page_is_a_clear_error(store_settings, store):
    from appliance.errors import StoreCorrupt
    from appliance.store import open_store

    store.close()
    db = store_settings.data_dir / "clinic.db"
    raw = bytearray(db.read_bytes())
    raw[200:260] = b"\0" * 60
    db.write_bytes(bytes(raw))
    before = _digest(db)
    with pytest.raises(StoreCorrupt) as info:
        open_store(store_settings, PASSPHRASE)
    assert "损坏" in info.value.message("zh")
    assert _digest(db) == before


def test_staff_can_still_log_in_to_a_damaged_store(store_settings, store):
    from appliance.services.session import login
    from appliance.store import open_store
    from tests._fixtures.store import ADMIN_PASSWORD

    _fill(store)
    store.close()
    db = store_settings.data_dir / "clinic.db"
    raw = bytearray(db.read_bytes())
    at = (len(raw) // 4096 - 3) * 4096 + 100
    raw[at : at + 40] = b"\xff" * 40
    db.write_bytes(bytes(raw))
    with open_store(store_settings, PASSPHRASE) as damaged:
        assert damaged.read_only
        session = login(damaged, "admin", ADMIN_PASSWORD)
        assert session.role == "admin"


def test_damage_found_while_running_makes_the_store_read_only(store_settings, store):
    from appliance.errors import StoreCorrupt, StoreReadOnly
    from appliance.store import open_store

    _fill(store)
    store.close()
    running = open_store(store_settings, PASSPHRASE)
    try:
        db = store_settings.data_dir / "clinic.db"
        pages = db.stat().st_size // 4096
        with open(db, "r+b") as handle:  # in place, as a failing disk would
            for page in range(2, pages):
                handle.seek(page * 4096 + 100)
                handle.write(b"\xff" * 40)
        with pytest.raises(StoreCorrupt), running.read() as d:
            list(d.query("SELECT * FROM patient"))
        assert running.damaged and running.read_only
        with pytest.raises(StoreReadOnly):
            running.write(lambda d: d["clinic"].update(running.clinic_id, {"name": "x"}))
    finally:
        running.close()
