"""``clinicbox compute serve``: this box's model behind llama-cpp-python's OpenAI-compatible
server (``/v1/chat/completions``, ``/v1/models``), for peers that offload work to it."""

from __future__ import annotations

from pathlib import Path

from appliance.config import Settings
from appliance.errors import DependencyMissing, UsageError


def serve_openai(
    settings: Settings,
    *,
    host: str,
    port: int,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> None:
    """Serve until interrupted. Beyond loopback, TLS and an API key are required: patient
    text from a peer's queue must not cross the LAN in the clear or to anyone who asks."""
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
    key = settings.llm_remote_api_key
    loopback = host in ("127.0.0.1", "::1", "localhost")
    if not loopback and (tls_cert is None or key is None):
        raise UsageError(
            "在局域网上提供算力需要 TLS 证书（clinicbox init 生成）和 llm_remote_api_key。",
            "Serving compute on the LAN needs the box's TLS certificate (made by clinicbox init) "
            "and llm_remote_api_key.",
        )
    chosen = plan(settings)
    check_before_load(settings, chosen.name, chosen.path, chosen.entry)
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
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
    )
