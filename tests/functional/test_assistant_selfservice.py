"""Patient self-service on the real store: identity check, booking, reports, fees, follow-ups,
rate limits, lockout and audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from appliance.errors import IdentityNotVerified, InputError, RateLimited, SelfServiceError
from appliance.services import _assistant_clinic_data as clinic_data
from appliance.services._assistant_tools import route_by_keywords, validate_call


@pytest.fixture
def desk(store: Any, admin_session: Any, data_dir: Any) -> Any:
    from appliance.config import load_settings
    from appliance.services.assistant import AssistantService
    from appliance.services.patients import add_patient

    pid = add_patient(
        admin_session,
        {"name": "王小梅", "sex": "F", "birth_date": "1960-03-02", "phone": "13912345678"},
    )["patient_id"]
    settings = load_settings(data_dir, kb_embedder="none", assistant_tool_calls_per_minute=8,
                             assistant_verify_attempts=3)  # fmt: skip
    service = AssistantService(settings, store, embedder=None)
    service._engine_tried = True  # no model: the keyword router picks tools
    code = clinic_data.issue_visit_code(store, pid)
    yield service, store, pid, code
    service.close()


def test_tools_need_identity_and_verify_checks_phone(desk: Any) -> None:
    service, _store, pid, code = desk
    assert service.chat("我想查化验报告")["type"] == "verify"
    with pytest.raises(IdentityNotVerified):
        service.call_tool(None, "reports", {})
    with pytest.raises(IdentityNotVerified):
        service.verify(code, "0000")
    who = service.verify(code.lower(), "5678")
    assert who.display_name == "王**" and who.patient_id == pid


def test_booking_flow_and_capacity(desk: Any) -> None:
    service, store, _pid, code = desk
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    (slot,) = clinic_data.add_slots(store, department="全科", day=tomorrow, times=["08:00-08:30"])
    token = service.verify(code, "5678").token
    listing = service.chat("明天有号吗，想挂全科", token=token)
    assert listing["type"] == "tool" and listing["slots"][0]["free"] == 1
    booked = service.call_tool(token, "book", {"slot_id": slot})
    assert booked["department"] == "全科" and "提前15分钟" in booked["message"]
    with pytest.raises(SelfServiceError):
        service.call_tool(token, "book", {"slot_id": slot})
    mine = service.call_tool(token, "my_appointments", {})["appointments"]
    assert [a["status"] for a in mine] == ["booked"]
    service.call_tool(token, "cancel", {"appointment_id": booked["appointment_id"]})
    assert service.call_tool(token, "schedule", {"day": tomorrow})["slots"][0]["free"] == 1


def test_reports_fees_followups(desk: Any) -> None:
    service, store, pid, code = desk
    clinic_data.add_lab_report(store, pid, "血常规")
    clinic_data.add_lab_report(
        store, pid, "空腹血糖", [{"name": "GLU", "value": 6.1, "unit": "mmol/L"}]
    )
    clinic_data.add_fee(store, pid, "血常规", 2500, 1500)
    clinic_data.add_fee(store, pid, "挂号费", 500, 0, paid=True)
    token = service.verify(code, "5678").token
    reports = service.chat("我的检查结果出来了吗", token=token)["reports"]
    assert {r["test"]: r["status"] for r in reports} == {"血常规": "pending", "空腹血糖": "ready"}
    assert next(r for r in reports if r["status"] == "ready")["items"][0]["value"] == 6.1
    fees = service.chat("我花了多少钱", token=token)
    assert fees["unpaid_self_pay"] == 10.0
    assert service.chat("什么时候复查", token=token)["followups"] == []


def test_rate_limit_lockout_and_audit(desk: Any) -> None:
    service, store, pid, code = desk
    token = service.verify(code, "5678", client="phone-1").token
    for _ in range(8):
        service.call_tool(token, "fees", {}, client="phone-1")
    with pytest.raises(RateLimited):
        service.call_tool(token, "fees", {}, client="phone-1")
    for _ in range(3):
        with pytest.raises(IdentityNotVerified):
            service.verify(code, "1111", client="phone-2")
    with pytest.raises(RateLimited):
        service.verify(
            code, "5678", client="phone-3"
        )  # the code is locked, even with the right digits
    with store.read_raw() as conn:
        rows = conn.execute("SELECT action, outcome, patient_id FROM audit_log").fetchall()
    actions = [(r[0], r[1]) for r in rows]
    assert ("assistant.verify", "denied") in actions and ("assistant.verify", "locked") in actions
    assert ("assistant.tool.fees", "rate_limited") in actions
    assert any(r[0] == "assistant.tool.fees" and r[2] == pid for r in rows)
    assert not any("5678" in str(r) for r in rows)


def test_tool_calls_are_validated_and_routed() -> None:
    assert route_by_keywords("我想取消预约") == "cancel"
    assert route_by_keywords("帮我预约明天上午") == "book"
    assert route_by_keywords("化验单出来没有") == "reports"
    assert route_by_keywords("高血压吃什么好") is None
    with pytest.raises(InputError):
        validate_call("delete_patient", {})
    with pytest.raises(InputError):
        validate_call("schedule", {"day": "明天"})
    assert validate_call("book", {"slot_id": "abcd1234", "extra": 1}).model_dump() == {
        "slot_id": "abcd1234"
    }


def test_a_client_is_locked_only_after_four_times_the_code_limit(desk: Any) -> None:
    service, _store, pid, code = desk  # fixture: 3 attempts per code
    for attempt in range(11):  # 11 failures on unknown codes from one kiosk: still open
        with pytest.raises(IdentityNotVerified):
            service.verify(f"NOCODE{attempt:02d}", "1111", client="kiosk-1")
    assert service.verify(code, "5678", client="kiosk-1").patient_id == pid
    with pytest.raises(IdentityNotVerified):
        service.verify("NOCODE99", "1111", client="kiosk-1")  # the 12th failure
    with pytest.raises(RateLimited):
        service.verify(code, "5678", client="kiosk-1")
