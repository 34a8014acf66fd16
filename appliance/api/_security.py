"""Transport-level protection of the LAN API: request size limits, security headers (no CORS:
no Access-Control-* header is ever sent, so browsers refuse cross-origin reads), rate limits and
the nonce cache that stops replayed device signatures."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON_LIMIT_BYTES = 1 * 1024 * 1024
UPLOAD_LIMIT_BYTES = 32 * 1024 * 1024
UPLOAD_PATHS = ("/api/v1/transcribe",)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"strict-transport-security", b"max-age=31536000"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), geolocation=(), microphone=(self)"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
PAGE_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    b"form-action 'self'"
)


def _too_large_body(limit: int) -> bytes:
    mib = limit // (1024 * 1024)
    zh = f"上传内容过大（上限 {mib} MiB）。"
    en = f"The upload is too large (limit {mib} MiB)."
    body = {"code": "payload_too_large", "message": zh, "message_zh": zh, "message_en": en}
    return json.dumps({"error": body}, ensure_ascii=False).encode()


class _TooLarge(Exception):
    pass


DRAIN_CAP_BYTES = 64 * 1024 * 1024


async def _drain(receive: Receive, cap: int) -> None:
    """Read and drop the rest of an oversized body (up to ``cap``) so the client, still sending,
    gets the 413 answer instead of a reset connection."""
    seen = 0
    while seen <= cap:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class GuardMiddleware:
    """Adds the security headers to every response and enforces the body size limits."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = UPLOAD_LIMIT_BYTES if path.startswith(UPLOAD_PATHS) else JSON_LIMIT_BYTES
        csp = API_CSP if path.startswith("/api/") else PAGE_CSP
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _drain(receive, DRAIN_CAP_BYTES)
                await self._reject(send, limit)
                return
        received = 0
        started = False
        rejected = False

        async def limited_receive() -> Message:
            nonlocal received, rejected, started
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer 413 now: frameworks may wrap the exception below into a 400.
                    if not started:
                        started = rejected = True
                        if message.get("more_body", False):
                            await _drain(receive, DRAIN_CAP_BYTES)
                        await self._reject(send, limit)
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if rejected:
                return
            if message["type"] == "http.response.start":
                started = True
                extra = [*SECURITY_HEADERS, (b"content-security-policy", csp)]
                if path.startswith("/api/"):
                    extra.append((b"cache-control", b"no-store"))
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = [
                    *[
                        (k, v)
                        for k, v in message.get("headers", [])
                        if not k.lower().startswith(b"access-control-")
                    ],
                    *[(k, v) for k, v in extra if k not in names],
                ]
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            if not started:
                await self._reject(send, limit)
        except Exception:
            if not rejected:
                raise

    @staticmethod
    async def _reject(send: Send, limit: int) -> None:
        body = _too_large_body(limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *SECURITY_HEADERS,
                    (b"content-security-policy", API_CSP),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """Sliding-window counters: at most ``limit`` events per ``window_s`` for each key."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._events: dict[Any, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: Any) -> bool:
        """Count one event; False when the key is over its limit (the event is not counted)."""
        now = time.monotonic()
        with self._lock:
            q = self._events.setdefault(key, deque())
            while q and now - q[0] > self.window_s:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            if len(self._events) > 10000:
                self._prune(now)
            return True

    def _prune(self, now: float) -> None:
        for k in [k for k, q in self._events.items() if not q or now - q[-1] > self.window_s]:
            del self._events[k]


class NonceCache:
    """Remembers nonces for the signature window; ``use`` is False for a replay.

    With ``path`` the nonces seen also go to a small append-only file (a hash of each and when
    it was seen), read back at start, so a request captured before a restart of ``serve`` cannot
    be replayed after it while its signature is still inside the time window.
    """

    def __init__(self, ttl_s: float, path: Path | None = None) -> None:
        self.ttl_s = ttl_s
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._last_prune = time.time()
        self._path = path
        self._file: Any = None
        self._lines = 0
        if path is not None:
            self._load(path)

    @staticmethod
    def _key(nonce: str) -> str:
        return hashlib.sha256(nonce.encode("utf-8")).hexdigest()[:32]

    def _load(self, path: Path) -> None:
        now = time.time()
        try:
            lines = path.read_text(encoding="ascii", errors="replace").splitlines()
        except OSError:
            lines = []
        for line in lines:
            parts = line.split()
            try:
                key, seen = parts[0], float(parts[1])
            except (IndexError, ValueError):
                continue  # a line cut short by a crash
            if now - seen < self.ttl_s:
                self._seen[key] = seen
        self._rewrite()

    def _rewrite(self) -> None:
        """Replace the file with the live entries only (at start and when it grows)."""
        assert self._path is not None
        if self._file is not None:
            self._file.close()
        tmp = self._path.with_name(self._path.name + ".tmp")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.writelines(f"{k} {t:.0f}\n" for k, t in self._seen.items())
            os.replace(tmp, self._path)
            fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._file = os.fdopen(fd, "a", encoding="ascii")
        except OSError:
            self._file = None  # memory only; the window still holds within this run
        self._lines = len(self._seen)

    def use(self, nonce: str) -> bool:
        now = time.time()
        key = self._key(nonce)
        with self._lock:
            if now - self._last_prune > 30:
                self._seen = {n: t for n, t in self._seen.items() if now - t < self.ttl_s}
                self._last_prune = now
                if self._path is not None and self._lines > 2 * len(self._seen) + 10000:
                    self._rewrite()
            if key in self._seen:
                return False
            self._seen[key] = now
            if self._file is not None:
                try:
                    self._file.write(f"{key} {now:.0f}\n")
                    self._file.flush()  # in the kernel's cache: survives a crash of serve
                    self._lines += 1
                except OSError:
                    pass
            return True

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
