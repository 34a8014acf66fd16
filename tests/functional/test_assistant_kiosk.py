"""Kiosk mode: assistant only, identity and conversation forgotten when idle."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.errors import IdentityNotVerified, PermissionDenied
from appliance.services import _assistant_clinic_data as clinic_data
from appliance.services._assistant_kiosk import KioskAssistant


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def kiosk(store: Any, admin_session: Any, data_dir: Any) -> Any:
    from appliance.config import load_settings
    from appliance.services.assistant import AssistantService
    from appliance.services.patients import add_patient

    pid = add_patient(admin_session, {"name": "赵六", "sex": "M", "phone": "13700009876"})[
        "patient_id"
    ]
    service = AssistantService(load_settings(data_dir, kb_embedder="none"), store, embedder=None)
    service._engine_tried = True
    clock = _Clock()
    yield (
        KioskAssistant(service, idle_s=60, clock=clock),
        clock,
        clinic_data.issue_visit_code(store, pid),
    )
    service.close()


def test_kiosk_reaches_only_assistant_screens() -> None:
    KioskAssistant.require_screen("assistant")
    for screen in ("records", "patients", "admin", "qc"):
        with pytest.raises(PermissionDenied):
            KioskAssistant.require_screen(screen)


def test_kiosk_forgets_identity_when_idle(kiosk: Any) -> None:
    k, clock, code = kiosk
    assert k.say("我的费用是多少")["type"] == "verify"
    assert k.verify(code, "9876") == "赵*"
    assert k.say("我的费用是多少")["type"] == "tool"
    token = k.token
    clock.now += 61
    assert k.expire_if_idle() and k.token is None and k.transcript == []
    with pytest.raises(IdentityNotVerified):
        k.service.call_tool(token, "fees", {})  # the old token is revoked too
    assert k.say("我的费用是多少")["type"] == "verify"


def test_kiosk_emergency_needs_no_identity(kiosk: Any) -> None:
    k, _clock, _code = kiosk
    reply = k.say("我胸口痛，喘不上气")
    assert reply["type"] == "answer" and reply["kind"] == "emergency" and "120" in reply["answer"]
