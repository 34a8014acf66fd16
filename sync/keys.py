"""The box's sync keys: an Ed25519 signing key (bundles), an X25519 key (replies encrypted to the
box), and the de-identification secret (pseudonyms, date shifts).

They live in ``<data_dir>/sync/box-keys.json`` (mode 0600, written atomically). The hub has the
same kind of file for its own keys (``<hub_dir>/hub-keys.json``).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from appliance.errors import SyncKeyError

KEY_FILE = "box-keys.json"
_RAW = serialization.Encoding.Raw
_PRIV = serialization.PrivateFormat.Raw
_PUB = serialization.PublicFormat.Raw


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 signing key and an X25519 encryption key (a box or a hub)."""

    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey
    deid_secret: bytes

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(
            Ed25519PrivateKey.generate(), X25519PrivateKey.generate(), secrets.token_bytes(32)
        )

    @property
    def signing_public(self) -> bytes:
        return self.signing.public_key().public_bytes(_RAW, _PUB)

    @property
    def encryption_public(self) -> bytes:
        return self.encryption.public_key().public_bytes(_RAW, _PUB)

    def public(self) -> dict[str, str]:
        return {"sign_key": b64(self.signing_public), "enc_key": b64(self.encryption_public)}

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": 1,
                "sign": b64(self.signing.private_bytes(_RAW, _PRIV, serialization.NoEncryption())),
                "enc": b64(
                    self.encryption.private_bytes(_RAW, _PRIV, serialization.NoEncryption())
                ),
                "deid_secret": b64(self.deid_secret),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> KeyPair:
        data = json.loads(text)
        return cls(
            Ed25519PrivateKey.from_private_bytes(unb64(data["sign"])),
            X25519PrivateKey.from_private_bytes(unb64(data["enc"])),
            unb64(data["deid_secret"]),
        )


def load_public_sign(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def load_public_enc(raw: bytes) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(raw)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_or_create(folder: Path, name: str = KEY_FILE) -> KeyPair:
    """The key pair in ``folder/name``, created on first use."""
    path = folder / name
    if path.exists():
        try:
            return KeyPair.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError) as exc:
            raise SyncKeyError(
                f"同步密钥文件已损坏：{path}",
                f"The sync key file is damaged: {path}",
            ) from exc
    keys = KeyPair.generate()
    write_private(path, keys.to_json())
    return keys


def box_keys(data_dir: Path) -> KeyPair:
    return load_or_create(data_dir / "sync")


def fingerprint(public_key: bytes) -> str:
    """A short human-comparable fingerprint of a public key (SHA-256, 16 hex groups)."""
    import hashlib

    digest = hashlib.sha256(public_key).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))
