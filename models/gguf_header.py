"""Read a GGUF file's header (metadata and tensor table) without loading any weights.

Used to verify model files before llama.cpp ever sees them (magic, version, tensor table, the
exact size the tensor table implies) and to copy DeepSeek's tokenizer and chat template into the
tiny test model. Works on a truncated file as long as the header itself is complete (the first
part package of the 7B model holds the whole header).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32

# GGUF metadata value types
_SCALARS: dict[int, str] = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING = 8
_ARRAY = 9

# ggml tensor types: (elements per block, bytes per block) — from ggml.h / gguf-py constants
GGML_BLOCK: dict[int, tuple[int, int]] = {
    0: (1, 4),  # F32
    1: (1, 2),  # F16
    2: (32, 18),  # Q4_0
    3: (32, 20),  # Q4_1
    6: (32, 22),  # Q5_0
    7: (32, 24),  # Q5_1
    8: (32, 34),  # Q8_0
    9: (32, 36),  # Q8_1
    10: (256, 84),  # Q2_K
    11: (256, 110),  # Q3_K
    12: (256, 144),  # Q4_K
    13: (256, 176),  # Q5_K
    14: (256, 210),  # Q6_K
    15: (256, 292),  # Q8_K
    16: (256, 66),  # IQ2_XXS
    17: (256, 74),  # IQ2_XS
    18: (256, 98),  # IQ3_XXS
    19: (256, 50),  # IQ1_S
    20: (32, 18),  # IQ4_NL
    21: (256, 110),  # IQ3_S
    22: (256, 82),  # IQ2_S
    23: (256, 136),  # IQ4_XS
    24: (1, 1),  # I8
    25: (1, 2),  # I16
    26: (1, 4),  # I32
    27: (1, 8),  # I64
    28: (1, 8),  # F64
    29: (256, 56),  # IQ1_M
    30: (1, 2),  # BF16
    34: (256, 54),  # TQ1_0
    35: (256, 66),  # TQ2_0
    39: (32, 17),  # MXFP4
}


class GGUFFormatError(ValueError):
    """The bytes are not a well-formed GGUF header (or the file ends inside the header)."""


@dataclass
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int

    @property
    def n_bytes(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        if self.ggml_type not in GGML_BLOCK:
            raise GGUFFormatError(f"unknown tensor type {self.ggml_type} for {self.name}")
        block, size = GGML_BLOCK[self.ggml_type]
        return (n // block) * size


@dataclass
class GGUFHeader:
    version: int
    metadata: dict[str, Any]
    tensors: list[TensorInfo] = field(default_factory=list)
    data_offset: int = 0

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    @property
    def alignment(self) -> int:
        return int(self.metadata.get("general.alignment", DEFAULT_ALIGNMENT))

    @property
    def expected_size(self) -> int:
        """The file size the tensor table implies (data start + end of the last tensor)."""
        end = 0
        for info in self.tensors:
            end = max(end, info.offset + info.n_bytes)
        return self.data_offset + end

    @property
    def vocab_size(self) -> int:
        tokens = self.metadata.get("tokenizer.ggml.tokens")
        if isinstance(tokens, list):
            return len(tokens)
        return int(self.metadata.get("tokenizer.ggml.tokens#len", 0))

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return str(value) if value is not None else None

    @property
    def context_length(self) -> int | None:
        value = self.metadata.get(f"{self.architecture}.context_length")
        return int(value) if value is not None else None


class _Reader:
    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh

    def read(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise GGUFFormatError("file ends inside the GGUF header (truncated)")
        return data

    def scalar(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        n = self.scalar("<Q")
        if n > 1 << 26:
            raise GGUFFormatError("implausible string length in GGUF header")
        return self.read(n).decode("utf-8", errors="replace")

    def value(self, vtype: int, keep_arrays: bool) -> Any:
        if vtype in _SCALARS:
            return self.scalar(_SCALARS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            item_type = self.scalar("<I")
            count = self.scalar("<Q")
            if count > 1 << 28:
                raise GGUFFormatError("implausible array length in GGUF header")
            if item_type in _SCALARS and not keep_arrays:
                self.fh.seek(struct.calcsize(_SCALARS[item_type]) * count, 1)
                return _Skipped(count)
            if item_type in _SCALARS:
                fmt = _SCALARS[item_type]
                raw = self.read(struct.calcsize(fmt) * count)
                return list(struct.unpack("<" + fmt[1:] * count, raw))
            items = [self.value(item_type, keep_arrays) for _ in range(count)]
            return items if keep_arrays else _Skipped(count)
        raise GGUFFormatError(f"unknown GGUF value type {vtype}")


@dataclass
class _Skipped:
    count: int


def read_header(path: Path | str, *, keep_arrays: bool = False) -> GGUFHeader:
    """Parse the header of ``path``. Large arrays (the vocabulary) are only kept when asked."""
    with open(path, "rb") as fh:
        return read_header_from(fh, keep_arrays=keep_arrays)


def read_header_from(fh: BinaryIO, *, keep_arrays: bool = False) -> GGUFHeader:
    r = _Reader(fh)
    magic = fh.read(4)
    if magic != GGUF_MAGIC:
        raise GGUFFormatError("not a GGUF file (bad magic)")
    version = r.scalar("<I")
    if version not in (2, 3):
        raise GGUFFormatError(f"unsupported GGUF version {version}")
    n_tensors = r.scalar("<Q")
    n_kv = r.scalar("<Q")
    if n_tensors > 100_000 or n_kv > 100_000:
        raise GGUFFormatError("implausible tensor/metadata count in GGUF header")
    metadata: dict[str, Any] = {}
    for _ in range(n_kv):
        key = r.string()
        vtype = r.scalar("<I")
        value = r.value(vtype, keep_arrays)
        if isinstance(value, _Skipped):
            metadata[key + "#len"] = value.count
        else:
            metadata[key] = value
    tensors: list[TensorInfo] = []
    for _ in range(n_tensors):
        name = r.string()
        n_dims = r.scalar("<I")
        if n_dims > 8:
            raise GGUFFormatError("implausible tensor rank in GGUF header")
        shape = tuple(r.scalar("<Q") for _ in range(n_dims))
        ggml_type = r.scalar("<I")
        offset = r.scalar("<Q")
        tensors.append(TensorInfo(name, shape, ggml_type, offset))
    header = GGUFHeader(version=version, metadata=metadata, tensors=tensors)
    pos = fh.tell()
    align = header.alignment
    header.data_offset = pos + (-pos % align)
    return header
