"""The pairing protocol and device request signatures (pure crypto, no I/O; LAN helper).

Pairing a clinic PC with the box:

1. The admin makes a one-time code on the box (``clinicbox pair`` or the TUI): 10 characters of
   Crockford base32 shown as ``ABCDE-FGHJK``, valid 10 minutes, usable once.
2. The PC connects (TLS 1.3), notes the certificate fingerprint it saw (not trusted yet), makes
   an Ed25519 key pair and sends its public key with ``client_proof`` = HMAC(code, fingerprint ‖
   public key). The code itself never crosses the network.
3. The box checks the proof against its own fingerprint. A man in the middle presents another
   certificate, so its relayed proof cannot match. The box answers with ``server_proof`` =
   HMAC(code, "server" ‖ fingerprint ‖ public key ‖ device id); the PC checks it, which confirms
   that the fingerprint it saw belongs to the box that showed the code (TOFU confirmed), and pins it.
4. Every later request is signed with the device key (``sign_request``), so a device token cannot
   be copied off the wire or replayed: the signature covers method, path, time, a nonce and the
   body hash; the box keeps recent nonces and refuses stale times.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_LENGTH = 10
CODE_TTL_S = 600
SIGNATURE_WINDOW_S = 300

HEADER_DEVICE = "x-clinicbox-device"
HEADER_TIME = "x-clinicbox-time"
HEADER_NONCE = "x-clinicbox-nonce"
HEADER_SIGNATURE = "x-clinicbox-signature"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_code(code: str) -> str:
    """Accept what people type: lower case, spaces, dashes, O for 0, I/L for 1."""
    cleaned = code.upper().replace("-", "").replace(" ", "").strip()
    return cleaned.translate(str.maketrans("OIL", "011"))


def code_key(code: str) -> bytes:
    """The secret derived from a code (what the box stores while the code is valid)."""
    return hashlib.sha256(b"clinicbox-pair-v1|" + normalize_code(code).encode()).digest()


def client_proof(key: bytes, fingerprint: str, public_key_b64: str) -> str:
    msg = f"client|{fingerprint}|{public_key_b64}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def server_proof(key: bytes, fingerprint: str, public_key_b64: str, device_id: str) -> str:
    msg = f"server|{fingerprint}|{public_key_b64}|{device_id}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def proofs_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# --- device keys ---------------------------------------------------------------------------


def new_device_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def load_private_key(b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(b64))


def public_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def load_public_key(b64: str) -> Ed25519PublicKey:
    """Raises ValueError on anything that is not a raw 32-byte Ed25519 key."""
    try:
        raw = base64.b64decode(b64, validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError("bad public key") from exc
    if len(raw) != 32:
        raise ValueError("bad public key")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(public_b64: str) -> str:
    """Short stable id of a device key (shown in ``devices list``)."""
    return hashlib.sha256(public_b64.encode()).hexdigest()[:16]


# --- request signatures --------------------------------------------------------------------


def signing_string(method: str, target: str, stamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{target}\n{stamp}\n{nonce}\n{digest}".encode()


def sign_request(
    key: Ed25519PrivateKey, device_id: str, method: str, target: str, body: bytes
) -> dict[str, str]:
    """Headers that authenticate one request from a paired device."""
    stamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    signature = key.sign(signing_string(method, target, stamp, nonce, body))
    return {
        HEADER_DEVICE: device_id,
        HEADER_TIME: stamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: base64.b64encode(signature).decode(),
    }


def verify_signature(
    public_b64: str, method: str, target: str, stamp: str, nonce: str, body: bytes, sig_b64: str
) -> bool:
    try:
        public = load_public_key(public_b64)
        public.verify(
            base64.b64decode(sig_b64, validate=True),
            signing_string(method, target, stamp, nonce, body),
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def fresh_time(stamp: str, now: float | None = None) -> bool:
    try:
        value = int(stamp)
    except ValueError:
        return False
    return abs((now if now is not None else time.time()) - value) <= SIGNATURE_WINDOW_S
