"""The encrypted store end to end: init, unlock, write/read, CLI contract for patients."""

from __future__ import annotations

import pytest

from tests._fixtures.store import ADMIN_PASSWORD, CLINIC_NAME, PASSPHRASE

ZHANG = {
    "name": "张三丰",
    "sex": "M",
    "birth_date": "1958-03-02",
    "id_number": "11010519491231002X",
    "phone": "13800138000",
    "address": "河北省保定市某某村",
}


def test_store_opens_and_round_trips(store):
    assert store.clinic_name == CLINIC_NAME
    store.write(lambda db: db["clinic"].update(store.clinic_id, {"settings_json": '{"a": 1}'}))
    with store.read() as db:
        assert db["clinic"].get(store.clinic_id)["settings_json"] == '{"a": 1}'
    with store.read_raw() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.integrity_check() == []


def test_write_failure_rolls_back(store):
    def bad(db):
        db["clinic"].update(store.clinic_id, {"name": "changed"})
        raise ValueError("boom")

    with pytest.raises(ValueError):
        store.write(bad)
    with store.read() as db:
        assert db["clinic"].get(store.clinic_id)["name"] == CLINIC_NAME


def test_init_refuses_existing_store(store_settings, initialised_store):
    from appliance.errors import StoreExists
    from appliance.store import init_store

    with pytest.raises(StoreExists):
        init_store(
            store_settings,
            clinic_name="x",
            admin_user="admin",
            admin_password=ADMIN_PASSWORD,
            passphrase=PASSPHRASE,
        )


def test_cli_init_then_patient_add(cli, data_dir, monkeypatch):
    from tests._fixtures.store import FAST_KDF_ENV

    for key, value in FAST_KDF_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CLINICBOX_ADMIN_PASSWORD", ADMIN_PASSWORD)
    r = cli(
        "init", "--data-dir", str(data_dir), "--clinic", "草湖乡卫生院", "--admin", "boss", "--json"
    )
    assert r.rc == 0, r.err
    out = r.json()
    assert len(out["recovery_key"].replace("-", "")) == 52
    assert (data_dir / "clinic.db").exists()
    r = cli("patient", "add", "--json", "--data-dir", str(data_dir), stdin=ZHANG)
    assert r.rc == 0, r.err
    patient_id = r.json()["patient_id"]
    r = cli("patient", "list", "--json", "--data-dir", str(data_dir))
    assert [p["patient_id"] for p in r.json()] == [patient_id]
    assert r.json()[0]["birth_date"] == "1958-03-02"
    r = cli("audit", "verify", "--json", "--data-dir", str(data_dir))
    assert r.rc == 0, r.err
    assert r.json()["ok"] is True


def test_store_env_fixture_unlocks_cli(cli, store_env):
    r = cli("patient", "add", "--json", stdin={"name": "李四"})
    assert r.rc == 0, r.err
    assert r.json()["patient_id"]


def test_loaded_patient_names_are_redacted_from_logs(admin_session):
    from appliance.logsafe import redact
    from appliance.services.patients import add_patient, list_patients

    add_patient(admin_session, {"name": "慕容复兴", "address": "姑苏燕子坞"})
    list_patients(admin_session)
    line = redact("loaded 慕容复兴 from 姑苏燕子坞")
    assert "慕容复兴" not in line and "姑苏燕子坞" not in line


def test_missing_envelope_is_explained(store_settings, initialised_store):
    from appliance.errors import StoreNotInitialized
    from appliance.store import open_store

    (store_settings.data_dir / "clinic.keys.json").rename(store_settings.data_dir / "moved.json")
    with pytest.raises(StoreNotInitialized) as info:
        open_store(store_settings, PASSPHRASE)
    assert "clinic.keys.json" in info.value.message("zh")


def test_concurrent_readers_and_writers(store):
    import threading

    errors = []

    def writer(n):
        try:
            for i in range(30):
                store.write(
                    lambda db, n=n, i=i: db["patient"].insert(
                        {"id": f"w{n}-{i}", "name": "n", "created_at": "t", "updated_at": "t"}
                    )
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader():
        try:
            for _ in range(60):
                with store.read() as db:
                    a = db.execute("SELECT count(*) FROM patient").fetchone()[0]
                    b = db.execute("SELECT count(*) FROM patient").fetchone()[0]
                    assert a == b  # one snapshot per read block
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.read() as db:
        assert db["patient"].count == 90
