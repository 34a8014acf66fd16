"""``create_app(settings, runtime)``: the LAN API of the box as a FastAPI app.

Layers, outside in: size limits + security headers (``GuardMiddleware``; no CORS middleware, so
no cross-origin access), then per-route dependencies for the device signature, the user session
and the role (``ROLE_TABLE``). Errors are ``{"error": {"code", "message", "message_zh",
"message_en"}}`` with the error's HTTP status; the message language follows Accept-Language.
OpenAPI: ``/api/v1/openapi.json`` and an offline page at ``/api/v1/docs`` (no CDN assets).
"""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from appliance import __version__
from appliance.api._calls import as_clinicbox_error, error_body, request_lang
from appliance.api._context import ApiContext
from appliance.api._security import GuardMiddleware
from appliance.config import Settings
from appliance.errors import ClinicBoxError, InputError, NotFoundError
from appliance.services.interface import ClinicRuntime

log = logging.getLogger("clinicbox.api")


def _validation_error(exc: RequestValidationError) -> InputError:
    unknown_vitals = [
        str(err["loc"][-1])
        for err in exc.errors()
        if err.get("type") == "extra_forbidden" and "vitals" in err.get("loc", ())[:-1]
    ]
    if unknown_vitals:  # the same refusal, with the accepted keys, as the CLI gives
        from appliance.services._safety_triage import unknown_vitals_error

        return unknown_vitals_error(sorted(unknown_vitals))
    fields = []
    for err in exc.errors()[:8]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        fields.append(f"{'.'.join(loc) or '(body)'} ({err.get('type', 'invalid')})")
    listing = "; ".join(fields)
    return InputError(
        f"输入字段有误：{listing}",
        f"Invalid input field(s): {listing}",
        details={"fields": [f.split(" ")[0] for f in fields]},
    )


def _http_error(exc: StarletteHTTPException) -> ClinicBoxError:
    if exc.status_code == 404:
        return NotFoundError("没有这个接口。", "No such endpoint.")
    if exc.status_code == 405:
        err = InputError("不支持此请求方法。", "This method is not allowed here.")
        err.http_status = 405  # type: ignore[misc]
        return err
    err = InputError("请求无效。", "The request is not valid.")
    err.http_status = exc.status_code if 400 <= exc.status_code < 500 else 400  # type: ignore[misc]
    return err


def create_app(
    settings: Settings,
    runtime: ClinicRuntime | None = None,
    *,
    fingerprint: str = "",
    clinic_name: str = "",
) -> FastAPI:
    """The API over ``runtime`` (a :class:`ClinicRuntime`, shared by one service per user)."""
    if runtime is None:
        from appliance.runtime import build_runtime

        runtime = build_runtime(settings)
    ctx = ApiContext(settings, runtime, fingerprint, clinic_name)
    app = FastAPI(
        title="ClinicBox LAN API",
        version=__version__,
        description="诊所局域网接口：患者、就诊、分诊、用药、质控、转写、助手、随访、算力。"
        " / The clinic LAN API. Paired devices sign every request; users log in; roles apply.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx

    @app.exception_handler(ClinicBoxError)
    async def on_clinicbox_error(request: Request, exc: ClinicBoxError) -> JSONResponse:
        return JSONResponse(error_body(exc, request_lang(request)), status_code=exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        err = _validation_error(exc)
        return JSONResponse(error_body(err, request_lang(request)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        err = _http_error(exc)
        return JSONResponse(error_body(err, request_lang(request)), status_code=err.http_status)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        err = as_clinicbox_error(exc)
        return JSONResponse(error_body(err, request_lang(request)), status_code=err.http_status)

    from appliance.api.routes_admin import build_admin_router
    from appliance.api.routes_clinic import build_clinic_router

    app.include_router(build_admin_router(ctx))
    app.include_router(build_clinic_router(ctx))
    _mount_assistant(app, ctx)

    @app.get("/api/v1/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_docs_page(app.openapi()))

    app.add_middleware(GuardMiddleware)
    return app


def _mount_assistant(app: FastAPI, ctx: ApiContext) -> None:
    """The patient assistant page (kiosk/phone) and its endpoints."""
    from appliance.api.routes_assistant import build_router

    app.include_router(build_router(ctx.settings, ctx.runtime))


def _docs_page(schema: dict[str, Any]) -> str:
    """A self-contained endpoint list from the OpenAPI schema (the box has no internet)."""
    rows = []
    for path, ops in sorted(schema.get("paths", {}).items()):
        for method, op in ops.items():
            roles = ", ".join(op.get("x-roles", [])) or "—"
            rows.append(
                f"<tr><td>{html.escape(method.upper())}</td><td><code>{html.escape(path)}"
                f"</code></td><td>{html.escape(op.get('summary', ''))}</td>"
                f"<td>{html.escape(roles)}</td></tr>"
            )
    return (
        "<!doctype html><html lang='zh'><meta charset='utf-8'><title>ClinicBox API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 8px;"
        "border-bottom:1px solid #ddd;text-align:left}</style>"
        f"<h1>ClinicBox LAN API {html.escape(schema.get('info', {}).get('version', ''))}</h1>"
        "<p>OpenAPI: <a href='/api/v1/openapi.json'>/api/v1/openapi.json</a>。"
        "每个请求需已配对设备的签名；登录后按角色授权。/ Every request is signed by a paired "
        "device; users log in; roles apply.</p><table><tr><th>方法</th><th>路径</th>"
        "<th>说明</th><th>角色 / roles</th></tr>" + "".join(rows) + "</table></html>"
    )
