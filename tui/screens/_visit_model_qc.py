"""The model's QC pass on the visit screen.

After the rules' QC (instant, the one signing uses), when a model is installed the model looks
for contradictions between the record's sections (``run_qc(use_llm=True)``) in the background.
Its time budget comes from this box's measured speed (``clinicbox models plan``); the task bar
counts tokens written of those expected, with an ETA never shown as 0 while work remains; Esc
cancels it without leaving the visit. Its findings are shown under the QC score as the model's
suggestions, labelled: they never replace the rules' QC result (and the box recomputes QC on
save anyway). A pass that does not finish is said in plain words.

Only one model task runs at a time: while the record is still being structured (or dictated)
the QC pass waits, and runs when that work ends.
"""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import Static

from appliance.clinical.qc_llm import MODEL_QC_FIELDS
from appliance.i18n import t
from appliance.services.interface import JSON
from tui.screens._visit_structure import fallback_words


def model_findings_text(qc: JSON) -> str:
    """The model's findings as labelled suggestions (or that it found none)."""
    found = [f for f in qc.get("findings") or [] if f.get("origin") == "model"]
    if not found:
        return t(
            "✔ 模型质控：未发现前后矛盾（仅供参考）。",
            "✔ Model QC: no contradiction found (advisory).",
        )
    lines = [
        t(
            f"🤖 模型建议（{len(found)} 条，仅供参考，不计入质控评分，请医师核实）：",
            f"🤖 Model suggestions ({len(found)}, advisory, not in the QC score; please verify):",
        )
    ]
    for f in found:
        evidence = str(f.get("evidence") or "")
        lines.append(f"  • {evidence} {f.get('message', '')}".rstrip())
    return "\n".join(lines)


class ModelQcMixin:
    """``model_qc`` for the visit screen (after each rules QC)."""

    _model_qc_wanted: bool = False  # asked while other model work ran: runs when it ends
    _model_qc_done_for: str = ""  # the record content the last finished pass read

    def model_qc(self: Any, record: JSON) -> None:
        """Run the model's QC pass over ``record`` now, or once the model work running now
        ends. Nothing happens without a model, or when this content was checked already."""
        if not self.feature("llm").get("available"):
            return
        key = json.dumps(
            {k: record.get(k) for k in MODEL_QC_FIELDS}, ensure_ascii=False, sort_keys=True
        )
        if key == self._model_qc_done_for:
            return
        if self.is_busy():
            self._model_qc_wanted = True
            return
        self._model_qc_wanted = False
        box = self.query_one("#qc-model", Static)
        box.display = True  # hidden until the model's first pass
        box.update(t("⏳ 模型质控中（Esc 取消）…", "⏳ Model QC running (Esc cancels)…"))
        service = self.service

        def done(qc: JSON) -> None:
            error = qc.get("model_error")
            if error:
                box.update("ℹ " + fallback_words(str(error), step="qc"))
                return
            self._model_qc_done_for = key
            box.update(model_findings_text(qc))

        self.run_task(
            t("模型质控", "Model QC"),
            lambda prog, cancel: service.run_qc(record, use_llm=True, progress=prog, cancel=cancel),
            done,
            on_error=lambda e: box.update("ℹ " + fallback_words(e.code, e.message(), step="qc")),
            on_cancel=lambda: box.update("ℹ " + fallback_words("cancelled", step="qc")),
        )

    def model_qc_if_wanted(self: Any) -> None:
        """Other model work ended: run the QC pass that waited for it (on the record now)."""
        if self._model_qc_wanted and not self.is_busy():
            self._model_qc_wanted = False
            self.model_qc(self._record())
