"""One model step with a time budget and honest progress.

:func:`model_step` streams the answer so progress is counted in real units (tokens written of
the tokens expected), with the seconds left from this box's measured speed; it stops the model
when the step runs past its budget (:mod:`appliance.llm.budget`) or the user cancels. The
caller keeps its rules result when this raises, and says so in plain words.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from appliance.errors import Cancelled, LLMTimeout
from appliance.i18n import t
from appliance.llm.budget import (
    DEFAULT_SPEED,
    STEPS,
    Speed,
    budgets,
    load_speed,
    step_budget_s,
)
from appliance.services._clinic_types import CancelToken, ProgressCallback, report
from appliance.services.ports import EnginePort


def step_budgets(models_dir: Path, model: str) -> dict[str, Any]:
    """This box's measured speeds for ``model`` and each visit step's budget (``models plan``)."""
    speed = load_speed(models_dir, model)
    return {
        "measured": speed.measured,
        "measured_at": speed.measured_at,
        "prompt_tokens_per_s": speed.prompt_tps,
        "generation_tokens_per_s": speed.generation_tps,
        "budgets": budgets(speed),
    }


def budget_for(engine: EnginePort, step: str) -> float:
    """Seconds ``step`` may take on ``engine`` at this box's measured speed."""
    shape = STEPS[step]
    return step_budget_s(engine_speed(engine), shape.prompt_tokens, shape.output_tokens)


def engine_speed(engine: EnginePort) -> Speed:
    meter = getattr(engine, "speed_meter", None)
    speed = getattr(meter, "speed", None)
    return speed if isinstance(speed, Speed) else DEFAULT_SPEED


def model_step(
    engine: EnginePort,
    messages: Sequence[dict[str, Any]],
    *,
    step: str,
    schema: dict[str, Any] | None,
    max_tokens: int,
    expected_tokens: int,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    budget_s: float | None = None,
) -> Any:
    """Run ``messages`` on ``engine`` as the step ``step`` (a key of ``STEPS``) → ChatResult.

    Raises LLMTimeout past the budget, Cancelled when ``cancel`` is set, and whatever the
    engine raises (invalid output, busy queue)."""
    speed = engine_speed(engine)
    prompt_tokens = STEPS[step].prompt_tokens
    expected = max(1, min(expected_tokens, max_tokens))
    budget = budget_s or step_budget_s(speed, prompt_tokens, expected)
    name = t(STEPS[step].zh, STEPS[step].en)
    started = time.monotonic()
    report(
        progress,
        fraction=0.0,
        message=t(f"{name}：模型读入中", f"{name}: model reading"),
        eta_s=max(1.0, speed.seconds(prompt_tokens, expected)),
    )
    stream_fn = getattr(engine, "stream", None)
    if stream_fn is None:  # an engine without streaming: one bounded call
        return engine.chat(
            messages, task=step, schema=schema, max_tokens=max_tokens, timeout_s=budget
        )
    stream = stream_fn(messages, task=step, schema=schema, max_tokens=max_tokens, timeout_s=budget)
    finished = threading.Event()
    if cancel is not None:  # Esc while the model is still reading the prompt stops it too
        threading.Thread(
            target=_cancel_when_asked, args=(cancel, stream, finished), daemon=True
        ).start()
    try:
        return _consume(stream, name, started, budget, expected, speed, progress, cancel)
    finally:
        finished.set()


def _cancel_when_asked(cancel: CancelToken, stream: Any, finished: threading.Event) -> None:
    while not finished.wait(0.1):
        if cancel.cancelled:
            stream.cancel()
            return


def _consume(
    stream: Any,
    name: str,
    started: float,
    budget: float,
    expected: int,
    speed: Speed,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> Any:
    written = 0
    last_report = 0.0
    for piece in stream:
        if cancel is not None and cancel.cancelled:
            stream.cancel()
            raise Cancelled()
        if piece.done:
            return piece.result
        written += 1
        now = time.monotonic()
        if now - started > budget:
            stream.cancel()
            raise LLMTimeout()
        if now - last_report < 0.25:
            continue
        last_report = now
        expected = max(expected, int(written * 1.1) + 1)  # a longer answer than usual
        left = (expected - written) / speed.generation_tps
        report(
            progress,
            fraction=min(0.95, written / expected),
            message=t(
                f"{name}：已写 {written}/约 {expected} 词元",
                f"{name}: {written}/~{expected} tokens",
            ),
            eta_s=max(1.0, left),
        )
    raise LLMTimeout()  # the stream ended without a result
