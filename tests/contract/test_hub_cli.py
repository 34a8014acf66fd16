"""CLI contracts of `clinicbox hub …`, `clinicbox consent …` and `clinicbox sync install-update`."""

from __future__ import annotations

from sync.keys import KeyPair
from sync.updates import build_update


def test_hub_cli_lifecycle(cli, tmp_path):
    d = str(tmp_path / "hub")
    r = cli("hub", "init", "--hub-dir", d, "--json")
    assert r.rc == 0, r.err
    assert len(r.json()["tls_fingerprint"]) == 64 and r.json()["database"] == "sqlite"
    r = cli("hub", "enrol-token", "--hub-dir", d, "--clinic", "甲卫生院", "--json")
    assert r.json()["token"].startswith("enr_")
    r = cli("hub", "mentor-add", "--hub-dir", d, "wang", "--json", stdin="Mentor-pass-1\n")
    assert r.rc == 0, r.err
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "hypertension.md").write_text("# 高血压随访\n", encoding="utf-8")
    r = cli(
        "hub",
        "publish",
        "--hub-dir",
        d,
        "--kind",
        "knowledge",
        "--version",
        "2026.06",
        str(kb),
        "--json",
    )
    assert r.rc == 0, r.err
    assert r.json()["files"][0]["path"] == "hypertension.md"
    assert cli("hub", "cases", "--hub-dir", d, "--json").json() == []
    assert cli("hub", "clinics", "--hub-dir", d, "--json").json() == []
    r = cli("hub", "revoke", "--hub-dir", d, "c_nope", "--json")
    assert r.rc == 4 and r.error()["code"] == "not_found"
    assert cli("hub", "indicators", "--hub-dir", d, "--json").json() == []
    r = cli(
        "hub",
        "advise",
        "--hub-dir",
        d,
        "c_x",
        "case",
        "1",
        "--mentor",
        "wang",
        "--text",
        "x",
        "--json",
    )
    assert r.rc == 4 and r.error()["code"] == "not_found"


def test_consent_cli_grant_withdraw_show_audited(cli, store_env):
    r = cli(
        "patient", "add", "--json", stdin={"name": "张伟", "sex": "M", "birth_date": "1960-01-01"}
    )
    assert r.rc == 0, r.err
    pid = r.json()["patient_id"]
    assert cli("consent", "grant", "--patient", pid, "--method", "written", "--json").rc == 0
    assert cli("consent", "withdraw", "--patient", pid, "--method", "verbal", "--json").rc == 0
    shown = cli("consent", "show", "--patient", pid, "--json").json()
    assert shown["consented"] is False
    assert [h["granted"] for h in shown["history"]] == [True, False]
    r = cli("consent", "grant", "--patient", "no-such-patient", "--json")
    assert r.rc != 0 and "Traceback" not in r.err
    assert cli("audit", "verify").rc == 0


def test_install_update_refuses_bad_signature(cli, store_env, tmp_path):
    from appliance.config import load_settings
    from appliance.store import open_store
    from sync import outbox
    from sync.keys import b64

    hub, forger = KeyPair.generate(), KeyPair.generate()
    store = open_store(load_settings(store_env))
    try:
        outbox.set_state(
            store,
            clinic_id="c_1",
            api_token="t",
            hub_url="https://h",
            hub_sign_key=b64(hub.signing_public),
            hub_enc_key=b64(hub.encryption_public),
        )
    finally:
        store.close()
    bad = build_update(tmp_path / "bad.zip", "formulary", "9", {"f.csv": b"x"}, forger)
    r = cli("--lang", "en", "sync", "install-update", str(bad), "--json")
    assert r.rc == 65 and r.error()["code"] == "update_rejected"
    assert "signature" in r.error()["message"]
    good = build_update(tmp_path / "good.zip", "formulary", "9", {"f.csv": b"x"}, hub)
    r = cli("sync", "install-update", str(good), "--json")
    assert r.rc == 0, r.err
    assert r.json()["version"] == "9"
