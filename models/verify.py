"""Verify a model file before anything loads it: GGUF header, exact size, sha256.

A partial copy, a truncated download or flipped bytes are refused with :class:`ModelCorrupt`;
llama.cpp never sees such a file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from appliance.errors import ModelCorrupt
from models.catalog import ModelEntry
from models.gguf_header import GGUFFormatError, GGUFHeader, read_header

CHUNK = 8 << 20


@dataclass
class VerifyReport:
    path: str
    size: int
    arch: str
    tensors: int
    vocab: int
    has_chat_template: bool
    sha256: str | None
    sha256_expected: str | None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


def _corrupt(path: Path, zh: str, en: str) -> ModelCorrupt:
    return ModelCorrupt(
        f"模型文件 {path.name} 无法通过校验：{zh}",
        f"Model file {path.name} failed verification: {en}",
        details={"file": path.name},
    )


def check_header(path: Path) -> GGUFHeader:
    """Header and exact size: fast (reads only the header), done before every load."""
    if not path.is_file():
        raise _corrupt(path, "文件不存在", "the file does not exist")
    try:
        header = read_header(path)
    except GGUFFormatError as exc:
        raise _corrupt(path, f"GGUF 文件头无效（{exc}）", f"invalid GGUF header ({exc})") from None
    except OSError as exc:
        raise _corrupt(path, "无法读取", f"cannot read it ({exc.strerror})") from None
    actual = path.stat().st_size
    expected = header.expected_size
    if actual < expected:
        raise _corrupt(
            path,
            f"文件不完整（{actual} / {expected} 字节）",
            f"the file is incomplete ({actual} of {expected} bytes)",
        )
    if actual > expected + header.alignment:
        raise _corrupt(
            path,
            f"文件大小异常（{actual}，应为 {expected} 字节）",
            f"unexpected size ({actual}, expected {expected} bytes)",
        )
    if not header.tensors:
        raise _corrupt(path, "没有张量", "it holds no tensors")
    return header


def verify_model_file(
    path: Path,
    entry: ModelEntry | None = None,
    *,
    full_hash: bool = True,
    expected_sha256: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Check ``path`` against its catalog entry. Raises :class:`ModelCorrupt` on any mismatch."""
    header = check_header(path)
    size = path.stat().st_size
    if entry is not None:
        if entry.size and size != entry.size:
            raise _corrupt(
                path,
                f"大小与目录不符（{size}，应为 {entry.size} 字节）",
                f"size differs from the catalog ({size}, expected {entry.size} bytes)",
            )
        if entry.arch and header.architecture and header.architecture != entry.arch:
            raise _corrupt(
                path,
                f"架构为 {header.architecture}，应为 {entry.arch}",
                f"architecture is {header.architecture}, expected {entry.arch}",
            )
        if entry.tensors and len(header.tensors) != entry.tensors:
            raise _corrupt(
                path,
                f"张量数为 {len(header.tensors)}，应为 {entry.tensors}",
                f"{len(header.tensors)} tensors, expected {entry.tensors}",
            )
    expected = expected_sha256 or (entry.sha256 if entry is not None else "") or None
    digest = sha256_file(path, progress) if full_hash or expected else None
    if expected and digest != expected:
        raise _corrupt(path, "SHA-256 校验值不符", "its SHA-256 does not match")
    return VerifyReport(
        path=str(path),
        size=size,
        arch=header.architecture,
        tensors=len(header.tensors),
        vocab=header.vocab_size,
        has_chat_template="tokenizer.chat_template" in header.metadata,
        sha256=digest,
        sha256_expected=expected,
    )
