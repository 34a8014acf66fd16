"""Failed logins for names that have no account, treated exactly like a real account's.

Without this a caller could tell real user names from made-up ones: a real account locks after
``login_max_failures`` wrong passwords, a made-up one never did. Here a made-up name is counted
in ``login_unknown`` (keyed by an HMAC of the name, never the name) and locks the same way, with
the same message, hint and audit outcome. The password check costs the same too: the dummy hash
uses the configured argon2 memory cost, not a cheaper one.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from appliance.errors import AccountLocked, LoginFailed
from appliance.store import audit

if TYPE_CHECKING:
    from appliance.store.db import Store


@functools.lru_cache(maxsize=4)
def dummy_hash(memory_kib: int) -> str:
    """A hash with the real cost parameters, checked when the user does not exist."""
    from appliance.store.accounts import hash_password

    return hash_password("clinicbox-dummy-password-1", memory_kib)


def _name_mac(store: Store, username: str) -> str:
    key = store.audit_key
    return hmac.new(key, b"login|" + username.lower().encode(), hashlib.sha256).hexdigest()


def locked_hint(until: str) -> tuple[str, str]:
    return f"将于 {until} 自动解锁。", f"It unlocks at {until}."


def failed_hint(until: str) -> tuple[str, str]:
    return (
        f"密码连续错误次数过多，账号已锁定至 {until}。",
        f"Too many wrong passwords; locked until {until}.",
    )


def unknown_user_failed(store: Store, username: str, now: datetime) -> NoReturn:
    """Count a failed login for a name with no account; raise as for a real account."""
    from appliance.store.accounts import verify_password

    verify_password(dummy_hash(store.settings.password_hash_memory_kib), "x")  # same work
    if store.read_only:
        raise LoginFailed()
    name_mac = _name_mac(store, username)
    settings = store.settings
    iso = now.isoformat(timespec="seconds")

    def record(conn: Any) -> tuple[str, str | None]:
        row = conn.execute(
            "SELECT failures, locked_until FROM login_unknown WHERE name_mac = ?", (name_mac,)
        ).fetchone()
        if row is not None and row[1] and datetime.fromisoformat(str(row[1])) > now:
            audit.append(
                conn, store.audit_key, actor="(unknown)", role="-", action="login", outcome="locked"
            )
            return "locked", str(row[1])
        failures = (int(row[0]) if row is not None and not row[1] else 0) + 1
        until = None
        if failures >= settings.login_max_failures:
            until = (now + timedelta(seconds=settings.login_lockout_s)).isoformat(
                timespec="seconds"
            )
        conn.execute(
            "INSERT INTO login_unknown (name_mac, failures, locked_until, last_failed_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(name_mac) DO UPDATE SET failures = excluded.failures,"
            " locked_until = excluded.locked_until, last_failed_at = excluded.last_failed_at",
            (name_mac, failures, until, iso),
        )
        audit.append(
            conn,
            store.audit_key,
            actor="(unknown)",
            role="-",
            action="login",
            outcome="locked_out" if until else "failed",
            detail={"failures": failures},
        )
        return ("locked_out" if until else "failed"), until

    outcome, until = store.write_raw(record)
    if outcome == "locked" and until:
        zh, en = locked_hint(until)
        raise AccountLocked(hint_zh=zh, hint_en=en)
    if outcome == "locked_out" and until:
        zh, en = failed_hint(until)
        raise AccountLocked(hint_zh=zh, hint_en=en)
    raise LoginFailed()
