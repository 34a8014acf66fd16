"""The engine: chat / stream / close over one resident model, with a priority scheduler,
JSON-schema output, no-think handling, timeouts, cancel, compute monitoring and offload.

    engine = open_engine(settings)
    res = engine.chat(messages, task="triage", schema=SCHEMA, max_tokens=256)
    res.data          # validated JSON
    for piece in engine.stream(messages, task="assistant"):
        print(piece.text, end="")
    engine.close()
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from appliance.config import Settings
from appliance.errors import InputError, LLMCancelled, LLMTimeout, RemoteComputeUnavailable
from appliance.llm._local import LocalBackend
from appliance.llm._schema import check_schema, gbnf, grammar_for, parse_and_validate
from appliance.llm._template import ThinkFilter
from appliance.llm._types import TASK_PRIORITY, ChatResult, StreamPiece, Timings
from appliance.llm.budget import SpeedMeter
from appliance.llm.scheduler import Job, Preempted, PriorityScheduler

log = logging.getLogger("clinicbox.llm")
_END = object()


def _models_dir(settings: Settings) -> Any:
    try:
        path = settings.resolved("models_dir")
    except (AttributeError, TypeError):  # settings without a models dir (bare test engines)
        return None
    return path if path.is_dir() else None


class ChatStream:
    """Iterate for answer pieces (reasoning removed); ``cancel()`` stops the model mid-stream.

    Leaving the loop early (``break``) cancels too. After the last piece, ``result`` holds the
    :class:`ChatResult` (with ``data`` when a schema was given).
    """

    def __init__(self, job: Job, pieces: queue.Queue[Any], timeout_s: float) -> None:
        self.job = job
        self._pieces = pieces
        self._timeout_s = timeout_s
        self.result: ChatResult | None = None

    def cancel(self) -> None:
        self.job.cancel()

    def __iter__(self) -> Iterator[StreamPiece]:
        deadline = time.monotonic() + self._timeout_s
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    item = self._pieces.get(timeout=max(remaining, 0.01))
                except queue.Empty:
                    self.job.cancel()
                    raise LLMTimeout() from None
                if item is _END:
                    break
                yield StreamPiece(text=item)
            self.job.wait()
            if self.job.error is not None:
                raise self.job.error
            self.result = self.job.result
            yield StreamPiece(text="", done=True, result=self.result)
        finally:
            if not self.job.done:
                self.job.cancel()


class Engine:
    def __init__(
        self,
        backend: LocalBackend,
        settings: Settings,
        *,
        monitor: Any = None,
        remote: Any = None,
    ) -> None:
        self.backend = backend
        self.settings = settings
        self.model = backend.name
        self.scheduler = PriorityScheduler(max_queue=settings.llm_max_queue)
        self.monitor = monitor
        self.remote = remote
        self._closed = False
        self.speed_meter = SpeedMeter(_models_dir(settings), backend.name)
        if monitor is not None:
            monitor.attach(lambda: self.scheduler.stats().to_dict())

    # ---- public API -------------------------------------------------------------------
    def chat(
        self,
        messages: Sequence[dict[str, Any]],
        *,
        task: str = "assistant",
        schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        no_think: bool = True,
        timeout_s: float | None = None,
        temperature: float | None = None,
        deidentified: bool = False,
        grammar: str | None = None,
        stop: Sequence[str] = (),
    ) -> ChatResult:
        """Answer ``messages``. ``schema`` (bounded JSON schema) constrains and validates the
        output into ``result.data``; ``grammar`` (GBNF) constrains free text instead; ``stop``
        strings end the answer. ``deidentified=True`` lets the offload policy send it off-site."""
        if schema is not None:
            check_schema(schema)
        if self.remote is not None and self.remote.should_offload(self, task, deidentified):
            try:
                remote_result: ChatResult = self.remote.chat(
                    messages, task=task, schema=schema, max_tokens=max_tokens,
                    no_think=no_think, timeout_s=timeout_s, temperature=temperature,
                )  # fmt: skip
                if self.monitor is not None:
                    self.monitor.record_request(
                        task, remote_result.timings, self.scheduler.stats(), self.remote.name
                    )
                return remote_result
            except RemoteComputeUnavailable:
                log.warning("remote compute unavailable; falling back to the local model")
        req = _Request(
            [dict(m) for m in messages], schema, max_tokens, no_think,
            timeout_s or self.settings.llm_timeout_s, temperature, grammar, tuple(stop),
        )  # fmt: skip
        job = self._submit(task, req, None)
        if not job.wait(req.timeout_s + 5.0):
            job.cancel()
            job.wait(5.0)
            raise LLMTimeout()
        if job.error is not None:
            raise job.error
        if not isinstance(job.result, ChatResult):  # pragma: no cover - defensive
            raise LLMCancelled()
        return job.result

    def stream(
        self,
        messages: Sequence[dict[str, Any]],
        *,
        task: str = "assistant",
        schema: dict[str, Any] | None = None,
        max_tokens: int = 512,
        no_think: bool = True,
        timeout_s: float | None = None,
        temperature: float | None = None,
        grammar: str | None = None,
        stop: Sequence[str] = (),
    ) -> ChatStream:
        """Like :meth:`chat`, answer text arriving piece by piece; cancellable."""
        if schema is not None:
            check_schema(schema)
        req = _Request(
            [dict(m) for m in messages], schema, max_tokens, no_think,
            timeout_s or self.settings.llm_timeout_s, temperature, grammar, tuple(stop),
        )  # fmt: skip
        pieces: queue.Queue[Any] = queue.Queue()
        job = self._submit(task, req, pieces)
        return ChatStream(job, pieces, req.timeout_s + 5.0)

    def stats(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "backend": "local",
            "ctx": self.backend.n_ctx,
            "threads": self.backend.n_threads,
            "gpu_layers": self.backend.n_gpu_layers,
            "queue": self.scheduler.stats().to_dict(),
            "remote": None
            if self.remote is None
            else {
                "host": self.remote.host,
                "policy": self.remote.policy,
                "lan": self.remote.lan,
                "calls": self.remote.calls,
                "failures": self.remote.failures,
                "in_backoff": self.remote.in_backoff(),
            },
        }

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.scheduler.close()
        if self.monitor is not None:
            self.monitor.close()
        self.backend.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- internals ---------------------------------------------------------------------
    def _submit(self, task: str, req: _Request, pieces: queue.Queue[Any] | None) -> Job:
        deadline = time.monotonic() + req.timeout_s

        def work(job: Job) -> ChatResult:
            try:
                return self._run(job, req, deadline, pieces)
            finally:
                if pieces is not None:
                    pieces.put(_END)

        job = Job(task=task, work=work)
        # Batch answers are restartable: a waiting triage/record job may interrupt them.
        job.preemptible = pieces is None and job.priority >= TASK_PRIORITY["batch"]
        return self.scheduler.submit(job)

    def _run(
        self, job: Job, req: _Request, deadline: float, pieces: queue.Queue[Any] | None
    ) -> ChatResult:
        backend = self.backend
        if time.monotonic() > deadline:
            raise LLMTimeout()
        schema = req.schema
        structured = schema is not None
        tokens = backend.prompt_tokens(req.messages, no_think=req.no_think or structured)
        room = backend.n_ctx - len(tokens)
        if room < 16:
            raise InputError(
                "输入太长，超出模型上下文长度。",
                "The input is too long for the model's context.",
                details={"prompt_tokens": len(tokens), "ctx": backend.n_ctx},
            )
        think = ThinkFilter(enabled=backend.reasoning and not structured)
        timed_out = [False]
        preempted = [False]

        def should_stop() -> bool:
            if time.monotonic() > deadline:
                timed_out[0] = True
                return True
            if self.scheduler.should_yield(job):
                preempted[0] = True
                return True
            return job.cancelled

        def on_text(text: str) -> None:
            visible = think.feed(text)
            if visible and pieces is not None:
                pieces.put(visible)

        temperature = req.temperature
        gen = backend.generate(
            tokens,
            max_tokens=min(req.max_tokens, room),
            grammar=grammar_for(schema) if schema is not None else gbnf(req.grammar),
            temperature=(0.1 if structured else 0.3) if temperature is None else temperature,
            stop=req.stop,
            should_stop=should_stop,
            on_text=on_text,
        )
        tail = think.flush()
        if tail and pieces is not None:
            pieces.put(tail)
        if think.reasoning:
            log.debug("model reasoning (hidden from users): %d chars", len(think.reasoning))
        timings = Timings(
            queue_wait_s=job.queue_wait_s,
            prompt_tokens=gen.prompt_tokens,
            reused_prompt_tokens=gen.reused_prompt_tokens,
            completion_tokens=gen.completion_tokens,
            ttft_s=gen.ttft_s,
            generation_s=gen.generation_s,
            total_s=time.monotonic() - (job.started_at or time.monotonic()),
        )
        if self.monitor is not None:
            self.monitor.record_request(job.task, timings, self.scheduler.stats())
        # this box's real speed: the budgets of the next model steps follow it
        self.speed_meter.observe(timings.prompt_tokens_per_s, timings.generation_tokens_per_s)
        if timed_out[0]:
            raise LLMTimeout()
        if preempted[0] and not job.cancelled:
            log.info("batch job %s yields to an urgent job; it will restart", job.id)
            raise Preempted()
        if gen.finish_reason == "cancelled":
            raise LLMCancelled()
        text = gen.text if structured else think.visible
        data = parse_and_validate(text, schema) if schema is not None else None
        return ChatResult(
            text=text.strip(),
            data=data,
            model=self.model,
            task=job.task,
            finish_reason="length" if gen.finish_reason == "length" else "stop",
            timings=timings,
            reasoning=think.reasoning,
        )


@dataclass(frozen=True)
class _Request:
    messages: list[dict[str, Any]]
    schema: dict[str, Any] | None
    max_tokens: int
    no_think: bool
    timeout_s: float
    temperature: float | None
    grammar: str | None
    stop: tuple[str, ...]
