"""`clinicbox doctor` tells a clinic without IT staff what is wrong and what to do, in zh/en."""

from __future__ import annotations

import shutil

EXPECTED = {"disk", "store", "models", "model_files", "backup", "certificate", "time"}


def _checks(result):
    return {c["id"]: c for c in result.json()["checks"]}


def test_fresh_box_says_to_initialise(cli):
    r = cli("doctor", "--json")
    assert r.rc == 1
    checks = _checks(r)
    assert set(checks) >= EXPECTED
    assert checks["store"]["status"] == "fail"
    assert "clinicbox init" in checks["store"]["fix"]
    assert checks["models"]["status"] == "warn"  # rules still work without a model
    assert "Traceback" not in r.err


def test_healthy_store_after_backup(cli, store_env, initialised_store):
    checks = _checks(cli("doctor", "--json"))
    assert checks["store"]["status"] == "ok"
    assert checks["backup"]["status"] == "warn"
    assert cli("backup", "--json").rc == 0
    r = cli("--lang", "en", "doctor", "--json")
    checks = _checks(r)
    assert checks["backup"]["status"] == "ok"
    assert checks["store"]["message"].startswith("Database intact")


def test_locked_store_is_reported_not_crashed(cli, store_env, initialised_store, monkeypatch):
    monkeypatch.delenv("CLINICBOX_PASSPHRASE")
    checks = _checks(cli("doctor", "--json"))
    assert checks["store"]["status"] == "skip"
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "wrong-passphrase")
    checks = _checks(cli("doctor", "--json"))
    assert checks["store"]["status"] == "fail"


def test_damaged_model_file_is_found(cli, data_dir, tiny_gguf):
    from appliance.config import load_settings
    from models.registry import Registry, models_dir
    from models.verify import sha256_file

    folder = models_dir(load_settings(data_dir))
    folder.mkdir(parents=True)
    copy = folder / "tiny.gguf"
    shutil.copy(tiny_gguf, copy)
    Registry(folder).record("tiny", copy, sha256_file(copy), "test")
    assert _checks(cli("doctor", "--json"))["model_files"]["status"] == "ok"
    with copy.open("r+b") as fh:
        fh.truncate(copy.stat().st_size // 2)
    r = cli("doctor", "--json")
    assert r.rc == 1
    assert _checks(r)["model_files"]["status"] == "fail"


def test_human_output_is_plain_chinese(cli):
    r = cli("doctor")
    assert "健康检查" in r.out and "→" in r.out
