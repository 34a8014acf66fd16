"""The PC side of the LAN link: the paired-device file, pairing, and a signed, pinned HTTPS
transport (httpx) that turns the box's error bodies back into ClinicBoxError subclasses."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import ssl
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from appliance.api import pairing, tls
from appliance.config import Settings
from appliance.errors import (
    ClinicBoxError,
    DeviceNotPaired,
    FingerprintMismatch,
    PairingFailed,
    ServerUnreachable,
)


@dataclass
class PairedBox:
    device_id: str
    private_key: str
    host: str
    port: int
    fingerprint: str
    name: str = ""
    paired_at: str = ""


def paired_file(settings: Settings) -> Path:
    return settings.data_dir / "client" / "paired-box.json"


def load_paired(settings: Settings) -> PairedBox | None:
    path = paired_file(settings)
    if not path.is_file():
        return None
    try:
        return PairedBox(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return None


def save_paired(settings: Settings, box: PairedBox) -> Path:
    path = paired_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(box), fh, ensure_ascii=False, indent=2)
    os.replace(tmp, path)
    return path


# --- errors from the wire ------------------------------------------------------------------


def _subclasses(cls: type[ClinicBoxError]) -> Iterator[type[ClinicBoxError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def error_from_body(status: int, body: Any) -> ClinicBoxError:
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return ServerUnreachable(
            f"服务器返回了意外的响应（HTTP {status}）。",
            f"The box returned an unexpected response (HTTP {status}).",
        )
    code = str(err.get("code", "internal"))
    cls: type[ClinicBoxError] = ClinicBoxError
    for sub in _subclasses(ClinicBoxError):
        if sub.code == code:
            cls = sub
            break
    zh = str(err.get("message_zh") or err.get("message") or "")
    en = str(err.get("message_en") or err.get("message") or "")
    try:
        exc = cls.__new__(cls)
        ClinicBoxError.__init__(exc, zh, en, hint_zh="", hint_en="", details=err.get("details"))
    except Exception:
        exc = ClinicBoxError(zh, en, hint_zh="", hint_en="")
    return exc


# --- transport -----------------------------------------------------------------------------


class Transport:
    """Signed requests to one box, pinned to its certificate fingerprint."""

    def __init__(self, box: PairedBox, *, timeout: float = 30.0, lang: str = "zh") -> None:
        self.box = box
        self.key = pairing.load_private_key(box.private_key)
        ctx, _ = tls.pinned_client_context(box.fingerprint)
        self.client = httpx.Client(
            base_url=f"https://{box.host}:{box.port}",
            verify=ctx,
            timeout=httpx.Timeout(timeout, connect=5.0),
            headers={"accept-language": lang, "user-agent": "clinicbox-pc"},
            trust_env=False,
        )
        self.token: str | None = None

    def close(self) -> None:
        self.client.close()

    def _build(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        idem_key: str | None = None,
    ) -> httpx.Request:
        headers: dict[str, str] = {}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        if idem_key:
            headers["idempotency-key"] = idem_key
        if content is not None:
            headers["content-type"] = "application/octet-stream"
        request = self.client.build_request(
            method, path, json=json_body, params=params, content=content, headers=headers
        )
        body = request.read()
        target = request.url.raw_path.decode("ascii")
        request.headers.update(
            pairing.sign_request(self.key, self.box.device_id, method, target, body)
        )
        return request

    def _send(self, request: httpx.Request, stream: bool = False) -> httpx.Response:
        try:
            return self.client.send(request, stream=stream)
        except httpx.ConnectError as exc:
            if isinstance(exc.__context__, tls.PinMismatch) or "fingerprint" in str(exc):
                raise FingerprintMismatch() from None
            raise ServerUnreachable() from None
        except ssl.SSLError:
            raise FingerprintMismatch() from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError):
            raise ServerUnreachable() from None

    def request(self, method: str, path: str, *, retries: int = 2, **kw: Any) -> Any:
        """One call. A write carries an Idempotency-Key that stays the same across resends, so
        retrying after a lost answer cannot write twice."""
        key = secrets.token_hex(16) if method in ("POST", "PUT", "PATCH", "DELETE") else None
        for attempt in range(retries + 1):
            request = self._build(method, path, idem_key=key, **kw)
            try:
                response = self._send(request)
            except ServerUnreachable:
                if attempt >= retries:
                    raise
                time.sleep(0.25 * (attempt + 1))
                continue
            return self._result(response)
        raise ServerUnreachable()

    def raw(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """Send one signed request and return the response as is (tools, tests)."""
        return self._send(self._build(method, path, **kw))

    @staticmethod
    def _result(response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            raise error_from_body(response.status_code, body)
        return body

    def stream(self, method: str, path: str, **kw: Any) -> httpx.Response:
        request = self._build(method, path, **kw)
        response = self._send(request, stream=True)
        if response.status_code >= 400:
            response.read()
            response.close()
            self._result(response)
        return response


# --- pairing -------------------------------------------------------------------------------


def pair_with_box(
    settings: Settings,
    host: str,
    port: int,
    code: str,
    device_name: str,
    expected_fingerprint: str | None = None,
) -> PairedBox:
    """Pair this PC with the box at host:port using the one-time ``code`` (see pairing.py)."""
    try:
        seen = tls.fetch_fingerprint(host, port)
    except tls.PinMismatch:
        raise FingerprintMismatch() from None
    except OSError:
        raise ServerUnreachable() from None
    if expected_fingerprint and tls.normalize_fingerprint(expected_fingerprint) != seen:
        raise FingerprintMismatch()
    key = pairing.new_device_key()
    public = pairing.public_key_b64(key)
    secret = pairing.code_key(code)
    ctx, _ = tls.pinned_client_context(seen)
    body = {
        "device_name": device_name,
        "public_key": public,
        "proof": pairing.client_proof(secret, seen, public),
        "fingerprint": seen,
    }
    try:
        with httpx.Client(verify=ctx, timeout=15.0, trust_env=False) as client:
            response = client.post(f"https://{host}:{port}/api/v1/pair", json=body)
    except httpx.ConnectError:
        raise ServerUnreachable() from None
    except (httpx.TimeoutException, httpx.NetworkError):
        raise ServerUnreachable() from None
    result = Transport._result(response)
    device_id = str(result.get("device_id", ""))
    expected = pairing.server_proof(secret, seen, public, device_id)
    if not pairing.proofs_equal(expected, str(result.get("server_proof", ""))):
        # The box did not know our code: we are talking to an impostor.
        raise FingerprintMismatch()
    box = PairedBox(
        device_id=device_id,
        private_key=pairing.private_key_b64(key),
        host=host,
        port=port,
        fingerprint=seen,
        name=str(result.get("name", "")),
        paired_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    save_paired(settings, box)
    return box


def require_paired(settings: Settings) -> PairedBox:
    box = load_paired(settings)
    if box is None:
        raise DeviceNotPaired()
    return box


__all__ = [
    "PairedBox",
    "PairingFailed",
    "Transport",
    "error_from_body",
    "load_paired",
    "pair_with_box",
    "require_paired",
    "save_paired",
]
