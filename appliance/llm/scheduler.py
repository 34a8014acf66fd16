"""A priority scheduler for the one resident model.

One worker thread runs jobs one at a time, always the most urgent waiting one first
(triage > record structuring/QC > medication > assistant > batch; FIFO within a priority).
A job can be cancelled while waiting or mid-generation. Queue depth and waiting times are
visible through :meth:`PriorityScheduler.stats`.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from appliance.errors import LLMBusy, LLMCancelled
from appliance.llm._types import priority_for_task

_ids = itertools.count(1)

URGENT = 1  # triage, emr, qc: may preempt a running preemptible (batch) job
MAX_PREEMPTIONS = 3  # then the batch job runs to the end, so it cannot starve


class Preempted(Exception):
    """Raised by a job's work when it stopped to let a more urgent job run; it is re-queued."""


@dataclass(eq=False)
class Job:
    """A unit of model work. ``work(job)`` runs on the worker thread and returns the result."""

    task: str
    work: Callable[[Job], Any]
    priority: int = -1
    id: int = field(default_factory=lambda: next(_ids))
    submitted_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None
    result: Any = None
    error: BaseException | None = None
    preemptible: bool = False  # restartable work (batch, non-streamed) may yield to urgent jobs
    preemptions: int = 0
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        if self.priority < 0:
            self.priority = priority_for_task(self.task)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def queue_wait_s(self) -> float:
        end = self.started_at if self.started_at is not None else time.monotonic()
        return end - self.submitted_at


@dataclass
class QueueStats:
    depth: int
    depth_by_task: dict[str, int]
    running: str | None
    running_for_s: float
    oldest_wait_s: float
    recent_wait_s: dict[str, float]
    completed: int
    cancelled: int
    preempted: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "depth": self.depth,
            "depth_by_task": self.depth_by_task,
            "running": self.running,
            "running_for_s": round(self.running_for_s, 3),
            "oldest_wait_s": round(self.oldest_wait_s, 3),
            "recent_wait_s": {k: round(v, 3) for k, v in self.recent_wait_s.items()},
            "completed": self.completed,
            "cancelled": self.cancelled,
            "preempted": self.preempted,
        }


class PriorityScheduler:
    def __init__(self, *, max_queue: int = 64, name: str = "clinicbox-llm") -> None:
        self.max_queue = max_queue
        self._heap: list[tuple[int, int, Job]] = []
        self._cond = threading.Condition()
        self._closed = False
        self._running: Job | None = None
        self._completed = 0
        self._cancelled = 0
        self._preempted = 0
        self._waits: dict[str, deque[float]] = {}
        self.order: deque[int] = deque(maxlen=1000)  # job ids in the order they started
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> Job:
        with self._cond:
            if self._closed:
                raise LLMCancelled("模型引擎已关闭。", "The model engine is closed.")
            if len(self._heap) >= self.max_queue and job.priority > 0:
                raise LLMBusy()
            heapq.heappush(self._heap, (job.priority, job.id, job))
            self._cond.notify()
        return job

    def stats(self) -> QueueStats:
        now = time.monotonic()
        with self._cond:
            waiting = [j for _, _, j in self._heap if not j.cancelled]
            by_task: dict[str, int] = {}
            for j in waiting:
                by_task[j.task] = by_task.get(j.task, 0) + 1
            running = self._running
            recent = {k: sum(v) / len(v) for k, v in self._waits.items() if v}
            return QueueStats(
                depth=len(waiting),
                depth_by_task=by_task,
                running=running.task if running else None,
                running_for_s=(now - running.started_at) if running and running.started_at else 0.0,
                oldest_wait_s=max((now - j.submitted_at for j in waiting), default=0.0),
                recent_wait_s=recent,
                completed=self._completed,
                cancelled=self._cancelled,
                preempted=self._preempted,
            )

    def should_yield(self, job: Job) -> bool:
        """True when ``job`` (running, preemptible) should stop for a waiting urgent job."""
        if not job.preemptible or job.preemptions >= MAX_PREEMPTIONS:
            return False
        with self._cond:
            return bool(self._heap) and self._heap[0][0] <= URGENT < job.priority

    def _next(self) -> Job | None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2].cancelled:
                    _, _, dropped = heapq.heappop(self._heap)
                    self._finish_cancelled(dropped)
                if self._heap:
                    _, _, job = heapq.heappop(self._heap)
                    self._running = job
                    job.started_at = time.monotonic()
                    self.order.append(job.id)
                    self._waits.setdefault(job.task, deque(maxlen=50)).append(job.queue_wait_s)
                    return job
                if self._closed:
                    return None
                self._cond.wait()

    def _finish_cancelled(self, job: Job) -> None:
        job.error = LLMCancelled()
        job.finished_at = time.monotonic()
        self._cancelled += 1
        job._done.set()

    def _loop(self) -> None:
        while True:
            job = self._next()
            if job is None:
                return
            try:
                if job.cancelled:
                    raise LLMCancelled()
                job.result = job.work(job)
            except Preempted:
                with self._cond:  # back in the queue with its original place; restarts later
                    job.preemptions += 1
                    self._preempted += 1
                    self._running = None
                    if self._closed:
                        self._finish_cancelled(job)
                    else:
                        heapq.heappush(self._heap, (job.priority, job.id, job))
                continue
            except BaseException as exc:  # delivered to the waiting caller
                job.error = exc
            job.finished_at = time.monotonic()
            with self._cond:
                self._running = None
                if isinstance(job.error, LLMCancelled):
                    self._cancelled += 1
                else:
                    self._completed += 1
            job._done.set()

    def close(self, timeout: float = 30.0) -> None:
        """Cancel waiting jobs, stop the running one, and wait for the worker to end."""
        with self._cond:
            self._closed = True
            pending = [j for _, _, j in self._heap]
            self._heap.clear()
            for job in pending:
                job.cancel()
                self._finish_cancelled(job)
            if self._running is not None:
                self._running.cancel()
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
