"""The 24×7 health assistant and doctors' decision support.

    service = AssistantService(settings, store=store)      # store optional
    service.ask("做B超要空腹吗？").to_contract()          # {"answer", "citations", "escalate"}
    service.advise(record_dict)                            # {"differentials", "next_steps", "refer"}
    service.close()

The knowledge base lives in the encrypted store (tables from migration 0200). With no store
(a fresh box, the CLI before ``clinicbox init``) the public starter documents are indexed in a
cache file under ``<data_dir>/cache`` — they contain no patient data.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from appliance.config import Settings, load_settings
from appliance.errors import ClinicBoxError, FeatureUnavailable, IdentityNotVerified
from appliance.knowledge.embed import Embedder, open_embedder
from appliance.knowledge.kb import KnowledgeBase
from appliance.knowledge.kb_index import Progress
from appliance.services._assistant_answer import (
    AskResult,
    answer_question,
    is_emergency,
    stream_answer,
)
from appliance.services._assistant_kiosk import KioskAssistant
from appliance.services._assistant_selfservice import Identity, SelfService
from appliance.services._assistant_tools import plan_with_model, route_by_keywords
from appliance.services.ports import EnginePort, StorePort
from appliance.store.knowledge_base import KbRepository, MemoryKbDatabase

log = logging.getLogger("clinicbox.assistant")
_PERSONAL = re.compile(r"我的|帮我|给我|我想|我要|查(一下|查)?我")

__all__ = [
    "AskResult",
    "AssistantService",
    "KioskAssistant",
    "advise",
    "ask",
    "knowledge_base_for",
    "load_embedder",
    "memory_knowledge_base",
    "open_knowledge_base",
]


def load_embedder(settings: Settings) -> Embedder | None:
    """The configured embedder, or None (lexical only) when it is 'none' or not installed."""
    try:
        return open_embedder(
            settings.kb_embedder, settings.resolved("models_dir"), settings.kb_embed_threads
        )
    except ClinicBoxError as exc:
        log.warning("knowledge base runs lexical-only: %s", exc.message("en"))
        return None


def public_cache_path(settings: Settings) -> Path:
    folder = settings.data_dir / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "kb_public.sqlite"


def open_knowledge_base(
    settings: Settings,
    store: StorePort | None = None,
    *,
    embedder: Embedder | str | None = "auto",
    progress: Progress | None = None,
    background_embedding: bool = False,
) -> KnowledgeBase:
    """The clinic's knowledge base (store) or the public starter index (no store).

    Bundled starter documents that are missing or changed are (re)imported first. With
    ``background_embedding`` (servers: the API, the TUI) they are searchable lexically at once
    and get their vectors on a background thread; else (the CLI) before returning.
    """
    chosen = load_embedder(settings) if embedder == "auto" else embedder
    assert not isinstance(chosen, str)
    db = store if store is not None else MemoryKbDatabase(public_cache_path(settings))
    kb = KnowledgeBase(KbRepository(db), chosen)
    kb.ensure_starter(progress, embed=not background_embedding)
    if background_embedding:
        kb.embed_missing_in_background()
    return kb


def memory_knowledge_base(embedder: Embedder | None = None) -> KnowledgeBase:
    """A knowledge base in memory with the starter documents (benchmarks, evaluations)."""
    kb = KnowledgeBase(KbRepository(MemoryKbDatabase()), embedder)
    kb.ensure_starter()
    return kb


class AssistantService:
    """Patient questions, self-service tools and doctors' advice over one knowledge base."""

    def __init__(
        self,
        settings: Settings,
        store: StorePort | None = None,
        *,
        engine: EnginePort | None = None,
        kb: KnowledgeBase | None = None,
        embedder: Embedder | str | None = "auto",
        background_embedding: bool = False,
    ) -> None:
        self.settings = settings
        self.store = store
        self._engine = engine
        self._engine_tried = engine is not None
        self._owns_engine = False
        self._lock = threading.Lock()
        self._self_service: SelfService | None = None
        self._owns_kb = kb is None
        self.kb = kb or open_knowledge_base(
            settings, store, embedder=embedder, background_embedding=background_embedding
        )

    # --- model -------------------------------------------------------------------------------
    def engine(self) -> Any:
        """The LLM engine, opened on first use; None when no model is installed."""
        with self._lock:
            if not self._engine_tried:
                self._engine_tried = True
                try:
                    from appliance.llm import open_engine

                    self._engine = open_engine(self.settings)
                    self._owns_engine = True
                except ClinicBoxError as exc:
                    log.info("assistant answers without a model: %s", exc.code)
                    self._engine = None
            return self._engine

    # --- patient questions -------------------------------------------------------------------
    def ask(self, question: str, *, no_llm: bool = False) -> AskResult:
        engine = None if no_llm else self.engine()
        return answer_question(self.kb, question, engine=engine, no_llm=no_llm)

    def ask_stream(self, question: str, *, no_llm: bool = False) -> Iterator[dict[str, Any]]:
        engine = None if no_llm else self.engine()
        return stream_answer(self.kb, question, engine=engine, no_llm=no_llm)

    # --- patient self-service ---------------------------------------------------------------
    @property
    def self_service(self) -> SelfService:
        """Self-service tools; they need the clinic store (schedules, reports, fees)."""
        if self.store is None:
            raise FeatureUnavailable(
                "自助查询需要诊所数据库，请联系工作人员。",
                "Self-service needs the clinic database; please ask the staff.",
            )
        with self._lock:
            if self._self_service is None:
                self._self_service = SelfService(self.store, self.settings)
            return self._self_service

    def verify(self, visit_code: str, phone_last4: str, client: str = "kiosk") -> Identity:
        return self.self_service.verify(visit_code, phone_last4, client)

    def call_tool(
        self, token: str | None, name: str, arguments: dict[str, Any], client: str = "kiosk"
    ) -> dict[str, Any]:
        return self.self_service.call(token, name, arguments, client)

    def _route(self, message: str, engine: EnginePort | None) -> tuple[str | None, dict[str, Any]]:
        """The self-service tool a message asks for (None: a health question or emergency)."""
        if is_emergency(message)[0]:
            return None, {}
        # Keywords first (instant); the model's JSON-schema tool choice only for personal
        # requests the keywords do not recognise, so health questions never wait on it.
        tool = route_by_keywords(message)
        arguments: dict[str, Any] = {}
        if tool is None and engine is not None and _PERSONAL.search(message):
            tool, arguments = plan_with_model(engine, message)
        if tool in ("book", "cancel") and not arguments:
            # Which slot/booking? Show the choices; the page or kiosk then calls the tool.
            tool = "schedule" if tool == "book" else "my_appointments"
        if tool == "schedule" and "day" not in arguments:
            offset = 2 if "后天" in message else 1 if "明天" in message else 0
            arguments = {**arguments, "day": (date.today() + timedelta(days=offset)).isoformat()}
        return tool, arguments

    def _run_route(
        self, tool: str, arguments: dict[str, Any], token: str | None, client: str
    ) -> dict[str, Any]:
        try:
            self.self_service.identity(token)
        except IdentityNotVerified as exc:
            return {"type": "verify", "tool": tool, "message": exc.message()}
        return {"type": "tool", **self.call_tool(token, tool, arguments, client)}

    def chat(
        self, message: str, *, token: str | None = None, client: str = "kiosk", no_llm: bool = False
    ) -> dict[str, Any]:
        """One kiosk/web turn: emergency first; a self-service request runs its tool (after
        verification); anything else is a health question. Returns ``{"type": ...}``:
        ``answer`` (AskResult fields), ``tool`` (tool result) or ``verify`` (log in first)."""
        engine = None if no_llm else self.engine()
        tool, arguments = self._route(message, engine)
        if tool is None:
            return {"type": "answer", **self.ask(message, no_llm=no_llm).to_dict()}
        return self._run_route(tool, arguments, token, client)

    def chat_stream(
        self, message: str, *, token: str | None = None, client: str = "kiosk", no_llm: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Like :meth:`chat` as events: answer text streams (``delta``/``draft``), then
        ``{"event": "final", "result": {...}}`` whose ``type`` says what it is."""
        engine = None if no_llm else self.engine()
        tool, arguments = self._route(message, engine)
        if tool is not None:
            yield {"event": "final", "result": self._run_route(tool, arguments, token, client)}
            return
        for event in stream_answer(self.kb, message, engine=engine, no_llm=no_llm):
            if event["event"] == "final":
                event = {"event": "final", "result": {"type": "answer", **event["result"]}}
            yield event

    # --- doctors' decision support ------------------------------------------------------------
    def advise(self, record: dict[str, Any], *, no_llm: bool = False) -> dict[str, Any]:
        """Rules answer; with a model (unless ``no_llm``) re-ranked and explained among the
        rules' candidates, claims checked (see ``_advise_model``)."""
        from appliance.services._advise_model import apply_model
        from appliance.services._assistant_advise import advise_record, record_text

        result = advise_record(self.kb, record)
        if no_llm:
            return result
        return apply_model(result, record_text(record), self.engine())

    def close(self) -> None:
        with self._lock:
            if self._owns_engine and self._engine is not None:
                self._engine.close()
            self._engine = None
        if self._owns_kb:
            self.kb.storage.close()  # closes a public-document cache file; never the store


# --- module-level use cases (the ClinicService interface and the API call these) -------------

_kb_cache: weakref.WeakKeyDictionary[Any, KnowledgeBase] = weakref.WeakKeyDictionary()
_public_kb: dict[str, KnowledgeBase] = {}
_cache_lock = threading.Lock()


def knowledge_base_for(
    store: StorePort | None = None, settings: Settings | None = None
) -> KnowledgeBase:
    """A cached knowledge base per open store (or the public one per data dir)."""
    settings = settings or getattr(store, "settings", None) or load_settings()
    with _cache_lock:
        if store is not None:
            kb = _kb_cache.get(store)
            if kb is None:
                kb = _kb_cache[store] = open_knowledge_base(
                    settings, store, background_embedding=True
                )
            return kb
        key = str(settings.data_dir)
        if key not in _public_kb:
            _public_kb[key] = open_knowledge_base(settings, None, background_embedding=True)
        return _public_kb[key]


def ask(
    question: str,
    *,
    store: StorePort | None = None,
    engine: EnginePort | None = None,
    use_llm: bool = True,
) -> dict[str, Any]:
    """``clinicbox ask`` contract for one question (engine optional; no engine → passages)."""
    kb = knowledge_base_for(store)
    no_llm = not use_llm or engine is None
    return answer_question(kb, question, engine=engine, no_llm=no_llm).to_contract()


def advise(
    record: dict[str, Any],
    *,
    store: StorePort | None = None,
    engine: EnginePort | None = None,
    use_llm: bool = True,
) -> dict[str, Any]:
    """``clinicbox advise`` contract for a structured record (rules + cited guidelines; with an
    engine, re-ranked and explained among the rules' candidates, claims checked)."""
    from appliance.services._advise_model import apply_model
    from appliance.services._assistant_advise import advise_record, record_text, validate_record

    checked = validate_record(record)
    result = advise_record(knowledge_base_for(store), checked)
    if engine is None or not use_llm:
        return result
    return apply_model(result, record_text(checked), engine)
