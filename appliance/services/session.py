"""Sessions, roles and permissions: who is acting, what they may do, and the audit trail.

``login(store, username, password) -> Session`` (lockout after ``login_max_failures``);
``session.require("record.sign")`` raises :class:`PermissionDenied` (and audits the denial);
``session.audit("patient.read", patient_id=...)`` appends to the HMAC audit chain.
``system_session(store)`` is the admin session of CLI automation unlocked by the passphrase.

Permissions are checked here, in the service layer, for every front end (CLI, TUI, LAN API).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from appliance.errors import PermissionDenied
from appliance.store import Store, reports
from appliance.store.accounts import ROLE_NAMES_ZH, ROLES, User, authenticate

log = logging.getLogger("clinicbox.session")

_CLINICAL_READ = {"patient.read", "visit.read", "record.read", "followup.read", "consent.read"}
_FRONT = {"patient.write", "visit.write", "triage.run", "followup.manage", "consent.manage"}
_CARE = {"vitals.write", "meds.check", "transcribe", "compute.view", "qc.run", "emr.structure"}
_DOCTOR = {
    "record.write",
    "record.sign",
    "prescription.write",
    "alert.override",
    "advise",
    "referral.send",
    "quality.view",
}
_ADMIN_ONLY = {
    "patient.erase",
    "user.manage",
    "audit.read",
    "audit.verify",
    "backup",
    "store.admin",
    "models.manage",
    "settings.manage",
    "sync.manage",
}

#: role -> permissions. A kiosk can never read a record; a nurse cannot sign one.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "kiosk": frozenset({"assistant.use"}),
    "front_desk": frozenset(_CLINICAL_READ - {"record.read"} | _FRONT | {"assistant.use"}),
    "nurse": frozenset(_CLINICAL_READ | _FRONT | _CARE | {"assistant.use"}),
    "doctor": frozenset(_CLINICAL_READ | _FRONT | _CARE | _DOCTOR | {"assistant.use"}),
    "admin": frozenset(_CLINICAL_READ | _FRONT | _CARE | _DOCTOR | _ADMIN_ONLY | {"assistant.use"}),
}
ALL_PERMISSIONS: frozenset[str] = frozenset().union(*ROLE_PERMISSIONS.values())
assert set(ROLE_PERMISSIONS) == set(ROLES)


def role_can(role: str, permission: str) -> bool:
    if permission not in ALL_PERMISSIONS:
        # a permission no role lists: only an admin may do it (and we log it so it gets added)
        log.warning("unknown permission checked: %s", permission)
        return role == "admin"
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


@dataclass
class Session:
    """An authenticated actor on an open store."""

    store: Store
    user: User
    role: str
    closed: bool = field(default=False)

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def user_id(self) -> str:
        return self.user.id

    def can(self, permission: str) -> bool:
        return not self.closed and role_can(self.role, permission)

    def require(self, permission: str, *, patient_id: str | None = None) -> None:
        """Raise PermissionDenied (and audit the denial) unless the role has ``permission``."""
        if self.can(permission):
            return
        self.audit(
            "permission.denied",
            outcome="denied",
            patient_id=patient_id,
            detail={"permission": permission},
        )
        role_zh = ROLE_NAMES_ZH.get(self.role, self.role)
        raise PermissionDenied(
            f"“{role_zh}”角色没有“{permission}”权限。",
            f"The role '{self.role}' does not have the permission '{permission}'.",
            hint_zh="请使用有权限的账号登录，或请管理员调整角色。",
            hint_en="Log in with an account that has it, or ask the administrator.",
            details={"permission": permission, "role": self.role},
        )

    def audit(
        self,
        action: str,
        *,
        patient_id: str | None = None,
        target: str | None = None,
        outcome: str = "ok",
        detail: dict[str, Any] | None = None,
    ) -> int | None:
        """Append one row to the audit chain for this actor."""
        return self.store.audit(
            self.username,
            self.role,
            action,
            outcome=outcome,
            patient_id=patient_id,
            target=target,
            detail=detail,
        )

    @property
    def actor(self) -> tuple[str, str]:
        return self.username, self.role

    def close(self) -> None:
        if not self.closed and self.user.id != "system":
            self.audit("logout", target=self.user.id)
        self.closed = True

    logout = close


def login(store: Store, username: str, password: str) -> Session:
    """Check the password (counting failures, locking out) and start a session."""
    user = authenticate(store, username, password)
    return Session(store=store, user=user, role=user.role)


def system_session(store: Store, actor: str = "system") -> Session:
    """The admin session used by CLI automation that unlocked the store with the passphrase."""
    user = User(
        id="system",
        username=actor,
        display_name=actor,
        role="admin",
        antibiotic_privilege="special",
        disabled=False,
        locked_until=None,
        failed_logins=0,
        last_login_at=None,
    )
    return Session(store=store, user=user, role="admin")


def patient_audit_trail(
    session: Session, patient_id: str, limit: int = 200
) -> list[dict[str, Any]]:
    """Who touched a patient's data, oldest first (admin: ``audit.read``); the look-up is audited."""
    session.require("audit.read", patient_id=patient_id)
    with session.store.read_raw() as conn:
        rows = reports.audit_trail_of_patient(conn, patient_id, limit)
    session.audit("audit.show", patient_id=patient_id, detail={"count": len(rows)})
    return rows
