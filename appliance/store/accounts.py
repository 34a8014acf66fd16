"""User accounts: argon2id password hashes, roles, lockout after repeated failures.

Store-level data operations; permission checks and sessions live in ``appliance.services.session``.
Every login success/failure and every account change is appended to the audit chain in the same
transaction as the change itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from appliance.errors import AccountLocked, InputError, LoginFailed, NotFoundError, WeakSecret
from appliance.store import _login_guard, audit

if TYPE_CHECKING:
    from appliance.store.db import Store

SYSTEM_USER_ID = "system"  # built-in row (migration 0003); never logs in
ROLES: tuple[str, ...] = ("admin", "doctor", "nurse", "front_desk", "kiosk")
ROLE_NAMES_ZH = {
    "admin": "管理员",
    "doctor": "医生",
    "nurse": "护士",
    "front_desk": "前台",
    "kiosk": "自助终端",
}


def _hasher(memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=3, memory_cost=memory_kib, parallelism=1)


def hash_password(password: str, memory_kib: int = 65536) -> str:
    return _hasher(memory_kib).hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return bool(PasswordHasher().verify(stored_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str, username: str = "") -> None:
    text = password.strip()
    has_letter = any(ch.isalpha() for ch in text)
    has_digit = any(ch.isdigit() for ch in text)
    if len(text) < 8 or not (has_letter and has_digit) or text.lower() == username.lower():
        raise WeakSecret()


def check_username(username: str) -> str:
    name = username.strip()
    if name.lower() == SYSTEM_USER_ID:
        raise InputError("用户名 system 为系统保留。", "The user name 'system' is reserved.")
    if not (2 <= len(name) <= 64) or any(ch.isspace() for ch in name):
        raise InputError(
            "用户名需为 2-64 个字符且不含空格。",
            "A user name needs 2-64 characters and no spaces.",
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(
            f"未知角色：{role}（可选：{'、'.join(ROLES)}）。",
            f"Unknown role: {role} (one of: {', '.join(ROLES)}).",
        )
    return role


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: str
    antibiotic_privilege: str
    disabled: bool
    locked_until: str | None
    failed_logins: int
    last_login_at: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> User:
        return cls(
            id=row["id"],
            username=row["username"],
            display_name=row["display_name"],
            role=row["role"],
            antibiotic_privilege=row["antibiotic_privilege"],
            disabled=bool(row["disabled"]),
            locked_until=row["locked_until"],
            failed_logins=int(row["failed_logins"]),
            last_login_at=row["last_login_at"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "antibiotic_privilege": self.antibiotic_privilege,
            "disabled": self.disabled,
            "locked_until": self.locked_until,
            "failed_logins": self.failed_logins,
            "last_login_at": self.last_login_at,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _row(conn: Any, username: str) -> dict[str, Any] | None:
    cursor = conn.execute("SELECT * FROM user WHERE username = ?", (username,))
    values = cursor.fetchone()
    if values is None:
        return None
    return dict(zip([d[0] for d in cursor.description], values, strict=True))


def insert_user(
    conn: Any,
    *,
    username: str,
    role: str,
    password_hash: str,
    display_name: str = "",
    antibiotic_privilege: str = "non_restricted",
) -> str:
    """Insert inside the caller's write transaction; returns the new user id."""
    user_id = secrets.token_hex(8)
    now = _iso(_now())
    conn.execute(
        "INSERT INTO user (id, username, display_name, role, password_hash,"
        " antibiotic_privilege, created_at, password_changed_at) VALUES (?,?,?,?,?,?,?,?)",
        (user_id, username, display_name, role, password_hash, antibiotic_privilege, now, now),
    )
    return user_id


def add_user(
    store: Store,
    *,
    actor: tuple[str, str],
    username: str,
    role: str,
    password: str,
    display_name: str = "",
    antibiotic_privilege: str = "non_restricted",
) -> User:
    name = check_username(username)
    check_role(role)
    check_password_strength(password, name)
    hashed = hash_password(password, store.settings.password_hash_memory_kib)

    def run(conn: Any) -> User:
        if _row(conn, name) is not None:
            raise InputError(f"用户名已存在：{name}。", f"The user name already exists: {name}.")
        user_id = insert_user(
            conn,
            username=name,
            role=role,
            password_hash=hashed,
            display_name=display_name,
            antibiotic_privilege=antibiotic_privilege,
        )
        audit.append(
            conn,
            store.audit_key,
            actor=actor[0],
            role=actor[1],
            action="user.add",
            target=user_id,
            detail={"role": role},
        )
        row = _row(conn, name)
        assert row is not None
        return User.from_row(row)

    return store.write_raw(run)


def get_user(store: Store, username: str) -> User:
    with store.read_raw() as conn:
        row = _row(conn, username)
    if row is None:
        raise NotFoundError(f"没有这个用户：{username}。", f"No such user: {username}.")
    return User.from_row(row)


def list_users(store: Store) -> list[User]:
    with store.read_raw() as conn:
        cursor = conn.execute(
            "SELECT * FROM user WHERE id != ? ORDER BY username", (SYSTEM_USER_ID,)
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, v, strict=True)) for v in cursor.fetchall()]
    return [User.from_row(r) for r in rows]


def set_locked(store: Store, *, actor: tuple[str, str], username: str, locked: bool) -> User:
    def run(conn: Any) -> User:
        row = _row(conn, username)
        if row is None:
            raise NotFoundError(f"没有这个用户：{username}。", f"No such user: {username}.")
        conn.execute(
            "UPDATE user SET disabled = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
            (1 if locked else 0, row["id"]),
        )
        audit.append(
            conn,
            store.audit_key,
            actor=actor[0],
            role=actor[1],
            action="user.lock" if locked else "user.unlock",
            target=row["id"],
        )
        fresh = _row(conn, username)
        assert fresh is not None
        return User.from_row(fresh)

    return store.write_raw(run)


def set_password(store: Store, *, actor: tuple[str, str], username: str, password: str) -> None:
    check_password_strength(password, username)
    hashed = hash_password(password, store.settings.password_hash_memory_kib)

    def run(conn: Any) -> None:
        row = _row(conn, username)
        if row is None:
            raise NotFoundError(f"没有这个用户：{username}。", f"No such user: {username}.")
        conn.execute(
            "UPDATE user SET password_hash = ?, password_changed_at = ?, failed_logins = 0,"
            " locked_until = NULL WHERE id = ?",
            (hashed, _iso(_now()), row["id"]),
        )
        audit.append(
            conn,
            store.audit_key,
            actor=actor[0],
            role=actor[1],
            action="user.password",
            target=row["id"],
        )

    store.write_raw(run)


def authenticate(store: Store, username: str, password: str) -> User:
    """Check a password; count failures; lock for ``login_lockout_s`` after too many.

    Raises :class:`LoginFailed` (same message for unknown users and wrong passwords) or
    :class:`AccountLocked`. Both outcomes are audited.
    """
    with store.read_raw() as conn:
        row = _row(conn, username.strip())
    if row is not None and row["id"] == SYSTEM_USER_ID:
        row = None
    now = _now()
    if row is None:  # counted and locked like a real account: names cannot be told apart
        _login_guard.unknown_user_failed(store, username.strip(), now)
    locked_until = row["locked_until"]
    if row["disabled"] or (locked_until and datetime.fromisoformat(locked_until) > now):
        store.audit(row["username"], row["role"], "login", outcome="locked", target=row["id"])
        hint = (
            ("请联系管理员解锁。", "Ask the administrator to unlock it.")
            if row["disabled"]
            else _login_guard.locked_hint(locked_until)
        )
        raise AccountLocked(hint_zh=hint[0], hint_en=hint[1])
    ok = verify_password(row["password_hash"], password)
    settings = store.settings
    if store.read_only:  # a damaged store still lets staff log in to read what is left
        if not ok:
            raise LoginFailed()
        return User.from_row(row)

    def record(conn: Any) -> User:
        if ok:
            conn.execute(
                "UPDATE user SET failed_logins = 0, locked_until = NULL, last_login_at = ?"
                " WHERE id = ?",
                (_iso(now), row["id"]),
            )
            audit.append(
                conn,
                store.audit_key,
                actor=row["username"],
                role=row["role"],
                action="login",
                target=row["id"],
            )
        else:
            failures = int(
                conn.execute(
                    "UPDATE user SET failed_logins = failed_logins + 1 WHERE id = ?"
                    " RETURNING failed_logins",
                    (row["id"],),
                ).fetchone()[0]
            )
            lock = failures >= settings.login_max_failures
            if lock:
                until = _iso(now + timedelta(seconds=settings.login_lockout_s))
                conn.execute("UPDATE user SET locked_until = ? WHERE id = ?", (until, row["id"]))
            audit.append(
                conn,
                store.audit_key,
                actor=row["username"],
                role=row["role"],
                action="login",
                outcome="locked_out" if lock else "failed",
                target=row["id"],
                detail={"failures": failures},
            )
        fresh = _row(conn, row["username"])
        assert fresh is not None
        return User.from_row(fresh)

    user = store.write_raw(record)
    if not ok:
        if user.locked_until:
            zh, en = _login_guard.failed_hint(user.locked_until)
            raise AccountLocked(hint_zh=zh, hint_en=en)
        raise LoginFailed()
    return user
