"""The state one API app shares across requests."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request

from appliance.api._auth import Caller, Gatekeeper, check_role
from appliance.api._calls import Calls
from appliance.api.registry import Registry
from appliance.config import Settings

MODEL_NICE = 10
_reniced: set[int] = set()


def deprioritise_model_threads(nice: int = MODEL_NICE) -> None:
    """Lower the CPU priority of the LLM worker thread (Linux nice is per thread; the compute
    threads llama.cpp starts from it inherit it). Raising nice needs no privilege."""
    for thread in threading.enumerate():
        tid = thread.native_id
        if not thread.name.startswith("clinicbox-llm") or tid is None or tid in _reniced:
            continue
        _reniced.add(tid)
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, tid, nice)


class ApiContext:
    def __init__(
        self, settings: Settings, runtime: Any, fingerprint: str, clinic_name: str
    ) -> None:
        self.settings = settings
        self.runtime = runtime
        self.fingerprint = fingerprint
        self.clinic_name = clinic_name
        self._registry: Registry | None = None
        self._lock = threading.Lock()
        self.gate = Gatekeeper(settings, self.registry)
        self.calls = Calls(self.registry, prepare_llm=self.prepare_llm)

    def prepare_llm(self) -> None:
        """Open the shared engine if needed and run its worker below the API's priority, so
        quick calls from the clinic's PCs stay quick while the model is busy."""
        engine = getattr(self.runtime, "engine", None)
        if callable(engine):
            with contextlib.suppress(Exception):  # the call itself reports a missing model
                engine()
        deprioritise_model_threads()

    def registry(self) -> Registry | None:
        store = getattr(self.runtime, "store", None)
        if store is None:
            return None
        with self._lock:
            if self._registry is None or self._registry.store is not store:
                self._registry = Registry(store)
            return self._registry

    def need_registry(self) -> Registry:
        registry = self.registry()
        if registry is None:
            self.runtime.require_store()
        assert registry is not None
        return registry

    def new_service(self) -> Any:
        from appliance.services.interface import LocalClinicService

        return LocalClinicService(self.settings, runtime=self.runtime)

    def device(self) -> Callable[[Request], Awaitable[Caller]]:
        async def dependency(request: Request) -> Caller:
            return await self.gate.device(request)

        return dependency

    def user(self, endpoint: str) -> Callable[[Request], Awaitable[Caller]]:
        """Dependency: a signed request from a paired device, a logged-in user, role allowed."""

        async def dependency(request: Request) -> Caller:
            caller = await self.gate.device(request)
            session = self.gate.session(request, caller)
            check_role(endpoint, session)
            return caller

        dependency.__name__ = f"user_{endpoint.replace('.', '_')}"
        return dependency
