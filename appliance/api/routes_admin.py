"""Public, login, pairing and administration endpoints of the LAN API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request

from appliance.api import discovery
from appliance.api._auth import ROLE_TABLE, Caller, client_ip
from appliance.api._calls import session_of
from appliance.api._context import ApiContext
from appliance.api._models import BackupIn, CodeIn, LockIn, LoginIn, PairIn, UserIn
from appliance.errors import ClinicBoxError, PermissionDenied, RateLimited

F = TypeVar("F", bound=Callable[..., Any])


def _roles(endpoint: str) -> dict[str, Any]:
    return {"x-roles": sorted(ROLE_TABLE[endpoint]), "x-endpoint": endpoint}


def build_admin_router(ctx: ApiContext) -> APIRouter:
    r = APIRouter(prefix="/api/v1")
    calls = ctx.calls
    gate = ctx.gate

    def route(method: str, path: str, endpoint: str, **kw: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = getattr(r, method)(
            path, name=endpoint, openapi_extra=_roles(endpoint), **kw
        )
        return decorator

    # --- public: what a PC needs before pairing ------------------------------------------
    @r.get("/hello", name="hello", summary="服务器信息（无患者数据）/ Box info, no patient data")
    async def hello(request: Request) -> dict[str, Any]:
        if not gate.request_limit.hit(("ip", client_ip(request))):
            raise RateLimited()
        return {
            "service": "clinicbox",
            "api": discovery.API_VERSION,
            "name": ctx.clinic_name,
            "fingerprint": ctx.fingerprint,
            "locked": getattr(ctx.runtime, "store", None) is None,
        }

    @r.post("/pair", name="pair", summary="用一次性配对码配对 / Pair with a one-time code")
    async def pair(body: PairIn, request: Request) -> dict[str, Any]:
        ip = client_ip(request)
        if not gate.pair_limit.hit(ip):
            gate.note("pairing_rate_limited", ip)
            raise RateLimited()
        registry = ctx.need_registry()
        if body.fingerprint != ctx.fingerprint:
            # The PC saw another certificate than ours: a man in the middle, or a stale pin.
            gate.note("pairing_fingerprint_mismatch", ip)
        result = await calls.run(
            lambda: registry.pair(
                fingerprint=ctx.fingerprint,
                public_key=body.public_key,
                proof=body.proof,
                name=body.device_name,
                ip=ip,
            )
        )
        return {**result, "name": ctx.clinic_name, "api": discovery.API_VERSION}

    # --- login ---------------------------------------------------------------------------
    @r.post("/auth/login", name="login", summary="用户登录 / Log in")
    async def login(body: LoginIn, caller: Caller = Depends(ctx.device())) -> dict[str, Any]:
        if not gate.login_limit.hit((caller.ip, body.username.lower())):
            gate.note("login_rate_limited", caller.ip, username=body.username[:64])
            raise RateLimited()
        service = ctx.new_service()
        try:
            user = await calls.run(lambda: service.login(body.username, body.password))
        except ClinicBoxError:
            registry = ctx.registry()
            if registry is not None:
                await calls.run(
                    lambda: registry.record_event(
                        "login_failed",
                        username=body.username[:64],
                        device_id=caller.device_id,
                        ip=caller.ip,
                    )
                )
            raise
        role = str(user.get("role", ""))
        if role not in ROLE_TABLE["me"]:
            service.logout()
            raise PermissionDenied()
        token = gate.open_session(caller, service, str(user.get("username")), role)
        return {"token": token, "user": dict(user)}

    @route("post", "/auth/logout", "logout", summary="退出登录 / Log out")
    async def logout(caller: Caller = Depends(ctx.user("logout"))) -> dict[str, bool]:
        gate.close_session(session_of(caller))
        return {"ok": True}

    # --- administration ------------------------------------------------------------------
    def svc(caller: Caller) -> Any:
        return session_of(caller).service

    @route("get", "/admin/users", "admin.users.list", summary="用户列表 / Users")
    async def list_users(caller: Caller = Depends(ctx.user("admin.users.list"))) -> Any:
        return await calls.run(svc(caller).list_users)

    @route("post", "/admin/users", "admin.users.add", status_code=201, summary="新增用户")
    async def add_user(
        body: UserIn, request: Request, caller: Caller = Depends(ctx.user("admin.users.add"))
    ) -> Any:
        def add() -> dict[str, Any]:
            svc(caller).add_user(body.username, body.password, body.role, body.display_name)
            return {"username": body.username, "role": body.role}

        return await calls.write(request, caller, add, status=201)

    @route("post", "/admin/users/{username}/lock", "admin.users.lock", summary="锁定/解锁用户")
    async def lock_user(
        username: str,
        body: LockIn,
        request: Request,
        caller: Caller = Depends(ctx.user("admin.users.lock")),
    ) -> Any:
        def lock() -> dict[str, Any]:
            svc(caller).set_user_locked(username[:64], body.locked)
            return {"username": username[:64], "locked": body.locked}

        return await calls.write(request, caller, lock)

    @route("post", "/admin/backup", "admin.backup", summary="备份 / Back up")
    async def backup(
        body: BackupIn, request: Request, caller: Caller = Depends(ctx.user("admin.backup"))
    ) -> Any:
        return await calls.write(request, caller, lambda: svc(caller).backup(body.destination))

    @route("get", "/admin/audit/verify", "admin.audit.verify", summary="审计链校验")
    async def verify_audit(caller: Caller = Depends(ctx.user("admin.audit.verify"))) -> Any:
        return await calls.run(svc(caller).verify_audit)

    @route("get", "/admin/models", "admin.models", summary="模型 / Models")
    async def models(caller: Caller = Depends(ctx.user("admin.models"))) -> Any:
        return await calls.run(svc(caller).list_models)

    @route("get", "/admin/settings", "admin.settings", summary="设置摘要 / Settings")
    async def settings(caller: Caller = Depends(ctx.user("admin.settings"))) -> Any:
        return await calls.run(svc(caller).settings_summary)

    @route("get", "/admin/sync", "admin.sync", summary="同步状态 / Sync status")
    async def sync_status(caller: Caller = Depends(ctx.user("admin.sync"))) -> Any:
        return await calls.run(svc(caller).sync_status)

    # --- devices and security ------------------------------------------------------------
    @route("get", "/devices", "devices.list", summary="已配对设备 / Paired devices")
    async def list_devices(caller: Caller = Depends(ctx.user("devices.list"))) -> Any:
        return await calls.run(ctx.need_registry().list_devices)

    @route("post", "/devices/{device_id}/revoke", "devices.revoke", summary="撤销设备")
    async def revoke_device(
        device_id: str, request: Request, caller: Caller = Depends(ctx.user("devices.revoke"))
    ) -> Any:
        registry = ctx.need_registry()
        by = session_of(caller).username

        def revoke() -> Any:
            found = registry.revoke(device_id[:64], by)
            gate.close_device_sessions(device_id)
            return found

        return await calls.write(request, caller, revoke)

    @route("post", "/devices/pairing-code", "devices.code", summary="生成配对码 / Pairing code")
    async def pairing_code(body: CodeIn, caller: Caller = Depends(ctx.user("devices.code"))) -> Any:
        registry = ctx.need_registry()
        by = session_of(caller).username
        code = await calls.run(lambda: registry.create_code(by, body.ttl_s))
        return {**code, "fingerprint": ctx.fingerprint}

    @route("get", "/security/alerts", "security.alerts", summary="入侵告警 / Intrusion alerts")
    async def alerts(
        hours: float = Query(24.0, gt=0, le=24 * 90),
        caller: Caller = Depends(ctx.user("security.alerts")),
    ) -> Any:
        from appliance.api.alerts import security_alerts

        store = ctx.need_registry().store
        return await calls.run(lambda: security_alerts(store, ctx.settings, hours=hours))

    return r
