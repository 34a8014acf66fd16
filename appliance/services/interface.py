"""The one interface every front end talks to: :class:`ClinicService`.

The TUI (and the LAN API, which serves it; and ``RemoteClinicService``, which speaks it over
HTTPS) use only this Protocol. Values are JSON-shaped dicts (see ``_clinic_types``); results of
clinical calls follow the CLI contracts in DESIGN.md exactly. Errors are
:class:`~appliance.errors.ClinicBoxError` subclasses; a part of the box that is not installed
raises :class:`~appliance.errors.FeatureUnavailable` (code ``feature_unavailable``) and
:meth:`ClinicService.features` says so up front, so a screen can show "not installed" instead of
failing.

Long model work (``structure_record``, ``transcribe``, ``dictate``, ``ask``, ``advise``,
``triage`` with the LLM) takes ``progress`` (called from the worker thread with
:class:`Progress`) and ``cancel`` (a :class:`CancelToken`); it raises
:class:`~appliance.errors.Cancelled` when cancelled. Front ends call these from a worker thread,
never from the UI thread.

Stability: this Protocol is shared with the LAN implementation. Change it only additively.

``LocalClinicService`` (in-process, over the store, clinical core, engines) is re-exported here.
One :class:`ClinicRuntime` (store + engines) can back many ``LocalClinicService`` objects, one per
logged-in user (that is how the API server uses it).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from appliance.services._clinic_types import (
    FEATURES,
    JSON,
    CancelToken,
    ClinicInfo,
    FeatureStatus,
    Patient,
    Progress,
    ProgressCallback,
    Role,
    UserInfo,
    VisitDraft,
    VisitSummary,
)
from appliance.services._local_clinic import ClinicRuntime, LocalClinicService
from appliance.services._referral import set_referral_sealer
from appliance.services.ports import ReferralSealer

__all__ = [
    "FEATURES",
    "JSON",
    "CancelToken",
    "ClinicInfo",
    "ClinicRuntime",
    "ClinicService",
    "FeatureStatus",
    "LocalClinicService",
    "Patient",
    "Progress",
    "ProgressCallback",
    "ReferralSealer",
    "Role",
    "UserInfo",
    "VisitDraft",
    "VisitSummary",
    "set_referral_sealer",
]


@runtime_checkable
class ClinicService(Protocol):
    """Everything a ClinicBox front end can ask of the box."""

    # --- the box -------------------------------------------------------------------------
    def info(self) -> ClinicInfo: ...

    def features(self) -> dict[str, FeatureStatus]:
        """Each name in ``FEATURES`` → available or the reason it is not (user-facing text)."""
        ...

    def close(self) -> None: ...

    # --- unlock and login ----------------------------------------------------------------
    def is_locked(self) -> bool: ...

    def unlock(self, passphrase: str) -> None:
        """Open the encrypted store (boot). Raises WrongPassphrase / StoreLocked."""
        ...

    def login(self, username: str, password: str) -> UserInfo:
        """Raises an auth error (wrong password, locked account) with a zh/en message."""
        ...

    def logout(self) -> None: ...

    def current_user(self) -> UserInfo | None: ...

    # --- patients ------------------------------------------------------------------------
    def search_patients(self, query: str = "", limit: int = 50) -> list[Patient]:
        """Match name, pinyin initials (``zs`` → 张三), patient/ID number, phone; newest first."""
        ...

    def get_patient(self, patient_id: str) -> Patient: ...

    def add_patient(self, data: Patient) -> str:
        """Register a patient (``clinicbox patient add`` fields); returns the patient_id."""
        ...

    def patient_visits(self, patient_id: str) -> list[VisitSummary]: ...

    # --- visits and records --------------------------------------------------------------
    def get_visit(self, visit_id: str) -> VisitDraft: ...

    def save_visit(self, draft: VisitDraft) -> VisitSummary:
        """Save a new version (never overwrites); ``sign`` signs it (role record.sign).

        The box recomputes the medication alerts, QC, triage level and follow-up plan (anything
        the draft carries in their place is ignored) and returns them: ``{"visit_id",
        "record_id", "version", "status", "alerts", "qc", "triage", "followup_plan"}``. Overrides are ``{"rule", "reason"}``
        (or ``{"alert": {...}, "reason"}``), each with a non-empty reason.

        Raises: SignBlocked (sign without chief complaint, diagnosis or an override for each
        major/contraindicated alert — ``details.missing`` names them); RecordAlreadySigned (the
        visit is signed: a change is an amendment, give ``amend_reason`` or use
        :meth:`amend_visit`); PermissionDenied; NotFoundError; InputError."""
        ...

    def amend_visit(
        self,
        visit_id: str,
        record: JSON,
        reason: str,
        overrides: list[JSON] | None = None,
        followup_note: str | None = None,
    ) -> VisitSummary:
        """Correct a signed record: a new version (status ``amended``) with the reason, author
        and time, linked to the version it corrects; same checks as signing, and the box
        recomputes alerts, QC, triage and the follow-up plan. ``followup_note`` (the doctor's
        free text) is kept from the corrected version when None.
        Raises RecordNotSigned for a draft, SignBlocked, InputError (no reason)."""
        ...

    def refer_to_mentor(self, visit_id: str, question: str) -> JSON:
        """Refer the visit's signed record to the mentor hospital → ``{"queued", "case_id",
        "version", "duplicate", "sealed", ...}``; one hub case per visit, asking twice for the
        same version is a no-op. Raises RecordNotSigned for a draft, ConsentRequired."""
        ...

    # --- autosave of the visit workspace (never lose what was typed) ---------------------
    def save_visit_draft(self, patient_id: str, visit_id: str | None, payload: JSON) -> JSON:
        """Keep the open workspace of this user's visit (``visit_id`` None: a new visit),
        encrypted in the clinic store → ``{"saved_at"}``. Replaces the previous autosave.
        Raises InputError for an oversized payload, PermissionDenied without visit.write."""
        ...

    def load_visit_draft(self, patient_id: str, visit_id: str | None) -> JSON | None:
        """This user's autosaved workspace → ``{"saved_at", "payload"}``, or None."""
        ...

    def discard_visit_draft(self, patient_id: str, visit_id: str | None) -> None:
        """Forget the autosave (after the visit was saved, or the doctor chose to discard it)."""
        ...

    # --- clinical ------------------------------------------------------------------------
    def triage(
        self,
        request: JSON,
        *,
        use_llm: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON: ...

    def check_meds(self, request: JSON) -> JSON: ...

    def run_qc(
        self,
        record: JSON,
        *,
        use_llm: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        """The rule catalog's QC → ``{"score", "passed", "grade", "findings"}``. With
        ``use_llm`` the model's contradiction pass adds findings with ``origin="model"``
        (suggestions: they never change the score or ``passed``) under a time budget; a pass
        that does not finish is named in ``model_error`` and the rules' result stands."""
        ...

    def structure_record(
        self,
        text: str,
        *,
        visit_type: str = "initial",
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        live: bool = False,
    ) -> JSON:
        """Dictated text → a record. The rules' fields at once; with ``use_llm`` the model
        refines them section by section and reports each finished section's fields as a
        ``Progress.piece`` (``{"section", "of", "cue", "record"}``) before the whole result.
        ``live``: the dictation is still going on — the model takes only the sections closed
        by a later cue, and the box keeps its answers for the pass after the dictation ends."""
        ...

    def transcribe(
        self,
        audio_path: str,
        *,
        patient_id: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        """A recording → transcript. With ``patient_id`` the box listens for this patient's
        words (last complaint, diagnoses and conditions, current drugs): decoder hotwords and
        lexicon terms for this dictation only (``context_words`` in the answer says how many;
        0 for an unknown patient: a dictation never fails over its hotwords)."""
        ...

    def dictate(
        self,
        *,
        patient_id: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        max_seconds: float = 300.0,
    ) -> JSON:
        """Record from the box's microphone until cancelled (= stop) or ``max_seconds``;
        ``progress`` carries the level meter and the live transcript (``partial``);
        ``patient_id`` as for :meth:`transcribe`."""
        ...

    def followup_plan(self, patient: JSON, record: JSON) -> JSON: ...

    def followup_due(self) -> list[JSON]: ...

    # --- assistant -----------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON: ...

    def advise(
        self,
        record: JSON,
        *,
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON: ...

    # --- monitoring ----------------------------------------------------------------------
    def compute_status(self) -> JSON:
        """``{"model", "tokens_per_s": {"prompt", "generation"}, "queue": int, "ram": {...},
        "vram": {...}|None, "recent_jobs": [...], "series": {name: [[t, v], ...]}}``."""
        ...

    def quality_indicators(self, months: int = 12) -> JSON:
        """``{"months": ["2026-01", ...], "indicators": {name: [value|None, ...]}}`` with names
        antibiotic_rate, exam_referral_rate, qc_pass_rate, followup_completion, referral_rate."""
        ...

    # --- administration (role admin) -----------------------------------------------------
    def list_users(self) -> list[UserInfo]: ...

    def add_user(self, username: str, password: str, role: str, display_name: str = "") -> None: ...

    def set_user_locked(self, username: str, locked: bool) -> None: ...

    def backup(self, destination: str | None = None) -> JSON: ...

    def restore(self, path: str) -> JSON: ...

    def verify_audit(self) -> JSON:
        """``{"ok": bool, "checked": int, "problems": [...]}``."""
        ...

    def pairing_code(self, ttl_s: int = 600) -> JSON:
        """Admin: a one-time pairing code for a clinic PC → ``{"code", "expires_at", "ttl_s",
        "fingerprint"}`` (show the code and the fingerprint on screen)."""
        ...

    def list_devices(self) -> list[JSON]:
        """Admin: paired PCs ``[{"device_id", "name", "paired_at", "last_seen", "last_ip",
        "revoked", ...}]``."""
        ...

    def revoke_device(self, device_id: str) -> JSON:
        """Admin: refuse a PC from now on (its sessions end)."""
        ...

    def security_alerts(self, hours: float = 24.0) -> list[JSON]:
        """Intrusion signals (admin): ``[{"kind", "severity", "count", "first", "last",
        "message", "username"?, "device_id"?, "ip"?}]`` — repeated failed logins, one account
        opening many patients, access outside clinic hours, unpaired/revoked device attempts."""
        ...

    def list_models(self) -> list[JSON]: ...

    def settings_summary(self) -> JSON: ...

    def sync_status(self) -> JSON: ...
