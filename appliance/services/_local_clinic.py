"""``LocalClinicService``: the :class:`ClinicService` of this box, in-process.

It wires the area services (store/session/patients, safety, emr/qc/speech, assistant, engine)
and turns a missing area into :class:`FeatureUnavailable`. A :class:`ClinicRuntime` owns the
shared, expensive things (the open store, the engine) so the LAN server can give every logged-in
client its own ``LocalClinicService`` over one runtime.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from appliance import __version__
from appliance.config import Settings
from appliance.errors import ClinicBoxError, NotLoggedIn
from appliance.services import _referral
from appliance.services._clinic_admin import AdminMixin
from appliance.services._clinic_clinical import ClinicalMixin
from appliance.services._clinic_patients import PatientsMixin
from appliance.services._clinic_types import ClinicInfo, FeatureStatus, UserInfo
from appliance.services._parts import unavailable
from appliance.services._section_memo import SectionMemo
from appliance.services._visit_autosave import VisitAutosaveMixin
from appliance.services.ports import EnginePort, ReferralSealer

if TYPE_CHECKING:
    from appliance.store import Store


class ClinicRuntime:
    """The store and engine of one clinic data dir, shared by many service objects."""

    def __init__(
        self,
        settings: Settings,
        *,
        training: bool = False,
        sealer: ReferralSealer | None = None,
    ) -> None:
        self.settings = settings
        self.training = training
        self.sealer = sealer
        self._lock = threading.RLock()
        self.store: Store | None = None
        self._engine: EnginePort | None = None
        self._engine_error: ClinicBoxError | None = None
        self.passphrase: str | None = None  # kept in memory only, for an admin's restore
        # the model's answers per dictation section, in memory only (services/_emr_sections)
        self.section_memo = SectionMemo()

    # --- store ---------------------------------------------------------------------------
    def store_installed(self) -> bool:
        return True

    def store_exists(self) -> bool:
        return (self.settings.data_dir / "clinic.db").exists()

    def open(self, passphrase: str | None = None) -> Store:
        """Unlock the store (once). Raises WrongPassphrase, StoreLocked, StoreNotInitialized…"""
        from appliance.store import open_store

        with self._lock:
            if self.store is not None:
                return self.store
            store = open_store(self.settings, passphrase=passphrase)
            self.store = store
            self.passphrase = passphrase
            return store

    def require_store(self) -> Store:
        if self.store is None:
            from appliance.errors import FeatureUnavailable

            raise FeatureUnavailable(
                "数据库尚未解锁，请先输入开机口令。",
                "The clinic database is locked; enter the passphrase first.",
                details={"feature": "store"},
            )
        return self.store

    # --- engine --------------------------------------------------------------------------
    def engine(self, required: bool = False) -> EnginePort | None:
        """The shared LLM engine, opened on first use; None when no model (unless required)."""
        with self._lock:
            if self._engine is None and self._engine_error is None:
                try:
                    from appliance.llm import open_engine
                except ImportError:  # the LLM extras are not installed
                    self._engine_error = unavailable("llm")
                else:
                    try:
                        self._engine = open_engine(self.settings)
                    except ClinicBoxError as exc:
                        self._engine_error = exc
            if self._engine is None and required:
                assert self._engine_error is not None
                raise self._engine_error
            return self._engine

    def clinic_name(self) -> str:
        """The clinic's name, "" while the store is locked (or unreadable: decoration only)."""
        from appliance.store import reports

        if self.store is None:
            return ""
        try:
            with self.store.read_raw() as conn:
                return reports.clinic_name(conn)
        except Exception:
            return ""

    def referral_sealer(self) -> ReferralSealer | None:
        """The sealer injected when the runtime was built (else the process default)."""
        return self.sealer if self.sealer is not None else _referral.current()

    def engine_problem(self) -> ClinicBoxError | None:
        return self._engine_error

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            if self.store is not None:
                self.store.close()
                self.store = None


class LocalClinicService(PatientsMixin, VisitAutosaveMixin, ClinicalMixin, AdminMixin):
    """In-process :class:`~appliance.services.interface.ClinicService`."""

    def __init__(
        self,
        settings: Settings,
        *,
        runtime: ClinicRuntime | None = None,
        training: bool = False,
        sealer: ReferralSealer | None = None,
        owns_runtime: bool | None = None,
    ) -> None:
        """``runtime`` shared (the API server: one per user) or, by default, its own; a
        service closes the runtime it owns (``owns_runtime``: its own, unless told)."""
        self.settings = settings
        self.runtime = runtime or ClinicRuntime(settings, training=training, sealer=sealer)
        self._owns_runtime = runtime is None if owns_runtime is None else owns_runtime
        self.session: Any | None = None

    # --- the box -------------------------------------------------------------------------
    def info(self) -> ClinicInfo:
        name = ""
        if self.runtime.store is not None:
            name = self._clinic_name()
        engine = self.runtime._engine
        return ClinicInfo(
            clinic_name=name or ("演示诊所" if self.runtime.training else ""),
            version=__version__,
            training=self.runtime.training,
            locked=self.runtime.store is None,
            data_dir=str(self.settings.data_dir),
            remote=False,
            model=getattr(engine, "model", None) if engine is not None else None,
        )

    def features(self) -> dict[str, FeatureStatus]:
        from appliance.services._clinic_features import feature_table

        return feature_table(self)

    def kiosk_assistant(self, idle_s: float = 90.0) -> Any:
        """A waiting-room kiosk session (not in the Protocol; in-process only): health questions
        plus the assistant's self-service tools after the patient's identity check, forgotten
        after ``idle_s`` without input. Opening the knowledge base may take seconds: call it
        from a worker."""
        from appliance.services.assistant import AssistantService, KioskAssistant

        assistant = AssistantService(
            self.settings, self.runtime.store, engine=self.runtime.engine()
        )
        return KioskAssistant(assistant, idle_s=idle_s)

    def warm_up(self) -> None:
        """Import the installed areas and load the pinyin tables ahead of first use (a front end
        calls this from a worker at start so the first screens open without a pause)."""
        from appliance.clinical.findings import prepare
        from appliance.services._clinic_patients import pinyin_initials

        self.features()
        pinyin_initials("预热")
        prepare()  # the complaint segmenter's dictionary (triage, decision support)

    def close(self) -> None:
        self.logout()
        if self._owns_runtime:
            self.runtime.close()

    # --- unlock and login ----------------------------------------------------------------
    def is_locked(self) -> bool:
        return self.runtime.store is None

    def unlock(self, passphrase: str) -> None:
        self.runtime.open(passphrase or None)

    def try_unlock_from_settings(self) -> bool:
        """Unlock with the configured passphrase/key file if there is one (boot, automation)."""
        if self.runtime.store is not None:
            return True
        if self.settings.passphrase is None and self.settings.key_file is None:
            return False
        self.runtime.open(None)
        return True

    def login(self, username: str, password: str) -> UserInfo:
        from appliance.services.session import login

        store = self.runtime.require_store()
        self.session = login(store, username, password)
        user = self.current_user()
        assert user is not None
        return user

    def logout(self) -> None:
        session = self.session
        self.session = None
        if session is not None:
            close = getattr(session, "close", None) or getattr(session, "logout", None)
            if callable(close):
                with contextlib.suppress(ClinicBoxError):
                    close()

    def current_user(self) -> UserInfo | None:
        s = self.session
        if s is None:
            return None
        user = getattr(s, "user", None)
        username = str(getattr(user, "username", None) or getattr(s, "username", "") or user)
        display = str(getattr(user, "display_name", "") or username)
        role = str(getattr(s, "role", None) or getattr(user, "role", ""))
        return UserInfo(username=username, role=role, display_name=display)  # type: ignore[typeddict-item]

    # --- helpers for the mixins ----------------------------------------------------------
    def _session(self) -> Any:
        if self.session is None:
            raise NotLoggedIn()
        return self.session

    def _require(self, permission: str) -> Any:
        session = self._session()
        require = getattr(session, "require", None)
        if callable(require):
            require(permission)
        return session

    def _clinic_name(self) -> str:
        store = self.runtime.store
        try:
            with store.read() as db:
                if "clinic" in db.table_names():
                    row = next(iter(db["clinic"].rows), None)
                    if row:
                        return str(row.get("name") or "")
        except Exception:  # noqa: S110 - the name is decoration only
            pass
        return ""

    def _data_path(self, *parts: str) -> Path:
        return Path(self.settings.data_dir).joinpath(*parts)
