"""TLS material of the box: a clinic CA, a server certificate, TLS 1.3-only contexts, pinning.

``ensure_tls_material(settings, clinic_name)`` is called by ``clinicbox init`` (and again by
``clinicbox serve`` when the files are missing). It writes, under ``<data_dir>/tls/``:

- ``ca.key`` / ``ca.crt``: the clinic's own certificate authority (EC P-256, 20 years);
- ``server.key`` / ``server.crt``: the box's server certificate signed by that CA (10 years),
  valid for ``localhost``, the host name, 127.0.0.1 and the box's current LAN addresses.

Private keys are written with mode 0600. Clients do not rely on public CAs (the box is offline):
they pin the SHA-256 fingerprint of the server certificate, first learnt from mDNS or the first
connection (trust on first use) and confirmed by the pairing code (see ``pairing.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from appliance.config import Settings
from appliance.errors import TlsError

TLS_DIR_NAME = "tls"


@dataclass(frozen=True)
class TlsPaths:
    directory: Path

    @property
    def ca_key(self) -> Path:
        return self.directory / "ca.key"

    @property
    def ca_cert(self) -> Path:
        return self.directory / "ca.crt"

    @property
    def server_key(self) -> Path:
        return self.directory / "server.key"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server.crt"

    def complete(self) -> bool:
        return all(p.is_file() for p in (self.ca_cert, self.server_key, self.server_cert))


def tls_paths(settings: Settings) -> TlsPaths:
    return TlsPaths(settings.data_dir / TLS_DIR_NAME)


def fingerprint_der(der: bytes) -> str:
    """SHA-256 of a DER certificate as 64 lowercase hex digits (what clients pin)."""
    return hashlib.sha256(der).hexdigest()


def format_fingerprint(fp: str) -> str:
    """``ab12…`` → ``AB:12:…`` for reading aloud / comparing on screen."""
    return ":".join(fp[i : i + 2] for i in range(0, len(fp), 2)).upper()


def normalize_fingerprint(fp: str) -> str:
    return fp.replace(":", "").replace(" ", "").strip().lower()


def server_fingerprint(settings: Settings) -> str:
    from appliance.services.lan_devices import certificate_fingerprint

    fingerprint = certificate_fingerprint(settings.data_dir)
    if not fingerprint:
        raise TlsError()
    return fingerprint


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o600)


def _write_public(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def local_addresses() -> list[str]:
    """IPv4 addresses of this machine's interfaces (best effort, no network traffic)."""
    found: set[str] = {"127.0.0.1"}
    try:
        import psutil

        for addrs in psutil.net_if_addrs().values():
            for addr in addrs:
                if addr.family == socket.AF_INET and addr.address:
                    found.add(addr.address)
    except Exception:  # noqa: S110 - psutil missing or restricted: localhost still works
        pass
    return sorted(found)


def _name(common_name: str, clinic_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, (clinic_name or "ClinicBox")[:64]),
        ]
    )


def make_tls_material(settings: Settings, clinic_name: str, *, overwrite: bool = False) -> TlsPaths:
    """Create the clinic CA and the server certificate. Returns their paths."""
    paths = tls_paths(settings)
    if paths.complete() and not overwrite:
        return paths
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"ClinicBox CA {clinic_name}", clinic_name)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    host = socket.gethostname() or "clinicbox"
    sans: list[x509.GeneralName] = [x509.DNSName("localhost")]
    for dns in {host, f"{host}.local"}:
        try:
            sans.append(x509.DNSName(dns.encode("idna").decode("ascii")))
        except UnicodeError:
            continue
    for ip in local_addresses():
        sans.append(x509.IPAddress(ipaddress.ip_address(ip)))
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(host, clinic_name))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(paths.ca_key, _pem_key(ca_key))
    _write_public(paths.ca_cert, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_private(paths.server_key, _pem_key(server_key))
    _write_public(
        paths.server_cert,
        server_cert.public_bytes(serialization.Encoding.PEM)
        + ca_cert.public_bytes(serialization.Encoding.PEM),
    )
    return paths


def ensure_tls_material(settings: Settings, clinic_name: str = "ClinicBox") -> str:
    """Make the TLS material if missing (called by ``clinicbox init``); return the fingerprint."""
    make_tls_material(settings, clinic_name)
    return server_fingerprint(settings)


def server_ssl_context(settings: Settings) -> ssl.SSLContext:
    """TLS 1.3 only, the box's certificate chain loaded."""
    paths = tls_paths(settings)
    if not paths.complete():
        raise TlsError()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(str(paths.server_cert), str(paths.server_key))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


# --- client side: fingerprint pinning ------------------------------------------------------


class PinMismatch(ssl.SSLError):
    """The server presented a certificate other than the pinned one."""


def _check_pin(ssl_obj: Any, expected: str | None, seen: list[str]) -> None:
    der = ssl_obj.getpeercert(binary_form=True)
    if not der:
        raise PinMismatch("no peer certificate")
    fp = fingerprint_der(der)
    seen.append(fp)
    if expected is not None and fp != expected:
        raise PinMismatch("certificate fingerprint does not match the pinned one")


def pinned_client_context(fingerprint: str | None) -> tuple[ssl.SSLContext, list[str]]:
    """A TLS 1.3 client context that accepts exactly the server certificate ``fingerprint``.

    The check runs right after the handshake, before a single byte of the request is sent.
    With ``fingerprint=None`` any certificate is accepted (first contact, trust on first use):
    the fingerprint seen is appended to the returned list so the caller can confirm it (with the
    pairing code) before trusting it.
    """
    expected = normalize_fingerprint(fingerprint) if fingerprint else None
    seen: list[str] = []

    class _PinnedSocket(ssl.SSLSocket):
        def do_handshake(self, block: bool = False) -> None:
            super().do_handshake(block)
            _check_pin(self, expected, seen)

    class _PinnedObject(ssl.SSLObject):
        def do_handshake(self) -> None:
            super().do_handshake()
            _check_pin(self, expected, seen)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.check_hostname = False  # identity is the pinned fingerprint, not a public name
    ctx.verify_mode = ssl.CERT_NONE
    ctx.sslsocket_class = _PinnedSocket
    ctx.sslobject_class = _PinnedObject
    return ctx, seen


def fetch_fingerprint(host: str, port: int, timeout: float = 5.0) -> str:
    """Connect once and return the server certificate's fingerprint (no data is sent)."""
    ctx, seen = pinned_client_context(None)
    with (
        socket.create_connection((host, port), timeout=timeout) as raw,
        ctx.wrap_socket(raw, server_hostname=None),
    ):
        pass
    return seen[-1]
