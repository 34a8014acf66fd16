"""Never lose a visit: the workspace autosaves (encrypted, in the clinic store) a moment after
every edit, comes back after a crash or restart, and leaving with unsaved changes asks first.

Used by :class:`tui.screens.visit.VisitScreen`. A snapshot is the workspace as typed (raw field
text, not parsed values), so a half-typed vital or an unparsed prescription line survives too.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON
from tui._base import ClinicScreen
from tui.widgets.dictation import DictationPanel
from tui.widgets.prescriptions import PrescriptionPanel
from tui.widgets.record import RecordEditor
from tui.widgets.vitals import VitalsPanel

#: Save once the workspace has been still for one tick …
TICK_S = 0.5
#: … or at the latest this long after the first unsaved change (a doctor who never pauses).
MAX_DELAY_S = 5.0


class AutosaveMixin:
    """For the visit screen: ``snapshot``/``apply_snapshot``, a debounced autosave, restore."""

    patient: Any
    visit_id: str | None
    _clean: JSON | None = None
    _autosaved: JSON | None = None
    _seen: JSON | None = None
    _first_change: float | None = None
    _autosave_key: tuple[str, str | None] | None = None

    # --- leaving: Esc never leaves; F4 asks when something is unsaved ----------------------
    def action_cancel_task(self: Any) -> None:
        if self._cancel is not None:
            ClinicScreen.action_cancel_task(self)
            return
        self.app.notify(
            t(
                "没有正在运行的任务。离开本次就诊请按 F4。",
                "Nothing is running. Press F4 to leave this visit.",
            ),
            timeout=4,
        )

    def action_back(self: Any) -> None:
        if not self.has_unsaved_changes():
            self.discard_autosave(self._autosave_key or (str(self.patient.get("patient_id")), None))
            self.leave()
            return
        self.flush_autosave()

        def chosen(choice: str | None) -> None:
            if choice == "save":
                self._save(sign=False, then_leave=True)
            elif choice == "later":
                self.leave()
            elif choice == "discard":
                if self._autosave_key is not None:
                    self.discard_autosave(self._autosave_key)
                self.leave()

        self.app.push_screen(LeaveVisitDialog(), chosen)

    def leave(self: Any) -> None:
        ClinicScreen.action_back(self)

    # --- what the doctor has typed ---------------------------------------------------------
    def snapshot(self: Any) -> JSON:
        rx = self.query_one(PrescriptionPanel)
        return {
            "fields": self.query_one(RecordEditor).raw_fields(),
            "extra": dict(self.query_one(RecordEditor).extra),
            "complaint": self.query_one("#complaint", Input).value,
            "vitals": self.query_one(VitalsPanel).raw(),
            "transcript": self.query_one("#transcript", TextArea).text,
            "prescriptions": [dict(i) for i in rx.items],
            "override_reasons": dict(rx.reasons),
            "followup_note": self.query_one("#followup-note", TextArea).text,
        }

    def apply_snapshot(self: Any, snap: JSON) -> None:
        self.query_one(RecordEditor).set_raw_fields(
            dict(snap.get("fields") or {}), dict(snap.get("extra") or {})
        )
        self.query_one("#complaint", Input).value = str(snap.get("complaint") or "")
        for key, value in dict(snap.get("vitals") or {}).items():
            if self.query(f"#v-{key}"):
                self.query_one(f"#v-{key}", Input).value = str(value or "")
        self.query_one(DictationPanel).set_text(str(snap.get("transcript") or ""))
        rx = self.query_one(PrescriptionPanel)
        rx.reasons.update(
            {str(k): str(v) for k, v in dict(snap.get("override_reasons") or {}).items()}
        )
        rx.load(list(snap.get("prescriptions") or []))
        self.query_one("#followup-note", TextArea).text = str(snap.get("followup_note") or "")

    def has_unsaved_changes(self: Any) -> bool:
        return self._clean is not None and self.snapshot() != self._clean

    def mark_clean(self: Any) -> None:
        """What is on screen now is saved (or was just loaded): nothing to autosave or ask."""
        self._clean = self._autosaved = self._seen = self.snapshot()
        self._first_change = None

    # --- autosave ------------------------------------------------------------------------
    def start_autosave(self: Any) -> None:
        self._autosave_key = (str(self.patient.get("patient_id")), self.visit_id)
        self.restore_autosave()
        self.mark_clean_unless_restored()
        self.set_interval(TICK_S, self._autosave_tick)

    def mark_clean_unless_restored(self: Any) -> None:
        snap = self.snapshot()
        if self._clean is None:
            self._clean = snap
        self._autosaved = self._seen = snap

    def restore_autosave(self: Any) -> None:
        assert self._autosave_key is not None
        try:
            found = self.service.load_visit_draft(*self._autosave_key)
        except ClinicBoxError as exc:
            self.app.notify(exc.message(), severity="warning")
            return
        if not found or not isinstance(found.get("payload"), dict):
            return
        # What was saved for real is the clean state; the restored typing is unsaved work.
        self._clean = self.snapshot()
        self.apply_snapshot(found["payload"])
        when = str(found.get("saved_at") or "")[:19].replace("T", " ")
        self.app.notify(
            t(
                f"已恢复上次未保存的内容（自动保存于 {when} UTC）。请核对后保存。",
                f"Restored unsaved work (autosaved {when} UTC). Check it, then save.",
            ),
            timeout=10,
        )
        self.show_autosave_state(t("已恢复自动保存的内容", "Restored from autosave"))

    def _autosave_tick(self: Any) -> None:
        snap = self.snapshot()
        if snap == self._autosaved:
            self._seen, self._first_change = snap, None
            return
        now = time.monotonic()
        if self._first_change is None:
            self._first_change = now
        still = snap == self._seen
        self._seen = snap
        if still or now - self._first_change >= MAX_DELAY_S:
            self._autosave_now(snap)

    def _autosave_now(self: Any, snap: JSON) -> None:
        key = self._autosave_key
        if key is None:
            return
        self._autosaved, self._first_change = snap, None
        service, app = self.service, self.app

        def save() -> None:
            try:
                service.save_visit_draft(key[0], key[1], snap)
            except ClinicBoxError as exc:
                app.call_from_thread(self._autosave_failed, exc)
                return
            app.call_from_thread(self.show_autosave_state, "✔ " + t("已自动保存", "Autosaved"))

        self.run_worker(save, thread=True, group="autosave", name="autosave", exit_on_error=False)

    def _autosave_failed(self: Any, exc: ClinicBoxError) -> None:
        self._autosaved = None  # try again on the next tick
        self.show_autosave_state("⚠ " + t("自动保存失败：", "Autosave failed: ") + exc.message())

    def flush_autosave(self: Any) -> None:
        """Save now (synchronously) if anything is unsaved: before leaving, on quit."""
        key = self._autosave_key
        if key is None:
            return
        snap = self.snapshot()
        if snap == self._autosaved or snap == self._clean:
            return
        try:
            self.service.save_visit_draft(key[0], key[1], snap)
            self._autosaved = snap
        except ClinicBoxError as exc:
            self._autosave_failed(exc)

    def discard_autosave(self: Any, *keys: tuple[str, str | None]) -> None:
        for key in keys:
            # a stale autosave is offered again next time; nothing is lost
            with contextlib.suppress(ClinicBoxError):
                self.service.discard_visit_draft(*key)

    def show_autosave_state(self: Any, text: str) -> None:
        for box in self.query("#autosave-state"):
            box.update(text)


class LeaveVisitDialog(ModalScreen[str]):
    """Leaving a visit with unsaved changes: keep editing (default), save a draft, or discard."""

    BINDINGS = [Binding("escape", "stay", t("继续编辑", "Keep editing"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                t(
                    "本次就诊有未保存的修改。要离开吗？",
                    "This visit has unsaved changes. Leave it?",
                ),
                classes="title",
            )
            yield Static(
                t(
                    "“保存草稿”会把病历存为草稿版本；“暂时离开”保留自动保存，下次打开时恢复。",
                    "“Save draft” stores a draft version; “Leave for now” keeps the autosave "
                    "and brings it back next time.",
                ),
                classes="muted",
            )
            with Horizontal(classes="row"):
                yield Button(t("继续编辑 Esc", "Keep editing Esc"), id="stay", variant="primary")
                yield Button(t("保存草稿并离开", "Save draft and leave"), id="save")
                yield Button(t("暂时离开", "Leave for now"), id="later")
                yield Button(t("放弃修改", "Discard changes"), id="discard", variant="error")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))

    def action_stay(self) -> None:
        self.dismiss("stay")
