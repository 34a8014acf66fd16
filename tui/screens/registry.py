"""Opening screens by name (menu entries, tour steps) without importing them all up front."""

from __future__ import annotations

import importlib
from typing import Any

SCREENS: dict[str, tuple[str, str]] = {
    "patients": ("tui.screens.patients", "PatientListScreen"),
    "followup": ("tui.screens.followup", "FollowupScreen"),
    "assistant": ("tui.screens.assistant", "AssistantScreen"),
    "quality": ("tui.screens.quality", "QualityScreen"),
    "compute": ("tui.screens.compute", "ComputeScreen"),
    "admin": ("tui.screens.admin", "AdminScreen"),
    "training": ("tui.screens.training", "TrainingScreen"),
}


def open(app: Any, name: str) -> None:
    if name == "kiosk":
        from tui.screens.assistant import enter_kiosk

        enter_kiosk(app)
        return
    module, cls = SCREENS[name]
    screen = getattr(importlib.import_module(module), cls)()
    app.push_screen(screen)
