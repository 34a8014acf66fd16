"""Time budgets for model steps, from the tokens per second this box has really measured.

Every model-backed step (record structuring, the QC contradiction pass, decision support, …)
gets a budget: its expected prompt and output tokens at this box's measured prompt and
generation speed, with slack, within a floor and a ceiling. A step that runs past its budget
is stopped and the rules' result stands (said in plain words on screen). ``clinicbox models
plan`` shows the speeds and the budgets; the engine updates the speeds after every answer
(``speed.json`` beside the models, per model: no patient data).
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SPEED_FILE = "speed.json"
#: Until a model has answered once on this box: a cautious guess for a small model on 2 busy
#: CPU cores (docs/benchmarks.md measured 170 / 31 tok/s quiet, a third of that under load).
DEFAULT_PROMPT_TPS = 60.0
DEFAULT_GENERATION_TPS = 8.0
SLACK = 1.5
FLOOR_S = 15.0
CEILING_S = 240.0


@dataclass(frozen=True)
class StepShape:
    """What a model step usually costs: prompt and output tokens (output at most ``max``)."""

    zh: str
    en: str
    prompt_tokens: int
    output_tokens: int
    max_output_tokens: int


#: The model steps of a visit (expected sizes measured on the bundled prompts and schemas).
STEPS: dict[str, StepShape] = {
    "emr": StepShape("病历结构化", "record structuring", 700, 320, 900),
    # one section of a dictation (主诉, 查体 …): the shared system prompt is cached by the engine
    "emr_section": StepShape(
        "病历结构化（一段）", "record structuring (one section)", 330, 70, 400
    ),
    "qc": StepShape("病历质控（模型）", "record QC (model pass)", 900, 160, 500),
    "advise": StepShape("辅助决策", "decision support", 1100, 300, 600),
    "triage": StepShape("分诊（模型）", "triage (model pass)", 400, 80, 256),
    "meds": StepShape("用药推荐说明", "medication explanation", 600, 200, 400),
}


@dataclass(frozen=True)
class Speed:
    prompt_tps: float
    generation_tps: float
    measured: bool
    measured_at: str = ""

    def seconds(self, prompt_tokens: int, output_tokens: int) -> float:
        return prompt_tokens / self.prompt_tps + output_tokens / self.generation_tps


DEFAULT_SPEED = Speed(DEFAULT_PROMPT_TPS, DEFAULT_GENERATION_TPS, measured=False)


def step_budget_s(speed: Speed, prompt_tokens: int, output_tokens: int) -> float:
    """Seconds a step may take: expected time × slack, within [FLOOR_S, CEILING_S]."""
    raw = speed.seconds(prompt_tokens, output_tokens) * SLACK
    return float(min(CEILING_S, max(FLOOR_S, math.ceil(raw))))


def expected_output_tokens(step: str, input_chars: int) -> int:
    """Output tokens a step is expected to produce for ``input_chars`` of dictated text."""
    shape = STEPS[step]
    if step == "emr":  # the record restates the dictation: ~0.8 token per Chinese character
        return min(shape.max_output_tokens, 120 + int(input_chars * 0.8))
    return shape.output_tokens


class SpeedMeter:
    """Prompt/generation tokens per second of one model on this box, smoothed, persisted."""

    ALPHA = 0.3  # weight of the newest measurement

    def __init__(self, directory: Path | None, model: str) -> None:
        self._file = directory / SPEED_FILE if directory is not None else None
        self._model = model
        self._lock = threading.Lock()
        self._speed = load_speed(directory, model) if directory is not None else DEFAULT_SPEED

    @property
    def speed(self) -> Speed:
        return self._speed

    def observe(self, prompt_tps: float, generation_tps: float) -> None:
        """One answer's measured speeds (0 = not measured, e.g. a one-token answer)."""
        with self._lock:
            old = self._speed
            a = self.ALPHA if old.measured else 1.0
            pp = old.prompt_tps if prompt_tps <= 0 else (1 - a) * old.prompt_tps + a * prompt_tps
            tg = old.generation_tps
            if generation_tps > 0:
                tg = (1 - a) * old.generation_tps + a * generation_tps
            if pp == old.prompt_tps and tg == old.generation_tps:
                return
            now = datetime.now(UTC).isoformat(timespec="seconds")
            self._speed = Speed(round(pp, 2), round(tg, 2), measured=True, measured_at=now)
            self._save()

    def _save(self) -> None:
        if self._file is None:
            return
        try:
            data = json.loads(self._file.read_text("utf-8")) if self._file.exists() else {}
        except (OSError, ValueError):
            data = {}
        s = self._speed
        data[self._model] = {
            "prompt_tps": s.prompt_tps,
            "generation_tps": s.generation_tps,
            "measured_at": s.measured_at,
        }
        try:
            tmp = self._file.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
            tmp.replace(self._file)
        except OSError:
            pass  # a read-only models dir: the speeds still hold for this run


def load_speed(directory: Path, model: str) -> Speed:
    try:
        entry = json.loads((directory / SPEED_FILE).read_text("utf-8")).get(model)
        pp, tg = float(entry["prompt_tps"]), float(entry["generation_tps"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return DEFAULT_SPEED
    if pp <= 0 or tg <= 0:
        return DEFAULT_SPEED
    return Speed(pp, tg, measured=True, measured_at=str(entry.get("measured_at") or ""))


def budgets(speed: Speed) -> list[dict[str, object]]:
    """Each visit step's expected tokens and time budget at ``speed`` (for ``models plan``)."""
    out: list[dict[str, object]] = []
    for name, shape in STEPS.items():
        out.append(
            {
                "step": name,
                "zh": shape.zh,
                "en": shape.en,
                "prompt_tokens": shape.prompt_tokens,
                "output_tokens": shape.output_tokens,
                "expected_s": round(speed.seconds(shape.prompt_tokens, shape.output_tokens), 1),
                "budget_s": step_budget_s(speed, shape.prompt_tokens, shape.output_tokens),
            }
        )
    return out
