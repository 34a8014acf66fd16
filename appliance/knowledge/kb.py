"""The knowledge base facade: import, list, remove, reindex, search.

It works over a ``KbStorage`` port (:mod:`appliance.knowledge.kb_port`): the services inject
``appliance.store.knowledge_base.KbRepository`` over the encrypted store, or over a plain SQLite
file of the public starter documents when no store exists (and in tests). Slow work
(segmentation, embedding) happens before the write; the write itself is a few inserts.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from appliance.errors import InputError, KnowledgeDocNotFound
from appliance.knowledge import kb_index
from appliance.knowledge.chunking import ParsedDocument, chunk_blocks
from appliance.knowledge.embed import Embedder, vector_to_blob
from appliance.knowledge.kb_index import DocumentInfo, Progress, content_hash
from appliance.knowledge.kb_loaders import load_document, parse_markdown
from appliance.knowledge.kb_port import KbStorage
from appliance.knowledge.retrieval import Hit, Retriever

log = logging.getLogger("clinicbox.knowledge")
AUDIENCES = ("patient", "clinician")


def _not_found(doc_key: str) -> KnowledgeDocNotFound:
    return KnowledgeDocNotFound(
        f"知识库中没有文档：{doc_key}", f"No document in the knowledge base: {doc_key}"
    )


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
    def __init__(self, storage: KbStorage, embedder: Embedder | None = None) -> None:
        self.storage = storage
        self.embedder = embedder
        self.retriever = Retriever(embedder)

    # --- import ----------------------------------------------------------------------------
    def _store(
        self, parsed: ParsedDocument, progress: Progress | None, embed: bool = True, **kw: Any
    ) -> DocumentInfo:
        prepared = kb_index.prepare_document(
            parsed, embedder=self.embedder if embed else None, progress=progress, **kw
        )
        self.storage.write_document(kb_index.rows_to_write(prepared))
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
        with self.storage.reading() as reader:
            known = reader.document_hashes()
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
        with self.storage.reading() as reader:
            hashes = reader.document_hashes()
            missing = {row.id for row in reader.chunks_missing_vectors(model)}
            plan: list[tuple[list[int], np.ndarray]] = []
            for key, (sha, matrix) in shipped.items():
                if hashes.get(key) != sha:
                    continue
                ids = [row.id for row in reader.chunks_of(key)]
                if len(ids) == len(matrix) and any(i in missing for i in ids):
                    plan.append((ids, matrix))
        for ids, matrix in plan:
            self.storage.write_vectors(model, ids, [vector_to_blob(v) for v in matrix])
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
        if not self.storage.remove_document(doc_key):
            raise _not_found(doc_key)

    def documents(self) -> list[DocumentInfo]:
        with self.storage.reading() as reader:
            return [kb_index.document_info(row) for row in reader.documents()]

    def get(self, doc_key: str) -> DocumentInfo:
        for info in self.documents():
            if info.doc_key == doc_key:
                return info
        raise _not_found(doc_key)

    def embed_missing(self, progress: Progress | None = None) -> int:
        """Embed chunks that have no vector for the current embedder (after a model change)."""
        if self.embedder is None:
            return 0
        embedder = self.embedder
        with self.storage.reading() as reader:
            missing = list(reader.chunks_missing_vectors(embedder.name))
        if not missing:
            return 0
        ids = [row.id for row in missing]
        texts = [kb_index.chunk_row_index_text(row) for row in missing]
        vectors = kb_index.embed_texts(embedder, texts, progress)
        self.storage.write_vectors(embedder.name, ids, [vector_to_blob(v) for v in vectors])
        return len(ids)

    def reindex(self, progress: Progress | None = None) -> dict[str, int]:
        """Rebuild the word/trigram indexes and add missing vectors."""
        chunks = self.storage.rebuild_lexical(kb_index.index_chunk)
        embedded = self.embed_missing(progress)
        return {"chunks": chunks, "embedded": embedded}

    # --- search ----------------------------------------------------------------------------
    def search(self, question: str, k: int = 5, audience: str | None = None) -> list[Hit]:
        with self.storage.reading() as reader:
            return self.retriever.search(reader, question, k=k, audience=audience)

    def chunks_of(self, doc_key: str) -> list[tuple[str, str]]:
        """(section, text) of a document's chunks in order."""
        with self.storage.reading() as reader:
            return [(row.section, row.text) for row in reader.chunks_of(doc_key)]
