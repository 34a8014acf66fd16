"""Kiosk mode of the health assistant (the waiting-room screen): no login, assistant only.

The kiosk front end (TUI kiosk mode, or a browser in kiosk mode on the LAN page) holds one
:class:`KioskAssistant`. It keeps the conversation and the verified identity of the person in
front of the screen, and forgets both after ``idle_s`` without input or when the person taps
"结束"; it can open no screen but the assistant's, whatever a request asks for.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from appliance.errors import ClinicBoxError, PermissionDenied

KIOSK_SCREENS = frozenset({"assistant", "emergency", "help"})
DEFAULT_IDLE_S = 90.0


@dataclass
class KioskTurn:
    who: str  # "patient" | "assistant"
    text: str
    data: dict[str, Any] = field(default_factory=dict)


class KioskAssistant:
    def __init__(
        self, service: Any, *, idle_s: float = DEFAULT_IDLE_S, client: str = "kiosk",
        clock: Any = time.monotonic,
    ) -> None:  # fmt: skip
        self.service = service
        self.idle_s = idle_s
        self.client = client
        self.clock = clock
        self.token: str | None = None
        self.patient: str | None = None
        self.transcript: list[KioskTurn] = []
        self._last = clock()

    # --- policy ------------------------------------------------------------------------
    @staticmethod
    def require_screen(screen: str) -> None:
        """Kiosk mode cannot reach doctor/admin screens (records, patients, settings…)."""
        if screen not in KIOSK_SCREENS:
            raise PermissionDenied(
                "自助机只能使用健康助手。", "The kiosk can only use the health assistant."
            )

    def _touch(self) -> None:
        self.expire_if_idle()
        self._last = self.clock()

    def expire_if_idle(self) -> bool:
        """Forget the identity and the conversation after ``idle_s`` without input."""
        if self.clock() - self._last >= self.idle_s and (self.token or self.transcript):
            self.end()
            return True
        return False

    def end(self) -> None:
        """The person is done: forget who they are and what was said."""
        if self.token:
            with contextlib.suppress(ClinicBoxError):  # no store: nothing to forget
                self.service.self_service.forget(self.token)
        self.token = None
        self.patient = None
        self.transcript.clear()
        self._last = self.clock()

    # --- turns -------------------------------------------------------------------------
    def say(self, message: str) -> dict[str, Any]:
        """One turn typed or spoken at the kiosk (health question or self-service request)."""
        self._touch()
        self.transcript.append(KioskTurn("patient", message))
        reply: dict[str, Any] = self.service.chat(message, token=self.token, client=self.client)
        text = reply.get("answer") or reply.get("message") or ""
        self.transcript.append(KioskTurn("assistant", str(text), reply))
        return reply

    def verify(self, visit_code: str, phone_last4: str) -> str:
        self._touch()
        who = self.service.verify(visit_code, phone_last4, client=self.client)
        self.token = who.token
        self.patient = str(who.display_name)
        return self.patient

    def tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self._touch()
        result: dict[str, Any] = self.service.call_tool(self.token, name, arguments, self.client)
        return result
