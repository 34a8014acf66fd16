"""Data shapes exchanged through :class:`~appliance.services.interface.ClinicService`.

Everything crossing the interface is JSON-shaped (dicts of str/int/float/bool/list) so the LAN
implementation can send it unchanged; the TypedDicts below document the keys. Record, triage,
medication, QC and assistant results follow the CLI contracts in DESIGN.md exactly.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

JSON = dict[str, Any]

Role = Literal["admin", "doctor", "nurse", "front_desk", "kiosk"]

#: Every optional part of the box the UI may light up, in the order the UI lists them.
FEATURES: tuple[str, ...] = (
    "store",
    "patients",
    "visits",
    "triage",
    "meds",
    "followup",
    "emr",
    "qc",
    "transcribe",
    "dictation",
    "assistant",
    "advise",
    "llm",
    "compute",
    "models",
    "quality",
    "backup",
    "audit",
    "sync",
    "training",
)


class FeatureStatus(TypedDict):
    available: bool
    reason: str  # empty when available; else a user-facing zh/en text (current language)


class ClinicInfo(TypedDict, total=False):
    clinic_name: str
    version: str
    training: bool  # True for the demo / training clinic
    locked: bool  # the store is not unlocked yet
    data_dir: str
    remote: bool  # True when talking to a box over the LAN
    model: str | None  # chat model in use, when known


class UserInfo(TypedDict, total=False):
    username: str
    role: Role
    display_name: str


class Patient(TypedDict, total=False):
    patient_id: str
    name: str
    sex: str  # "M" | "F" | "U"
    birth_date: str  # ISO date
    id_number: str
    phone: str
    address: str
    age: int
    pinyin: str  # initials, e.g. "zs" for 张三
    conditions: list[str]
    allergies: list[str]


class VisitSummary(TypedDict, total=False):
    visit_id: str
    patient_id: str
    started_at: str
    signed_at: str | None
    signed_by: str | None
    chief_complaint: str
    diagnoses: list[str]
    triage_level: int | None
    status: str  # "draft" | "signed"


class VisitDraft(TypedDict, total=False):
    """What the visit workspace saves. ``record`` is an OutpatientRecord as JSON."""

    visit_id: str | None  # None for a new visit
    patient_id: str
    visit_type: Literal["initial", "followup"]
    record: JSON
    triage: JSON | None  # triage result shown to the user
    qc: JSON | None
    med_alerts: list[JSON]
    overrides: list[JSON]  # [{"alert": {...}, "reason": "..."}]
    followup_plan: JSON | None  # shown to the user; the box computes the stored plan itself
    followup_note: str  # the doctor's free-text follow-up note (display only)
    sign: bool
    amend_reason: str  # with sign on an already signed visit: save as an amendment


@dataclass(frozen=True)
class Progress:
    """One progress report of long work: fraction in [0, 1] (None when unknown), a short
    message, the partial output so far (streamed text) and the seconds left when known.
    ``piece`` is a part of the result that is already final (record structuring: one
    section's fields, so a screen can show them before the other sections are done)."""

    fraction: float | None = None
    message: str = ""
    partial: str = ""
    eta_s: float | None = None
    level: float | None = None  # microphone level 0..1 for the dictation meter
    piece: JSON | None = None


ProgressCallback = Callable[[Progress], None]


@dataclass
class CancelToken:
    """Cooperative cancellation: the UI sets it, long work checks it between steps."""

    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def is_set(self) -> bool:  # threading.Event compatible
        return self._event.is_set()


def report(progress: ProgressCallback | None, **kwargs: Any) -> None:
    """Send a :class:`Progress` if a callback was given (never lets a UI error escape)."""
    if progress is None:
        return
    # a broken progress display must not break the work
    with contextlib.suppress(Exception):
        progress(Progress(**kwargs))
