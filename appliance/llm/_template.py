"""Chat prompt rendering (the model's own Jinja template) and R1 ``<think>`` handling.

DeepSeek-R1 distills write ``<think>…</think>`` before the answer. Users never see it: the
:class:`ThinkFilter` removes it from streamed text (kept only for debug logs). In *no-think* mode
the prompt ends with an empty, closed think block so the model answers straight away.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
NO_THINK_PREFILL = "<think>\n\n</think>\n\n"

# Used when a model ships no template (base models): a plain ChatML layout.
_CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _raise(message: str) -> None:
    raise ValueError(message)


class PromptFormatter:
    """Renders messages with a chat template; knows whether the model is an R1-style reasoner."""

    def __init__(self, template: str | None, *, bos_token: str, eos_token: str) -> None:
        from jinja2 import BaseLoader
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        self.source = template or _CHATML
        env = ImmutableSandboxedEnvironment(
            loader=BaseLoader(), trim_blocks=True, lstrip_blocks=True
        )
        env.globals["raise_exception"] = _raise
        env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
        self._template = env.from_string(self.source)
        self.bos_token = bos_token
        self.eos_token = eos_token
        self.reasoning = THINK_CLOSE in self.source

    def render(self, messages: Sequence[dict[str, Any]], *, no_think: bool) -> str:
        prompt = self._template.render(
            messages=list(messages),
            bos_token=self.bos_token,
            eos_token=self.eos_token,
            add_generation_prompt=True,
        )
        if self.reasoning:
            if prompt.rstrip().endswith(THINK_OPEN):
                # Newer R1 templates pre-open the think block themselves.
                prompt = prompt.rstrip()[: -len(THINK_OPEN)]
            if no_think:
                prompt += NO_THINK_PREFILL
        return prompt


class ThinkFilter:
    """Streaming removal of a leading ``<think>…</think>`` block.

    Feed text pieces in order; ``feed`` returns the visible text so far held back no longer
    than needed to recognise a tag split across pieces.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._state = "start" if enabled else "answer"
        self._buffer = ""
        self.reasoning_parts: list[str] = []
        self.visible_parts: list[str] = []

    @property
    def visible(self) -> str:
        """All answer text returned so far."""
        return "".join(self.visible_parts)

    def feed(self, piece: str) -> str:
        out = self._feed(piece)
        if out:
            self.visible_parts.append(out)
        return out

    @property
    def reasoning(self) -> str | None:
        return "".join(self.reasoning_parts) if self.reasoning_parts else None

    def _feed(self, piece: str) -> str:
        if self._state == "answer":
            return piece
        self._buffer += piece
        if self._state == "start":
            stripped = self._buffer.lstrip()
            if not stripped:
                return ""
            if stripped.startswith(THINK_OPEN):
                self._state = "think"
                self._buffer = stripped[len(THINK_OPEN) :]
            elif THINK_OPEN.startswith(stripped):
                return ""  # could still become <think>
            else:
                self._state = "answer"
                out, self._buffer = self._buffer, ""
                return out
        if self._state == "think":
            idx = self._buffer.find(THINK_CLOSE)
            if idx < 0:
                keep = len(THINK_CLOSE) - 1
                if len(self._buffer) > keep:
                    self.reasoning_parts.append(self._buffer[:-keep])
                    self._buffer = self._buffer[-keep:]
                return ""
            self.reasoning_parts.append(self._buffer[:idx])
            rest = self._buffer[idx + len(THINK_CLOSE) :].lstrip("\n")
            self._buffer = ""
            self._state = "after"
            if not rest:
                return ""
            self._state = "answer"
            return rest
        if self._state == "after":
            rest = self._buffer.lstrip("\n")
            self._buffer = ""
            if rest:
                self._state = "answer"
            return rest
        return ""

    def flush(self) -> str:
        """End of stream: an unclosed think block stays hidden; other held text is released."""
        out = ""
        if self._state == "start":
            out = self._buffer
        elif self._state == "think" and self._buffer:
            self.reasoning_parts.append(self._buffer)
        self._buffer = ""
        if out:
            self.visible_parts.append(out)
        return out


def strip_think(text: str) -> tuple[str, str | None]:
    """Remove a leading think block from a complete answer: (visible text, reasoning)."""
    f = ThinkFilter()
    visible = f.feed(text) + f.flush()
    return visible, f.reasoning
