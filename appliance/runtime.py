"""The one place that builds the clinic runtime: the store, the LLM engine and the referral
sealer, shared by the CLI, the LAN API (``clinicbox serve``) and the TUI (``clinicbox tui`` /
``demo``). Front ends get a :class:`~appliance.services.interface.LocalClinicService` over it
and never open the store or the engine themselves.

The sealer comes from the sync area (de-identify, sign, encrypt a referred case into the sync
outbox); without sync installed a referral waits as a request in the store's outbox.
"""

from __future__ import annotations

from typing import Any

from appliance.config import Settings
from appliance.services.interface import ClinicRuntime, LocalClinicService
from appliance.services.ports import EnginePort, ReferralSealer, StorePort
from appliance.services.session import system_session
from appliance.store import Store

__all__ = [
    "Store",
    "build_runtime",
    "cli_service",
    "open_clinic_store",
    "open_engine_or_none",
    "referral_sealer",
    "store_initialised",
]


def referral_sealer(settings: Settings) -> ReferralSealer | None:
    """sync's case sealer for this box's keys, or None when the sync area is not installed."""
    try:
        from sync.keys import box_keys
        from sync.outbox import queue_case
    except ImportError:
        return None

    def seal(store: StorePort, case: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = queue_case(store, box_keys(settings.data_dir), **case)
        return result

    return seal


def build_runtime(settings: Settings, *, training: bool = False) -> ClinicRuntime:
    """A runtime over ``settings.data_dir`` with sync's sealer injected (store still locked)."""
    return ClinicRuntime(settings, training=training, sealer=referral_sealer(settings))


def cli_service(settings: Settings, passphrase: str | None, actor: str) -> LocalClinicService:
    """The service the CLI uses: the runtime unlocked with the passphrase (or the configured
    one), acting as the built-in system account named ``actor`` (audit trail). Close it."""
    service = LocalClinicService(settings, runtime=build_runtime(settings), owns_runtime=True)
    try:
        store = service.runtime.open(passphrase)
        service.session = system_session(store, actor=actor)
    except BaseException:
        service.close()
        raise
    return service


def store_initialised(settings: Settings) -> bool:
    """The clinic store of ``settings.data_dir`` has been created (``clinicbox init``)."""
    from appliance.store import StorePaths

    return StorePaths(settings.data_dir).envelope.exists()


def open_clinic_store(
    settings: Settings, passphrase: str | None = None, *, read_only: bool = False
) -> Store:
    """The clinic store unlocked with ``passphrase`` or the configured passphrase/key file.
    Raises StoreNotInitialized, StoreLocked, WrongPassphrase (zh/en). Close it."""
    from appliance.store import open_store

    return open_store(settings, passphrase, read_only=read_only)


def open_engine_or_none(settings: Settings) -> tuple[EnginePort | None, str | None]:
    """The local LLM engine for a one-shot command, or (None, error code) when no model is
    installed or loadable (commands then answer from the rules). Close it."""
    from appliance.errors import ClinicBoxError

    try:
        from appliance.llm import open_engine

        return open_engine(settings, monitor=False), None
    except ClinicBoxError as exc:
        return None, exc.code
    except ImportError:
        return None, "dependency_missing"
