"""Finding the parts of the box that are installed, and calling them tolerantly.

Each area lands on its own schedule; the clinic service looks its functions up here so a missing
area becomes a clear :class:`FeatureUnavailable` (and a "not installed" panel in the UI), not an
ImportError.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from appliance.errors import FeatureUnavailable
from appliance.i18n import t

_NAMES_ZH = {
    "store": "加密数据库",
    "patients": "患者管理",
    "visits": "就诊记录",
    "triage": "分诊",
    "meds": "用药安全",
    "followup": "慢病随访",
    "emr": "病历结构化",
    "qc": "病历质控",
    "transcribe": "语音转写",
    "dictation": "麦克风听写",
    "assistant": "健康助手",
    "advise": "辅助决策",
    "llm": "大模型",
    "compute": "算力监测",
    "models": "模型管理",
    "quality": "质量看板",
    "backup": "备份恢复",
    "audit": "审计",
    "sync": "帮扶医院同步",
    "training": "培训模式",
}


def feature_name(feature: str) -> str:
    return t(_NAMES_ZH.get(feature, feature), feature)


def unavailable(feature: str, why_zh: str = "", why_en: str = "") -> FeatureUnavailable:
    name_zh = _NAMES_ZH.get(feature, feature)
    return FeatureUnavailable(
        f"“{name_zh}”功能尚未安装或暂不可用。{why_zh}".strip(),
        f"“{feature}” is not installed or not available. {why_en}".strip(),
        details={"feature": feature},
    )


def find(module: str, *names: str) -> Callable[..., Any] | None:
    """The first attribute of ``module`` among ``names``, or None if absent/unimportable."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    for name in names:
        fn = getattr(mod, name, None)
        if fn is not None:
            return fn  # type: ignore[no-any-return]
    return None


def need(feature: str, module: str, *names: str) -> Callable[..., Any]:
    fn = find(module, *names)
    if fn is None:
        raise unavailable(feature)
    return fn


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` passing only the keyword arguments it accepts (areas differ in extras such
    as ``engine``, ``progress``, ``cancel``); positional arguments always go through."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn(*args, **kwargs)
    params = sig.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return fn(*args, **kwargs)
    accepted = {k: v for k, v in kwargs.items() if k in sig.parameters}
    return fn(*args, **accepted)


def as_json(value: Any) -> Any:
    """pydantic models, dataclasses, tuples → plain JSON-able values (recursively)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return as_json(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value
