"""Running service calls from request handlers: threads, the model limiter, idempotent writes,
NDJSON streaming of progress for model work, and the patient-data access log."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import JSONResponse, StreamingResponse

from appliance.api._auth import Caller, UserSession
from appliance.errors import ClinicBoxError, InputError, InternalError
from appliance.logsafe import log_unexpected
from appliance.services._clinic_types import CancelToken, Progress

log = logging.getLogger("clinicbox.api")

IDEMPOTENCY_HEADER = "idempotency-key"


def error_body(exc: ClinicBoxError, lang: str) -> dict[str, Any]:
    body = exc.to_dict(lang)
    body["error"]["message_zh"] = exc.message("zh")
    body["error"]["message_en"] = exc.message("en")
    return body


def request_lang(request: Request) -> str:
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "zh"


def as_clinicbox_error(exc: BaseException) -> ClinicBoxError:
    if isinstance(exc, ClinicBoxError):
        return exc
    return InternalError(log_unexpected(log, exc))


class Calls:
    """Per-app helpers; ``model_limiter`` keeps model work from starving quick calls."""

    def __init__(
        self,
        registry_getter: Callable[[], Any],
        model_slots: int = 2,
        prepare_llm: Callable[[], None] | None = None,
    ) -> None:
        self._registry = registry_getter
        self._prepare_llm = prepare_llm
        self.model_limiter = anyio.CapacityLimiter(model_slots)
        # striped locks: a retry that arrives while its first try still runs waits for it
        self._idem_locks = [threading.Lock() for _ in range(64)]

    async def run(self, fn: Callable[[], Any], *, model: bool = False, llm: bool = False) -> Any:
        """``model``: long work (model slots); ``llm``: it uses the LLM (see prepare_llm)."""
        limiter = self.model_limiter if model or llm else None
        return await anyio.to_thread.run_sync(self._with_llm(fn) if llm else fn, limiter=limiter)

    def _with_llm(self, fn: Callable[[], Any]) -> Callable[[], Any]:
        prepare = self._prepare_llm

        def wrapped() -> Any:
            if prepare is not None:
                prepare()
            return fn()

        return wrapped

    async def audited(
        self, caller: Caller, action: str, patient_id: str | None, fn: Callable[[], Any]
    ) -> Any:
        """A patient-data read and its audit rows, on one worker thread."""

        def read_and_audit() -> Any:
            result = fn()
            self.audit(caller, action, patient_id)
            return result

        return await self.run(read_and_audit)

    # --- access log ----------------------------------------------------------------------
    def audit(
        self, caller: Caller, action: str, patient_id: str | None = None, status: int = 200
    ) -> None:
        session = caller.session
        registry = self._registry()
        if session is None or registry is None:
            return
        registry.log_access(
            username=session.username,
            role=session.role,
            device_id=caller.device_id,
            action=action,
            patient_id=patient_id,
            status=status,
        )

    # --- idempotent writes ---------------------------------------------------------------
    async def write(
        self, request: Request, caller: Caller, fn: Callable[[], Any], status: int = 200
    ) -> JSONResponse:
        """Run a write once per ``Idempotency-Key``: a retry after a lost response gets the
        stored answer instead of writing twice; the same key with other content is refused."""
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key:
            result = await self.run(fn)
            return JSONResponse(result, status_code=status)
        if len(key) > 100:
            raise InputError("Idempotency-Key 过长。", "Idempotency-Key is too long.")
        body = await request.body()
        digest = hashlib.sha256(
            request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
        ).hexdigest()
        registry = self._registry()
        stripe = int(hashlib.sha256(f"{caller.device_id}|{key}".encode()).hexdigest()[:8], 16)
        lock = self._idem_locks[stripe % len(self._idem_locks)]

        def once() -> tuple[int, Any]:
            with lock:
                stored = registry.idempotent_result(caller.device_id, key)
                if stored is not None:
                    if stored["request_hash"] != digest:
                        raise InputError(
                            "同一个 Idempotency-Key 被用于不同的请求。",
                            "This Idempotency-Key was already used for a different request.",
                        )
                    return int(stored["status"]), json.loads(stored["body"])
                result = fn()
                registry.remember_result(caller.device_id, key, digest, status, result)
                return status, result

        code, result = await self.run(once)
        return JSONResponse(result, status_code=code)

    # --- streaming -----------------------------------------------------------------------
    def stream(
        self,
        work: Callable[[Callable[[Progress], None], CancelToken], Any],
        lang: str,
        *,
        llm: bool = True,
    ) -> StreamingResponse:
        """NDJSON: ``{"progress": {...}}`` lines, then ``{"result": ...}`` or ``{"error": ...}``.
        A client that goes away cancels the work."""
        limiter = self.model_limiter
        prepare = self._prepare_llm if llm else None

        async def lines() -> AsyncIterator[bytes]:
            loop = asyncio.get_running_loop()
            queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
            cancel = CancelToken()

            def progress(p: Progress) -> None:
                loop.call_soon_threadsafe(queue.put_nowait, {"progress": asdict(p)})

            async def runner() -> None:
                try:

                    def job() -> Any:
                        if prepare is not None:
                            prepare()
                        return work(progress, cancel)

                    result = await anyio.to_thread.run_sync(job, limiter=limiter)
                    queue.put_nowait({"result": result})
                except BaseException as exc:
                    if isinstance(exc, asyncio.CancelledError):
                        raise
                    queue.put_nowait(error_body(as_clinicbox_error(exc), lang))
                finally:
                    queue.put_nowait(None)

            task = asyncio.create_task(runner())
            try:
                while True:
                    item = await queue.get()
                    if item is None:
                        break
                    yield (json.dumps(item, ensure_ascii=False) + "\n").encode()
            finally:
                cancel.cancel()
                if not task.done():
                    await asyncio.shield(task)

        return StreamingResponse(lines(), media_type="application/x-ndjson")


def session_of(caller: Caller) -> UserSession:
    assert caller.session is not None
    return caller.session
