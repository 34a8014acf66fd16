"""CLI contracts of the store commands (DESIGN.md): init, patient add, audit verify, errors."""

from __future__ import annotations

import json

from tests._fixtures.store import ADMIN_PASSWORD, FAST_KDF_ENV, PASSPHRASE


def _env(monkeypatch, data_dir):
    for key, value in FAST_KDF_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(data_dir))


def test_init_contract_subprocess(cli_proc, data_dir, monkeypatch):
    _env(monkeypatch, data_dir)
    env = {"CLINICBOX_PASSPHRASE": PASSPHRASE, "CLINICBOX_ADMIN_PASSWORD": ADMIN_PASSWORD}
    r = cli_proc(
        "init", "--data-dir", str(data_dir), "--clinic", "城关镇卫生院", "--admin", "zhang", env=env
    )
    assert r.rc == 0, r.err
    assert "恢复密钥" in r.out and "只显示这一次" in r.out
    assert (data_dir / "clinic.db").exists() and (data_dir / "clinic.keys.json").exists()
    r = cli_proc("init", "--data-dir", str(data_dir), "--clinic", "x", "--json", env=env)
    assert r.rc == 3 and json.loads(r.err)["error"]["code"] == "store_exists"
    r = cli_proc("patient", "add", "--json", stdin={"name": "赵六", "sex": "女"}, env=env)
    assert r.rc == 0, r.err
    assert set(json.loads(r.out)) == {"patient_id"}


def test_init_reads_secrets_from_stdin(cli, data_dir, monkeypatch):
    _env(monkeypatch, data_dir)
    lines = f"{PASSPHRASE}\n{ADMIN_PASSWORD}\n"
    r = cli("init", "--clinic", "c", "--admin", "admin", "--json", stdin=lines)
    assert r.rc == 0, r.err
    assert r.json()["admin"] == "admin"


def test_weak_passphrase_refused_at_init(cli, data_dir, monkeypatch):
    _env(monkeypatch, data_dir)
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "1234")
    monkeypatch.setenv("CLINICBOX_ADMIN_PASSWORD", ADMIN_PASSWORD)
    r = cli("init", "--clinic", "c", "--json")
    assert r.rc == 2 and r.error()["code"] == "weak_secret"
    assert not (data_dir / "clinic.db").exists()


def test_patient_add_errors_are_json_and_name_fields(cli, store_env):
    r = cli("patient", "add", "--json", stdin={"name": "钱七", "id_number": "110105194912310021"})
    assert r.rc == 2
    err = r.error()
    assert err["code"] == "bad_input" and err["details"]["fields"] == ["id_number"]
    assert "110105194912310021" not in r.err
    r = cli("patient", "add", "--json", stdin="{not json")
    assert r.rc == 2 and r.error()["code"] == "bad_input"
    ok = {"name": "孙八", "id_number": "11010519491231002X"}
    first = cli("patient", "add", "--json", stdin=ok).json()["patient_id"]
    r = cli("patient", "add", "--json", stdin=ok)
    assert r.error()["code"] == "duplicate_patient"
    assert r.error()["details"]["patient_id"] == first


def test_patient_list_and_show(cli, store_env):
    pid = cli("patient", "add", "--json", stdin={"name": "周九", "phone": "13700001111"}).json()[
        "patient_id"
    ]
    r = cli("patient", "list", "-q", "1111", "--json")
    assert [p["patient_id"] for p in r.json()] == [pid]
    r = cli("patient", "show", pid, "--json")
    assert r.json()["name"] == "周九"
    r = cli("patient", "show", "nope", "--json")
    assert r.rc == 4 and r.error()["code"] == "not_found"


def test_unlock_reports_status(cli, store_env):
    r = cli("unlock", "--check", "--json")
    assert r.rc == 0, r.err
    assert r.json()["unlocked"] and r.json()["problems"] == []


def test_every_store_error_has_both_languages():
    from appliance import errors

    for name in ("StoreNotInitialized", "StoreExists", "StoreLocked", "WrongPassphrase",
                 "UnlockThrottled", "StoreCorrupt", "StoreReadOnly", "DiskFull", "StorageError",
                 "LoginFailed", "AccountLocked", "AuditChainBroken", "BackupInvalid", "WeakSecret",
                 "DuplicatePatient"):  # fmt: skip
        cls = getattr(errors, name)
        assert cls.default_zh and cls.default_en and cls.code
