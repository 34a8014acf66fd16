"""Amending a signed visit from the TUI (issue 15): a signed record is never replaced by a draft;
Ctrl+R (or F10, or the 修订 button) asks for the reason, which is required, and saves a new
version through ``ClinicService.amend_visit`` — the use case of ``clinicbox visit amend`` — then
shows the version and status the box stored."""

from __future__ import annotations

from typing import Any

from tests._fixtures.tui import login, wait_for

RECORD = {
    "chief_complaint": "咳嗽2天",
    "present_illness": "2天前受凉后咳嗽，无发热。",
    "allergy_history": "否认药物过敏史",
    "diagnoses": [{"name": "急性上呼吸道感染", "icd10": "J06.9"}],
    "vitals": {"temp": 36.8},
}
REASON = "补充现病史：伴咽痛"


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def _signed_visit(service: Any, initials: str) -> tuple[Any, str]:
    service.login("doctor", "demo1234")
    try:
        patient = service.search_patients(initials)[0]
        saved = service.save_visit(
            {"patient_id": patient["patient_id"], "record": RECORD, "sign": True}
        )
    finally:
        service.logout()
    assert saved["status"] == "signed" and saved["version"] == 1
    return patient, str(saved["visit_id"])


async def _open(app: Any, pilot: Any, patient: Any, visit_id: str) -> Any:
    from tui.screens.visit import VisitScreen

    await login(pilot, app)
    app.push_screen(VisitScreen(patient, visit_id))
    await wait_for(
        pilot,
        lambda: type(app.screen).__name__ == "VisitScreen" and app.screen.signed,
    )
    return app.screen


def _footer_keys(app: Any) -> set[str]:
    from textual.widgets._footer import FooterKey

    return {key.key for key in app.screen.query(FooterKey)}


def _on_dialog(app: Any) -> bool:
    return type(app.screen).__name__ == "AmendDialog"


def test_signed_visit_is_amended_with_a_reason(demo_service: Any, drive: Any) -> None:
    patient, visit_id = _signed_visit(demo_service, "lxy")

    async def scenario(app: Any, pilot: Any) -> None:
        screen = await _open(app, pilot, patient, visit_id)
        assert "Ctrl+R" in text_of(app, "#visit-status")  # says how to correct it
        await wait_for(pilot, lambda: "ctrl+r" in _footer_keys(app))  # and the footer offers it
        assert screen.query_one("#amend").display and "Ctrl+R" in str(
            screen.query_one("#amend").label
        )
        screen.query_one("#r-present_illness").text = "2天前受凉后咳嗽，伴咽痛，无发热。"
        await pilot.press("ctrl+s")  # a draft never replaces the signed record
        await wait_for(pilot, lambda: "✖" in text_of(app, "#visit-status"))
        assert not _on_dialog(app)

        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: _on_dialog(app))
        await pilot.press("escape")  # cancelled: nothing is saved
        await wait_for(pilot, lambda: "已取消修订" in text_of(app, "#visit-status"))

        await pilot.press("f10")  # signing a signed record again is an amendment too
        await wait_for(pilot, lambda: _on_dialog(app))
        await pilot.press("enter")  # no reason: refused, the dialog stays
        await wait_for(pilot, lambda: "修订理由" in text_of(app, "#amend-status"))
        assert _on_dialog(app)
        app.screen.query_one("#amend-reason").value = REASON
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
        await wait_for(pilot, lambda: "已保存修订" in text_of(app, "#visit-status"))
        status = text_of(app, "#visit-status")
        assert "第 2 版" in status and "已修订" in status
        assert screen.signed and screen.version == 2 and screen.visit_id == visit_id

    drive(demo_service, scenario)
    demo_service.login("doctor", "demo1234")
    shown = demo_service.get_visit(visit_id)
    assert shown["status"] == "amended" and shown["version"] == 2
    assert shown["record"]["present_illness"] == "2天前受凉后咳嗽，伴咽痛，无发热。"
    assert [(h["version"], h["status"]) for h in shown["history"]] == [
        (1, "signed"),
        (2, "amended"),
    ]
    assert shown["history"][1]["reason"] == REASON
    assert shown["history"][1]["amends_version"] == 1 and shown["history"][1]["author"]


def test_an_unsigned_visit_offers_no_amendment(demo_service: Any, drive: Any) -> None:
    demo_service.login("doctor", "demo1234")
    patient = demo_service.search_patients("zjg")[0]
    demo_service.logout()

    async def scenario(app: Any, pilot: Any) -> None:
        from tui.screens.visit import VisitScreen

        await login(pilot, app)
        app.push_screen(VisitScreen(patient))
        await wait_for(pilot, lambda: bool(app.screen.query("#complaint")))
        assert not app.screen.query_one("#amend").display
        assert "ctrl+r" not in _footer_keys(app)  # offered only on a signed visit
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not _on_dialog(app)
        app.screen.amend_now()  # reached anyway: it says why there is nothing to amend
        assert "无需修订" in text_of(app, "#visit-status")

    drive(demo_service, scenario)
