"""Preparing knowledge-base documents for storage: chunks, segmented words and vectors.

Work is split so slow parts never run inside a write transaction: :func:`prepare_document`
(segmentation + embedding, pure compute) runs first; :func:`rows_to_write` turns the result
into the rows the ``KbStorage`` port inserts (``appliance.store.knowledge_base`` holds the SQL).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from appliance.knowledge.chunking import Chunk, ParsedDocument, chunk_blocks
from appliance.knowledge.embed import Embedder, vector_to_blob
from appliance.knowledge.kb_port import ChunkRow, ChunkToWrite, DocumentRow, DocumentToWrite
from appliance.knowledge.kb_text import index_words

Progress = Callable[[int, int], None]
EMBED_BATCH = 16


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


def rows_to_write(doc: PreparedDocument) -> DocumentToWrite:
    """The rows the storage inserts for a prepared document (vectors as float32 blobs)."""
    vectors = doc.vectors
    return DocumentToWrite(
        doc_key=doc.doc_key,
        title=doc.title,
        audience=doc.audience,
        source=doc.source,
        filename=doc.filename,
        fmt=doc.fmt,
        sha256=doc.sha256,
        builtin=doc.builtin,
        model=doc.model,
        chunk_rows=[
            ChunkToWrite(
                ordinal=chunk.ordinal,
                section=chunk.section,
                text=chunk.text,
                words=words,
                index_text=chunk_index_text(doc.title, chunk),
                vector=vector_to_blob(vectors[i]) if vectors is not None else None,
            )
            for i, (chunk, words) in enumerate(zip(doc.chunks, doc.words, strict=True))
        ],
    )


def document_info(row: DocumentRow) -> DocumentInfo:
    return DocumentInfo(
        row.doc_key, row.title, row.audience, row.source, row.filename, row.format,
        row.builtin, row.added_at, row.chunk_count,
    )  # fmt: skip


def index_chunk(title: str, section: str, text: str) -> tuple[str, str]:
    """(trigram index text, segmented words) of a chunk: what a lexical rebuild writes."""
    full = chunk_index_text(title, Chunk(section, text, 0))
    return full, index_words(full)


def chunk_row_index_text(row: ChunkRow) -> str:
    return chunk_index_text(row.title, Chunk(row.section, row.text, 0))
