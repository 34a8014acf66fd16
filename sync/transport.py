"""How the agent talks to the hub: a small ``HubTransport`` protocol with an HTTPS
implementation (httpx, hub certificate pinned at enrolment, resumable chunked uploads) and an
in-process one (tests and simulations talk to a real ``HubService`` without sockets)."""

from __future__ import annotations

import hashlib
import ssl
from collections.abc import Callable
from typing import Any, Protocol

from appliance.errors import (
    BundleRejected,
    ClinicBoxError,
    HubRequestRejected,
    HubUnavailable,
    PermissionDenied,
)

CHUNK_BYTES = 256 * 1024


class HubTransport(Protocol):
    def health(self) -> dict[str, Any]: ...

    def upload(
        self, blob: bytes, upload_id: str | None, remember: Callable[[str], None]
    ) -> dict[str, Any]: ...

    def replies(self, after: int) -> list[dict[str, Any]]: ...

    def ack(self, upto: int) -> None: ...

    def updates(self) -> list[dict[str, Any]]: ...

    def fetch_update(self, kind: str, version: str) -> bytes: ...


class InProcessTransport:
    """Calls a ``HubService`` directly, authenticated with the clinic's API token."""

    def __init__(self, hub: Any, api_token: str) -> None:
        self.hub = hub
        self.token = api_token

    def _clinic(self) -> str:
        return str(self.hub.authenticate(self.token))

    def health(self) -> dict[str, Any]:
        return {"ok": True, **self.hub.public_info()}

    def upload(
        self, blob: bytes, upload_id: str | None, remember: Callable[[str], None]
    ) -> dict[str, Any]:
        return dict(self.hub.ingest(self._clinic(), blob))

    def upload_batch(self, blobs: list[bytes]) -> list[dict[str, Any]]:
        return list(self.hub.ingest_many(self._clinic(), blobs))

    def replies(self, after: int) -> list[dict[str, Any]]:
        return list(self.hub.replies_after(self._clinic(), after))

    def ack(self, upto: int) -> None:
        self.hub.ack_replies(self._clinic(), upto)

    def updates(self) -> list[dict[str, Any]]:
        return list(self.hub.list_updates())

    def fetch_update(self, kind: str, version: str) -> bytes:
        return bytes(self.hub.update_path(kind, version).read_bytes())


def _raise_for(response: Any) -> None:
    if response.status_code < 400:
        return
    try:
        err = response.json()["error"]
        code, message = str(err.get("code")), str(err.get("message"))
    except Exception:
        code, message = "", response.text[:200]
    if response.status_code in (401, 403):
        raise PermissionDenied(
            f"帮扶医院拒绝了本机凭据：{message}",
            f"The hub refused this box's credentials: {message}",
        )
    if code == "bundle_rejected":
        raise BundleRejected(message, message)
    if response.status_code >= 500 or response.status_code == 429:
        raise HubUnavailable()
    raise HubRequestRejected(
        f"帮扶医院拒绝了请求：{message}",
        f"The hub refused the request: {message}",
        details={"code": code, "status": response.status_code},
    )


class HttpTransport:
    """HTTPS to the hub; ``cafile`` is the hub certificate pinned at enrolment."""

    def __init__(
        self,
        url: str,
        api_token: str | None,
        cafile: str | None,
        timeout: float = 30.0,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        import httpx

        verify: Any = True
        if cafile:
            verify = ssl.create_default_context(cafile=cafile)
        headers = {"Authorization": f"Bearer {api_token}"} if api_token else {}
        self.chunk = chunk_bytes
        self.client = httpx.Client(
            base_url=url.rstrip("/"), verify=verify, timeout=timeout, headers=headers
        )

    def close(self) -> None:
        self.client.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        try:
            response = self.client.request(method, path, **kwargs)
        except (httpx.TransportError, ssl.SSLError, OSError) as exc:
            raise HubUnavailable(details={"reason": exc.__class__.__name__}) from None
        _raise_for(response)
        return response

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/v1/health").json())

    def enrol(self, token: str, public: dict[str, str]) -> dict[str, str]:
        return dict(self._call("POST", "/v1/enrol", json={"token": token, **public}).json())

    def upload(
        self, blob: bytes, upload_id: str | None, remember: Callable[[str], None]
    ) -> dict[str, Any]:
        if len(blob) <= self.chunk:
            return dict(self._call("POST", "/v1/bundles", content=blob).json())
        offset = 0
        if upload_id:
            try:
                offset = int(self._call("GET", f"/v1/uploads/{upload_id}").json()["offset"])
            except HubRequestRejected:
                upload_id = None
        if not upload_id:
            body = {"size": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
            upload_id = str(self._call("POST", "/v1/uploads", json=body).json()["upload_id"])
            remember(upload_id)
            offset = 0
        while offset < len(blob):
            chunk = blob[offset : offset + self.chunk]
            try:
                response = self._call(
                    "PUT", f"/v1/uploads/{upload_id}", params={"offset": offset}, content=chunk
                )
                offset = int(response.json()["offset"])
            except HubRequestRejected as exc:
                if exc.details.get("status") != 409:
                    raise
                offset = int(self._call("GET", f"/v1/uploads/{upload_id}").json()["offset"])
        return dict(self._call("POST", f"/v1/uploads/{upload_id}/complete").json())

    def upload_batch(self, blobs: list[bytes]) -> list[dict[str, Any]]:
        """Several small bundles in one request; one receipt per bundle, in order."""
        body = {"bundles": [b.decode() for b in blobs]}
        return list(self._call("POST", "/v1/bundles/batch", json=body).json()["receipts"])

    def replies(self, after: int) -> list[dict[str, Any]]:
        return list(self._call("GET", "/v1/replies", params={"after": after}).json()["replies"])

    def ack(self, upto: int) -> None:
        self._call("POST", "/v1/replies/ack", json={"upto": upto})

    def updates(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/v1/updates").json()["updates"])

    def fetch_update(self, kind: str, version: str) -> bytes:
        return bytes(self._call("GET", f"/v1/updates/{kind}/{version}").content)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, HubUnavailable) or not isinstance(exc, ClinicBoxError)
