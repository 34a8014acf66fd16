"""Model work never freezes the UI: progress and ETA are shown, keys keep working while a task
runs, Esc cancels it and its late result is dropped."""

from __future__ import annotations

import time
from typing import Any

from appliance.services.interface import CancelToken, Progress
from tests._fixtures.tui import login, wait_for


def slow_work(progress: Any, cancel: CancelToken) -> str:
    for step in range(200):  # ~10 s unless cancelled
        if cancel.cancelled:
            return "late result"
        progress(Progress(fraction=step / 200, message="working", partial=f"step {step}"))
        time.sleep(0.05)
    return "done"


def test_progress_keys_while_busy_and_esc_cancels(demo_service: Any, drive: Any) -> None:
    results: list[str] = []

    async def scenario(app: Any, pilot: Any) -> None:
        from tui.screens.visit import VisitScreen

        await login(pilot, app)
        app.push_screen(VisitScreen({"patient_id": "x", "name": "测试", "age": 50}))
        await wait_for(pilot, lambda: bool(app.screen.query("#complaint")))
        screen = app.screen
        screen.run_task("慢任务", slow_work, results.append)
        label = screen.query_one("#task-label")
        await wait_for(pilot, lambda: "约剩" in str(label.render()))
        assert screen.is_busy() and "Esc" in str(label.render())
        box = screen.query_one("#complaint")
        box.focus()
        await pilot.press("a", "b", "c")  # typing works while the task runs
        assert box.value == "abc"
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert not screen.is_busy()
        assert not screen.query_one("TaskBar").has_class("-busy")
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "已取消" in messages

    drive(demo_service, scenario)
    assert results == []  # the cancelled task's result never reached the screen
