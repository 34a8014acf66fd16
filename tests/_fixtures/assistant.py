"""Assistant / knowledge-base fixtures (auto-loaded).

- ``lexical_kb``: the starter knowledge base in memory, no embedding model (fast).
- ``assistant``: an AssistantService over ``lexical_kb`` with no LLM.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def _starter_db() -> Iterator[Any]:
    from appliance.knowledge.kb import KnowledgeBase
    from appliance.store.knowledge_base import KbRepository, MemoryKbDatabase

    db = MemoryKbDatabase()
    KnowledgeBase(KbRepository(db), None).ensure_starter()
    yield db
    db.close()


@pytest.fixture
def lexical_kb(_starter_db: Any) -> Any:
    from appliance.knowledge.kb import KnowledgeBase
    from appliance.store.knowledge_base import KbRepository

    return KnowledgeBase(KbRepository(_starter_db), None)


@pytest.fixture
def assistant(lexical_kb: Any, data_dir: Any) -> Iterator[Any]:
    from appliance.config import load_settings
    from appliance.services.assistant import AssistantService

    settings = load_settings(data_dir, kb_embedder="none")
    service = AssistantService(settings, kb=lexical_kb, embedder=None)
    service._engine_tried = True  # no model: passages answers
    yield service
    service.close()
