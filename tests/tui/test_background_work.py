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


def test_eta_counts_down_and_never_shows_zero_while_work_remains(
    demo_service: Any, drive: Any
) -> None:
    """A step that promised 2 s and runs on: the bar says it is slower than expected (with the
    time spent), never '约剩 0 秒'; with no estimate at all it shows the time spent."""

    def stalled(progress: Any, cancel: CancelToken) -> str:
        progress(Progress(fraction=0.2, message="10/50 词元", eta_s=2.0))
        while not cancel.cancelled:
            time.sleep(0.05)
        return "late"

    async def scenario(app: Any, pilot: Any) -> None:
        from tui.screens.visit import VisitScreen

        await login(pilot, app)
        app.push_screen(VisitScreen({"patient_id": "x", "name": "测试", "age": 50}))
        await wait_for(pilot, lambda: bool(app.screen.query("#complaint")))
        screen = app.screen
        screen.run_task("慢任务", stalled, lambda _r: None)
        label = screen.query_one("#task-label")
        # on a loaded box the first paint may come after the promised 2 s: then the bar already
        # says it is slower, which is the honest state too
        assert await wait_for(
            pilot, lambda: any(w in str(label.render()) for w in ("约剩", "比预计慢"))
        )
        seen: set[str] = set()
        for _ in range(80):  # up to ~8 s on a loaded box, until it says it is slower
            seen.add(str(label.render()))
            if any("比预计慢" in s for s in seen):
                break
            await pilot.pause(0.1)
        assert not any("约剩 0 秒" in s for s in seen)
        assert any("比预计慢" in s and "已用" in s for s in seen)
        assert all("10/50 词元" in s for s in seen)
        await pilot.press("escape")
        await pilot.pause(0.2)

    drive(demo_service, scenario)
