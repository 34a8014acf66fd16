"""Identity verification, rate limits, audit and the code that executes self-service tools.

Identity: a visit code (issued at registration, on the patient's card) plus the last 4 digits of
the phone on file. Failed checks are counted per visit code and per client (kiosk/phone);
after ``assistant_verify_attempts`` failures the code is locked for 15 minutes, and a client
(one phone, or the shared waiting-room kiosk) after 4× as many. A verified identity
gets a random token valid for 10 minutes; look-ups are limited per token per minute. Every
verification and look-up is written to the audit chain (who: the kiosk/LAN client; which
patient) — never the phone digits.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from appliance.config import Settings
from appliance.errors import IdentityNotVerified, RateLimited, SelfServiceError
from appliance.i18n import t
from appliance.services._assistant_tools import (
    BookArgs,
    CancelArgs,
    ScheduleArgs,
    _Args,
    validate_call,
)
from appliance.services.ports import StorePort
from appliance.store import selfservice as data

TOKEN_TTL_S = 600.0
LOCKOUT_S = 900.0
ACTOR = "assistant"


class SlidingWindow:
    """At most ``limit`` events per ``window_s`` seconds per key (thread-safe, in memory)."""

    def __init__(self, limit: int, window_s: float, clock: Any = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def count(self, key: str) -> int:
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] > self.window_s:
                events.popleft()
            return len(events)

    def hit(self, key: str) -> None:
        with self._lock:
            self._events.setdefault(key, deque()).append(self.clock())

    def exceeded(self, key: str) -> bool:
        return self.count(key) >= self.limit


@dataclass
class Identity:
    token: str
    patient_id: str
    display_name: str
    expires: float


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def mask_name(name: str) -> str:
    """张三丰 → 张**: enough for a patient to recognise, not enough to identify on a screen."""
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else "*"


class SelfService:
    def __init__(self, store: StorePort, settings: Settings, clock: Any = time.monotonic) -> None:
        self.store = store
        self.clock = clock
        self.failures = SlidingWindow(settings.assistant_verify_attempts, LOCKOUT_S, clock)
        # A client (the kiosk is shared by every patient) is locked only after 4× as many:
        # one patient's typos must not lock the kiosk for everyone, enumeration still stops.
        self.client_failures = SlidingWindow(
            4 * settings.assistant_verify_attempts, LOCKOUT_S, clock
        )
        self.calls = SlidingWindow(settings.assistant_tool_calls_per_minute, 60.0, clock)
        self._identities: dict[str, Identity] = {}
        self._lock = threading.Lock()

    def _audit(self, action: str, client: str, outcome: str = "ok", **kw: Any) -> None:
        self.store.audit(f"{ACTOR}:{client}"[:64], "kiosk", action, outcome=outcome, **kw)

    # --- identity ------------------------------------------------------------------------
    def verify(self, visit_code: str, phone_last4: str, client: str = "kiosk") -> Identity:
        code = visit_code.strip().upper()
        if self.failures.exceeded(f"code:{code}") or self.client_failures.exceeded(client):
            self._audit("assistant.verify", client, outcome="locked")
            raise RateLimited(
                "验证失败次数太多，已锁定15分钟。",
                "Too many failed checks; locked for 15 minutes.",
            )
        with self.store.read_raw() as conn:
            row = data.visit_code_holder(conn, code)
        digits = "".join(ch for ch in str(row[2] or "") if ch.isdigit()) if row else ""
        expired = bool(row and row[3] and row[3] < _now_iso())
        ok = bool(row) and not expired and len(digits) >= 4
        ok = ok and hmac.compare_digest(digits[-4:], phone_last4.strip())
        if not ok or row is None:
            self.failures.hit(f"code:{code}")
            self.client_failures.hit(client)
            self._audit("assistant.verify", client, outcome="denied")
            raise IdentityNotVerified(
                "就诊码或手机号后四位不正确。", "The visit code or phone digits do not match."
            )
        identity = Identity(
            secrets.token_urlsafe(24),
            str(row[0]),
            mask_name(str(row[1])),
            self.clock() + TOKEN_TTL_S,
        )
        with self._lock:
            self._identities[identity.token] = identity
        self._audit("assistant.verify", client, patient_id=identity.patient_id)
        return identity

    def identity(self, token: str | None) -> Identity:
        with self._lock:
            found = self._identities.get(token or "")
            if found is None or found.expires < self.clock():
                self._identities.pop(token or "", None)
                raise IdentityNotVerified()
            return found

    def forget(self, token: str) -> None:
        with self._lock:
            self._identities.pop(token, None)

    # --- tools ---------------------------------------------------------------------------
    def call(
        self, token: str | None, name: str, arguments: dict[str, Any], client: str = "kiosk"
    ) -> dict[str, Any]:
        """Validate and execute one tool for the verified identity behind ``token``."""
        who = self.identity(token)
        args = validate_call(name, arguments)
        if self.calls.exceeded(who.token):
            self._audit(f"assistant.tool.{name}", client, outcome="rate_limited",
                        patient_id=who.patient_id)  # fmt: skip
            raise RateLimited()
        self.calls.hit(who.token)
        handler = self._tools()[name]
        result: dict[str, Any] = handler(who, args)
        self._audit(f"assistant.tool.{name}", client, patient_id=who.patient_id)
        return {"tool": name, "patient": who.display_name, **result}

    def _tools(self) -> dict[str, Callable[[Identity, _Args], dict[str, Any]]]:
        return {
            "schedule": self._tool_schedule,
            "book": self._tool_book,
            "my_appointments": self._tool_my_appointments,
            "cancel": self._tool_cancel,
            "reports": self._tool_reports,
            "fees": self._tool_fees,
            "followups": self._tool_followups,
        }

    def _tool_schedule(self, who: Identity, args: _Args) -> dict[str, Any]:
        assert isinstance(args, ScheduleArgs)
        day = args.day or date.today().isoformat()
        with self.store.read_raw() as conn:
            rows = data.slots_of_day(conn, day, args.department)
        slots = [
            {"slot_id": r[0], "department": r[1], "doctor": r[2], "time": f"{r[3]}-{r[4]}",
             "free": max(0, int(r[5]) - int(r[6]))}
            for r in rows
        ]  # fmt: skip
        return {"day": day, "slots": slots}

    def _tool_book(self, who: Identity, args: _Args) -> dict[str, Any]:
        assert isinstance(args, BookArgs)

        def book(conn: Any) -> dict[str, Any]:
            slot = data.slot(conn, args.slot_id)
            if slot is None:
                raise SelfServiceError("没有这个号源。", "No such slot.")
            if slot[0] < date.today().isoformat():
                raise SelfServiceError("这个号源的日期已过。", "This slot is in the past.")
            taken = data.bookings(conn, args.slot_id, who.patient_id)
            if taken[1]:
                raise SelfServiceError("您已预约了这个号。", "You already booked this slot.")
            if int(taken[0]) >= int(slot[3]):
                raise SelfServiceError("这个号已约满，请选择其他时间。", "This slot is full.")
            appointment_id = secrets.token_hex(8)
            data.insert_appointment(conn, appointment_id, args.slot_id, who.patient_id, _now_iso())
            return {"appointment_id": appointment_id, "day": slot[0], "time": slot[1],
                    "department": slot[2]}  # fmt: skip

        booked: dict[str, Any] = self.store.write_raw(book)
        booked["message"] = t(
            f"已预约 {booked['day']} {booked['time']} {booked['department']}，请提前15分钟到院取号。",
            f"Booked {booked['day']} {booked['time']} {booked['department']}; "
            "arrive 15 minutes early.",
        )
        return booked

    def _tool_my_appointments(self, who: Identity, args: _Args) -> dict[str, Any]:
        with self.store.read_raw() as conn:
            rows = data.upcoming_appointments(conn, who.patient_id, date.today().isoformat())
        return {"appointments": [
            {"appointment_id": r[0], "day": r[1], "time": r[2], "department": r[3], "status": r[4]}
            for r in rows
        ]}  # fmt: skip

    def _tool_cancel(self, who: Identity, args: _Args) -> dict[str, Any]:
        assert isinstance(args, CancelArgs)

        def cancel(conn: Any) -> int:
            return data.cancel_appointment(conn, args.appointment_id, who.patient_id)

        if not self.store.write_raw(cancel):
            raise SelfServiceError("没有找到您的这条预约。", "No such booking of yours.")
        return {"cancelled": args.appointment_id}

    def _tool_reports(self, who: Identity, args: _Args) -> dict[str, Any]:
        with self.store.read_raw() as conn:
            rows = data.lab_reports(conn, who.patient_id)
        reports = []
        for name, status, items, ordered, reported in rows:
            entry: dict[str, Any] = {"test": name, "status": status, "ordered_at": ordered}
            if status == "ready":
                entry["reported_at"] = reported
                entry["items"] = json.loads(items or "[]")
            reports.append(entry)
        note = t("报告结果的意义请向医生咨询。", "Ask your doctor what the results mean.")
        return {"reports": reports, "note": note}

    def _tool_fees(self, who: Identity, args: _Args) -> dict[str, Any]:
        since = (date.today() - timedelta(days=90)).isoformat()
        with self.store.read_raw() as conn:
            rows = data.fees_since(conn, who.patient_id, since)
        items = [
            {"item": r[0], "amount": r[1] / 100, "insurance": r[2] / 100,
             "self_pay": (r[1] - r[2]) / 100, "paid": bool(r[3]), "date": r[4][:10]}
            for r in rows
        ]  # fmt: skip
        unpaid = sum(i["self_pay"] for i in items if not i["paid"])
        return {"items": items, "unpaid_self_pay": round(unpaid, 2)}

    def _tool_followups(self, who: Identity, args: _Args) -> dict[str, Any]:
        with self.store.read_raw() as conn:
            rows = data.active_followups(conn, who.patient_id)
        today = date.today().isoformat()
        return {"followups": [
            {"condition": r[0], "next_due": r[1], "overdue": r[1] < today,
             "interval_days": r[2]}
            for r in rows
        ]}  # fmt: skip
