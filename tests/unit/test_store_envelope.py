"""The key envelope: wrapping, wrong secrets, recovery keys, atomic writes."""

from __future__ import annotations

import json

import pytest

from appliance.errors import InputError, WeakSecret, WrongPassphrase
from appliance.store.envelope import (
    Envelope,
    Keys,
    check_passphrase_strength,
    new_recovery_key,
    normalize_recovery_key,
    read_envelope,
    write_envelope,
)


@pytest.fixture
def envelope_and_keys():
    keys = Keys.generate()
    recovery = new_recovery_key()
    env = Envelope.create(keys, "clinic1", "correct horse 1", recovery, log2_n=12)
    return env, keys, recovery


def test_unwrap_with_passphrase_and_recovery(envelope_and_keys):
    env, keys, recovery = envelope_and_keys
    assert env.unwrap("correct horse 1") == keys
    assert env.unwrap(recovery.lower().replace("-", " "), "recovery") == keys


def test_wrong_secret_fails_cleanly(envelope_and_keys):
    env, _, _recovery = envelope_and_keys
    with pytest.raises(WrongPassphrase):
        env.unwrap("correct horse 2")
    with pytest.raises(WrongPassphrase):
        env.unwrap(new_recovery_key(), "recovery")


def test_slots_are_bound_to_their_clinic_and_kind(envelope_and_keys):
    env, _, _ = envelope_and_keys
    moved = Envelope(clinic_id="clinic2", slots=env.slots, key_id=env.key_id)
    with pytest.raises(WrongPassphrase):
        moved.unwrap("correct horse 1")


def test_envelope_file_holds_no_key_material_in_clear(tmp_path, envelope_and_keys):
    env, keys, recovery = envelope_and_keys
    path = tmp_path / "clinic.keys.json"
    write_envelope(path, env)
    raw = path.read_bytes()
    assert keys.data_key.hex().encode() not in raw and recovery.encode() not in raw
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = read_envelope(path)
    assert again.unwrap("correct horse 1") == keys
    data = json.loads(raw)
    assert {s["kind"] for s in data["slots"]} == {"passphrase", "recovery"}
    assert not list(tmp_path.glob("*.tmp-*"))


def test_change_passphrase_keeps_the_keys(envelope_and_keys):
    env, keys, _ = envelope_and_keys
    env.replace_slot("passphrase", "a new one 22", keys, 12)
    assert env.unwrap("a new one 22") == keys
    with pytest.raises(WrongPassphrase):
        env.unwrap("correct horse 1")


def test_recovery_key_format():
    key = new_recovery_key()
    assert len(key) == 64 and key.count("-") == 12
    assert normalize_recovery_key(key.lower()) == key
    assert new_recovery_key() != key
    with pytest.raises(InputError):
        normalize_recovery_key("ABCD-EFGH")


@pytest.mark.parametrize("weak", ["short1", "12345678901", "aaaaaaaaaa"])
def test_weak_passphrases_are_refused(weak):
    with pytest.raises(WeakSecret):
        check_passphrase_strength(weak)
