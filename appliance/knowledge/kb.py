"""The knowledge base facade: import, list, remove, reindex, search.

It works over a :class:`KbDatabase` — the encrypted store (adapter in the services layer) or
:class:`MemoryKbDatabase` (a plain SQLite file or memory, used only for the public starter
documents when no store exists, and in tests). Slow work (segmentation, embedding) happens
before the write; the write itself is a few inserts.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

from appliance.errors import InputError, KnowledgeDocNotFound
from appliance.knowledge import kb_index
from appliance.knowledge.chunking import ParsedDocument, chunk_blocks
from appliance.knowledge.embed import Embedder
from appliance.knowledge.kb_index import DocumentInfo, Progress, content_hash
from appliance.knowledge.kb_loaders import load_document, parse_markdown
from appliance.knowledge.retrieval import Hit, Retriever

T = TypeVar("T")
log = logging.getLogger("clinicbox.knowledge")
AUDIENCES = ("patient", "clinician")


class KbDatabase(Protocol):
    def read_raw(self) -> Any:  # a context manager yielding a DB-API connection
        ...

    def write_raw(self, fn: Callable[[Any], T]) -> T: ...


class MemoryKbDatabase:
    """One SQLite connection (file or ``:memory:``) guarded by a lock; commits each write."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        import sqlite3

        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA foreign_keys = ON")
        kb_index.ensure_schema(self._conn)

    @contextmanager
    def read_raw(self) -> Iterator[Any]:
        with self._lock:
            yield self._conn

    def write_raw(self, fn: Callable[[Any], T]) -> T:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return result

    def close(self) -> None:
        with self._lock:
            self._conn.close()


@dataclass(frozen=True)
class StarterDoc:
    doc_key: str
    audience: str
    text: str


def starter_documents() -> list[StarterDoc]:
    """The bundled starter base: patient education and clinician guideline summaries."""
    docs: list[StarterDoc] = []
    root = resources.files("appliance.knowledge").joinpath("docs")
    for audience in AUDIENCES:
        folder = root.joinpath(audience)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".md"):
                stem = entry.name[:-3]
                docs.append(StarterDoc(f"{audience}/{stem}", audience, entry.read_text("utf-8")))
    return docs


_KEY_OK = re.compile(r"[^\w\-./\u4e00-\u9fff]+")


def doc_key_for(path: Path, audience: str) -> str:
    return f"{audience}/{_KEY_OK.sub('_', path.stem)[:80]}"


class KnowledgeBase:
    def __init__(self, db: KbDatabase, embedder: Embedder | None = None) -> None:
        self.db = db
        self.embedder = embedder
        self.retriever = Retriever(embedder)

    # --- import ----------------------------------------------------------------------------
    def _store(
        self, parsed: ParsedDocument, progress: Progress | None, embed: bool = True, **kw: Any
    ) -> DocumentInfo:
        prepared = kb_index.prepare_document(
            parsed, embedder=self.embedder if embed else None, progress=progress, **kw
        )
        self.db.write_raw(lambda conn: kb_index.write_document(conn, prepared))
        return self.get(prepared.doc_key)

    def add_file(
        self,
        path: Path,
        *,
        audience: str = "patient",
        doc_key: str | None = None,
        source: str | None = None,
        progress: Progress | None = None,
    ) -> DocumentInfo:
        if audience not in AUDIENCES:
            raise InputError(
                f"受众只能是 patient 或 clinician：{audience}",
                f"Audience must be patient or clinician: {audience}",
            )
        parsed = load_document(path)
        if not chunk_blocks(parsed.blocks, parsed.title):
            raise InputError(
                f"文档没有可用的文字内容：{path.name}", f"The document has no text: {path.name}"
            )
        meta_audience = parsed.meta.get("audience")
        return self._store(
            parsed,
            progress,
            doc_key=doc_key or doc_key_for(path, audience),
            audience=meta_audience if meta_audience in AUDIENCES and doc_key is None else audience,
            source=source or parsed.meta.get("source", ""),
            filename=path.name,
            fmt=path.suffix.lower().lstrip("."),
            sha256=content_hash(path.read_bytes()),
        )

    def ensure_starter(self, progress: Progress | None = None, *, embed: bool = True) -> int:
        """Import bundled starter documents that are missing or changed; returns how many.

        ``embed=False`` imports them lexical-only (instant); call :meth:`embed_missing` later."""
        with self.db.read_raw() as conn:
            known = kb_index.document_hashes(conn)
        changed = 0
        for doc in starter_documents():
            digest = content_hash(doc.text.encode("utf-8"))
            if known.get(doc.doc_key) == digest:
                continue
            parsed = parse_markdown(doc.text, doc.doc_key)
            self._store(
                parsed,
                None,
                embed=False,  # vectors below: shipped ones first, then whatever is missing
                doc_key=doc.doc_key,
                audience=doc.audience,
                filename=doc.doc_key + ".md",
                fmt="md",
                sha256=digest,
                builtin=True,
            )
            changed += 1
            if progress is not None:
                progress(changed, len(known) or 1)
        if self.embedder is not None:
            self.apply_shipped_vectors()
            if embed:
                self.embed_missing()
        return changed

    def apply_shipped_vectors(self) -> int:
        """Use the precomputed vectors of unchanged starter documents (no embedding needed)."""
        from appliance.knowledge.kb_starter_vectors import shipped_vectors

        if self.embedder is None:
            return 0
        model = self.embedder.name
        shipped = shipped_vectors(model)
        if not shipped:
            return 0
        with self.db.read_raw() as conn:
            hashes = kb_index.document_hashes(conn)
            missing = {cid for cid, _ in kb_index.chunks_missing_vectors(conn, model)}
            plan: list[tuple[list[int], Any]] = []
            for key, (sha, matrix) in shipped.items():
                if hashes.get(key) != sha:
                    continue
                ids = [
                    int(r[0])
                    for r in conn.execute(
                        "SELECT c.id FROM kb_chunks c JOIN kb_documents d ON d.id = c.doc_id "
                        "WHERE d.doc_key = ? ORDER BY c.ordinal",
                        (key,),
                    )
                ]
                if len(ids) == len(matrix) and any(i in missing for i in ids):
                    plan.append((ids, matrix))
        for ids, matrix in plan:
            self.db.write_raw(partial(kb_index.write_vectors, model=model, ids=ids, vectors=matrix))
        return sum(len(ids) for ids, _ in plan)

    def embed_missing_in_background(self) -> threading.Thread | None:
        """Add missing vectors on a daemon thread; search is lexical for chunks without one."""
        if self.embedder is None:
            return None

        def work() -> None:
            try:
                self.embed_missing()
            except Exception as exc:  # store closed meanwhile, model error: stay lexical
                log.warning("background embedding stopped: %s", exc.__class__.__name__)

        thread = threading.Thread(target=work, name="kb-embed", daemon=True)
        thread.start()
        return thread

    # --- maintenance -----------------------------------------------------------------------
    def remove(self, doc_key: str) -> None:
        self.db.write_raw(lambda conn: kb_index.remove_document(conn, doc_key))

    def documents(self) -> list[DocumentInfo]:
        with self.db.read_raw() as conn:
            return kb_index.list_documents(conn)

    def get(self, doc_key: str) -> DocumentInfo:
        for info in self.documents():
            if info.doc_key == doc_key:
                return info
        raise KnowledgeDocNotFound(
            f"知识库中没有文档：{doc_key}", f"No document in the knowledge base: {doc_key}"
        )

    def embed_missing(self, progress: Progress | None = None) -> int:
        """Embed chunks that have no vector for the current embedder (after a model change)."""
        if self.embedder is None:
            return 0
        embedder = self.embedder
        with self.db.read_raw() as conn:
            missing = kb_index.chunks_missing_vectors(conn, embedder.name)
        if not missing:
            return 0
        ids = [cid for cid, _ in missing]
        vectors = kb_index.embed_texts(embedder, [text for _, text in missing], progress)
        self.db.write_raw(lambda conn: kb_index.write_vectors(conn, embedder.name, ids, vectors))
        return len(ids)

    def reindex(self, progress: Progress | None = None) -> dict[str, int]:
        """Rebuild the word/trigram indexes and add missing vectors."""
        chunks = self.db.write_raw(kb_index.rebuild_lexical)
        embedded = self.embed_missing(progress)
        return {"chunks": chunks, "embedded": embedded}

    # --- search ----------------------------------------------------------------------------
    def search(self, question: str, k: int = 5, audience: str | None = None) -> list[Hit]:
        with self.db.read_raw() as conn:
            return self.retriever.search(conn, question, k=k, audience=audience)

    def chunks_of(self, doc_key: str) -> list[tuple[str, str]]:
        """(section, text) of a document's chunks in order."""
        with self.db.read_raw() as conn:
            rows = conn.execute(
                "SELECT c.section, c.text FROM kb_chunks c JOIN kb_documents d ON d.id = c.doc_id "
                "WHERE d.doc_key = ? ORDER BY c.ordinal",
                (doc_key,),
            ).fetchall()
        return [(r[0], r[1]) for r in rows]
