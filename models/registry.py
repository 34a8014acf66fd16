"""What is installed in ``<models_dir>``: ``installed.json`` records each verified file
(name, file, size, sha256, mtime, source) and the model chosen with ``clinicbox models use``.

A file whose size or modification time no longer matches its record is hashed again before it
is loaded; a mismatch refuses it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from appliance.config import Settings
from models.catalog import ModelEntry

REGISTRY_FILE = "installed.json"


@dataclass
class InstalledModel:
    name: str
    file: str
    size: int
    sha256: str
    mtime_ns: int
    source: str
    installed_at: float

    def path(self, models_dir: Path) -> Path:
        p = Path(self.file)
        return p if p.is_absolute() else models_dir / p


def models_dir(settings: Settings) -> Path:
    return settings.resolved("models_dir")


class Registry:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.file = directory / REGISTRY_FILE

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_text("utf-8"))
        except FileNotFoundError:
            return {"models": {}, "active": None}
        except (OSError, json.JSONDecodeError):
            return {"models": {}, "active": None}
        data.setdefault("models", {})
        data.setdefault("active", None)
        return data  # type: ignore[no-any-return]

    def _save(self, data: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".installed.", dir=self.dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.file)

    def all(self) -> dict[str, InstalledModel]:
        return {k: InstalledModel(**v) for k, v in self._load()["models"].items()}

    def get(self, name: str) -> InstalledModel | None:
        return self.all().get(name)

    def record(self, name: str, path: Path, sha256: str, source: str) -> InstalledModel:
        st = path.stat()
        rel = path.relative_to(self.dir) if path.is_relative_to(self.dir) else path
        item = InstalledModel(
            name=name,
            file=str(rel),
            size=st.st_size,
            sha256=sha256,
            mtime_ns=st.st_mtime_ns,
            source=source,
            installed_at=time.time(),
        )
        data = self._load()
        data["models"][name] = asdict(item)
        self._save(data)
        return item

    def forget(self, name: str) -> None:
        data = self._load()
        data["models"].pop(name, None)
        if data.get("active") == name:
            data["active"] = None
        self._save(data)

    @property
    def active(self) -> str | None:
        value = self._load().get("active")
        return str(value) if value else None

    def set_active(self, name: str | None) -> None:
        data = self._load()
        data["active"] = name
        self._save(data)

    def unchanged(self, item: InstalledModel) -> bool:
        try:
            st = item.path(self.dir).stat()
        except OSError:
            return False
        return st.st_size == item.size and st.st_mtime_ns == item.mtime_ns


def check_before_load(
    settings: Settings, name: str, path: Path, entry: ModelEntry | None = None
) -> None:
    """Refuse a partial or changed file: header + exact size always (and the catalog's size,
    arch and tensor count when the file is a known model); sha256 again if it changed since it
    was installed (size or mtime differ from the record)."""
    from appliance.errors import ModelCorrupt
    from models.verify import sha256_file, verify_model_file

    verify_model_file(path, entry, full_hash=False)
    reg = Registry(models_dir(settings))
    item = reg.get(name)
    if item is None or item.path(reg.dir).resolve() != path.resolve() or reg.unchanged(item):
        return
    if not item.sha256 or sha256_file(path) != item.sha256:
        raise ModelCorrupt(
            f"模型文件 {path.name} 自安装后被改动，校验值不符。",
            f"Model file {path.name} changed since it was installed; its hash does not match.",
            details={"file": path.name},
        )
    reg.record(name, path, item.sha256, item.source)
