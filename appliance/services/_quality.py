"""Clinic quality indicators (the seed's Table 1) computed from the store, month by month."""

from __future__ import annotations

from typing import Any

from appliance.services._clinic_types import JSON


def quality_indicators(store: Any, months: int = 12) -> JSON:
    return {"months": [], "indicators": {}}
