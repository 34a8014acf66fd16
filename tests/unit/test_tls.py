"""The box's TLS material: a clinic CA and a server certificate, TLS 1.3 only, pinned clients."""

from __future__ import annotations

import contextlib
import socket
import ssl
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from appliance.api import tls
from appliance.config import load_settings


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(tmp_path / "box")


@pytest.fixture
def tls_listener(settings) -> Iterator[int]:
    """A bare TLS server with the box's context on 127.0.0.1 (one handshake per connection)."""
    tls.ensure_tls_material(settings, "测试卫生院")
    ctx = tls.server_ssl_context(settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(5)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            try:
                with ctx.wrap_socket(conn, server_side=True) as tconn:
                    tconn.recv(1)
            except (OSError, ssl.SSLError):
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
    thread.join(5)


def test_init_makes_ca_and_server_cert_with_private_keys_0600(settings) -> None:
    fp = tls.ensure_tls_material(settings, "青山镇卫生院")
    paths = tls.tls_paths(settings)
    for key in (paths.ca_key, paths.server_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    certs = x509.load_pem_x509_certificates(paths.server_cert.read_bytes())
    leaf, ca = certs[0], certs[1]
    assert leaf.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in sans.get_values_for_type(x509.DNSName)
    assert len(fp) == 64 and fp == tls.server_fingerprint(settings)
    # calling again keeps the same material (init is idempotent; pins stay valid)
    assert tls.ensure_tls_material(settings, "青山镇卫生院") == fp


def test_missing_material_is_a_clear_error(settings) -> None:
    from appliance.errors import TlsError

    with pytest.raises(TlsError) as info:
        tls.server_ssl_context(settings)
    assert "clinicbox init" in info.value.message("zh")


def test_pinned_client_accepts_the_box_and_rejects_any_other_certificate(
    settings, tls_listener: int
) -> None:
    fp = tls.server_fingerprint(settings)
    assert tls.fetch_fingerprint("127.0.0.1", tls_listener) == fp
    ctx, _ = tls.pinned_client_context(tls.format_fingerprint(fp))
    with (
        socket.create_connection(("127.0.0.1", tls_listener), timeout=5) as raw,
        ctx.wrap_socket(raw) as conn,
    ):
        assert conn.version() == "TLSv1.3"
    wrong, _ = tls.pinned_client_context("00" * 32)
    with (
        socket.create_connection(("127.0.0.1", tls_listener), timeout=5) as raw,
        pytest.raises(tls.PinMismatch),
    ):
        wrong.wrap_socket(raw)


def test_server_refuses_tls_1_2(tls_listener: int) -> None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with (
        socket.create_connection(("127.0.0.1", tls_listener), timeout=5) as raw,
        pytest.raises(ssl.SSLError),
    ):
        ctx.wrap_socket(raw)


def test_fingerprint_formats_round_trip() -> None:
    fp = "ab" * 32
    shown = tls.format_fingerprint(fp)
    assert shown.startswith("AB:AB") and tls.normalize_fingerprint(shown) == fp


def test_clinicbox_init_makes_the_tls_material(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "init-passphrase-1")
    monkeypatch.setenv("CLINICBOX_ADMIN_PASSWORD", "Admin-pass-123")
    monkeypatch.setenv("CLINICBOX_PASSWORD_HASH_MEMORY_KIB", "1024")
    monkeypatch.setenv("CLINICBOX_STORE_KDF_LOG2_N", "12")
    box = tmp_path / "box"
    result = cli(
        "init", "--data-dir", str(box), "--clinic", "青山镇卫生院", "--admin", "admin", "--json"
    )
    assert result.rc == 0, result.err
    fingerprint = result.json()["tls_fingerprint"]
    settings = load_settings(box)
    assert fingerprint == tls.server_fingerprint(settings)
    assert tls.tls_paths(settings).complete()
