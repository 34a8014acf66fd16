"""Structuring a dictation on the visit screen: the rules first (instant: the first fields are on
screen at once), then the model refines in the background while the doctor keeps working,
section by section (主诉, 现病史, 查体 … as the doctor cued them): each section's fields appear
as soon as that section is done, and the task bar counts sections done of N.

Model output never overwrites the doctor: it fills empty fields and replaces only what the rules
filled and nobody has edited since; where it differs from the doctor's text it is offered beside
the field, highlighted, to accept field by field. A model pass that does not finish (not
installed, past its time budget, cancelled) is said in plain words; the rules' record stands.
"""

from __future__ import annotations

import time
from typing import Any

from textual.widgets import Input

from appliance.i18n import t
from appliance.services.interface import JSON
from tui.widgets.dictation import DictationPanel
from tui.widgets.prescriptions import PrescriptionPanel
from tui.widgets.record import RecordEditor
from tui.widgets.vitals import VitalsPanel

#: Why a model pass did not finish, in the doctor's words (error code → zh, en).
FALLBACK_WORDS: dict[str, tuple[str, str]] = {
    "llm_timeout": (
        "模型在本机时限内没有完成（见 clinicbox models plan）",
        "the model did not finish within this box's time budget (see clinicbox models plan)",
    ),
    "llm_invalid_output": (
        "模型输出不完整",
        "the model's answer was incomplete",
    ),
    "llm_busy": (
        "模型正忙（排队已满）",
        "the model is busy (queue full)",
    ),
    "cancelled": ("已取消模型步骤", "model step cancelled"),
    "llm_cancelled": ("已取消模型步骤", "model step cancelled"),
    "feature_unavailable": ("本机未安装大模型", "no model on this box"),
}


def fallback_words(code: str, reason: str = "", *, step: str = "structure") -> str:
    """The plain-words status line when a model pass did not finish (``step``: "structure"
    for the record, "qc" for the model's QC pass)."""
    if code in FALLBACK_WORDS:
        zh, en = FALLBACK_WORDS[code]
    else:
        zh = reason or "模型不可用"
        en = reason or "the model is not available"
    if step == "qc":
        return t(
            f"质控只按规则完成（未使用大模型：{zh}）。规则质控结果有效。",
            f"QC by the rules only (no model: {en}). The rules' QC stands.",
        )
    return t(
        f"病历由规则抽取（未使用大模型：{zh}）。请核对。",
        f"Structured by rules (no model: {en}). Please check it.",
    )


#: While the doctor speaks, the rules re-read the growing transcript at most this often.
LIVE_EVERY_S = 1.5


class StructuringMixin:
    """``action_structure`` for the visit screen (F6, from any field), and the live pass that
    fills fields from the rules while the dictation is still going on."""

    visit_id: str | None
    _live_at: float = 0.0
    _live_busy: bool = False
    _live_pending: str = ""
    _live_timer: Any = None
    _live_gen: int = 0
    _live_model_busy: bool = False

    def live_structure(self: Any, partial: str) -> None:
        """Fill what the rules can read from the transcript so far (quietly: the doctor is
        speaking); the full pass runs when the dictation ends. Throttled to one pass per
        ``LIVE_EVERY_S``, trailing edge included: the latest transcript is always read, even when
        no more words arrive after it."""
        if len(partial.strip()) < 6:
            return
        self._live_pending = partial
        if self._live_busy:
            return  # the pass in flight picks the newest text up when it ends
        wait = LIVE_EVERY_S - (time.monotonic() - self._live_at)
        if wait > 0:
            if self._live_timer is None:
                self._live_timer = self.set_timer(wait, self._live_due)
            return
        self._live_run()

    def live_stop(self: Any) -> None:
        """The dictation ended: no more live passes, and one still in flight is dropped (the
        full pass over the whole transcript follows)."""
        self._live_gen += 1
        self._live_pending = ""
        if self._live_timer is not None:
            self._live_timer.stop()
            self._live_timer = None

    def _live_due(self: Any) -> None:
        self._live_timer = None
        if self._live_pending and not self._live_busy:
            self._live_run()

    def _live_run(self: Any) -> None:
        partial, self._live_pending = self._live_pending, ""
        self._live_at, self._live_busy = time.monotonic(), True
        visit_type = "followup" if self.visit_id else "initial"
        service = self.service
        gen = self._live_gen

        def settle() -> None:
            self._live_busy = False
            if gen != self._live_gen:
                return
            if self._live_pending and self._live_timer is None:
                wait = max(0.0, LIVE_EVERY_S - (time.monotonic() - self._live_at))
                self._live_timer = self.set_timer(wait, self._live_due)

        def done(record: JSON) -> None:
            settle()
            if gen == self._live_gen:
                self.query_one(RecordEditor).merge(record, offer=False)
                self._live_model(partial)

        def failed(_error: Any) -> None:
            settle()

        self.run_quick(
            "live-structure",
            lambda: service.structure_record(partial, visit_type=visit_type, use_llm=False),
            done,
            on_error=failed,
        )

    def _live_model(self: Any, partial: str) -> None:
        """While the doctor speaks, the model takes the sections a later cue has closed, one
        pass at a time, quietly: the box keeps each answer, so the pass after the dictation
        only has the last sections left. Its fields fill empty boxes only."""
        if self._live_model_busy:
            return
        self._live_model_busy = True
        visit_type = "followup" if self.visit_id else "initial"
        service = self.service
        gen = self._live_gen

        def work() -> JSON | None:  # in the worker: the feature check may read the disk
            llm = service.features().get("llm")
            if llm is None or not llm.get("available"):
                return None
            record: JSON = service.structure_record(
                partial, visit_type=visit_type, use_llm=True, live=True
            )
            return record

        def done(record: JSON | None) -> None:
            self._live_model_busy = False
            if record is None:
                return
            meta = record.get("structuring") or {}
            if gen == self._live_gen and meta.get("method") != "rules":
                fields = [str(f) for f in meta.get("fields") or []]
                self.query_one(RecordEditor).merge(
                    {k: record[k] for k in fields if k in record}, offer=False
                )

        def failed(_error: Any) -> None:
            self._live_model_busy = False  # the pass at the end says what happened

        self.run_quick("live-model", work, done, on_error=failed)

    def action_structure(self: Any) -> None:
        self.after_typing(self.structure_now)

    def structure_now(self: Any) -> None:
        text = self.query_one(DictationPanel).text()
        if not text:
            self.app.notify(t("请先听写或输入病情描述。", "Dictate or type the history first."))
            return
        visit_type = "followup" if self.visit_id else "initial"
        service = self.service
        self.run_task(
            t("规则抽取病历", "Structuring by rules"),
            lambda _p, _c: service.structure_record(text, visit_type=visit_type, use_llm=False),
            lambda record: self._structured_rules(record, text, visit_type),
        )

    def _structured_rules(self: Any, record: JSON, text: str, visit_type: str) -> None:
        self._apply_structured(record)
        llm = self.feature("llm")
        if not llm.get("available"):
            why = str(llm.get("reason") or t("本机未安装大模型", "no model on this box"))
            self._status(
                t(
                    f"病历由规则抽取（未使用大模型：{why}）。请核对。",
                    f"Structured by rules (no model: {why}). Please check it.",
                )
            )
            return
        self._status(
            t(
                "已按规则填好病历；模型正在后台完善（可继续编辑，Esc 取消）。",
                "Filled in by the rules; the model refines it in the background "
                "(keep working; Esc cancels).",
            )
        )
        service = self.service
        self._pieces_seen = 0

        def stopped(words: str) -> None:
            self._status("ℹ " + words)
            self.model_qc_if_wanted()  # the QC pass waited for the model: its turn now

        self.run_task(
            t("模型完善病历（分段）", "Model refining the record (by sections)"),
            lambda prog, cancel: service.structure_record(
                text, visit_type=visit_type, use_llm=True, progress=prog, cancel=cancel
            ),
            self._structured_model,
            on_progress=self._section_done,
            on_error=lambda e: stopped(fallback_words(e.code, e.message())),
            on_cancel=lambda: stopped(fallback_words("cancelled")),
        )

    def _section_done(self: Any, progress: Any) -> None:
        """One section is refined: its fields go on screen now (never over the doctor's)."""
        piece = getattr(progress, "piece", None)
        if not piece or not isinstance(piece.get("record"), dict):
            return
        self.query_one(RecordEditor).merge(piece["record"])
        self._pieces_seen = getattr(self, "_pieces_seen", 0) + 1
        cue = str(piece.get("cue") or "")
        where = t(f"（{cue}）", f" ({cue})") if cue else ""
        n, of = int(piece.get("section", 0)) + 1, int(piece.get("of", 0))
        self._status(
            t(
                f"模型已完善第 {n}/{of} 段{where}；其余各段仍在完善（可继续编辑，Esc 取消）。",
                f"The model refined section {n}/{of}{where}; the rest is still being refined "
                "(keep working; Esc cancels).",
            )
        )

    def _structured_model(self: Any, record: JSON) -> None:
        meta = record.get("structuring") or {}
        if meta.get("method") == "rules":
            reason = str(self.feature("llm").get("reason") or "")
            self._status("ℹ " + fallback_words(str(meta.get("llm_error") or ""), reason))
            self.model_qc_if_wanted()
            return
        if getattr(self, "_pieces_seen", 0):  # every section's fields are on screen already
            self.qc_now()  # (merging them again would re-offer what the doctor edited since)
        else:  # a service that sends the record only at the end: what the model filled
            fields = meta.get("fields")
            if isinstance(fields, list):
                record = {k: record[k] for k in fields if k in record}
            self._apply_structured(record)
        offered = len(self.query_one(RecordEditor).offers)
        model = str(meta.get("model") or "")
        done, total = int(meta.get("sections_done") or 0), len(meta.get("sections") or [])
        sections = t(f"（{done}/{total} 段）", f" ({done}/{total} sections)") if total else ""
        self._status(
            t(
                f"模型 {model} 已完善病历{sections}，请核对。",
                f"Refined by {model}{sections}; please check it.",
            )
            + (
                t(f" {offered} 处建议待您确认。", f" {offered} suggestion(s) to review.")
                if offered
                else ""
            )
            + (
                self._rest_by_rules(str(meta["llm_error"]), total - done)
                if meta.get("llm_error")
                else ""
            )
        )

    @staticmethod
    def _rest_by_rules(code: str, left: int) -> str:
        """A pass that refined some sections and then stopped: what the rest is, and why."""
        if left <= 0:
            return ""
        zh, en = FALLBACK_WORDS.get(code, (code, code))
        return t(f" 其余 {left} 段按规则（{zh}）。", f" The other {left} by the rules ({en}).")

    def _apply_structured(self: Any, record: JSON) -> int:
        editor = self.query_one(RecordEditor)
        editor.set_field_if_empty("chief_complaint", self.query_one(VitalsPanel).complaint())
        offered = editor.merge(record)
        if offered:
            self.app.notify(
                t(
                    f"{len(offered)} 处与您填写的不同：建议列在字段下方，可逐项采纳。",
                    f"{len(offered)} field(s) differ from what you typed: the suggestion is "
                    "shown under each, accept it field by field.",
                ),
                timeout=8,
            )
        rx = self.query_one(PrescriptionPanel)
        if record.get("prescriptions") and not rx.items:
            rx.load(list(record["prescriptions"]))
        for key, value in (record.get("vitals") or {}).items():
            if value is not None and self.query(f"#v-{key}"):
                box = self.query_one(f"#v-{key}", Input)
                if not box.value:
                    box.value = f"{value:g}"
        self.qc_now()
        return len(offered)
