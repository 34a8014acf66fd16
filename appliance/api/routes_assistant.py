"""The patient assistant on the clinic LAN: a small mobile web page and its JSON endpoints.

Patients' phones on the clinic Wi-Fi open ``/assistant`` (the kiosk shows a QR code of that
address from ``/assistant/qr.svg``). The page needs no login: health questions are public
information; self-service look-ups need the visit code + last 4 phone digits first, are
rate-limited per client and audited. Mounted by ``appliance.api.app.create_app``.

- ``GET  /assistant``                 the page (static HTML, no external resources)
- ``GET  /assistant/qr.svg``          QR code of the page's address
- ``POST /api/assistant/ask``         ``{"question"}`` → the ``clinicbox ask`` contract
- ``POST /api/assistant/stream``      ``{"message", "token"?}`` → server-sent events (delta…, final)
- ``POST /api/assistant/chat``        ``{"message", "token"?}`` → answer | verify | tool result
- ``POST /api/assistant/verify``      ``{"visit_code", "phone_last4"}`` → ``{"token", "patient"}``
- ``POST /api/assistant/tool``        ``{"tool", "arguments", "token"}`` → tool result
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from appliance.config import Settings
from appliance.errors import ClinicBoxError, RateLimited
from appliance.services._assistant_selfservice import SlidingWindow

ASK_PER_MINUTE = 30


class AskBody(BaseModel):
    question: str = Field(min_length=1, max_length=500)


class ChatBody(BaseModel):
    message: str = Field(min_length=1, max_length=500)
    token: str | None = Field(None, max_length=100)


class VerifyBody(BaseModel):
    visit_code: str = Field(min_length=4, max_length=16)
    phone_last4: str = Field(pattern=r"^\d{4}$")


class ToolBody(BaseModel):
    tool: str = Field(min_length=1, max_length=40)
    arguments: dict[str, Any] = Field(default_factory=dict)
    token: str = Field(min_length=1, max_length=100)


class _Assistants:
    """One AssistantService per unlocked store (re-created when the store is unlocked later)."""

    def __init__(self, settings: Settings, runtime: Any) -> None:
        self.settings = settings
        self.runtime = runtime
        self._service: Any = None
        self._store: Any = None
        self._lock = threading.Lock()
        self.asks = SlidingWindow(ASK_PER_MINUTE, 60.0)

    def get(self) -> Any:
        from appliance.services.assistant import AssistantService

        store = getattr(self.runtime, "store", None)
        with self._lock:
            if self._service is None or store is not self._store:
                engine = None
                engine_of = getattr(self.runtime, "engine", None)
                if callable(engine_of):
                    engine = engine_of()
                old = self._service
                self._service = AssistantService(
                    self.settings, store, engine=engine, background_embedding=True
                )
                self._service._engine_tried = True  # the runtime owns the engine
                self._store = store
                if old is not None:
                    old.close()
            return self._service

    def limit(self, client: str) -> None:
        if self.asks.exceeded(client):
            raise RateLimited()
        self.asks.hit(client)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def page_html() -> str:
    return resources.files("appliance.api").joinpath("assistant_page.html").read_text("utf-8")


def build_router(settings: Settings, runtime: Any = None) -> APIRouter:
    router = APIRouter(tags=["assistant"])
    assistants = _Assistants(settings, runtime)

    @router.get("/assistant", response_class=HTMLResponse, include_in_schema=False)
    def assistant_page() -> HTMLResponse:
        return HTMLResponse(page_html())

    @router.get("/assistant/qr.svg", include_in_schema=False)
    def assistant_qr(request: Request) -> Response:
        import io

        import segno

        url = str(request.url_for("assistant_page"))
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2)
        return Response(buffer.getvalue(), media_type="image/svg+xml")

    @router.post("/api/assistant/ask")
    def assistant_ask(body: AskBody, request: Request) -> dict[str, Any]:
        assistants.limit(_client(request))
        result: dict[str, Any] = assistants.get().ask(body.question).to_contract()
        return result

    @router.post("/api/assistant/stream")
    def assistant_stream(body: ChatBody, request: Request) -> StreamingResponse:
        client = _client(request)
        assistants.limit(client)
        service = assistants.get()

        def events() -> Iterator[str]:
            try:
                for event in service.chat_stream(body.message, token=body.token, client=client):
                    yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
            except ClinicBoxError as exc:
                error = {"event": "error", "message": exc.message()}
                yield f"data: {json.dumps(error, ensure_ascii=False)}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @router.post("/api/assistant/chat")
    def assistant_chat(body: ChatBody, request: Request) -> dict[str, Any]:
        assistants.limit(_client(request))
        reply: dict[str, Any] = assistants.get().chat(
            body.message, token=body.token, client=_client(request)
        )
        return reply

    @router.post("/api/assistant/verify")
    def assistant_verify(body: VerifyBody, request: Request) -> dict[str, Any]:
        who = assistants.get().verify(body.visit_code, body.phone_last4, client=_client(request))
        return {"token": who.token, "patient": who.display_name}

    @router.post("/api/assistant/tool")
    def assistant_tool(body: ToolBody, request: Request) -> dict[str, Any]:
        result: dict[str, Any] = assistants.get().call_tool(
            body.token, body.tool, body.arguments, client=_client(request)
        )
        return result

    return router
