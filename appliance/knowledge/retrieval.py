"""Hybrid retrieval: jieba words (FTS5 bm25) + trigram substrings + dense vectors, fused by RRF.

Reciprocal rank fusion (Cormack et al., SIGIR 2009): ``score = Σ w / (60 + rank)`` over the
ranked lists a chunk appears in. Ranks say nothing about whether *anything* is relevant, so each
hit also carries ``coverage`` — the IDF-weighted share of the question's content terms found in
the chunk — and the cosine similarity; :meth:`Hit.relevant` combines them so the assistant can
refuse when the base has no answer. With no embedder, retrieval is lexical only.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from appliance.knowledge.embed import EMBEDDER_CATALOG, Embedder, blob_to_matrix
from appliance.knowledge.kb_port import KbReader
from appliance.knowledge.kb_text import (
    SYNONYMS,
    expanded_terms,
    fts_phrase,
    normalize,
    query_terms,
)

RRF_K = 60
CANDIDATES = 40
WEIGHTS = {"words": 1.0, "trigram": 0.5, "dense": 1.0}
# Relevance gates (tuned on the evaluation set in tests/_data/kb_eval_questions.json).
MIN_COVERAGE = 0.5
MIN_COVERAGE_WITH_DENSE = 0.3
MIN_COSINE = 0.87  # default; each catalog embedder carries its own (embed.py)
# Re-ranking of the fused candidates: share of the question's terms in the chunk and in its
# section heading (RRF scores differ by ~0.0005 between neighbouring ranks).
COVERAGE_WEIGHT = 0.02
SECTION_WEIGHT = 0.01
SINGLE_CHAR_WEIGHT = 0.5


@dataclass
class Hit:
    chunk_id: int
    doc: str
    title: str
    section: str
    text: str
    audience: str
    source: str
    score: float = 0.0
    coverage: float = 0.0
    cosine: float | None = None
    ranks: dict[str, int] = field(default_factory=dict)
    min_cosine: float = MIN_COSINE

    def relevant(self) -> bool:
        if self.coverage >= MIN_COVERAGE:
            return True
        return (
            self.cosine is not None
            and self.cosine >= self.min_cosine
            and self.coverage >= MIN_COVERAGE_WITH_DENSE
        )

    def citation(self) -> dict[str, str]:
        return {"doc": self.title, "section": self.section, "text": self.text}


def rrf_fuse(
    rankings: dict[str, list[int]], weights: dict[str, float] | None = None
) -> list[tuple[int, float]]:
    """Fuse ranked id lists into (id, score), best first; ties keep first-seen order."""
    weights = weights or WEIGHTS
    scores: dict[int, float] = {}
    for name, ids in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, item in enumerate(ids, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


class _VectorCache:
    """The chunk-vector matrix of one model, reloaded when the KB generation changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str] | None = None
        self._ids: np.ndarray = np.zeros(0, dtype=np.int64)
        self._matrix: np.ndarray = np.zeros((0, 0), dtype=np.float32)

    def get(self, reader: KbReader, model: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
        key = (reader.generation(), model)
        with self._lock:
            if key != self._key:
                ids, blobs = reader.vectors(model)
                self._ids = np.array(ids, dtype=np.int64)
                self._matrix = blob_to_matrix(blobs, dim)
                self._key = key
            return self._ids, self._matrix


class Retriever:
    """Search the knowledge base in a read snapshot; thread-safe, caches vectors and queries."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder
        spec = EMBEDDER_CATALOG.get(embedder.name) if embedder is not None else None
        self.min_cosine = spec.relevance_cosine if spec is not None else MIN_COSINE
        self._vectors = _VectorCache()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._qlock = threading.Lock()

    @property
    def mode(self) -> str:
        return "hybrid" if self.embedder is not None else "lexical"

    def _query_vector(self, question: str) -> np.ndarray:
        assert self.embedder is not None
        with self._qlock:
            cached = self._query_cache.get(question)
            if cached is not None:
                self._query_cache.move_to_end(question)
                return cached
        vector = np.asarray(self.embedder.embed_queries([question])[0], dtype=np.float32)
        with self._qlock:
            self._query_cache[question] = vector
            while len(self._query_cache) > 256:
                self._query_cache.popitem(last=False)
        return vector

    def _words(self, reader: KbReader, terms: tuple[str, ...]) -> list[int]:
        if not terms:
            return []
        return reader.match_words(" OR ".join(fts_phrase(t) for t in terms), CANDIDATES)

    def _trigram(self, reader: KbReader, terms: tuple[str, ...], question: str) -> list[int]:
        long_terms = [t for t in terms if len(t) >= 3]
        compact = "".join(ch for ch in question if ch.isalnum())
        if 3 <= len(compact) <= 12:
            long_terms.append(compact)
        if not long_terms:
            return []
        expr = " OR ".join(fts_phrase(t) for t in dict.fromkeys(long_terms))
        return reader.match_trigram(expr, CANDIDATES)

    def _dense(self, reader: KbReader, question: str) -> tuple[list[int], dict[int, float]]:
        assert self.embedder is not None
        ids, matrix = self._vectors.get(reader, self.embedder.name, self.embedder.dim)
        if len(ids) == 0:
            return [], {}
        # einsum runs single-threaded: a BLAS matrix-vector product spins up every core and,
        # on a busy 2-core box, takes 10x longer than this (measured: 16 ms vs 1.3 ms at 10k).
        sims = np.einsum("ij,j->i", matrix, self._query_vector(question))
        top = np.argsort(-sims)[:CANDIDATES]
        return [int(ids[i]) for i in top], {int(ids[i]): float(sims[i]) for i in top}

    def _idf(self, reader: KbReader, terms: tuple[str, ...]) -> dict[str, float]:
        total = reader.chunk_total() or 1
        if not terms:
            return {}
        df = reader.term_chunk_counts(terms)
        return {t: math.log(1 + total / (1 + df.get(t, 0))) for t in terms}

    def search(
        self, reader: KbReader, question: str, k: int = 5, audience: str | None = None
    ) -> list[Hit]:
        """The ``k`` best chunks for ``question`` (optionally of one audience), best first."""
        embedding = None
        if self.embedder is not None:  # embed the question while the lexical lists are read
            embedding = threading.Thread(
                target=self._query_vector, args=(question,), name="kb-query", daemon=True
            )
            embedding.start()
        terms = query_terms(question)
        rankings: dict[str, list[int]] = {
            "words": self._words(reader, expanded_terms(terms)),
            "trigram": self._trigram(reader, terms, question),
        }
        cosines: dict[int, float] = {}
        if embedding is not None:
            embedding.join()
            rankings["dense"], cosines = self._dense(reader, question)
        fused = rrf_fuse(rankings)
        if not fused:
            return []
        idf = self._idf(reader, terms)
        for term in idf:  # single characters (打, 量, 看) carry less meaning than words
            if len(term) == 1:
                idf[term] *= SINGLE_CHAR_WEIGHT
        idf_total = sum(idf.values()) or 1.0
        hits: list[Hit] = []
        ids = [cid for cid, _ in fused[: CANDIDATES * 2]]
        rows = reader.chunks(ids)
        for chunk_id, score in fused:
            row = rows.get(chunk_id)
            if row is None or (audience and row.audience != audience):
                continue
            words = set(row.words.split())
            covered = sum(
                w
                for t, w in idf.items()
                if t in words or any(s in words for s in SYNONYMS.get(t, ()))
            )
            hit = Hit(
                chunk_id=chunk_id,
                doc=row.doc_key,
                title=row.title,
                section=row.section,
                text=row.text,
                audience=row.audience,
                source=row.source,
                score=score,
                coverage=covered / idf_total,
                cosine=cosines.get(chunk_id),
                min_cosine=self.min_cosine,
                ranks={
                    n: ids_.index(chunk_id) + 1 for n, ids_ in rankings.items() if chunk_id in ids_
                },
            )
            section = normalize(row.section)
            hit.score += (
                COVERAGE_WEIGHT * hit.coverage
                + SECTION_WEIGHT * sum(w for t, w in idf.items() if t in section) / idf_total
            )
            hits.append(hit)
        hits.sort(key=lambda h: -h.score)
        return hits[:k]
