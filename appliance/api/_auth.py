"""Who is calling: the paired device (request signature) and the logged-in user (session token),
and what their role lets them do (:data:`ROLE_TABLE`, checked on every endpoint)."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi import Request

from appliance.api import pairing
from appliance.api._security import NonceCache, RateLimiter
from appliance.config import Settings
from appliance.errors import AuthRequired, DeviceNotPaired, PermissionDenied, RateLimited

#: endpoint → the service permission it needs (appliance/services/session.py decides which
#: roles hold it). The service layer checks again inside; this table refuses early, per endpoint.
ENDPOINT_PERMISSION: dict[str, str] = {
    "me": "assistant.use",
    "logout": "assistant.use",
    "features": "assistant.use",
    "patients.search": "patient.read",
    "patients.get": "patient.read",
    "patients.add": "patient.write",
    "patients.visits": "visit.read",
    "visits.get": "record.read",
    "visits.save": "record.write",
    "visits.refer": "referral.send",
    "visits.amend": "record.sign",
    "visits.autosave.get": "visit.write",
    "visits.autosave.put": "visit.write",
    "visits.autosave.delete": "visit.write",
    "triage": "triage.run",
    "meds.check": "meds.check",
    "qc": "qc.run",
    "emr.structure": "emr.structure",
    "transcribe": "transcribe",
    "followup.plan": "followup.manage",
    "followup.due": "followup.read",
    "assistant.ask": "assistant.use",
    "assistant.advise": "advise",
    "compute.status": "compute.view",
    "quality": "quality.view",
    "admin.users.list": "user.manage",
    "admin.users.add": "user.manage",
    "admin.users.lock": "user.manage",
    "admin.backup": "backup",
    "admin.audit.verify": "audit.verify",
    "admin.models": "models.manage",
    "admin.settings": "settings.manage",
    "admin.sync": "sync.manage",
    "devices.list": "store.admin",
    "devices.revoke": "store.admin",
    "devices.code": "store.admin",
    "security.alerts": "audit.read",
}
ROLES: tuple[str, ...] = ("admin", "doctor", "nurse", "front_desk", "kiosk")


def _roles_for(permission: str) -> frozenset[str]:
    from appliance.services.session import ROLE_PERMISSIONS

    return frozenset(r for r in ROLES if permission in ROLE_PERMISSIONS.get(r, frozenset()))


#: endpoint name → roles allowed. Every route with a user appears here (a test checks).
ROLE_TABLE: dict[str, frozenset[str]] = {
    endpoint: _roles_for(permission) for endpoint, permission in ENDPOINT_PERMISSION.items()
}

SESSION_IDLE_S = 30 * 60
NONCES_FILE = "api-nonces.log"  # request nonces seen, kept across restarts (replay window)
SESSION_MAX_S = 12 * 3600


@dataclass
class UserSession:
    token_hash: str
    service: Any  # LocalClinicService logged in as this user
    username: str
    role: str
    device_id: str
    created: float = field(default_factory=time.monotonic)
    last_used: float = field(default_factory=time.monotonic)


@dataclass
class Caller:
    device: dict[str, Any]
    ip: str
    session: UserSession | None = None

    @property
    def device_id(self) -> str:
        return str(self.device["device_id"])


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


class Gatekeeper:
    """Device signatures, user sessions, rate limits. One per app."""

    def __init__(self, settings: Settings, registry_getter: Any) -> None:
        self.settings = settings
        self._registry = registry_getter
        self.nonces = NonceCache(
            ttl_s=2 * pairing.SIGNATURE_WINDOW_S + 60, path=settings.data_dir / NONCES_FILE
        )
        self.request_limit = RateLimiter(settings.api_rate_per_minute, 60.0)
        self.login_limit = RateLimiter(10, 60.0)
        self.pair_limit = RateLimiter(5, 60.0)
        self.event_limit = RateLimiter(6, 60.0)
        self._sessions: dict[str, UserSession] = {}
        self._lock = threading.Lock()

    # --- devices -------------------------------------------------------------------------
    def note(self, kind: str, ip: str, **kw: Any) -> None:
        """Record a security event, at most a few per minute per (kind, ip) to resist floods."""
        if self.event_limit.hit((kind, ip)):
            registry = self._registry()
            if registry is not None:
                registry.record_event(kind, ip=ip, **kw)

    async def device(self, request: Request) -> Caller:
        ip = client_ip(request)
        if not self.request_limit.hit(("ip", ip)):
            raise RateLimited()
        h = request.headers
        device_id = h.get(pairing.HEADER_DEVICE, "")
        stamp = h.get(pairing.HEADER_TIME, "")
        nonce = h.get(pairing.HEADER_NONCE, "")
        signature = h.get(pairing.HEADER_SIGNATURE, "")
        path = request.url.path
        if not (device_id and stamp and nonce and signature):
            await self._note_async("unpaired_device", ip, detail=path)
            raise DeviceNotPaired()
        target = path + (f"?{request.url.query}" if request.url.query else "")
        body = await request.body()
        # The check itself is a quick indexed read and one Ed25519 verification: done inline
        # (a thread hop costs more on a busy 2-core box); the rare writes go to a worker thread.
        registry = self._registry()
        device_id = device_id[:64]
        device: dict[str, Any] | None = (
            registry.get_device(device_id) if registry is not None else None
        )
        if device is None:
            await self._note_async("unpaired_device", ip, device_id=device_id, detail=path)
            raise DeviceNotPaired()
        if device.get("revoked_at"):
            await self._note_async("revoked_device", ip, device_id=device_id, detail=path)
            raise DeviceNotPaired(details={"revoked": True})
        if not (
            pairing.fresh_time(stamp)
            and len(nonce) <= 64
            and pairing.verify_signature(
                device["public_key"], request.method, target, stamp, nonce, body, signature
            )
            and self.nonces.use(f"{device_id}:{nonce}")
        ):
            await self._note_async("bad_signature", ip, device_id=device_id, detail=path)
            raise DeviceNotPaired(
                "请求签名无效或已过期（请检查电脑时间）。",
                "The request signature is invalid or stale (check this computer's clock).",
            )
        assert registry is not None
        if registry.touch_due(device_id):
            await anyio.to_thread.run_sync(lambda: registry.touch(device_id, ip))
        return Caller(device=device, ip=ip)

    async def _note_async(self, kind: str, ip: str, **kw: Any) -> None:
        await anyio.to_thread.run_sync(lambda: self.note(kind, ip, **kw))

    # --- user sessions -------------------------------------------------------------------
    def open_session(self, caller: Caller, service: Any, username: str, role: str) -> str:
        token = secrets.token_urlsafe(32)
        key = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            self._expire()
            self._sessions[key] = UserSession(key, service, username, role, caller.device_id)
        return token

    def session(self, request: Request, caller: Caller) -> UserSession:
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            raise AuthRequired()
        key = hashlib.sha256(auth[7:].strip().encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            found = self._sessions.get(key)
            if found is None or found.device_id != caller.device_id:
                raise AuthRequired()
            if now - found.last_used > SESSION_IDLE_S or now - found.created > SESSION_MAX_S:
                self._drop(key)
                raise AuthRequired(
                    "登录已超时，请重新登录。", "Your session expired; log in again."
                )
            found.last_used = now
        caller.session = found
        return found

    def close_session(self, session: UserSession) -> None:
        with self._lock:
            self._drop(session.token_hash)

    def close_device_sessions(self, device_id: str) -> None:
        with self._lock:
            for key in [k for k, s in self._sessions.items() if s.device_id == device_id]:
                self._drop(key)

    def close_all(self) -> None:
        with self._lock:
            for key in list(self._sessions):
                self._drop(key)
        self.nonces.close()

    def _drop(self, key: str) -> None:
        found = self._sessions.pop(key, None)
        if found is not None:
            with contextlib.suppress(Exception):  # logging out must not fail a request
                found.service.logout()

    def _expire(self) -> None:
        now = time.monotonic()
        for key, s in list(self._sessions.items()):
            if now - s.last_used > SESSION_IDLE_S or now - s.created > SESSION_MAX_S:
                self._drop(key)


def check_role(endpoint: str, session: UserSession) -> None:
    allowed = ROLE_TABLE[endpoint]
    if session.role not in allowed:
        raise PermissionDenied(details={"endpoint": endpoint, "role": session.role})
