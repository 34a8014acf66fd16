"""The triage service as the batch tests call it (rules only): one helper instead of a copy in
every ``test_triage_*_batch.py``."""

from __future__ import annotations

from typing import Any

from appliance.services.safety import triage


def run(complaint: str, age: float | None, **kw: Any) -> dict[str, Any]:
    """``clinicbox triage`` through the service, rules only (no model)."""
    return triage({"complaint": complaint, "age": age, **kw}, use_llm=False)


def ids(out: dict[str, Any]) -> set[str]:
    """The finding ids of a triage result."""
    return {f["id"] for f in out["findings"]}
