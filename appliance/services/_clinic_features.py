"""Which parts of this box are installed and usable right now (for the UI's panels)."""

from __future__ import annotations

from typing import Any

from appliance.i18n import t
from appliance.services._clinic_types import FEATURES, FeatureStatus
from appliance.services._parts import find, unavailable

_PROBES: dict[str, tuple[str, tuple[str, ...]]] = {
    "store": ("appliance.store", ("open_store",)),
    "patients": ("appliance.services.patients", ("add_patient", "add")),
    "visits": ("appliance.services._visit_records", ("save_visit",)),
    "triage": ("appliance.services.safety", ("triage",)),
    "meds": ("appliance.services.safety", ("check_meds",)),
    "followup": ("appliance.services.safety", ("followup_due",)),
    "emr": ("appliance.services.emr", ("structure", "structure_record")),
    "qc": ("appliance.services.emr", ("run_qc", "qc")),
    "transcribe": ("appliance.services.emr", ("transcribe",)),
    "dictation": ("appliance.services.emr", ("dictate",)),
    "assistant": ("appliance.services.assistant", ("ask",)),
    "advise": ("appliance.services.assistant", ("advise",)),
    "llm": ("appliance.llm", ("open_engine",)),
    "compute": ("psutil", ("virtual_memory",)),
    "models": ("models.registry", ("Registry",)),
    "quality": ("appliance.store", ("open_store",)),
    "backup": ("appliance.store", ("backup",)),
    "audit": ("appliance.store", ("verify_audit",)),
    "training": ("appliance.services.training", ("open_demo_clinic",)),
}


def _ok() -> FeatureStatus:
    return FeatureStatus(available=True, reason="")


def _no(feature: str) -> FeatureStatus:
    return FeatureStatus(available=False, reason=unavailable(feature).message())


def feature_table(service: Any) -> dict[str, FeatureStatus]:
    table: dict[str, FeatureStatus] = {}
    for feature in FEATURES:
        probe = _PROBES.get(feature)
        if probe is None:
            table[feature] = _no(feature)
            continue
        module, names = probe
        table[feature] = _ok() if find(module, *names) is not None else _no(feature)
    runtime = service.runtime
    if table["dictation"]["available"]:
        has_mic = find("appliance.speech.mic", "microphone_available")
        if has_mic is None or not has_mic():
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
