"""Changing the passphrase (rewrap only) and replacing the data key (full, crash-safe rekey).

Rekey protocol (files in the data folder):

1. With every store of this process paused and the database lock held exclusively (no other
   program has it open), ``clinic.db.rekey``: ``sqlcipher_export`` of the database under the new
   data key; the WAL is checked empty, the copy verified and fsynced.
2. ``clinic.keys.json.next``: the new envelope (passphrase + new recovery slot) plus a *bridge*
   slot that wraps the new keys under the old data key, so an interrupted rekey can be finished
   by whoever unlocks with the old envelope.
3. Commit point: ``rename(clinic.db.rekey → clinic.db)``.
4. ``clinic.keys.json.next`` (without the bridge) replaces ``clinic.keys.json``; the paused
   stores reopen with the new key.

At open, :func:`finish_pending` rolls back (steps 1-2 done: both files present) or forward
(step 3 done: only ``.next`` present). Either way the database opens with the right key.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from appliance.config import Settings
from appliance.errors import StorageError, WrongPassphrase
from appliance.store.envelope import (
    Envelope,
    Keys,
    check_passphrase_strength,
    fsync_dir,
    new_recovery_key,
    read_envelope,
    update_envelope,
    write_envelope,
)

if TYPE_CHECKING:
    from appliance.store.db import Store

#: tests set this to raise at a named step and so simulate a crash there
crash_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if crash_hook is not None:
        crash_hook(name)


def _paths(data_dir: Path) -> tuple[Path, Path, Path, Path]:
    return (
        data_dir / "clinic.db",
        data_dir / "clinic.db.rekey",
        data_dir / "clinic.keys.json",
        data_dir / "clinic.keys.json.next",
    )


def _bridge_key(old: Keys) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"clinicbox-rekey-bridge"
    ).derive(old.data_key)


def _bridge_slot(old: Keys, new: Keys) -> dict[str, str]:
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(_bridge_key(old)).encrypt(nonce, new.packed(), b"bridge")
    return {"kind": "bridge", "nonce": nonce.hex(), "wrapped": wrapped.hex()}


def _open_bridge(envelope: Envelope, old: Keys) -> Keys | None:
    slot = envelope.slot("bridge")
    if slot is None:
        return None
    try:
        blob = AESGCM(_bridge_key(old)).decrypt(
            bytes.fromhex(slot["nonce"]), bytes.fromhex(slot["wrapped"]), b"bridge"
        )
    except (InvalidTag, ValueError):
        return None
    return Keys.unpack(blob)


def _unlink_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def finish_pending(settings: Settings, envelope: Envelope, keys: Keys) -> tuple[Envelope, Keys]:
    """Complete or roll back a rekey interrupted by a crash; returns the keys to use."""
    _db, staged, env_path, next_path = _paths(settings.data_dir)
    if next_path.exists():
        if staged.exists():  # the swap never happened: the old file and keys are current
            _unlink_db(staged)
            next_path.unlink(missing_ok=True)
            fsync_dir(settings.data_dir)
            return envelope, keys
        pending = read_envelope(next_path)
        new_keys = _open_bridge(pending, keys)
        if new_keys is None:  # not ours to finish (keys already new): leave the files alone
            return envelope, keys
        pending.slots = [s for s in pending.slots if s["kind"] != "bridge"]
        write_envelope(env_path, pending)
        next_path.unlink(missing_ok=True)
        fsync_dir(settings.data_dir)
        return pending, new_keys
    if staged.exists():
        _unlink_db(staged)
    return envelope, keys


def change_passphrase(store: Store, new_passphrase: str, *, actor: str = "system") -> None:
    """Rewrap the same keys under a new passphrase (the database itself is not touched)."""
    check_passphrase_strength(new_passphrase)
    envelope = update_envelope(
        store.paths.envelope,
        lambda env: env.replace_slot(
            "passphrase", new_passphrase, store._keys, store.settings.store_kdf_log2_n
        ),
    )
    store.envelope = envelope
    store.audit(actor, "admin", "key.change_passphrase")


def new_recovery(store: Store, *, actor: str = "system") -> str:
    """Issue a new recovery key (the old one stops working); returns it, to be shown once."""
    recovery = new_recovery_key()
    envelope = update_envelope(
        store.paths.envelope,
        lambda env: env.replace_slot(
            "recovery", recovery, store._keys, store.settings.store_kdf_log2_n
        ),
    )
    store.envelope = envelope
    store.audit(actor, "admin", "key.new_recovery")
    return recovery


def rekey(store: Store, passphrase: str, *, actor: str = "system") -> str:
    """Replace the data key and re-encrypt the whole file; returns the new recovery key (the old
    one stops working). ``store`` (and any other store of this process on the same folder) is
    paused meanwhile and carries on with the new key; another program holding the database
    makes the rekey stop before any change."""
    from appliance.store import _driver, _exclusive
    from appliance.store.backup import verify_file

    settings = store.settings
    db, staged, env_path, next_path = _paths(settings.data_dir)
    old = store._keys
    current = read_envelope(env_path)
    if current.unwrap(passphrase) != old:
        raise WrongPassphrase()
    new = Keys(secrets.token_bytes(32), old.audit_key)
    _unlink_db(staged)
    store.audit(actor, "admin", "key.rekey")
    with _exclusive.exclusive(settings.data_dir) as swap:
        conn = _driver.connect(db, old.data_key, cache_kib=settings.store_cache_kib)
        try:
            _export(conn, staged, new)
        finally:
            conn.close()  # the last connection: the WAL is merged and removed
        _step("exported")
        wal = Path(str(db) + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            _unlink_db(staged)
            raise StorageError(
                "数据库仍有未合并的写入，已取消更换密钥。",
                "The database still has unmerged writes; the rekey was cancelled.",
            )
        problems = verify_file(staged, new.data_key)
        if problems:
            _unlink_db(staged)
            raise StorageError(details={"problems": problems[:5]})
        with open(staged, "rb") as handle:
            os.fsync(handle.fileno())
        recovery = new_recovery_key()
        pending = Envelope.create(
            new, current.clinic_id, passphrase, recovery, settings.store_kdf_log2_n
        )
        pending.audit_anchor = read_envelope(env_path).audit_anchor  # the audit key stays
        pending.slots.append(_bridge_slot(old, new))
        write_envelope(next_path, pending)
        _step("envelope_staged")
        for suffix in ("-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        os.replace(staged, db)  # commit point
        fsync_dir(settings.data_dir)
        _step("swapped")
        pending.slots = [s for s in pending.slots if s["kind"] != "bridge"]
        write_envelope(env_path, pending)
        next_path.unlink(missing_ok=True)
        fsync_dir(settings.data_dir)
        swap.keys, swap.envelope = new, pending
    return recovery


def _export(conn: Any, staged: Path, new: Keys) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute(f"ATTACH DATABASE ? AS rekeyed KEY \"x'{new.data_key.hex()}'\"", (str(staged),))
    # the staged copy is disposable until it is verified and fsynced: no journal, no fsync
    conn.execute("PRAGMA rekeyed.journal_mode = OFF")
    conn.execute("PRAGMA rekeyed.synchronous = OFF")
    try:
        conn.execute("SELECT sqlcipher_export('rekeyed')")
    finally:
        conn.execute("DETACH DATABASE rekeyed")
