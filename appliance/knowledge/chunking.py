"""Heading-aware chunking of knowledge documents.

A loader (:mod:`appliance.knowledge.kb_loaders`) turns a file into :class:`Block` items — headings
with a level, and paragraphs. :func:`chunk_blocks` groups paragraphs under their heading path
(``就诊流程 > 挂号``) so that every chunk is one section, or one piece of a long section split at
paragraph boundaries. A chunk never spans two sections, so its citation names exactly one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_CHUNK_CHARS = 520
MIN_CHUNK_CHARS = 2

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


@dataclass(frozen=True)
class Block:
    """One heading (level 1-6) or paragraph (level 0) of a document."""

    text: str
    level: int = 0


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece: its section path, text and position in the document."""

    section: str
    text: str
    ordinal: int


@dataclass
class ParsedDocument:
    """A loaded document: title, metadata and blocks in reading order."""

    title: str
    blocks: list[Block]
    meta: dict[str, str] = field(default_factory=dict)


def _split_long(text: str, limit: int) -> list[str]:
    """Split a paragraph longer than ``limit`` at sentence ends (hard cut as a last resort)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        if current and len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        while len(sentence) > limit:
            pieces.append(sentence[:limit])
            sentence = sentence[limit:]
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _pack(paragraphs: list[str], limit: int) -> list[str]:
    """Pack paragraphs into pieces of at most ``limit`` characters, keeping paragraphs whole."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for para in paragraphs:
        for part in _split_long(para, limit):
            if current and size + len(part) + 1 > limit:
                pieces.append("\n".join(current))
                current, size = [], 0
            current.append(part)
            size += len(part) + 1
    if current:
        pieces.append("\n".join(current))
    return pieces


def chunk_blocks(
    blocks: list[Block], title: str = "", max_chars: int = MAX_CHUNK_CHARS
) -> list[Chunk]:
    """Group paragraphs under their heading path; split long sections at paragraph ends.

    The document title (a level-1 heading equal to ``title``) is not repeated in section paths.
    Text before the first heading belongs to the section named after the title.
    """
    chunks: list[Chunk] = []
    path: list[tuple[int, str]] = []
    paragraphs: list[str] = []

    def section_name() -> str:
        names = [name for _, name in path if name != title]
        return " > ".join(names) if names else (title or "正文")

    def flush() -> None:
        text_pieces = _pack([p for p in paragraphs if p.strip()], max_chars)
        for piece in text_pieces:
            if len(piece.strip()) >= MIN_CHUNK_CHARS or not chunks:
                chunks.append(Chunk(section_name(), piece.strip(), len(chunks)))
        paragraphs.clear()

    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if block.level > 0:
            flush()
            while path and path[-1][0] >= block.level:
                path.pop()
            path.append((block.level, text))
        else:
            paragraphs.append(text)
    flush()
    return [c for c in chunks if c.text]
