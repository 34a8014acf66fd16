"""Hardware probe: CPU cores and flags, RAM, free disk, NVIDIA/AMD GPUs and their VRAM."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class GPU:
    vendor: str  # nvidia | amd
    name: str
    vram_mb: int


@dataclass
class Hardware:
    arch: str
    cpu_model: str
    logical_cores: int
    physical_cores: int
    flags: list[str]
    ram_total_mb: int
    ram_available_mb: int
    disk_free_mb: int
    gpus: list[GPU] = field(default_factory=list)
    gpu_offload_supported: bool = False

    @property
    def vram_mb(self) -> int:
        return max((g.vram_mb for g in self.gpus), default=0)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["vram_mb"] = self.vram_mb
        return data


_FLAGS = (
    "avx",
    "avx2",
    "avx512f",
    "avx512_vnni",
    "avx512vnni",
    "fma",
    "f16c",
    "neon",
    "asimd",
    "sve",
    "amx_tile",
)


def _cpuinfo() -> tuple[str, list[str]]:
    model, flags = platform.processor() or platform.machine(), set()
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return model, []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "hardware") and value.strip():
            model = value.strip()
        elif key in ("flags", "features"):
            flags.update(value.split())
    wanted = [f for f in _FLAGS if f in flags]
    if "asimd" in flags and "neon" not in wanted:
        wanted.append("neon")
    return model, wanted


def _nvidia() -> list[GPU]:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return []
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = []
    for line in out.strip().splitlines():
        name, _, mem = line.rpartition(",")
        try:
            gpus.append(GPU("nvidia", name.strip(), int(float(mem.strip()))))
        except ValueError:
            continue
    return gpus


def _amd() -> list[GPU]:
    gpus = []
    for card in sorted(Path("/sys/class/drm").glob("card[0-9]*/device")):
        vram = card / "mem_info_vram_total"
        vendor = card / "vendor"
        try:
            if vendor.read_text().strip() != "0x1002" or not vram.is_file():
                continue
            gpus.append(GPU("amd", card.parent.name, int(vram.read_text()) >> 20))
        except (OSError, ValueError):
            continue
    return gpus


def _gpu_offload() -> bool:
    try:
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:
        return False


def probe(disk_path: Path | None = None) -> Hardware:
    import psutil

    model, flags = _cpuinfo()
    vm = psutil.virtual_memory()
    where = disk_path if disk_path is not None and disk_path.exists() else Path.home()
    while not where.exists():
        where = where.parent
    logical = os.cpu_count() or 1
    try:
        affinity = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        affinity = logical
    return Hardware(
        arch=platform.machine(),
        cpu_model=model,
        logical_cores=min(logical, affinity),
        physical_cores=min(psutil.cpu_count(logical=False) or logical, affinity),
        flags=flags,
        ram_total_mb=vm.total >> 20,
        ram_available_mb=vm.available >> 20,
        disk_free_mb=shutil.disk_usage(where).free >> 20,
        gpus=_nvidia() + _amd(),
        gpu_offload_supported=_gpu_offload(),
    )
