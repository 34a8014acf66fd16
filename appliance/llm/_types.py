"""Plain data types of the LLM engine: messages, results, stream pieces, timings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Task = Literal["triage", "emr", "emr_section", "qc", "meds", "assistant", "batch"]

# Lower number = served first. triage > record structuring/QC > medication > assistant > batch.
TASK_PRIORITY: dict[str, int] = {
    "triage": 0,
    "emr": 1,
    "emr_section": 1,  # one section of a dictation: record structuring too
    "qc": 1,
    "meds": 2,
    "assistant": 3,
    "batch": 4,
}


def priority_for_task(task: str) -> int:
    """The scheduler priority of ``task`` (unknown tasks are treated as assistant chat)."""
    return TASK_PRIORITY.get(task, TASK_PRIORITY["assistant"])


@dataclass
class Timings:
    queue_wait_s: float = 0.0
    prompt_tokens: int = 0
    reused_prompt_tokens: int = 0
    completion_tokens: int = 0
    ttft_s: float = 0.0
    generation_s: float = 0.0
    total_s: float = 0.0

    @property
    def prompt_tokens_per_s(self) -> float:
        evaluated = self.prompt_tokens - self.reused_prompt_tokens
        return evaluated / self.ttft_s if self.ttft_s > 0 and evaluated > 0 else 0.0

    @property
    def generation_tokens_per_s(self) -> float:
        n = self.completion_tokens - 1
        return n / self.generation_s if self.generation_s > 0 and n > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["prompt_tokens_per_s"] = round(self.prompt_tokens_per_s, 2)
        data["generation_tokens_per_s"] = round(self.generation_tokens_per_s, 2)
        return data


@dataclass
class ChatResult:
    """What the model answered. ``reasoning`` (R1 ``<think>``) is never shown to users."""

    text: str
    model: str
    task: str
    data: Any = None
    finish_reason: Literal["stop", "length"] = "stop"
    backend: str = "local"
    timings: Timings = field(default_factory=Timings)
    reasoning: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "data": self.data,
            "model": self.model,
            "task": self.task,
            "finish_reason": self.finish_reason,
            "backend": self.backend,
            "timings": self.timings.to_dict(),
        }


@dataclass
class StreamPiece:
    """One piece of streamed answer text (reasoning already removed)."""

    text: str
    done: bool = False
    result: ChatResult | None = None
