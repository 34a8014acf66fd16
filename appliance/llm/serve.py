"""``clinicbox compute serve``: this box's model behind llama-cpp-python's OpenAI-compatible
server (``/v1/chat/completions``, ``/v1/models``), for peers that offload work to it."""

from __future__ import annotations

from appliance.config import Settings
from appliance.errors import DependencyMissing


def serve_openai(settings: Settings, *, host: str, port: int) -> None:
    from models.registry import check_before_load
    from models.selection import plan

    try:
        import uvicorn
        from llama_cpp.server.app import create_app
        from llama_cpp.server.settings import ModelSettings, ServerSettings
    except ImportError:
        raise DependencyMissing(
            "未安装 llama_cpp.server 所需组件（llm 组件）。",
            "The llama_cpp.server components (llm extra) are not installed.",
        ) from None
    chosen = plan(settings)
    check_before_load(settings, chosen.name, chosen.path, chosen.entry)
    key = settings.llm_remote_api_key
    app = create_app(
        server_settings=ServerSettings(
            host=host, port=port, api_key=key.get_secret_value() if key is not None else None
        ),
        model_settings=[
            ModelSettings(
                model=str(chosen.path),
                model_alias=chosen.name,
                n_ctx=chosen.ctx,
                n_threads=chosen.threads,
                n_threads_batch=chosen.threads,
                n_gpu_layers=chosen.gpu_layers,
                use_mmap=chosen.use_mmap,
                verbose=False,
            )
        ],
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
