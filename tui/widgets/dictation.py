"""Dictation: microphone (live transcript + level meter) or an audio file; the text stays
editable and feeds record structuring."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, TextArea

from appliance.i18n import t
from appliance.services.interface import Progress

_BARS = " ▁▂▃▄▅▆▇█"


def level_meter(level: float, width: int = 20) -> str:
    """A text level meter for 0..1 (what the doctor sees while speaking)."""
    level = max(0.0, min(1.0, level))
    full = int(level * width)
    step = int((level * width - full) * 8) if full < width else 0
    partial = _BARS[step] if step else ""
    return ("█" * full + partial).ljust(width, "·")


class _KeyButton(Button):
    can_focus = False


class DictationPanel(Vertical):
    def compose(self) -> ComposeResult:
        yield Static(t("口述病历", "Dictation"), classes="section")
        with Horizontal(classes="row"):
            # F5/F6 work from any field: the buttons are for the mouse, not Tab stops
            yield _KeyButton(t("🎤 听写 F5", "🎤 Dictate F5"), id="dictate")
            yield _KeyButton(t("结构化 F6", "Structure F6"), id="structure", variant="primary")
        yield Static(t("音量 ", "Level ") + level_meter(0.0), id="level")
        # soft_wrap: a long dictation wraps inside the box instead of running off to the right
        yield TextArea(id="transcript", classes="transcript", soft_wrap=True)
        with Horizontal(classes="row"):
            yield Input(
                id="audio-file",
                placeholder=t("或录音文件路径（wav/mp3）回车转写", "or audio file path, Enter"),
            )

    def show_progress(self, p: Progress) -> None:
        if p.level is not None:
            self.query_one("#level", Static).update(t("音量 ", "Level ") + level_meter(p.level))
        if p.partial:
            self.set_text(p.partial)

    def set_text(self, text: str) -> None:
        area = self.query_one("#transcript", TextArea)
        area.text = text
        area.move_cursor(area.document.end)

    def text(self) -> str:
        return self.query_one("#transcript", TextArea).text.strip()

    def set_recording(self, on: bool) -> None:
        button = self.query_one("#dictate", Button)
        button.label = t("⏹ 停止 F5", "⏹ Stop F5") if on else t("🎤 听写 F5", "🎤 Dictate F5")
        button.set_class(on, "-recording")
        if not on:
            self.query_one("#level", Static).update(t("音量 ", "Level ") + level_meter(0.0))

    def audio_path(self) -> str:
        return self.query_one("#audio-file", Input).value.strip()
