"""The hub's TLS certificate: self-signed (ECDSA P-256), made on first start; clinics pin it by
its SHA-256 fingerprint at enrolment (or the hospital installs its own certificate)."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import socket
import ssl
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.keys import write_private


def cert_fingerprint(pem: str) -> str:
    der = ssl.PEM_cert_to_DER_cert(pem)
    return hashlib.sha256(der).hexdigest()


def normalize_fingerprint(value: str) -> str:
    return value.replace(":", "").replace(" ", "").lower()


def ensure_hub_cert(hub_dir: Path, hosts: list[str] | None = None) -> tuple[Path, Path, str]:
    """(cert path, key path, fingerprint); created when missing."""
    folder = hub_dir / "tls"
    cert_path, key_path = folder / "hub-cert.pem", folder / "hub-key.pem"
    if not cert_path.exists() or not key_path.exists():
        names = {"localhost", "127.0.0.1", socket.gethostname(), *(hosts or [])}
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ClinicBox mentor hub")])
        alt: list[x509.GeneralName] = []
        for name in sorted(names):
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alt.append(x509.DNSName(name))
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256())
        )
        write_private(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode(),
        )
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path, cert_fingerprint(cert_path.read_text())


def hub_ssl_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    """The hub's server context: TLS 1.3 only (like the clinic box's LAN API); a client that
    offers only TLS 1.2 or older fails the handshake."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(str(cert_path), str(key_path))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def server_config(app: Any, host: str, port: int, cert: Path, key: Path, **kw: Any) -> Any:
    """The uvicorn configuration of ``clinicbox hub serve`` (TLS 1.3 only)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_context_factory=lambda _cfg, _default: hub_ssl_context(cert, key),
        **kw,
    )


def fetch_server_cert(host: str, port: int, timeout: float = 10.0) -> str:
    """The PEM certificate a TLS server presents (not verified: the caller pins its fingerprint)."""
    return ssl.get_server_certificate((host, port), timeout=timeout)
