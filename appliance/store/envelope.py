"""The key envelope: the database key exists on disk only wrapped.

A random 256-bit *data key* is SQLCipher's raw key; a random 256-bit *audit key* signs the audit
chain. Both are stored only wrapped with AES-256-GCM under key-encryption keys (KEKs) derived with
scrypt from (a) the admin passphrase and (b) the recovery key printed once at set-up (which may
also be kept as a key file on removable media). Changing the passphrase rewraps the same keys; a
full rekey replaces the data key (see ``rekey.py``). The envelope file is written atomically.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from appliance.errors import ConfigError, InputError, WeakSecret, WrongPassphrase

FORMAT = "clinicbox-key-envelope"
VERSION = 1
RECOVERY_KDF_LOG2_N = 14  # the recovery key is 256 random bits: a cheap KDF suffices
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"  # Crockford-like base32, no I/L/O/U


@dataclass(frozen=True)
class Keys:
    data_key: bytes
    audit_key: bytes

    def packed(self) -> bytes:
        return self.data_key + self.audit_key

    @classmethod
    def unpack(cls, blob: bytes) -> Keys:
        if len(blob) != 64:
            raise ValueError("bad key blob")
        return cls(blob[:32], blob[32:])

    @classmethod
    def generate(cls) -> Keys:
        return cls(secrets.token_bytes(32), secrets.token_bytes(32))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def derive_kek(secret: str, salt: bytes, log2_n: int, r: int = 8, p: int = 1) -> bytes:
    """scrypt(secret) → 32-byte key-encryption key."""
    kdf = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p)
    return kdf.derive(secret.encode("utf-8"))


def check_passphrase_strength(passphrase: str) -> None:
    text = passphrase.strip()
    if len(text) < 8 or text.isdigit() or len(set(text)) < 4:
        raise WeakSecret()


def new_recovery_key() -> str:
    """52 base32 characters (260 bits, 256 used) in groups of four: ``ABCD-EFGH-…``."""
    value = int.from_bytes(secrets.token_bytes(33), "big") >> 4
    chars = [_ALPHABET[(value >> (5 * i)) & 31] for i in range(52)]
    raw = "".join(chars)
    return "-".join(raw[i : i + 4] for i in range(0, 52, 4))


def normalize_recovery_key(text: str) -> str:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != 52 or any(ch not in _ALPHABET for ch in cleaned):
        raise InputError(
            "恢复密钥格式不正确（应为 13 组、每组 4 个字符）。",
            "The recovery key is malformed (13 groups of 4 characters expected).",
        )
    return "-".join(cleaned[i : i + 4] for i in range(0, 52, 4))


def _aad(clinic_id: str, kind: str) -> bytes:
    return f"{FORMAT}|v{VERSION}|{clinic_id}|{kind}".encode()


def make_slot(kind: str, secret: str, keys: Keys, clinic_id: str, log2_n: int) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    kek = derive_kek(secret, salt, log2_n)
    wrapped = AESGCM(kek).encrypt(nonce, keys.packed(), _aad(clinic_id, kind))
    return {
        "kind": kind,
        "kdf": "scrypt",
        "log2_n": log2_n,
        "r": 8,
        "p": 1,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
        "created_at": int(time.time()),
    }


def open_slot(slot: dict[str, Any], secret: str, clinic_id: str) -> Keys | None:
    """Unwrap one slot; ``None`` when the secret is wrong (GCM tag mismatch)."""
    kek = derive_kek(secret, _unb64(slot["salt"]), int(slot["log2_n"]), slot["r"], slot["p"])
    try:
        blob = AESGCM(kek).decrypt(
            _unb64(slot["nonce"]), _unb64(slot["wrapped"]), _aad(clinic_id, slot["kind"])
        )
    except InvalidTag:
        return None
    return Keys.unpack(blob)


@dataclass
class Envelope:
    clinic_id: str
    slots: list[dict[str, Any]]
    key_id: str  # random id of the current data key generation (not derived from the key)
    #: {"seq", "hash", "mac"} of a recent audit head, outside the database (see audit.py)
    audit_anchor: dict[str, Any] | None = None

    @classmethod
    def create(
        cls, keys: Keys, clinic_id: str, passphrase: str, recovery_key: str, log2_n: int
    ) -> Envelope:
        return cls(
            clinic_id=clinic_id,
            key_id=secrets.token_hex(8),
            slots=[
                make_slot("passphrase", passphrase, keys, clinic_id, log2_n),
                make_slot("recovery", recovery_key, keys, clinic_id, RECOVERY_KDF_LOG2_N),
            ],
        )

    def slot(self, kind: str) -> dict[str, Any] | None:
        return next((s for s in self.slots if s["kind"] == kind), None)

    def unwrap(self, secret: str, kind: str = "passphrase") -> Keys:
        slot = self.slot(kind)
        if slot is None:
            raise WrongPassphrase()
        if kind == "recovery":
            secret = normalize_recovery_key(secret)
        keys = open_slot(slot, secret, self.clinic_id)
        if keys is None:
            raise WrongPassphrase()
        return keys

    def replace_slot(self, kind: str, secret: str, keys: Keys, log2_n: int) -> None:
        if kind == "recovery":
            log2_n = RECOVERY_KDF_LOG2_N
        self.slots = [s for s in self.slots if s["kind"] != kind]
        self.slots.append(make_slot(kind, secret, keys, self.clinic_id, log2_n))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "clinic_id": self.clinic_id,
            "key_id": self.key_id,
            "cipher": "AES-256-GCM",
            "slots": self.slots,
        }
        if self.audit_anchor is not None:
            out["audit_anchor"] = self.audit_anchor
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Envelope:
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError("not a ClinicBox key envelope")
        anchor = data.get("audit_anchor")
        return cls(
            clinic_id=data["clinic_id"],
            slots=list(data["slots"]),
            key_id=data["key_id"],
            audit_anchor=dict(anchor) if isinstance(anchor, dict) else None,
        )


def read_envelope(path: Path) -> Envelope:
    try:
        return Envelope.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"密钥信封文件无法读取：{path.name}（{exc.__class__.__name__}）。",
            f"The key envelope {path.name} cannot be read ({exc.__class__.__name__}).",
            hint_zh="请从备份中恢复密钥信封文件（与数据库备份放在一起）。",
            hint_en="Restore the key envelope file from a backup (it is kept next to each backup).",
        ) from None


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file + fsync + rename + directory fsync."""
    tmp = path.with_name(path.name + f".tmp-{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_envelope(path: Path, envelope: Envelope) -> None:
    text = json.dumps(envelope.to_json(), indent=2, sort_keys=True) + "\n"
    write_atomic(path, text.encode("utf-8"))


@contextlib.contextmanager
def envelope_lock(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the envelope between processes (``flock`` on a side file),
    so an audit anchor moved by ``serve`` never undoes a passphrase change made by the CLI."""
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock


def update_envelope(path: Path, change: Callable[[Envelope], None]) -> Envelope:
    """Re-read the envelope under the lock, apply ``change`` and write it back atomically."""
    with envelope_lock(path):
        envelope = read_envelope(path)
        change(envelope)
        write_envelope(path, envelope)
    return envelope
