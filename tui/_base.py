"""Base screen: bilingual key help, background tasks, feature checks, language refresh.

Binding descriptions are written ``"中文|English"`` and resolved per instance for the current
language (and again when the user presses F2), so the footer follows the language switch.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static

from appliance.i18n import get_lang, t
from appliance.services.interface import ClinicService, FeatureStatus
from tui._work import BackgroundMixin, TaskBar


def tr(text: str) -> str:
    """``"中文|English"`` → the current language's half (plain text stays as is)."""
    if "|" not in text:
        return text
    zh, en = text.split("|", 1)
    return t(zh, en)


def localize_bindings(node: DOMNode) -> None:
    originals: dict[str, list[Binding]] | None = getattr(node, "_binding_originals", None)
    if originals is None:
        originals = {k: list(v) for k, v in node._bindings.key_to_bindings.items()}
        node._binding_originals = originals  # type: ignore[attr-defined]
    for key, bindings in originals.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=tr(b.description)) for b in bindings
        ]


class ClinicScreen(BackgroundMixin, Screen[Any]):
    """A full screen of the clinic app (header, task bar, body, footer)."""

    HELP_KEY = "home"
    #: Screens holding the user's unsaved input are not rebuilt on a language switch (that would
    #: lose it); their key help switches now, their labels on the next screen.
    KEEPS_INPUT = False
    BINDINGS = [
        Binding("escape", "cancel_task", "返回/取消|Back/cancel"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)

    @property
    def service(self) -> ClinicService:
        return self.app.service  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        self._composed_lang = get_lang()
        yield Header()
        yield TaskBar()
        yield from self.body()
        yield Footer()

    def body(self) -> ComposeResult:
        yield from ()

    def refresh_language(self) -> None:
        localize_bindings(self)
        self.refresh_bindings()
        if self.KEEPS_INPUT:
            self.app.notify(
                t(
                    "本页已填写的内容保持不变；新打开的页面使用中文。",
                    "What you typed here is kept; screens you open next are in English.",
                )
            )
            return
        self.refresh(recompose=True)
        self.call_after_refresh(self._focus_first_field)

    def _focus_first_field(self) -> None:
        """After a rebuild (F2) the old focused widget is gone: the cursor goes back to the
        screen's first field, so the next key (F2 again, typing) lands somewhere."""
        if self.focused is not None or not self.AUTO_FOCUS:
            return
        target = next((w for w in self.query(self.AUTO_FOCUS) if w.focusable), None)
        if target is not None:
            self.set_focus(target)

    def on_screen_resume(self) -> None:
        # Back on a screen built in the other language (F2 was pressed elsewhere): rebuild it.
        if getattr(self, "_composed_lang", get_lang()) != get_lang() and not self.KEEPS_INPUT:
            localize_bindings(self)
            self.refresh_bindings()
            self.refresh(recompose=True)
            self.call_after_refresh(self._focus_first_field)

    def _forward_event(self, event: events.Event) -> None:
        # A key the app hands to the screen itself (no field focused yet): remember that it
        # was aimed at this screen's first field (see on_key), unlike keys bubbling up.
        if isinstance(event, events.Key) and not event.is_forwarded and self.focused is None:
            event._typed_ahead = True  # type: ignore[attr-defined]
        super()._forward_event(event)

    def on_key(self, event: events.Key) -> None:
        """Type-ahead: a key that arrived before this screen had focused its first field (the
        screen was still opening on a busy box) goes to that field, in order, instead of being
        dropped or moving the focus from nowhere."""
        if not getattr(event, "_typed_ahead", False) or event.key == "escape":
            return
        if re.fullmatch(r"f\d+", event.key):
            return  # F1…F12 are the app's keys (help, language, …), never a field's input
        target = self.focused
        if target is None:
            selector = self.AUTO_FOCUS or self.app.AUTO_FOCUS or "*"
            target = next((w for w in self.query(selector) if w.focusable), None)
            if target is None:
                return
            self.set_focus(target, scroll_visible=False)
        event.stop()
        event.prevent_default()
        target.post_message(events.Key(event.key, event.character))

    def after_typing(self, action: Callable[[], Any]) -> None:
        """Run ``action`` once the focused field has taken every key typed before it. Priority
        keys (F10 sign, Enter to log in) run before the field has processed the keys queued
        ahead of them; read at once, the last characters typed would be missing."""
        focused = self.focused
        if focused is None:
            action()
        else:
            focused.call_later(action)

    def has_unsaved_input(self) -> bool:
        """A form with typed, unsaved input overrides this: leaving it then asks first."""
        return False

    def action_back(self) -> None:
        if len(self.app.screen_stack) <= 2:
            return
        if not self.has_unsaved_input():
            self.app.pop_screen()
            return

        def chosen(leave: bool | None) -> None:
            if leave:
                self.app.pop_screen()

        self.app.push_screen(DiscardInputDialog(), chosen)

    def feature(self, name: str) -> FeatureStatus:
        try:
            return self.service.features().get(name, FeatureStatus(available=False, reason=""))
        except Exception:
            return FeatureStatus(available=False, reason="")


class DiscardInputDialog(ModalScreen[bool]):
    """ "Leave and lose what you typed?" — Esc or the default button keeps editing."""

    BINDINGS = [Binding("escape", "stay", "继续填写|Keep editing")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                t("本页填写的内容尚未保存，离开将丢失。", "What you typed here is not saved yet."),
                classes="title",
            )
            with Horizontal(classes="row"):
                yield Button(t("继续填写 Esc", "Keep editing Esc"), id="stay", variant="primary")
                yield Button(t("放弃并离开", "Discard and leave"), id="leave", variant="error")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave")

    def action_stay(self) -> None:
        self.dismiss(False)


def unavailable_panel(status: FeatureStatus, what: str) -> Static:
    reason = status.get("reason") or t("此功能尚未安装。", "This feature is not installed.")
    return Static(f"⚠ {what}：{reason}", classes="unavailable")
