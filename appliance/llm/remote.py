"""Compute sharing (算力共享): an OpenAI-compatible remote backend with policy and fallback.

The peer is ``llama-server``, ``llama_cpp.server`` or another ClinicBox running
``clinicbox compute serve``. Policy (``llm_offload``):

- ``never``: everything runs on this box;
- ``lan``: when the local queue is long (``llm_offload_queue`` jobs waiting), work may go to a
  peer box *on the clinic LAN* (literal private/loopback IP, ``*.local`` or single-label host);
  an off-site endpoint still gets de-identified work only;
- ``deidentified``: only requests the caller marks ``deidentified=True`` leave the box (mentor
  hospital or rented cloud endpoint, 按需租赁).

Transport: ``https://`` peers are pinned by certificate fingerprint (``llm_remote_fingerprint``;
the peer's ``clinicbox compute serve`` uses the box's LAN certificate); plain ``http://`` is used
only for a peer on the clinic LAN, never off-site.

When the peer is unreachable or fails, the engine falls back to the local model and the peer is
skipped for ``BACKOFF_S`` seconds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import ssl
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from appliance.config import Settings
from appliance.errors import RemoteComputeUnavailable
from appliance.llm._schema import parse_and_validate
from appliance.llm._template import strip_think
from appliance.llm._types import ChatResult, Timings

if TYPE_CHECKING:
    from appliance.llm.engine import Engine

log = logging.getLogger("clinicbox.llm.remote")
BACKOFF_S = 30.0


def pinned_tls_context(fingerprint: str) -> ssl.SSLContext:
    """TLS 1.2+ client context that accepts exactly the certificate whose SHA-256 is
    ``fingerprint``; checked right after the handshake, before any request byte is sent."""
    expected = fingerprint.replace(":", "").replace(" ", "").strip().lower()

    def check(obj: Any) -> None:
        der = obj.getpeercert(binary_form=True)
        if not der or hashlib.sha256(der).hexdigest() != expected:
            raise ssl.SSLError("peer certificate does not match the pinned fingerprint")

    class _Socket(ssl.SSLSocket):
        def do_handshake(self, block: bool = False) -> None:
            super().do_handshake(block)
            check(self)

    class _Object(ssl.SSLObject):
        def do_handshake(self) -> None:
            super().do_handshake()
            check(self)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False  # identity is the pinned certificate, not a public name
    ctx.verify_mode = ssl.CERT_NONE
    ctx.sslsocket_class = _Socket
    ctx.sslobject_class = _Object
    return ctx


def is_lan_host(host: str) -> bool:
    """True for a literal private/loopback/link-local IP, ``*.local`` or a single-label name.
    No DNS lookup: a public name is treated as off-site."""
    host = host.strip("[]").lower()
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or host.endswith(".local") or "." not in host
    return ip.is_private or ip.is_loopback or ip.is_link_local


class RemoteBackend:
    def __init__(
        self,
        url: str,
        *,
        policy: str,
        offload_queue: int = 3,
        timeout_s: float = 120.0,
        api_key: str | None = None,
        model: str | None = None,
        fingerprint: str | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        if self.url.endswith("/v1"):
            self.url = self.url[:-3]
        self.host = urlsplit(self.url).hostname or ""
        self.lan = is_lan_host(self.host)
        self.policy = policy
        self.offload_queue = offload_queue
        self.timeout_s = timeout_s
        self.api_key = api_key
        self.model = model
        # https peers are pinned by certificate fingerprint; plain http only to a LAN peer
        self.verify: ssl.SSLContext | bool = (
            pinned_tls_context(fingerprint) if fingerprint else self.url.startswith("https")
        )
        self._failed_at = 0.0
        self._lock = threading.Lock()
        self.calls = 0
        self.failures = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteBackend:
        key = settings.llm_remote_api_key
        return cls(
            settings.llm_remote_url or "",
            policy=settings.llm_offload,
            offload_queue=settings.llm_offload_queue,
            timeout_s=settings.llm_timeout_s,
            api_key=key.get_secret_value() if key is not None else None,
            fingerprint=settings.llm_remote_fingerprint,
        )

    @property
    def name(self) -> str:
        return f"remote:{self.host}"

    def allowed(self, deidentified: bool) -> bool:
        if self.policy == "never" or not self.url:
            return False
        if not self.url.startswith("https") and not self.lan:
            return False  # never send anything off-site in the clear
        if self.policy == "lan":
            return self.lan or deidentified
        return deidentified  # "deidentified"

    def in_backoff(self) -> bool:
        with self._lock:
            return time.monotonic() - self._failed_at < BACKOFF_S

    def should_offload(self, engine: Engine | None, task: str, deidentified: bool) -> bool:
        if not self.allowed(deidentified) or self.in_backoff():
            return False
        depth = engine.scheduler.stats().depth if engine is not None else 0
        return depth >= self.offload_queue

    def _fail(self, reason: str) -> RemoteComputeUnavailable:
        with self._lock:
            self._failed_at = time.monotonic()
            self.failures += 1
        log.warning("remote compute %s failed: %s", self.host, reason)
        return RemoteComputeUnavailable(details={"host": self.host, "reason": reason})

    def chat(
        self,
        messages: Sequence[dict[str, Any]],
        *,
        task: str = "assistant",
        schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        no_think: bool = True,
        timeout_s: float | None = None,
        temperature: float | None = None,
    ) -> ChatResult:
        import httpx

        body: dict[str, Any] = {
            "messages": [dict(m) for m in messages],
            "max_tokens": max_tokens,
            "temperature": (0.1 if schema else 0.3) if temperature is None else temperature,
            "stream": False,
        }
        if self.model:
            body["model"] = self.model
        if schema is not None:
            body["response_format"] = {"type": "json_object", "schema": schema}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        started = time.monotonic()
        self.calls += 1
        try:
            resp = httpx.post(
                f"{self.url}/v1/chat/completions",
                json=body,
                headers=headers,
                timeout=httpx.Timeout(timeout_s or self.timeout_s, connect=3.0),
                verify=self.verify,
            )
        except httpx.HTTPError as exc:
            raise self._fail(type(exc).__name__) from None
        if resp.status_code != 200:
            raise self._fail(f"HTTP {resp.status_code}")
        try:
            payload = resp.json()
            content = payload["choices"][0]["message"]["content"] or ""
            finish = payload["choices"][0].get("finish_reason") or "stop"
            usage = payload.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError):
            raise self._fail("malformed response") from None
        text, reasoning = strip_think(content)
        data = parse_and_validate(text, schema) if schema is not None else None
        total = time.monotonic() - started
        return ChatResult(
            text=text.strip(),
            data=data,
            model=str(payload.get("model") or self.host),
            task=task,
            finish_reason="length" if finish == "length" else "stop",
            backend=self.name,
            timings=Timings(
                prompt_tokens=int(usage.get("prompt_tokens", 0)),
                completion_tokens=int(usage.get("completion_tokens", 0)),
                ttft_s=total,
                total_s=total,
            ),
            reasoning=reasoning,
        )
