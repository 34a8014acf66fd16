"""Signed and encrypted bundles between a clinic box and its mentor hub.

A bundle is one JSON document::

    {"v": 1, "h": {header}, "epk": b64, "nonce": b64, "ct": b64}

- ``h`` (the header, authenticated but readable) names the sender, the kind, the case id and the
  version: ``(clinic_id, case_id, version)`` is the idempotency key of a case.
- The plaintext ``{"payload": ..., "sig": b64}`` carries an Ed25519 signature by the sender over
  the canonical header and the SHA-256 of the canonical payload.
- It is encrypted to the recipient's X25519 key: an ephemeral X25519 key agreement, HKDF-SHA256,
  AES-256-GCM with the canonical header as associated data (ECIES, like HPKE base mode).

Anything altered — header, ciphertext, signer, recipient — makes :func:`open_bundle` raise
:class:`BundleRejected`; nothing partial is ever returned.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from appliance.errors import BundleRejected
from sync.keys import KeyPair, b64, load_public_sign, unb64

FORMAT_VERSION = 1
KINDS = frozenset({"case", "aggregate", "reply", "enrol"})
MAX_BUNDLE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Header:
    sender: str  # clinic id, or "hub"
    kind: str
    case_id: str
    version: int
    recipient: str = "hub"

    def key(self) -> tuple[str, str, int]:
        return (self.sender, self.case_id, self.version)


def canonical(data: Any) -> bytes:
    """Deterministic JSON bytes (sorted keys, no spaces, UTF-8) used for signing and hashing."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(payload: Any) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def _aead_key(shared: bytes, epk: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=epk + recipient_pub, info=b"clinicbox-bundle-v1"
    ).derive(shared)


def _signed_message(header: dict[str, Any], payload: Any) -> bytes:
    return b"clinicbox-sig-v1\x00" + canonical(header) + hashlib.sha256(canonical(payload)).digest()


def seal_bundle(header: Header, payload: Any, sender: KeyPair, recipient_enc_pub: bytes) -> bytes:
    """Sign ``payload`` with the sender's key and encrypt it to the recipient."""
    if header.kind not in KINDS:
        raise ValueError(f"unknown bundle kind {header.kind!r}")
    h = asdict(header)
    sig = sender.signing.sign(_signed_message(h, payload))
    plaintext = canonical({"payload": payload, "sig": b64(sig)})
    eph = X25519PrivateKey.generate()
    epk = eph.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_enc_pub))
    nonce = os.urandom(12)
    ct = AESGCM(_aead_key(shared, epk, recipient_enc_pub)).encrypt(nonce, plaintext, canonical(h))
    doc = {"v": FORMAT_VERSION, "h": h, "epk": b64(epk), "nonce": b64(nonce), "ct": b64(ct)}
    return canonical(doc)


def read_header(blob: bytes) -> Header:
    """The (unverified) header of a bundle, for routing; raises BundleRejected if malformed."""
    try:
        doc = json.loads(blob)
        if doc.get("v") != FORMAT_VERSION:
            raise ValueError("version")
        h = doc["h"]
        header = Header(
            sender=str(h["sender"]),
            kind=str(h["kind"]),
            case_id=str(h["case_id"]),
            version=int(h["version"]),
            recipient=str(h.get("recipient", "hub")),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleRejected(
            "病例包格式无效。", "The bundle is malformed.", details={"reason": "format"}
        ) from exc
    if header.kind not in KINDS or header.version < 1 or not header.case_id:
        raise BundleRejected(
            "病例包格式无效。", "The bundle is malformed.", details={"reason": "format"}
        )
    return header


def open_bundle(
    blob: bytes, recipient: KeyPair, sender_sign_key: Callable[[str], bytes | None]
) -> tuple[Header, Any]:
    """Decrypt and verify a bundle. ``sender_sign_key(sender)`` returns the enrolled key or None."""
    if len(blob) > MAX_BUNDLE_BYTES:
        raise BundleRejected("病例包过大。", "The bundle is too large.", details={"reason": "size"})
    header = read_header(blob)
    doc = json.loads(blob)
    h = asdict(header)
    if canonical(doc["h"]) != canonical(h):
        raise BundleRejected(details={"reason": "header"})
    try:
        epk = unb64(doc["epk"])
        shared = recipient.encryption.exchange(X25519PublicKey.from_public_bytes(epk))
        key = _aead_key(shared, epk, recipient.encryption_public)
        plaintext = AESGCM(key).decrypt(unb64(doc["nonce"]), unb64(doc["ct"]), canonical(h))
        inner = json.loads(plaintext)
        payload, sig = inner["payload"], unb64(inner["sig"])
    except (InvalidTag, ValueError, KeyError, TypeError) as exc:
        raise BundleRejected(
            "病例包无法解密或已被篡改。",
            "The bundle cannot be decrypted or was altered.",
            details={"reason": "decrypt"},
        ) from exc
    signer = sender_sign_key(header.sender)
    if signer is None:
        raise BundleRejected(
            "发送方未登记，拒收。",
            "The sender is not enrolled; refused.",
            details={"reason": "unknown_sender"},
        )
    try:
        load_public_sign(signer).verify(sig, _signed_message(h, payload))
    except (InvalidSignature, ValueError) as exc:
        raise BundleRejected(
            "病例包签名无效（不是登记的密钥签的），拒收。",
            "The bundle's signature is not from the enrolled key; refused.",
            details={"reason": "signature"},
        ) from exc
    return header, payload
