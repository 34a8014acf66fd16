"""The knowledge-base tables: documents, chunks, the two FTS5 indexes and vectors.

Work is split so slow parts never run inside a write transaction: :func:`prepare_document`
(segmentation + embedding, pure compute) runs first; :func:`write_document` only inserts rows.
Functions take a DB-API connection (``sqlcipher3`` from the store, or ``sqlite3`` in memory);
the caller commits (the store's writer thread does it for ``store.write``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from appliance.errors import KnowledgeDocNotFound
from appliance.knowledge.chunking import Chunk, ParsedDocument, chunk_blocks
from appliance.knowledge.embed import Embedder, vector_to_blob
from appliance.knowledge.kb_text import index_words

Progress = Callable[[int, int], None]
EMBED_BATCH = 16


# One schema: the store's migration. The in-memory KB (no clinic store) runs the same SQL.
_SCHEMA_FILE = Path(__file__).resolve().parents[1] / "store/migrations/0200_knowledge_base.sql"


def schema_sql() -> str:
    return _SCHEMA_FILE.read_text("utf-8")


def ensure_schema(conn: Any) -> None:
    """Create the tables if missing (also applied by store migration 0200_knowledge_base)."""
    conn.executescript(schema_sql())


@dataclass
class PreparedDocument:
    doc_key: str
    title: str
    audience: str
    source: str
    filename: str
    fmt: str
    sha256: str
    builtin: bool
    chunks: list[Chunk]
    words: list[str]
    vectors: np.ndarray | None = None
    model: str = ""


@dataclass(frozen=True)
class DocumentInfo:
    doc_key: str
    title: str
    audience: str
    source: str
    filename: str
    format: str
    builtin: bool
    added_at: str
    chunks: int
    sections: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc_key,
            "title": self.title,
            "audience": self.audience,
            "source": self.source,
            "filename": self.filename,
            "format": self.format,
            "builtin": self.builtin,
            "added_at": self.added_at,
            "chunks": self.chunks,
        }


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chunk_index_text(title: str, chunk: Chunk) -> str:
    """What the indexes see for a chunk: its title and section path, then its text."""
    return f"{title} {chunk.section}\n{chunk.text}"


def embed_texts(
    embedder: Embedder, texts: Sequence[str], progress: Progress | None = None
) -> np.ndarray:
    rows: list[np.ndarray] = []
    for start in range(0, len(texts), EMBED_BATCH):
        rows.append(embedder.embed_passages(texts[start : start + EMBED_BATCH]))
        if progress is not None:
            progress(min(start + EMBED_BATCH, len(texts)), len(texts))
    if not rows:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.vstack(rows)


def prepare_document(
    parsed: ParsedDocument,
    *,
    doc_key: str,
    audience: str = "patient",
    source: str = "",
    filename: str = "",
    fmt: str = "",
    sha256: str = "",
    builtin: bool = False,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> PreparedDocument:
    """Chunk, segment and (with an embedder) embed a parsed document. No database access."""
    chunks = chunk_blocks(parsed.blocks, parsed.title)
    texts = [chunk_index_text(parsed.title, c) for c in chunks]
    prepared = PreparedDocument(
        doc_key=doc_key,
        title=parsed.title,
        audience=audience,
        source=source or parsed.meta.get("source", ""),
        filename=filename,
        fmt=fmt,
        sha256=sha256,
        builtin=builtin,
        chunks=chunks,
        words=[index_words(t) for t in texts],
    )
    if embedder is not None and chunks:
        prepared.vectors = embed_texts(embedder, texts, progress)
        prepared.model = embedder.name
    return prepared


def bump_generation(conn: Any) -> None:
    conn.execute(
        "INSERT INTO kb_meta (key, value) VALUES ('generation', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (secrets.token_hex(8),),
    )


def generation(conn: Any) -> str:
    row = conn.execute("SELECT value FROM kb_meta WHERE key = 'generation'").fetchone()
    return str(row[0]) if row else ""


def _delete_chunks(conn: Any, doc_id: int) -> None:
    ids = [r[0] for r in conn.execute("SELECT id FROM kb_chunks WHERE doc_id = ?", (doc_id,))]
    for chunk_id in ids:
        conn.execute("DELETE FROM kb_fts_words WHERE rowid = ?", (chunk_id,))
        conn.execute("DELETE FROM kb_fts_trigram WHERE rowid = ?", (chunk_id,))
        conn.execute("DELETE FROM kb_vectors WHERE chunk_id = ?", (chunk_id,))
    conn.execute("DELETE FROM kb_chunks WHERE doc_id = ?", (doc_id,))


def write_document(conn: Any, doc: PreparedDocument) -> None:
    """Insert (or replace, by ``doc_key``) a prepared document with all its index rows."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    row = conn.execute("SELECT id FROM kb_documents WHERE doc_key = ?", (doc.doc_key,)).fetchone()
    values = (
        doc.title,
        doc.audience,
        doc.source,
        doc.filename,
        doc.fmt,
        doc.sha256,
        int(doc.builtin),
        now,
        len(doc.chunks),
    )
    if row:
        doc_id = int(row[0])
        _delete_chunks(conn, doc_id)
        conn.execute(
            "UPDATE kb_documents SET title=?, audience=?, source=?, filename=?, format=?, "
            "sha256=?, builtin=?, added_at=?, chunk_count=? WHERE id=?",
            (*values, doc_id),
        )
    else:
        cur = conn.execute(
            "INSERT INTO kb_documents (title, audience, source, filename, format, sha256, "
            "builtin, added_at, chunk_count, doc_key) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (*values, doc.doc_key),
        )
        doc_id = int(cur.lastrowid)
    for i, (chunk, words) in enumerate(zip(doc.chunks, doc.words, strict=True)):
        cur = conn.execute(
            "INSERT INTO kb_chunks (doc_id, ordinal, section, text, words) VALUES (?,?,?,?,?)",
            (doc_id, chunk.ordinal, chunk.section, chunk.text, words),
        )
        chunk_id = int(cur.lastrowid)
        conn.execute("INSERT INTO kb_fts_words (rowid, words) VALUES (?, ?)", (chunk_id, words))
        conn.execute(
            "INSERT INTO kb_fts_trigram (rowid, text) VALUES (?, ?)",
            (chunk_id, chunk_index_text(doc.title, chunk)),
        )
        if doc.vectors is not None:
            conn.execute(
                "INSERT INTO kb_vectors (chunk_id, model, vector) VALUES (?,?,?)",
                (chunk_id, doc.model, vector_to_blob(doc.vectors[i])),
            )
    bump_generation(conn)


def remove_document(conn: Any, doc_key: str) -> None:
    row = conn.execute("SELECT id FROM kb_documents WHERE doc_key = ?", (doc_key,)).fetchone()
    if not row:
        raise KnowledgeDocNotFound(
            f"知识库中没有文档：{doc_key}", f"No document in the knowledge base: {doc_key}"
        )
    _delete_chunks(conn, int(row[0]))
    conn.execute("DELETE FROM kb_documents WHERE id = ?", (int(row[0]),))
    bump_generation(conn)


def list_documents(conn: Any) -> list[DocumentInfo]:
    rows = conn.execute(
        "SELECT doc_key, title, audience, source, filename, format, builtin, added_at, "
        "chunk_count FROM kb_documents ORDER BY audience DESC, builtin DESC, doc_key"
    ).fetchall()
    return [
        DocumentInfo(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], int(r[8])) for r in rows
    ]


def document_hashes(conn: Any) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT doc_key, sha256 FROM kb_documents")}


def chunk_count(conn: Any) -> int:
    return int(conn.execute("SELECT count(*) FROM kb_chunks").fetchone()[0])


def chunks_missing_vectors(conn: Any, model: str) -> list[tuple[int, str]]:
    """(chunk id, index text) of chunks with no vector for ``model``."""
    rows = conn.execute(
        "SELECT c.id, d.title, c.section, c.text FROM kb_chunks c "
        "JOIN kb_documents d ON d.id = c.doc_id "
        "WHERE NOT EXISTS (SELECT 1 FROM kb_vectors v WHERE v.chunk_id = c.id AND v.model = ?) "
        "ORDER BY c.id",
        (model,),
    ).fetchall()
    return [(int(r[0]), chunk_index_text(r[1], Chunk(r[2], r[3], 0))) for r in rows]


def write_vectors(conn: Any, model: str, ids: Sequence[int], vectors: np.ndarray) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO kb_vectors (chunk_id, model, vector) VALUES (?,?,?)",
        [(cid, model, vector_to_blob(vec)) for cid, vec in zip(ids, vectors, strict=True)],
    )
    bump_generation(conn)


def rebuild_lexical(conn: Any) -> int:
    """Re-segment every chunk and rebuild both FTS5 indexes (after a dictionary change)."""
    rows = conn.execute(
        "SELECT c.id, d.title, c.section, c.text FROM kb_chunks c "
        "JOIN kb_documents d ON d.id = c.doc_id"
    ).fetchall()
    conn.execute("DELETE FROM kb_fts_words")
    conn.execute("DELETE FROM kb_fts_trigram")
    for chunk_id, title, section, text in rows:
        full = chunk_index_text(title, Chunk(section, text, 0))
        words = index_words(full)
        conn.execute("UPDATE kb_chunks SET words = ? WHERE id = ?", (words, chunk_id))
        conn.execute("INSERT INTO kb_fts_words (rowid, words) VALUES (?, ?)", (chunk_id, words))
        conn.execute("INSERT INTO kb_fts_trigram (rowid, text) VALUES (?, ?)", (chunk_id, full))
    bump_generation(conn)
    return len(rows)
