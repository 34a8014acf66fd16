"""Passphrase change (rewrap) and full rekey, including a crash at every step of the rekey."""

from __future__ import annotations

import pytest

from appliance.errors import WrongPassphrase
from tests._fixtures.store import PASSPHRASE

NEW = "new-passphrase-2"


def _add(store, n=50):
    store.write(
        lambda db: db["patient"].insert_all(
            {"id": f"p{i}", "name": f"n{i}", "created_at": "t", "updated_at": "t"} for i in range(n)
        )
    )


def _count(store):
    with store.read_raw() as conn:
        return conn.execute("SELECT count(*) FROM patient").fetchone()[0]


def test_change_passphrase_rewraps_without_reencrypting(store, store_settings):
    from appliance.store import open_store
    from appliance.store.rekey import change_passphrase

    _add(store)
    data_key = store._keys.data_key
    store.close()
    with open_store(store_settings, PASSPHRASE) as again:
        change_passphrase(again, NEW)
    with pytest.raises(WrongPassphrase):
        open_store(store_settings, PASSPHRASE)
    with open_store(store_settings, NEW) as again:
        assert _count(again) == 50
        assert again._keys.data_key == data_key  # same data key: nothing was re-encrypted


def test_forgotten_passphrase_via_recovery_key_cli(cli, store_env, initialised_store, monkeypatch):
    monkeypatch.delenv("CLINICBOX_PASSPHRASE")
    key = initialised_store.recovery_key
    r = cli("key", "change-passphrase", "--recovery", "--json", stdin=f"{key}\n{NEW}\n")
    assert r.rc == 0, r.err
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", NEW)
    assert cli("patient", "list", "--json").rc == 0


def test_rekey_replaces_the_data_key(store, store_settings, initialised_store):
    from appliance.store import open_store, verify_audit
    from appliance.store.rekey import rekey

    _add(store)
    old_key = store._keys.data_key
    recovery = rekey(store, PASSPHRASE)
    with open_store(store_settings, PASSPHRASE) as again:
        assert again._keys.data_key != old_key
        assert _count(again) == 50
        assert verify_audit(again)["ok"]
        assert again.integrity_check() == []
    with pytest.raises(WrongPassphrase):
        open_store(store_settings, recovery_key=initialised_store.recovery_key)
    open_store(store_settings, recovery_key=recovery).close()
    leftovers = [
        p.name for p in store_settings.data_dir.iterdir() if ".rekey" in p.name or ".next" in p.name
    ]
    assert leftovers == []


class Crash(Exception):
    pass


@pytest.mark.parametrize("step", ["exported", "envelope_staged", "swapped"])
def test_rekey_interrupted_at_any_step_opens_with_all_data(
    store, store_settings, step, monkeypatch
):
    from appliance.store import open_store
    from appliance.store import rekey as rekey_module

    _add(store)

    def crash(name):
        if name == step:
            raise Crash(name)

    monkeypatch.setattr(rekey_module, "crash_hook", crash)
    with pytest.raises(Crash):
        rekey_module.rekey(store, PASSPHRASE)
    store.close()
    monkeypatch.setattr(rekey_module, "crash_hook", None)
    with open_store(store_settings, PASSPHRASE) as again:
        assert again.damaged is None
        assert _count(again) == 50
        assert again.integrity_check() == []
    names = {p.name for p in store_settings.data_dir.iterdir()}
    assert "clinic.db.rekey" not in names and "clinic.keys.json.next" not in names
    with open_store(store_settings, PASSPHRASE) as again:  # and again, steady state
        assert _count(again) == 50


def test_store_keeps_working_after_rekey(store, store_settings):
    from appliance.store import open_store
    from appliance.store.rekey import rekey

    _add(store)
    second = open_store(store_settings, PASSPHRASE)  # another part of the same program
    try:
        rekey(store, PASSPHRASE)
        _more = lambda db: db["patient"].insert(  # noqa: E731
            {"id": "after", "name": "n", "created_at": "t", "updated_at": "t"}
        )
        store.write(_more)
        assert _count(second) == 51
    finally:
        second.close()
