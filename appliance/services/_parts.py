"""Names of the box's features and the error for one that is not installed or usable, and
:func:`as_json` for results crossing the service interface. (Use cases import what they call;
nothing here looks a function up by name.)"""

from __future__ import annotations

import dataclasses
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
