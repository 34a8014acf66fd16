"""The ports of the service layer: what a use case needs of the store, of a logged-in session,
of the LLM engine and of the referral sealer — typed ``Protocol``s, so services never take
``Any`` and front ends never need the adapters themselves.

``appliance.store.Store`` satisfies :class:`StorePort`; ``appliance.services.session.Session``
satisfies :class:`SessionPort`; ``appliance.llm.engine.Engine`` (and the remote/offload engines)
satisfy :class:`EnginePort`; ``sync``'s case sealer, injected when the runtime is built,
satisfies :data:`ReferralSealer`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")


@runtime_checkable
class StorePort(Protocol):
    """The encrypted clinic store. Reads run on pooled reader connections inside one read
    transaction; writes run on the one writer thread in one transaction, committed on return.

    Raises: ``StoreLocked``/``StorageError`` subclasses of ClinicBoxError (locked, read-only,
    damaged, disk full); never a driver exception."""

    @property
    def audit_key(self) -> bytes: ...

    @property
    def path(self) -> Path: ...

    def read(self) -> AbstractContextManager[sqlite_utils.Database]: ...

    def read_raw(self) -> AbstractContextManager[Any]: ...

    def write(self, func: Callable[[sqlite_utils.Database], T]) -> T: ...

    def write_raw(self, func: Callable[[Any], T]) -> T: ...

    def audit(
        self,
        actor: str,
        role: str,
        action: str,
        *,
        outcome: str = "ok",
        patient_id: str | None = None,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int | None: ...

    def close(self) -> None: ...


class SessionPort(Protocol):
    """A logged-in user (or the CLI's system session) over the store.

    ``require`` raises ``PermissionDenied`` (zh/en) when the role lacks the permission."""

    @property
    def store(self) -> StorePort: ...

    @property
    def role(self) -> str: ...

    @property
    def username(self) -> str: ...

    @property
    def user_id(self) -> str: ...

    def can(self, permission: str) -> bool: ...

    def require(self, permission: str, *, patient_id: str | None = None) -> None: ...

    def audit(
        self,
        action: str,
        *,
        patient_id: str | None = None,
        target: str | None = None,
        outcome: str = "ok",
        detail: dict[str, Any] | None = None,
    ) -> int | None: ...


@runtime_checkable
class EnginePort(Protocol):
    """The LLM engine (llama.cpp in-process, a peer box, or the mentor hub's offload).

    ``chat`` returns a result with ``.text`` and (with ``schema``) ``.data``; it raises
    ``LLMTimeout``/``LLMBusy``/``LLMOutputInvalid``/``LLMCancelled`` (ClinicBoxError)."""

    def chat(
        self,
        messages: Sequence[dict[str, Any]],
        *,
        task: str = "assistant",
        schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        no_think: bool = True,
        timeout_s: float | None = None,
        temperature: float | None = None,
        deidentified: bool = False,
        grammar: str | None = None,
        stop: Sequence[str] = (),
    ) -> Any: ...

    def stream(
        self,
        messages: Sequence[dict[str, Any]],
        *,
        task: str = "assistant",
        schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        no_think: bool = True,
        timeout_s: float | None = None,
        temperature: float | None = None,
        grammar: str | None = None,
        stop: Sequence[str] = (),
    ) -> Any:
        """Like :meth:`chat`, yielding pieces with ``.text`` as they are generated."""
        ...

    def stats(self) -> dict[str, Any]:
        """Live figures for the compute monitor: model, queue, tokens/s, remote."""
        ...

    def close(self) -> None: ...


#: ``sealer(store, case) -> {"case_id", "version", "state", "size", ...}``: de-identify, sign and
#: encrypt one referred case into the sync outbox. ``case`` has case_id (the visit id), version,
#: patient_id, patient, record, question, qc_passed. Raises ConsentRequired / NotEnrolled.
ReferralSealer = Callable[[StorePort, dict[str, Any]], dict[str, Any]]
