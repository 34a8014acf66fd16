"""Which parts of this box are installed and usable right now (for the UI's panels)."""

from __future__ import annotations

import importlib.util
from typing import Any

from appliance.i18n import t
from appliance.services._clinic_types import FEATURES, FeatureStatus
from appliance.services._parts import unavailable

#: Features that need an optional extra (pyproject ``[project.optional-dependencies]``): the
#: third-party distribution each one needs. Everything else is part of the core install.
_EXTRAS: dict[str, tuple[str, ...]] = {
    "llm": ("llama_cpp",),
    "transcribe": ("faster_whisper",),
    "dictation": ("faster_whisper", "sounddevice"),
}


def _installed(modules: tuple[str, ...]) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


def _ok() -> FeatureStatus:
    return FeatureStatus(available=True, reason="")


def _no(feature: str) -> FeatureStatus:
    return FeatureStatus(available=False, reason=unavailable(feature).message())


def feature_table(service: Any) -> dict[str, FeatureStatus]:
    table: dict[str, FeatureStatus] = {}
    for feature in FEATURES:
        if feature == "sync":
            table[feature] = _no(feature)  # needs the unlocked store (below)
            continue
        table[feature] = _ok() if _installed(_EXTRAS.get(feature, ())) else _no(feature)
    runtime = service.runtime
    if table["dictation"]["available"]:
        from appliance.speech.mic import microphone_available

        if not microphone_available():
            table["dictation"] = FeatureStatus(
                available=False,
                reason=t("本机没有可用的麦克风。", "No microphone on this box."),
            )
    if table["llm"]["available"] and runtime.engine_problem() is not None:
        table["llm"] = FeatureStatus(available=False, reason=runtime.engine_problem().message())
    if table["store"]["available"] and runtime.store is None:
        # Installed but locked: patient screens wait for the unlock.
        locked = t("数据库尚未解锁。", "The database is locked.")
        for name in ("patients", "visits", "quality", "backup", "audit", "followup"):
            if table[name]["available"]:
                table[name] = FeatureStatus(available=False, reason=locked)
    if runtime.store is not None:
        table["sync"] = _ok()
    return table
