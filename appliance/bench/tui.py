"""TUI responsiveness benchmark: keystroke latency in the visit workspace while the model
streams tokens into the screen, against the same keystrokes with the model idle.

Runs the real app headless (Textual Pilot) on a throw-away demo clinic, the real engine on the
configured model, and model work the way the UI runs it (a worker thread posting each streamed
piece back to the screen). A keystroke's latency is the time from sending the key until the app
has processed it and is idle again. ``clinicbox bench tui`` makes the clinic and prints the result as JSON.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from appliance.errors import Cancelled
from appliance.services.interface import CancelToken, Progress

KEYS = "abcdefghijklmnopqrstuvwxyz0123456789"
PROMPT = [
    {"role": "system", "content": "你是乡镇卫生院的医生助手。"},
    {
        "role": "user",
        "content": "请详细介绍高血压患者的随访管理要点，包括用药、生活方式和转诊指征。",
    },
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def _summary(latencies: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in latencies]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
    }


def _stream_work(engine: Any, counter: dict[str, int]) -> Any:
    def work(progress: Any, cancel: CancelToken) -> str:
        text = ""
        while not cancel.cancelled:  # keep the model busy for the whole measurement
            stream = engine.stream(PROMPT, task="assistant", max_tokens=400)
            try:
                for piece in stream:
                    if cancel.cancelled:
                        stream.cancel()
                        break
                    text = (text + piece.text)[-2000:]
                    counter["pieces"] += 1
                    progress(Progress(partial=text, message="bench"))
            finally:
                stream.cancel()
        raise Cancelled()

    return work


async def _measure(app: Any, pilot: Any, keys: int) -> list[float]:
    """Send keys as the terminal driver does and time until each one is in the input box."""
    from textual import events

    box = app.screen.query_one("#complaint")
    box.focus()
    box.value = ""
    await pilot.pause(0.2)
    latencies = []
    for i in range(keys):
        key = KEYS[i % len(KEYS)]
        expected = len(box.value) + 1
        start = time.perf_counter()
        app.post_message(events.Key(key, key))
        while len(box.value) < expected:
            await asyncio.sleep(0.0005)
        latencies.append(time.perf_counter() - start)
        await asyncio.sleep(0.03)  # a fast typist: ~30 keys per second at most
    return latencies


async def _scenario(service: Any, engine: Any, keys: int, result: dict[str, Any]) -> None:
    from tui.app import ClinicApp
    from tui.screens.visit import VisitScreen

    app = ClinicApp(service)
    patient: Any = {"patient_id": "bench", "name": "测试", "sex": "M", "age": 60}
    async with app.run_test(size=(130, 40)) as pilot:
        service.login("doctor", "demo1234")
        app.user = service.current_user()
        app.push_screen(VisitScreen(patient))
        await pilot.pause(0.3)
        screen: Any = app.screen
        result["idle"] = _summary(await _measure(app, pilot, keys))
        counter = {"pieces": 0}
        advice: Any = screen.query_one("#advice")
        token = screen.run_task(
            "bench",
            _stream_work(engine, counter),
            lambda _r: None,
            on_progress=lambda p: advice.update(p.partial[-400:]),
        )
        while counter["pieces"] < 3:  # generation has really started
            await pilot.pause(0.05)
        started, before = time.monotonic(), counter["pieces"]
        busy = await _measure(app, pilot, keys)
        elapsed = time.monotonic() - started
        result["generating"] = _summary(busy)
        result["generating"]["pieces_per_s"] = round((counter["pieces"] - before) / elapsed, 1)
        token.cancel()
        await pilot.pause(0.5)


def run_latency_bench(service: Any, *, keys: int = 120) -> dict[str, Any]:
    """``service``: an unlocked LocalClinicService over a throw-away demo clinic (the caller
    makes it; see ``clinicbox bench tui``) whose runtime has a model."""
    engine = service.runtime.engine(required=True)
    result: dict[str, Any] = {"model": getattr(engine, "model", None), "keys": keys}
    asyncio.run(_scenario(service, engine, keys, result))
    result["target_p95_ms"] = 100
    result["passed"] = result["generating"]["p95_ms"] < 100
    return result
