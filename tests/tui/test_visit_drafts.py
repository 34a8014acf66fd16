"""No lost work in the visit workspace (issue 20): Esc during a model step cancels the step and
keeps the visit; every edit autosaves an encrypted draft that comes back after a restart;
leaving with unsaved changes asks; model output never overwrites what the doctor typed."""

from __future__ import annotations

import threading
from typing import Any

from tests._fixtures.tui import demo_settings_for, login, speaking, wait_for


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def first_patient(service: Any, initials: str) -> Any:
    service.login("doctor", "demo1234")
    found = service.search_patients(initials)
    service.logout()
    return found[0]


async def open_visit(app: Any, pilot: Any, p: Any) -> None:
    from tui.screens.visit import VisitScreen

    await login(pilot, app)
    app.push_screen(VisitScreen(p))
    await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
    await pilot.pause()


def notes(app: Any) -> str:
    return " ".join(str(n.message) for n in app._notifications)


def test_esc_during_a_model_step_cancels_it_and_keeps_the_visit(
    demo_service: Any, drive: Any
) -> None:
    p = first_patient(demo_service, "zjg")
    started = threading.Event()
    real_structure = demo_service.structure_record

    def slow_structure(text: str, **kw: Any) -> Any:  # a model step on a slow box
        cancel = kw.get("cancel")
        if cancel is None:  # the live rules pass while the text changes: not the step tested
            return real_structure(text, **kw)
        started.set()
        for _ in range(400):
            if cancel.cancelled:
                break
            threading.Event().wait(0.025)
        return real_structure(text, visit_type=kw.get("visit_type", "initial"))

    demo_service.structure_record = slow_structure

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        screen.query_one("#complaint").value = "咳嗽3天"
        screen.query_one("#v-sbp").value = "150"
        screen.query_one("#r-chief_complaint").value = "咳嗽3天伴发热"
        screen.query_one("#transcript").text = "患者咳嗽三天，发热。"
        await pilot.press("f6")
        await wait_for(pilot, lambda: started.is_set() and screen.is_busy())
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not screen.is_busy())
        assert app.screen is screen  # still in the visit
        await pilot.press("escape")  # nothing running: Esc says how to leave, stays
        await pilot.pause(0.2)
        assert app.screen is screen
        assert "F4" in notes(app)
        assert screen.query_one("#complaint").value == "咳嗽3天"
        assert screen.query_one("#v-sbp").value == "150"
        assert screen.query_one("#r-chief_complaint").value == "咳嗽3天伴发热"
        assert "发热" in screen.query_one("#transcript").text

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.structure_record


def test_leaving_with_unsaved_changes_asks_first(demo_service: Any, drive: Any) -> None:
    p = first_patient(demo_service, "zjg")

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        await pilot.press("f4")  # nothing typed: leaves at once
        await wait_for(pilot, lambda: app.screen is not screen)
        await open_visit_again(app, pilot, p)
        screen = app.screen
        screen.query_one("#r-present_illness").text = "头晕2天"
        await pilot.press("f4")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LeaveVisitDialog")
        await pilot.press("escape")  # keep editing
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.query_one("#r-present_illness").text == "头晕2天"
        await pilot.press("f4")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LeaveVisitDialog")
        await pilot.click("#discard")
        await wait_for(pilot, lambda: type(app.screen).__name__ != "LeaveVisitDialog")
        assert type(app.screen).__name__ != "VisitScreen"

    drive(demo_service, scenario)
    demo_service.login("doctor", "demo1234")
    assert demo_service.load_visit_draft(p["patient_id"], None) is None  # discarded


async def open_visit_again(app: Any, pilot: Any, p: Any) -> None:
    from tui.screens.visit import VisitScreen

    app.push_screen(VisitScreen(p))
    await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
    await pilot.pause()


def test_a_restart_brings_the_autosaved_visit_back_encrypted(
    demo_service: Any, demo_base: Any, drive: Any
) -> None:
    from appliance.services.interface import LocalClinicService
    from appliance.services.training import DEMO_PASSPHRASE

    p = first_patient(demo_service, "lxy")

    async def typing(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        screen.query_one("#complaint").value = "胸闷1周"
        screen.query_one("#v-hr").value = "96"
        screen.query_one("#r-past_history").value = "高血压病史十年"
        screen.query_one("#transcript").text = "活动后胸闷，休息可缓解。"
        await wait_for(pilot, lambda: "已自动保存" in text_of(app, "#autosave-state"))
        # the app dies here: no save, no quit

    drive(demo_service, typing)
    db = demo_service.runtime.store.path
    demo_service.close()  # the box restarts
    for file in db.parent.glob(db.name + "*"):  # the database and its WAL: encrypted at rest
        assert "高血压病史十年".encode() not in file.read_bytes()

    again = LocalClinicService(demo_settings_for(demo_base), training=True)
    again.unlock(DEMO_PASSPHRASE)

    async def reopen(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("#complaint").value == "胸闷1周")
        assert screen.query_one("#v-hr").value == "96"
        assert screen.query_one("#r-past_history").value == "高血压病史十年"
        assert "胸闷" in screen.query_one("#transcript").text
        assert "已恢复" in notes(app)
        assert screen.has_unsaved_changes()  # restored typing is not saved yet
        screen.query_one("#r-diagnoses").value = "胸闷待查"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "草稿已保存" in text_of(app, "#visit-status"))

    try:
        drive(again, reopen)
        again.login("doctor", "demo1234")
        assert again.load_visit_draft(p["patient_id"], None) is None  # saved: autosave gone
    finally:
        again.close()


def test_structuring_fills_empty_fields_and_offers_the_rest(demo_service: Any, drive: Any) -> None:
    p = first_patient(demo_service, "zjg")

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        screen.query_one("#r-chief_complaint").value = "头痛2天"
        transcript = screen.query_one("#transcript")
        transcript.text = "患者咳嗽三天，体温三十八度五，既往体健，无药物过敏。"
        transcript.focus()
        await pilot.press("f6")  # works while the transcript has focus
        assert await wait_for(
            pilot,
            lambda: not screen.is_busy() and bool(screen.query_one("#r-past_history").value),
            timeout=30,
        )
        assert screen.query_one("#r-chief_complaint").value == "头痛2天"  # the doctor's text
        editor = screen.query_one("#record")
        assert "chief_complaint" in editor.offers
        offer = screen.query_one("#offer-chief_complaint")
        assert offer.has_class("-shown")
        suggested = editor.offers["chief_complaint"]
        assert "咳嗽" in text_of(app, "#offer-text-chief_complaint")
        screen.query_one("#accept-chief_complaint").focus()
        await pilot.press("enter")  # accepted by keyboard, field by field
        await pilot.pause()
        assert screen.query_one("#r-chief_complaint").value == suggested
        assert not offer.has_class("-shown")

    drive(demo_service, scenario)


def test_esc_on_a_half_filled_registration_asks_before_losing_it(
    demo_service: Any, drive: Any
) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        from tui.screens.patients import RegisterScreen

        await login(pilot, app)
        app.push_screen(RegisterScreen())
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RegisterScreen")
        form = app.screen
        await pilot.pause()
        await pilot.press("王", "五")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DiscardInputDialog")
        await pilot.press("escape")  # keep editing
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("#reg-name").value == "王五"

    drive(demo_service, scenario)


def test_the_model_refines_in_the_background_without_taking_the_doctors_text(
    demo_service: Any, drive: Any
) -> None:
    """Rules first (fields at once), then a slow model pass the doctor keeps typing through;
    its result replaces only rule-filled fields nobody touched and offers the rest."""
    from appliance.services.interface import FeatureStatus, Progress

    p = first_patient(demo_service, "zjg")
    real_structure, real_features = demo_service.structure_record, demo_service.features
    release = threading.Event()

    def structure(text: str, **kw: Any) -> Any:
        record = real_structure(text, visit_type=kw.get("visit_type", "initial"), use_llm=False)
        if not kw.get("use_llm"):
            return record
        for i in range(100):  # the model writing, token by token, on a slow box
            if kw["cancel"].cancelled or release.is_set():
                break
            kw["progress"](Progress(fraction=i / 100, message=f"{i}/100", eta_s=30 - i * 0.3))
            threading.Event().wait(0.05)
        refined = dict(record)
        refined["chief_complaint"] = "咳嗽3天，发热1天"
        refined["past_history"] = "既往体健，否认慢性病史"
        refined["structuring"] = {"method": "rules+llm", "model": "test-model"}
        return refined

    def features() -> Any:
        return {**real_features(), "llm": FeatureStatus(available=True, reason="")}

    demo_service.structure_record, demo_service.features = structure, features

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        screen.query_one("#transcript").text = "患者咳嗽三天，既往体健，无药物过敏。"
        await pilot.press("f6")
        # the rules' fields are on screen while the model still works
        assert await wait_for(pilot, lambda: screen.query_one("#r-past_history").value != "")
        assert await wait_for(pilot, lambda: "模型完善病历" in text_of(app, "#task-label"))
        # the doctor keeps working meanwhile: his typing lands, nothing waits
        box = screen.query_one("#r-chief_complaint")
        box.focus()
        box.value = ""
        await pilot.press(*"咳嗽伴低热")
        assert box.value == "咳嗽伴低热"
        release.set()
        assert await wait_for(pilot, lambda: "已完善" in text_of(app, "#visit-status"))
        assert box.value == "咳嗽伴低热"  # the doctor's text stays
        assert screen.query_one("#offer-chief_complaint").has_class("-shown")
        # the rules filled 既往史 and nobody touched it: the model's better text replaces it
        assert screen.query_one("#r-past_history").value == "既往体健，否认慢性病史"

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.structure_record, demo_service.features


def test_fields_fill_while_the_doctor_speaks_and_the_record_follows_the_end(
    demo_service: Any, drive: Any
) -> None:
    """Live dictation: the rules fill fields from the transcript so far; when the doctor stops
    (F5), the record is structured without pressing F6."""

    p = first_patient(demo_service, "zjg")
    words = "患者咳嗽三天，既往体健，无药物过敏。查体体温三十八度五。"

    demo_service.dictate = speaking(words, 0.1)  # the transcript grows as they speak

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        await pilot.press("f5")
        # before the doctor stops, the rules have already read the history
        assert await wait_for(
            pilot, lambda: screen.query_one("#r-past_history").value == "既往体健", timeout=15
        )
        assert screen.dictating
        assert await wait_for(pilot, lambda: "五" in screen.query_one("#transcript").text, 15)
        await pilot.press("f5")  # stop
        assert await wait_for(
            pilot,
            lambda: (
                "体温" in screen.query_one("#r-physical_exam").text
                if hasattr(screen.query_one("#r-physical_exam"), "text")
                else False
            ),
            timeout=15,
        )
        assert await wait_for(pilot, lambda: "病历" in text_of(app, "#visit-status"))

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.dictate


def test_a_transcribed_file_is_structured_without_f6(demo_service: Any, drive: Any) -> None:
    p = first_patient(demo_service, "zjg")
    demo_service.transcribe = lambda path, **kw: {
        "text": "患者头晕两天，既往高血压病史五年。",
        "language": "zh",
        "segments": [],
    }

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        box = screen.query_one("#audio-file")
        box.value = "/tmp/dictation.wav"
        box.focus()
        await pilot.press("enter")
        assert await wait_for(
            pilot, lambda: "高血压" in screen.query_one("#r-past_history").value, timeout=15
        )

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.transcribe
