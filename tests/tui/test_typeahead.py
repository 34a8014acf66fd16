"""No lost keystrokes (issue 20): keys typed ahead while a screen is still opening, or while a
model step keeps the CPU busy, land in order in the fields they were aimed at."""

from __future__ import annotations

import threading
import time
from typing import Any

from appliance.services.interface import CancelToken
from tests._fixtures.tui import login, wait_for


def busy_model(_progress: Any, cancel: CancelToken) -> str:
    """Burns CPU in Python like a model pass on a 2-core box until cancelled."""
    while not cancel.cancelled:
        sum(i * i for i in range(20000))
    return "done"


def test_login_typed_ahead_before_the_screen_is_ready(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        # no pause: the keys arrive while the login screen is still being shown
        await pilot.press(*"doctor", "tab", *"demo1234", "enter")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "HomeScreen")

    drive(demo_service, scenario)


def test_vitals_typed_fast_under_a_busy_model_keep_their_tabs(
    demo_service: Any, drive: Any
) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        from tui.screens.visit import VisitScreen

        await login(pilot, app)
        app.push_screen(VisitScreen({"patient_id": "x", "name": "测试", "age": 50}))
        # typed ahead while the visit screen opens and a model step keeps the CPU busy
        await pilot.press(*"头痛", "tab", *"150", "tab", *"90", "tab", *"88")
        await wait_for(pilot, lambda: bool(app.screen.query("#complaint")))
        screen = app.screen
        screen.run_task("模型", busy_model, lambda _r: None)
        burner = threading.Thread(target=lambda: time.sleep(0), daemon=True)
        burner.start()
        await pilot.press("tab", *"20", "tab", *"37.2")
        await pilot.pause(0.3)
        values = {
            k: screen.query_one(f"#{k}").value
            for k in ("complaint", "v-sbp", "v-dbp", "v-hr", "v-rr", "v-temp")
        }
        screen.action_cancel_task()
        await pilot.pause(0.2)
        assert values == {
            "complaint": "头痛",
            "v-sbp": "150",
            "v-dbp": "90",
            "v-hr": "88",
            "v-rr": "20",
            "v-temp": "37.2",
        }, values

    drive(demo_service, scenario)


def test_keyboard_flow_of_the_visit(demo_service: Any, drive: Any) -> None:
    """Tabs by Alt+1..4 with the cursor in the tab's first field; the transcript wraps; Tab
    from the last vital reaches the transcript, then the audio file (no button stops)."""

    async def scenario(app: Any, pilot: Any) -> None:
        from tui.screens.visit import VisitScreen

        await login(pilot, app)
        app.push_screen(VisitScreen({"patient_id": "x", "name": "测试", "age": 50}))
        await wait_for(pilot, lambda: bool(app.screen.query("#complaint")))
        await pilot.pause()
        screen = app.screen
        tabs = screen.query_one("#tabs")
        for key, tab, field in (
            ("alt+2", "tab-rx", "rx-line"),
            ("alt+3", "tab-followup", "followup-note"),
            ("alt+4", "tab-advice", None),
            ("alt+1", "tab-record", "r-chief_complaint"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab
            if field:
                assert screen.focused is not None and screen.focused.id == field
        screen.query_one("#v-gcs").focus()
        await pilot.press("tab")
        assert screen.focused.id == "transcript"
        transcript = screen.query_one("#transcript")
        transcript.text = (
            "患者反复咳嗽咳痰三天，伴发热，最高体温三十八度五，夜间明显，无胸痛，无咯血。" * 2
        )
        await pilot.pause()
        assert transcript.wrapped_document.height > 1  # wraps inside the box
        await pilot.press("f6")  # F6 from the transcript structures
        assert await wait_for(pilot, lambda: bool(screen.query_one("#r-chief_complaint").value))
        screen.query_one("#transcript").focus()
        await pilot.press("tab")
        assert screen.focused.id == "audio-file"

    drive(demo_service, scenario)


def test_a_practice_answer_is_chosen_and_committed_by_keyboard(
    demo_service: Any, drive: Any
) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await login(pilot, app)
        await pilot.press("7")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "TrainingScreen")
        app.screen.query_one("#case-choices").focus()
        await pilot.pause()
        await pilot.press("down", "enter")  # choose with the keyboard …
        await pilot.pause()
        await pilot.press("enter")  # … and one more Enter commits
        assert await wait_for(pilot, lambda: str(app.screen.query_one("#case-reveal").render()))
        assert app.screen.query_one("#case-commit").disabled

    drive(demo_service, scenario)
