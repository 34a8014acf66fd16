"""What the knowledge base needs of its storage: the ``KbStorage`` port.

The knowledge package holds no SQL and does not import the store. The services build the
knowledge base with ``appliance.store.knowledge_base.KbRepository`` (over the encrypted store or
a plain SQLite file of public documents), which satisfies these ``Protocol``s structurally.
Reads happen inside one snapshot (:meth:`KbStorage.reading`); each write is one transaction.
Errors are the store's ``ClinicBoxError`` subclasses (locked, read-only, disk full).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol


class DocumentRow(Protocol):
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
    def format(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def builtin(self) -> bool: ...
    @property
    def added_at(self) -> str: ...
    @property
    def chunk_count(self) -> int: ...


class ChunkRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def doc_key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def words(self) -> str: ...


@dataclass(frozen=True)
class ChunkToWrite:
    ordinal: int
    section: str
    text: str
    words: str  # jieba-segmented, for the word index
    index_text: str  # title + section + text, for the trigram index
    vector: bytes | None = None  # float32 blob of the document's model


@dataclass(frozen=True)
class DocumentToWrite:
    doc_key: str
    title: str
    audience: str
    source: str
    filename: str
    fmt: str
    sha256: str
    builtin: bool
    model: str
    chunk_rows: Sequence[ChunkToWrite]


class KbReader(Protocol):
    """Queries inside one read snapshot."""

    def generation(self) -> str:
        """Changes on every write (caches key on it)."""
        ...

    def documents(self) -> Sequence[DocumentRow]: ...

    def document_hashes(self) -> dict[str, str]: ...

    def chunk_total(self) -> int: ...

    def chunks_of(self, doc_key: str) -> Sequence[ChunkRow]:
        """A document's chunks in reading order (empty when there is no such document)."""
        ...

    def chunks(self, ids: Sequence[int]) -> Mapping[int, ChunkRow]: ...

    def chunks_missing_vectors(self, model: str) -> Sequence[ChunkRow]: ...

    def vectors(self, model: str) -> tuple[list[int], list[bytes]]:
        """Chunk ids and float32 blobs of ``model``'s vectors, by chunk id."""
        ...

    def match_words(self, expression: str, limit: int) -> list[int]:
        """Chunk ids matching an FTS5 expression over segmented words, best first."""
        ...

    def match_trigram(self, expression: str, limit: int) -> list[int]:
        """Chunk ids matching an FTS5 trigram expression over the raw text, best first."""
        ...

    def term_chunk_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """How many chunks contain each word (for IDF)."""
        ...


class KbStorage(Protocol):
    def reading(self) -> AbstractContextManager[KbReader]: ...

    def write_document(self, doc: DocumentToWrite) -> None:
        """Insert, or replace by ``doc_key``, a document with all its index rows."""
        ...

    def remove_document(self, doc_key: str) -> bool:
        """False when there is no such document."""
        ...

    def write_vectors(self, model: str, ids: Sequence[int], blobs: Sequence[bytes]) -> None: ...

    def rebuild_lexical(self, indexer: Callable[[str, str, str], tuple[str, str]]) -> int:
        """Re-index every chunk with ``indexer(title, section, text) -> (index text, words)``
        inside one write; returns the number of chunks."""
        ...

    def close(self) -> None:
        """Release a database the storage owns (a no-op over the clinic store)."""
        ...
