"""Dictation on the visit screen: F5 starts and stops the microphone (the transcript grows and
the live passes fill fields while the doctor speaks, see ``_visit_structure``), an audio file's
path in #audio-file is transcribed; either way the record is structured when the words are in.
The screen keeps the ``@on`` handlers (they only work on Textual classes) and calls these."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON, Progress
from tui.widgets.dictation import DictationPanel


class DictationMixin:
    """``action_dictate`` (F5) and ``transcribe_path`` for the visit screen."""

    dictating: bool = False

    def action_dictate(self: Any) -> None:
        panel = self.query_one(DictationPanel)
        if self.dictating:
            if self._cancel is not None:
                self._cancel.cancel()  # stop: the worker returns what was said so far
            return
        self.dictating = True
        panel.set_recording(True)

        def done(result: JSON) -> None:
            self.dictating = False
            self.live_stop()
            panel.set_recording(False)
            panel.set_text(str(result.get("text", "")))
            if panel.text():
                self.action_structure()  # the dictation ended: the record follows at once
            else:
                self.model_qc_if_wanted()

        def failed(error: ClinicBoxError) -> None:
            self.dictating = False
            self.live_stop()
            panel.set_recording(False)
            self.app.notify(error.message(), severity="warning", timeout=8)
            self.query_one("#audio-file", Input).focus()

        self.run_task(
            t("听写中（F5 停止）", "Dictating (F5 stops)"),
            lambda prog, cancel: self.service.dictate(
                patient_id=self._patient_id(), progress=prog, cancel=cancel
            ),
            done,
            on_progress=lambda p: self._dictation_progress(panel, p),
            on_error=failed,
            keep_result_on_cancel=True,
        )

    def _patient_id(self: Any) -> str | None:
        """Whose words the recogniser listens for (the box reads them from the record)."""
        pid = self.patient.get("patient_id")
        return str(pid) if pid else None

    def _dictation_progress(self: Any, panel: DictationPanel, progress: Progress) -> None:
        panel.show_progress(progress)
        if progress.partial:
            self.live_structure(progress.partial)  # fields fill while the doctor speaks

    def transcribe_path(self: Any, path: str) -> None:
        """Transcribe a recording (the patient's words as context), then structure it."""
        if not path:
            return
        panel = self.query_one(DictationPanel)
        self.run_task(
            t("转写录音", "Transcribing"),
            lambda prog, cancel: self.service.transcribe(
                path, patient_id=self._patient_id(), progress=prog, cancel=cancel
            ),
            lambda result: self._transcribed(panel, result),
            on_progress=panel.show_progress,
        )

    def _transcribed(self: Any, panel: DictationPanel, result: JSON) -> None:
        panel.set_text(str(result.get("text", "")))
        if panel.text():
            self.action_structure()
