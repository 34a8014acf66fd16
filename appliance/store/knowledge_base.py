"""The knowledge-base tables (migration ``0200_knowledge_base``): documents, their chunks, the
word and trigram FTS5 indexes, one vector per chunk and embedder, and a generation counter.

:class:`KbRepository` is the only code that speaks SQL to these tables. It works over the
encrypted clinic :class:`~appliance.store.Store` or over :class:`MemoryKbDatabase` (a plain
SQLite file or memory, for the public starter documents when no store exists, and in tests).
It returns typed rows; ``appliance.knowledge`` reaches it through its ``KbStorage`` port, which
the services inject when they build the knowledge base. Slow work (segmentation, embedding) is
done by the caller before a write; the write itself is a few inserts.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

SCHEMA_FILE = Path(__file__).resolve().parent / "migrations" / "0200_knowledge_base.sql"


class RawDatabase(Protocol):
    """What the repository needs of a database: one read transaction, one write transaction."""

    def read_raw(self) -> AbstractContextManager[Any]: ...

    def write_raw(self, func: Callable[[Any], T]) -> T: ...


class MemoryKbDatabase:
    """One SQLite connection (file or ``:memory:``) guarded by a lock; commits each write.
    Holds only the knowledge-base tables (public documents, no patient data)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.executescript(SCHEMA_FILE.read_text("utf-8"))

    @contextmanager
    def read_raw(self) -> Iterator[Any]:
        with self._lock:
            yield self._conn

    def write_raw(self, func: Callable[[Any], T]) -> T:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = func(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return result

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# --- typed rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KbDocumentRow:
    doc_key: str
    title: str
    audience: str
    source: str
    filename: str
    format: str
    sha256: str
    builtin: bool
    added_at: str
    chunk_count: int


@dataclass(frozen=True)
class KbChunkRow:
    id: int
    doc_key: str
    title: str
    section: str
    text: str
    audience: str
    source: str
    words: str


class ChunkToWrite(Protocol):
    """A chunk ready to insert: ``words`` (segmented) and ``index_text`` (title + section +
    text, for the trigram index) are computed by the caller; ``vector`` is a float32 blob."""

    @property
    def ordinal(self) -> int: ...
    @property
    def section(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def words(self) -> str: ...
    @property
    def index_text(self) -> str: ...
    @property
    def vector(self) -> bytes | None: ...


class DocumentToWrite(Protocol):
    @property
    def doc_key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def fmt(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def builtin(self) -> bool: ...
    @property
    def model(self) -> str: ...
    @property
    def chunk_rows(self) -> Sequence[ChunkToWrite]: ...


# (title, section, text) -> (index text, segmented words): how a chunk is indexed.
Indexer = Callable[[str, str, str], tuple[str, str]]

_CHUNK_COLUMNS = (
    "SELECT c.id, d.doc_key, d.title, c.section, c.text, d.audience, d.source, c.words "
    "FROM kb_chunks c JOIN kb_documents d ON d.id = c.doc_id "
)


def _chunk(row: Sequence[Any]) -> KbChunkRow:
    return KbChunkRow(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], row[7] or "")


# --- reading ---------------------------------------------------------------------------------


class KbReader:
    """Queries inside one read transaction (a consistent snapshot of the base)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def generation(self) -> str:
        """Changes on every write: caches of vectors key on it."""
        row = self._conn.execute("SELECT value FROM kb_meta WHERE key = 'generation'").fetchone()
        return str(row[0]) if row else ""

    def documents(self) -> list[KbDocumentRow]:
        rows = self._conn.execute(
            "SELECT doc_key, title, audience, source, filename, format, sha256, builtin, "
            "added_at, chunk_count FROM kb_documents ORDER BY audience DESC, builtin DESC, doc_key"
        ).fetchall()
        return [
            KbDocumentRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8], int(r[9]))
            for r in rows
        ]

    def document_hashes(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._conn.execute("SELECT doc_key, sha256 FROM kb_documents")}

    def chunk_total(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM kb_chunks").fetchone()[0])

    def chunks_of(self, doc_key: str) -> list[KbChunkRow]:
        """A document's chunks in reading order."""
        rows = self._conn.execute(
            _CHUNK_COLUMNS + "WHERE d.doc_key = ? ORDER BY c.ordinal", (doc_key,)
        ).fetchall()
        return [_chunk(r) for r in rows]

    def chunks(self, ids: Sequence[int]) -> dict[int, KbChunkRow]:
        if not ids:
            return {}
        marks = ",".join("?" for _ in ids)
        rows = self._conn.execute(
            _CHUNK_COLUMNS + f"WHERE c.id IN ({marks})",
            tuple(ids),
        ).fetchall()
        return {int(r[0]): _chunk(r) for r in rows}

    def chunks_missing_vectors(self, model: str) -> list[KbChunkRow]:
        rows = self._conn.execute(
            "SELECT c.id, d.doc_key, d.title, c.section, c.text, d.audience, d.source, c.words "
            "FROM kb_chunks c JOIN kb_documents d ON d.id = c.doc_id WHERE NOT EXISTS "
            "(SELECT 1 FROM kb_vectors v WHERE v.chunk_id = c.id AND v.model = ?) ORDER BY c.id",
            (model,),
        ).fetchall()
        return [_chunk(r) for r in rows]

    def vectors(self, model: str) -> tuple[list[int], list[bytes]]:
        """Chunk ids and float32 blobs of ``model``'s vectors, by chunk id."""
        rows = self._conn.execute(
            "SELECT chunk_id, vector FROM kb_vectors WHERE model = ? ORDER BY chunk_id", (model,)
        ).fetchall()
        return [int(r[0]) for r in rows], [bytes(r[1]) for r in rows]

    def match_words(self, expression: str, limit: int) -> list[int]:
        """Chunk ids whose segmented words match an FTS5 ``expression``, best bm25 first."""
        rows = self._conn.execute(
            "SELECT rowid FROM kb_fts_words WHERE kb_fts_words MATCH ? "
            "ORDER BY bm25(kb_fts_words) LIMIT ?",
            (expression, limit),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def match_trigram(self, expression: str, limit: int) -> list[int]:
        """Chunk ids whose text matches an FTS5 trigram ``expression``, best bm25 first."""
        rows = self._conn.execute(
            "SELECT rowid FROM kb_fts_trigram WHERE kb_fts_trigram MATCH ? "
            "ORDER BY bm25(kb_fts_trigram) LIMIT ?",
            (expression, limit),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def term_chunk_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """How many chunks contain each term (word index), for IDF weights."""
        if not terms:
            return {}
        marks = ",".join("?" for _ in terms)
        rows = self._conn.execute(
            f"SELECT term, doc FROM kb_fts_vocab WHERE term IN ({marks})",  # noqa: S608
            tuple(terms),
        )
        return {r[0]: int(r[1]) for r in rows}


# --- writing (each call runs inside the caller's write transaction) ---------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _bump_generation(conn: Any) -> None:
    conn.execute(
        "INSERT INTO kb_meta (key, value) VALUES ('generation', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (secrets.token_hex(8),),
    )


def _document_id(conn: Any, doc_key: str) -> int | None:
    row = conn.execute("SELECT id FROM kb_documents WHERE doc_key = ?", (doc_key,)).fetchone()
    return int(row[0]) if row else None


def _delete_chunks(conn: Any, doc_id: int) -> None:
    ids = [r[0] for r in conn.execute("SELECT id FROM kb_chunks WHERE doc_id = ?", (doc_id,))]
    for chunk_id in ids:
        conn.execute("DELETE FROM kb_fts_words WHERE rowid = ?", (chunk_id,))
        conn.execute("DELETE FROM kb_fts_trigram WHERE rowid = ?", (chunk_id,))
        conn.execute("DELETE FROM kb_vectors WHERE chunk_id = ?", (chunk_id,))
    conn.execute("DELETE FROM kb_chunks WHERE doc_id = ?", (doc_id,))


def _write_document(conn: Any, doc: DocumentToWrite) -> None:
    chunks = list(doc.chunk_rows)
    values = (doc.title, doc.audience, doc.source, doc.filename, doc.fmt, doc.sha256,
              int(doc.builtin), _now(), len(chunks))  # fmt: skip
    doc_id = _document_id(conn, doc.doc_key)
    if doc_id is not None:
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
    for chunk in chunks:
        cur = conn.execute(
            "INSERT INTO kb_chunks (doc_id, ordinal, section, text, words) VALUES (?,?,?,?,?)",
            (doc_id, chunk.ordinal, chunk.section, chunk.text, chunk.words),
        )
        chunk_id = int(cur.lastrowid)
        conn.execute(
            "INSERT INTO kb_fts_words (rowid, words) VALUES (?, ?)", (chunk_id, chunk.words)
        )
        conn.execute(
            "INSERT INTO kb_fts_trigram (rowid, text) VALUES (?, ?)", (chunk_id, chunk.index_text)
        )
        if chunk.vector is not None:
            conn.execute(
                "INSERT INTO kb_vectors (chunk_id, model, vector) VALUES (?,?,?)",
                (chunk_id, doc.model, chunk.vector),
            )
    _bump_generation(conn)


def _remove_document(conn: Any, doc_key: str) -> bool:
    doc_id = _document_id(conn, doc_key)
    if doc_id is None:
        return False
    _delete_chunks(conn, doc_id)
    conn.execute("DELETE FROM kb_documents WHERE id = ?", (doc_id,))
    _bump_generation(conn)
    return True


def _write_vectors(conn: Any, model: str, ids: Sequence[int], blobs: Sequence[bytes]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO kb_vectors (chunk_id, model, vector) VALUES (?,?,?)",
        [(cid, model, blob) for cid, blob in zip(ids, blobs, strict=True)],
    )
    _bump_generation(conn)


def _rebuild_lexical(conn: Any, indexer: Indexer) -> int:
    rows = conn.execute(
        "SELECT c.id, d.title, c.section, c.text FROM kb_chunks c "
        "JOIN kb_documents d ON d.id = c.doc_id"
    ).fetchall()
    conn.execute("DELETE FROM kb_fts_words")
    conn.execute("DELETE FROM kb_fts_trigram")
    for chunk_id, title, section, text in rows:
        full, words = indexer(title, section, text)
        conn.execute("UPDATE kb_chunks SET words = ? WHERE id = ?", (words, chunk_id))
        conn.execute("INSERT INTO kb_fts_words (rowid, words) VALUES (?, ?)", (chunk_id, words))
        conn.execute("INSERT INTO kb_fts_trigram (rowid, text) VALUES (?, ?)", (chunk_id, full))
    _bump_generation(conn)
    return len(rows)


class KbRepository:
    """The knowledge base's storage: reads in one snapshot, each write one transaction.

    Satisfies ``appliance.knowledge.kb_port.KbStorage``. Raises what the database raises
    (``StorageError`` subclasses from the store: locked, read-only, disk full)."""

    def __init__(self, db: RawDatabase) -> None:
        self.db = db

    @contextmanager
    def reading(self) -> Iterator[KbReader]:
        with self.db.read_raw() as conn:
            yield KbReader(conn)

    def write_document(self, doc: DocumentToWrite) -> None:
        """Insert, or replace by ``doc_key``, a document with all its index rows."""
        self.db.write_raw(lambda conn: _write_document(conn, doc))

    def remove_document(self, doc_key: str) -> bool:
        """Remove a document and its index rows; False when there is no such document."""
        return self.db.write_raw(lambda conn: _remove_document(conn, doc_key))

    def write_vectors(self, model: str, ids: Sequence[int], blobs: Sequence[bytes]) -> None:
        """Add (or replace) ``model``'s vectors of the given chunks."""
        self.db.write_raw(lambda conn: _write_vectors(conn, model, ids, blobs))

    def rebuild_lexical(self, indexer: Indexer) -> int:
        """Re-index every chunk's words and trigram text with ``indexer``; returns the count."""
        return self.db.write_raw(lambda conn: _rebuild_lexical(conn, indexer))

    def close(self) -> None:
        """Close the database when it is a :class:`MemoryKbDatabase` (the store is not ours)."""
        if isinstance(self.db, MemoryKbDatabase):
            self.db.close()
