"""Hardware-aware selection: which installed model, context, threads and GPU layers to use.

The plan leaves RAM for the rest of the box (database, speech, embeddings, LAN API, TUI) and
explains every choice in both languages so ``clinicbox doctor`` can show why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.config import Settings
from appliance.errors import ModelNotInstalled
from appliance.i18n import t
from models.catalog import ModelEntry, find_entry_for_file, load_catalog
from models.gguf_header import GGUFFormatError, read_header
from models.hardware import Hardware, probe
from models.registry import Registry, models_dir

RESERVED_FOR_BOX_MB = 2560  # OS, SQLCipher store, Whisper base, e5 embeddings, API, TUI
RUNTIME_OVERHEAD_MB = 300  # llama.cpp compute buffers, tokenizer, Python
MIN_CTX = 1024
MAX_THREADS = 8  # generation is memory-bound: more threads than this only adds contention


@dataclass
class Candidate:
    name: str
    path: Path
    entry: ModelEntry | None
    size: int
    n_layers: int
    kv_bytes_per_token: int
    ctx_train: int


@dataclass
class Plan:
    name: str
    path: Path
    entry: ModelEntry | None
    ctx: int
    threads: int
    gpu_layers: int
    use_mmap: bool
    est_ram_mb: int
    budget_mb: int
    reasons: list[tuple[str, str]] = field(default_factory=list)
    considered: list[dict[str, Any]] = field(default_factory=list)

    def explain(self, lang: str | None = None) -> list[str]:
        return [t(zh, en, lang) for zh, en in self.reasons]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "path": str(self.path),
            "ctx": self.ctx,
            "threads": self.threads,
            "gpu_layers": self.gpu_layers,
            "use_mmap": self.use_mmap,
            "est_ram_mb": self.est_ram_mb,
            "budget_mb": self.budget_mb,
            "why": self.explain(),
            "considered": self.considered,
        }


def candidate_for(name: str, path: Path, entry: ModelEntry | None) -> Candidate:
    try:
        header = read_header(path)
    except (GGUFFormatError, OSError):
        header = None
    meta = header.metadata if header else {}
    arch = header.architecture if header else ""
    n_layers = int(meta.get(f"{arch}.block_count", 32))
    n_embd = int(meta.get(f"{arch}.embedding_length", 4096))
    n_head = int(meta.get(f"{arch}.attention.head_count", 32)) or 1
    n_kv = int(meta.get(f"{arch}.attention.head_count_kv", n_head))
    kv_per_token = n_layers * 2 * (n_embd // n_head) * n_kv * 2  # K and V, f16
    ctx_train = int(meta.get(f"{arch}.context_length", 0)) or (entry.ctx_train if entry else 4096)
    size = path.stat().st_size if path.exists() else (entry.size if entry else 0)
    return Candidate(name, path, entry, size, n_layers, kv_per_token, ctx_train)


def installed_candidates(settings: Settings) -> list[Candidate]:
    reg = Registry(models_dir(settings))
    by_name = {e.name: e for e in load_catalog()}
    out = []
    for name, item in reg.all().items():
        entry = by_name.get(name)
        if entry is not None and not entry.runs_in_engine:
            continue
        out.append(candidate_for(name, item.path(reg.dir), entry))
    return out


def _explicit(settings: Settings) -> Candidate | None:
    wanted = settings.model
    reg = Registry(models_dir(settings))
    if wanted:
        as_path = Path(wanted).expanduser()
        if wanted.endswith(".gguf") and as_path.is_file():
            entry = find_entry_for_file(as_path.name)
            return candidate_for(entry.name if entry else as_path.stem, as_path, entry)
        item = reg.get(wanted)
        if item is None:
            raise ModelNotInstalled(
                f"所选模型 {wanted} 尚未安装。",
                f"The chosen model {wanted} is not installed.",
            )
        entry = next((e for e in load_catalog() if e.name == wanted), None)
        return candidate_for(wanted, item.path(reg.dir), entry)
    active = reg.active
    if active and reg.get(active) is not None:
        item = reg.get(active)
        assert item is not None
        entry = next((e for e in load_catalog() if e.name == active), None)
        return candidate_for(active, item.path(reg.dir), entry)
    return None


def _need_mb(c: Candidate, ctx: int) -> int:
    return (c.size + c.kv_bytes_per_token * ctx) // (1 << 20) + RUNTIME_OVERHEAD_MB


def plan(settings: Settings, hw: Hardware | None = None) -> Plan:
    """Choose model, context, threads and GPU layers. Raises ModelNotInstalled when none."""
    hw = hw or probe(models_dir(settings))
    explicit = _explicit(settings)
    return plan_from(
        installed_candidates(settings) if explicit is None else [], explicit, hw, settings
    )


def plan_from(
    installed: list[Candidate], explicit: Candidate | None, hw: Hardware, settings: Settings
) -> Plan:
    """The pure part of :func:`plan` (unit-tested with made-up hardware)."""
    budget = max(hw.ram_total_mb - RESERVED_FOR_BOX_MB, 512)
    reasons: list[tuple[str, str]] = [
        (
            f"内存 {hw.ram_total_mb} MB，为数据库、语音、检索和界面预留 {RESERVED_FOR_BOX_MB} MB，模型可用 {budget} MB。",
            f"RAM {hw.ram_total_mb} MB; {RESERVED_FOR_BOX_MB} MB kept for the store, speech, retrieval and UI, {budget} MB left for the model.",
        )
    ]
    gpu_budget = int(hw.vram_mb * 0.9) if hw.gpus and hw.gpu_offload_supported else 0
    considered: list[dict[str, Any]] = []
    chosen = explicit
    if chosen is not None:
        reasons.append(
            (
                f"使用指定的模型 {chosen.name}（设置或 clinicbox models use）。",
                f"Using the chosen model {chosen.name} (settings or clinicbox models use).",
            )
        )
    else:
        # test and base models only run when chosen explicitly (settings.model / models use)
        cands = [c for c in installed if c.entry is None or c.entry.role in ("chat", "reasoning")]
        if not cands:
            raise ModelNotInstalled()
        ranked = sorted(
            cands, key=lambda c: (c.entry.quality if c.entry else 1, -c.size), reverse=True
        )
        for c in ranked:
            fits = _need_mb(c, MIN_CTX) <= budget + gpu_budget
            considered.append({"model": c.name, "need_mb": _need_mb(c, MIN_CTX), "fits": fits})
            if fits and chosen is None:
                chosen = c
        if chosen is None:
            chosen = min(ranked, key=lambda c: c.size)
            reasons.append(
                (
                    f"没有完全放得下的模型，选用最小的 {chosen.name}（可能较慢）。",
                    f"No model fits comfortably; using the smallest, {chosen.name} (may be slow).",
                )
            )
        else:
            reasons.append(
                (
                    f"在放得下的已安装模型中选质量最高的：{chosen.name}。",
                    f"Best installed model that fits: {chosen.name}.",
                )
            )
    # context: the setting, capped by training length and memory
    ctx = min(settings.llm_ctx, chosen.ctx_train or settings.llm_ctx)
    while ctx > MIN_CTX and _need_mb(chosen, ctx) > budget + gpu_budget:
        ctx //= 2
    ctx = max(ctx, min(MIN_CTX, settings.llm_ctx))
    reasons.append(
        (
            f"上下文 {ctx} 个 token（KV 缓存约 {chosen.kv_bytes_per_token * ctx >> 20} MB）。",
            f"Context {ctx} tokens (KV cache about {chosen.kv_bytes_per_token * ctx >> 20} MB).",
        )
    )
    # threads
    if settings.llm_threads:
        threads = settings.llm_threads
        reasons.append((f"线程数按设置为 {threads}。", f"Threads set to {threads} by settings."))
    else:
        threads = max(1, min(hw.physical_cores, MAX_THREADS))
        simd = ", ".join(f for f in hw.flags if f.startswith(("avx", "neon", "sve"))) or "none"
        reasons.append(
            (
                f"使用 {threads} 个线程（物理核心 {hw.physical_cores}，指令集 {simd}）。",
                f"{threads} threads ({hw.physical_cores} physical cores, SIMD: {simd}).",
            )
        )
    # GPU layers
    need_all = _need_mb(chosen, ctx)
    if settings.llm_gpu_layers is not None:
        gpu_layers = settings.llm_gpu_layers
        reasons.append((f"GPU 层数按设置为 {gpu_layers}。", f"GPU layers set to {gpu_layers}."))
    elif gpu_budget <= 0 and hw.gpus and not hw.gpu_offload_supported:
        gpu_layers = 0
        reasons.append(
            (
                "检测到 GPU，但当前 llama.cpp 未编译 GPU 支持，全部在 CPU 上运行"
                "（可用 CMAKE_ARGS=-DGGML_CUDA=on 重新安装）。",
                "A GPU is present but this llama.cpp build has no GPU support: running on the CPU "
                "(reinstall with CMAKE_ARGS=-DGGML_CUDA=on).",
            )
        )
    elif gpu_budget <= 0:
        gpu_layers = 0
        reasons.append(
            (
                "未检测到可用 GPU，全部在 CPU 上运行。",
                "No usable GPU found: everything runs on the CPU.",
            )
        )
    elif need_all <= gpu_budget:
        gpu_layers = -1
        reasons.append(
            (
                f"GPU 显存 {hw.vram_mb} MB 足够，全部 {chosen.n_layers} 层放到 GPU。",
                f"GPU with {hw.vram_mb} MB VRAM: all {chosen.n_layers} layers offloaded.",
            )
        )
    else:
        per_layer = max(need_all // max(chosen.n_layers, 1), 1)
        gpu_layers = max(0, min(chosen.n_layers, gpu_budget // per_layer))
        reasons.append(
            (
                f"GPU 显存 {hw.vram_mb} MB 只够放 {gpu_layers}/{chosen.n_layers} 层。",
                f"GPU with {hw.vram_mb} MB VRAM holds {gpu_layers} of {chosen.n_layers} layers.",
            )
        )
    use_mmap = gpu_layers != 0  # on CPU, reading the weights in lowers resident memory
    return Plan(
        name=chosen.name,
        path=chosen.path,
        entry=chosen.entry,
        ctx=ctx,
        threads=threads,
        gpu_layers=gpu_layers,
        use_mmap=use_mmap,
        est_ram_mb=need_all,
        budget_mb=budget,
        reasons=reasons,
        considered=considered,
    )
