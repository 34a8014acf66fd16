"""The LLM engine: one resident llama.cpp model behind a priority scheduler.

    from appliance.llm import open_engine
    engine = open_engine(settings)   # ModelNotInstalled ("model_missing") when there is no model
    res = engine.chat(messages, task="triage", schema=SCHEMA)   # res.data: validated JSON
    for piece in engine.stream(messages, task="assistant"): ...
    engine.close()

Tasks set the priority: triage > emr/qc > meds > assistant > batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from appliance.llm._types import (
    TASK_PRIORITY,
    ChatResult,
    StreamPiece,
    Task,
    Timings,
    priority_for_task,
)

if TYPE_CHECKING:
    from appliance.config import Settings
    from appliance.llm.engine import ChatStream, Engine

__all__ = [
    "TASK_PRIORITY",
    "ChatResult",
    "ChatStream",
    "Engine",
    "StreamPiece",
    "Task",
    "Timings",
    "open_engine",
    "priority_for_task",
]


def open_engine(settings: Settings, *, monitor: bool = True, **overrides: Any) -> Engine:
    """Load the model chosen for this box (see models.selection) and start the scheduler.

    The file is checked first (GGUF header, exact size, hash if it changed since install): a
    partial or corrupt file raises ModelCorrupt and is never handed to llama.cpp.
    ``overrides`` (ctx, threads, gpu_layers, use_mmap) replace the plan's choices.
    """
    from appliance.errors import DependencyMissing
    from models.registry import check_before_load
    from models.selection import plan

    try:
        from appliance.llm._local import LocalBackend
        from appliance.llm.engine import Engine
    except ImportError:  # pragma: no cover - llama-cpp-python missing
        raise DependencyMissing(
            "未安装 llama-cpp-python（llm 组件）。",
            "llama-cpp-python (llm extra) is not installed.",
        ) from None
    chosen = plan(settings)
    check_before_load(settings, chosen.name, chosen.path, chosen.entry)
    backend = LocalBackend(
        chosen.path,
        name=chosen.name,
        n_ctx=overrides.get("ctx", chosen.ctx),
        n_threads=overrides.get("threads", chosen.threads),
        n_gpu_layers=overrides.get("gpu_layers", chosen.gpu_layers),
        use_mmap=overrides.get("use_mmap", chosen.use_mmap),
        prefix_cache_mb=settings.llm_prefix_cache_mb,
        extra_buffers=settings.llm_extra_buffers,
    )
    mon = None
    remote = None
    try:
        if monitor:
            from appliance.llm.monitor import ComputeMonitor

            mon = ComputeMonitor(settings, model=chosen.name)
        if settings.llm_remote_url and settings.llm_offload != "never":
            from appliance.llm.remote import RemoteBackend

            remote = RemoteBackend.from_settings(settings)
    except BaseException:
        backend.close()
        raise
    return Engine(backend, settings, monitor=mon, remote=remote)


def __getattr__(name: str) -> Any:
    if name in ("Engine", "ChatStream"):
        from appliance.llm import engine

        return getattr(engine, name)
    raise AttributeError(name)
