"""The visit workspace: a doctor's whole visit on one screen.

Left: vitals with instant triage, dictation (live transcript, level meter). Right: tabs with the
editable structured record (QC findings inline + score), prescriptions with alerts and override
reasons, the follow-up plan and decision support. Keys (from any field): F5 dictate/stop,
F6 structure, F7 QC (the rules' at once, then the model's suggestions, see ``_visit_model_qc``),
F8 advise, F9 refer to mentor, F10 sign & save, Ctrl+S save draft, Ctrl+R amend a signed record
(with a reason, see ``amend``), Alt+1..4 the tabs, Esc cancels model work only (never leaves),
F4 leaves (asking first when something is unsaved). Every edit autosaves (see
``_visit_autosave``). Alerts, QC, triage and the follow-up plan that are stored are the box's
own: the screen shows what the save returned.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static, TabbedContent, TabPane, TextArea

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON, Patient, VisitDraft
from tui._base import ClinicScreen
from tui.screens._visit_autosave import AutosaveMixin
from tui.screens._visit_dictation import DictationMixin
from tui.screens._visit_model_qc import ModelQcMixin
from tui.screens._visit_structure import StructuringMixin
from tui.screens.amend import AmendMixin
from tui.widgets.dictation import DictationPanel
from tui.widgets.prescriptions import PrescriptionPanel, allergies_from_text
from tui.widgets.record import RecordEditor
from tui.widgets.vitals import VitalsPanel


class _FieldColumn(VerticalScroll):
    """The left column: scrolls to the focused field but is not a Tab stop of its own."""

    can_focus = False


TABS = ("tab-record", "tab-rx", "tab-followup", "tab-advice")


class VisitScreen(
    AmendMixin, DictationMixin, StructuringMixin, ModelQcMixin, AutosaveMixin, ClinicScreen
):
    HELP_KEY = "visit"
    KEEPS_INPUT = True
    AUTO_FOCUS = "#complaint"  # typed-ahead keys land here, not on a scroll container
    # priority: the keys work whichever field has focus (the transcript box included)
    BINDINGS = [
        Binding("escape", "cancel_task", "取消任务|Cancel task"),
        Binding("f4", "back", "离开|Leave", priority=True),
        Binding("f5", "dictate", "听写|Dictate", priority=True),
        Binding("f6", "structure", "结构化|Structure", priority=True),
        Binding("f7", "qc", "质控|QC", priority=True),
        Binding("f8", "advise", "辅助决策|Advise", show=False, priority=True),
        Binding("f9", "refer", "转诊帮扶|Refer", priority=True),
        Binding("f10", "sign", "签名保存|Sign & save", priority=True),
        Binding("ctrl+s", "save_draft", "存草稿|Save draft", priority=True),
        Binding("ctrl+r", "amend", "修订|Amend", priority=True),
        *[
            Binding(f"alt+{i}", f"show_tab({i - 1})", show=False, priority=True)
            for i in range(1, len(TABS) + 1)
        ],
    ]

    def __init__(self, patient: Patient, visit_id: str | None = None) -> None:
        super().__init__()
        self.patient = patient
        self.visit_id = visit_id
        self.signed = False
        self.version: int | None = None
        self.dictating = False
        self.triage_result: JSON | None = None
        self.qc_result: JSON | None = None
        self.plan: JSON | None = None

    def body(self) -> ComposeResult:
        p = self.patient
        sex = {"M": t("男", "M"), "F": t("女", "F")}.get(str(p.get("sex")), "")
        yield Static(
            f"{p.get('name', '')} {sex} {p.get('age', '?')}{t('岁', 'y')} · "
            f"{t('就诊', 'Visit')} {self.visit_id or t('新', 'new')}",
            id="visit-title",
            classes="title",
        )
        with Horizontal(id="workspace"):
            with _FieldColumn(id="left"):
                yield VitalsPanel(dict(p), id="vitals")
                yield DictationPanel(id="dictation")
            with TabbedContent(id="tabs"):
                with TabPane(t("病历 Alt+1", "Record Alt+1"), id="tab-record"):
                    yield RecordEditor(id="record")
                with TabPane(t("处方 Alt+2", "Prescriptions Alt+2"), id="tab-rx"):
                    yield PrescriptionPanel(id="rx")
                with TabPane(t("随访 Alt+3", "Follow-up Alt+3"), id="tab-followup"):
                    yield Static("", id="followup-plan")
                    yield TextArea(id="followup-note")
                with TabPane(t("辅助决策 Alt+4", "Advice Alt+4"), id="tab-advice"):
                    yield Static(
                        t("按 F8 获取鉴别诊断建议", "Press F8 for differentials"), id="advice"
                    )
        with Horizontal(id="visit-actions"):
            yield Button(t("存草稿", "Save draft"), id="save-draft")
            yield Button(t("签名并保存 F10", "Sign & save F10"), id="sign", variant="success")
            yield Button(t("转诊帮扶医院 F9", "Refer to mentor F9"), id="refer")
            yield Button(t("修订 Ctrl+R", "Amend Ctrl+R"), id="amend", variant="warning")
            yield Static("", id="visit-status")
            yield Static("", id="autosave-state")

    def on_mount(self) -> None:
        self.query_one("#amend", Button).display = False
        allergies = self.patient.get("allergies") or []
        self.query_one(PrescriptionPanel).patient_context = self._meds_patient(allergies)
        if self.visit_id:
            try:
                draft = self.service.get_visit(self.visit_id)
            except ClinicBoxError as exc:
                self.app.notify(exc.message(), severity="error")
                return
            self._load(draft)
        self.start_autosave()
        self.query_one("#complaint", Input).focus()

    def action_show_tab(self, index: int) -> None:
        """Alt+1..4: open the tab and put the cursor in its first field (on 处方, the first
        override reason still missing, else the prescription line)."""
        self.query_one(TabbedContent).active = TABS[index]
        first = {
            "tab-record": "#r-chief_complaint",
            "tab-rx": "#rx-line",
            "tab-followup": "#followup-note",
        }.get(TABS[index])
        if TABS[index] == "tab-rx":
            empty = [box for box in self.query(".override").results(Input) if not box.value]
            if empty:
                empty[0].focus()
                return
        if first:
            self.query_one(first).focus()

    def _load(self, draft: VisitDraft) -> None:
        record = dict(draft.get("record") or {})
        self.query_one(RecordEditor).load(record)
        self.query_one(PrescriptionPanel).load(list(record.get("prescriptions") or []))
        vitals = record.get("vitals") or {}
        for key, value in vitals.items():
            if value is not None and self.query(f"#v-{key}"):
                self.query_one(f"#v-{key}", Input).value = f"{value:g}"
        self.query_one("#complaint", Input).value = str(record.get("chief_complaint") or "")
        self.query_one("#followup-note", TextArea).text = str(draft.get("followup_note") or "")
        version: Any = dict(draft).get("version")  # get_visit says which version is shown
        self.version = int(version or 0) or None
        self._show_plan(draft.get("followup_plan"))
        self.set_signed(bool(draft.get("sign")))
        if self.signed:
            self._status(self.signed_hint())

    def _meds_patient(self, allergies: list[str]) -> JSON:
        ctx: JSON = {"allergies": list(allergies)}
        for key in ("age", "sex"):
            if self.patient.get(key) is not None:
                ctx[key] = self.patient[key]
        return ctx

    def _status(self, text: str) -> None:
        self.query_one("#visit-status", Static).update(text)

    # --- triage → record; record → meds context ------------------------------------------
    @on(VitalsPanel.Triaged)
    def triaged(self, event: VitalsPanel.Triaged) -> None:
        self.triage_result = event.result
        vitals = self.query_one(VitalsPanel)
        self.query_one(RecordEditor).set_field_if_empty("chief_complaint", vitals.complaint())

    def _record(self) -> JSON:
        record = self.query_one(RecordEditor).record()
        if not record.get("chief_complaint"):
            record["chief_complaint"] = self.query_one(VitalsPanel).complaint()
        record["vitals"] = dict(self.query_one(VitalsPanel).values)
        record["prescriptions"] = list(self.query_one(PrescriptionPanel).items)
        record["patient"] = {k: self.patient[k] for k in ("age", "sex") if k in self.patient}
        return record

    @on(Input.Changed, "#r-allergy_history")
    def allergies_changed(self, event: Input.Changed) -> None:
        panel = self.query_one(PrescriptionPanel)
        known = list(self.patient.get("allergies") or [])
        panel.patient_context = self._meds_patient(known + allergies_from_text(event.value))
        panel.check()

    # --- dictation and structuring (the work itself: _visit_dictation) -----------------------
    @on(Button.Pressed, "#dictate")
    def dictate_pressed(self) -> None:
        self.action_dictate()

    @on(Input.Submitted, "#audio-file")
    def transcribe_file(self, event: Input.Submitted) -> None:
        self.transcribe_path(event.value.strip())

    def on_unmount(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    @on(Button.Pressed, "#structure")
    def structure_pressed(self) -> None:
        self.action_structure()

    # --- QC, advice, follow-up -----------------------------------------------------------
    def qc_now(self) -> None:
        record = self._record()
        editor = self.query_one(RecordEditor)

        def done(qc: JSON) -> None:
            self.qc_result = qc  # the rules' QC: the one signing uses
            editor.show_qc(qc)
            self._update_plan(record)
            self.model_qc(record)  # the model's suggestions follow, in the background

        service = self.service
        self.run_quick(
            "qc",
            lambda: service.run_qc(record),
            done,
            on_error=lambda e: editor.show_qc(None, e.message()),
        )

    def _update_plan(self, record: JSON) -> None:
        box = self.query_one("#followup-plan", Static)
        try:
            plan = self.service.followup_plan(dict(self.patient), record)
        except ClinicBoxError as exc:
            box.update("⚠ " + exc.message())
            return
        self.plan = plan
        self._show_plan(plan)

    def _show_plan(self, plan: Any) -> None:
        if not isinstance(plan, dict):
            return
        from tui.screens.followup import format_plan

        self.plan = plan
        self.query_one("#followup-plan", Static).update(format_plan(plan))

    def advise_now(self) -> None:
        record = self._record()
        box = self.query_one("#advice", Static)
        from tui.screens.assistant import format_advice

        def show(result: JSON) -> None:
            self.advice_result = result  # sent with a referral (F9)
            box.update(format_advice(result))

        self.run_task(
            t("辅助决策", "Decision support"),
            lambda prog, cancel: self.service.advise(record, progress=prog, cancel=cancel),
            show,
            on_error=lambda e: box.update("⚠ " + e.message()),
        )

    # --- save, sign, refer ---------------------------------------------------------------
    def _followup_note(self) -> str:
        return self.query_one("#followup-note", TextArea).text.strip()

    def _draft(self, sign: bool) -> VisitDraft:
        rx = self.query_one(PrescriptionPanel)
        return VisitDraft(
            visit_id=self.visit_id,
            patient_id=str(self.patient.get("patient_id")),
            visit_type="followup" if self.visit_id else "initial",
            record=self._record(),
            triage=self.triage_result,
            qc=self.qc_result,
            med_alerts=list(rx.alerts),
            overrides=rx.overrides(),
            followup_note=self._followup_note(),  # the plan itself is computed by the box
            sign=sign,
        )

    # F10 / Ctrl+S / F6 / F7 / F8 are priority keys: they act on the record once the focused
    # field has taken the keys typed before them (see ClinicScreen.after_typing)
    def action_save_draft(self) -> None:
        self.after_typing(self.save_draft_now)

    def action_sign(self) -> None:
        self.after_typing(self.sign_now)

    def action_qc(self) -> None:
        self.after_typing(self.qc_now)

    def action_advise(self) -> None:
        self.after_typing(self.advise_now)

    @on(Button.Pressed, "#save-draft")
    def save_draft_now(self) -> None:
        self._save(sign=False)

    @on(Button.Pressed, "#amend")
    def amend_pressed(self) -> None:
        self.amend_now()

    @on(Button.Pressed, "#sign")
    def sign_now(self) -> None:
        if self.signed:  # signing a signed record again is an amendment: ask for the reason
            self.amend_now()
            return
        problems = self._sign_problems()
        if problems:
            self._status("✖ " + t("不能签名：", "Cannot sign: ") + "；".join(problems))
            return
        self._save(sign=True)

    def _sign_problems(self) -> list[str]:
        """What the screen already knows would stop a signature (the box checks again)."""
        problems = []
        if list(self.query_one(VitalsPanel).query(".-invalid")):
            problems.append(t("生命体征有误", "vitals are invalid"))
        missing = self.query_one(PrescriptionPanel).missing_reasons()
        if missing:
            problems.append(
                t(
                    f"{len(missing)} 条用药警示未填写忽略理由",
                    f"{len(missing)} alert(s) need a reason",
                )
            )
            self.query_one(TabbedContent).active = "tab-rx"
        if not self._record().get("chief_complaint"):
            problems.append(t("主诉为空", "chief complaint is empty"))
        return problems

    def _saved(self, summary: Any, snapshot: JSON, *, signed: bool) -> None:
        """A save or amendment came back: the visit, its version and the box's plan."""
        self._saving = False
        old_key = self._autosave_key
        self.visit_id = str(summary.get("visit_id") or self.visit_id or "")
        self._autosave_key = (str(self.patient.get("patient_id")), self.visit_id or None)
        self.discard_autosave(*{k for k in (old_key, self._autosave_key) if k is not None})
        self._clean = self._autosaved = snapshot
        self.version = int(summary.get("version") or 0) or self.version
        self._show_plan(summary.get("followup_plan"))
        self.set_signed(signed)

    def _save(self, sign: bool, then_leave: bool = False) -> None:
        if self.signed:  # a signed record is never replaced by a draft
            self._status("✖ " + self.signed_hint())
            return
        draft = self._draft(sign)
        saved_snapshot = self.snapshot()

        def done(summary: Any) -> None:
            self._saved(summary, saved_snapshot, signed=sign)
            msg = (
                t(
                    f"已签名保存（就诊 {self.visit_id}）",
                    f"Signed and saved (visit {self.visit_id})",
                )
                if sign
                else t("草稿已保存", "Draft saved")
            )
            self._status("✔ " + msg)
            self.app.notify(msg)
            if then_leave:
                self.leave()

        def failed(error: ClinicBoxError) -> None:
            self._saving = False
            self._status("✖ " + error.message())

        if getattr(self, "_saving", False):
            return  # one save at a time (a second Ctrl+S while saving would add a version)
        self._saving = True
        self._status("⏳ " + t("保存中…", "Saving…"))
        service = self.service
        self.run_quick("save", lambda: service.save_visit(draft), done, on_error=failed)

    @on(Button.Pressed, "#refer")
    def action_refer(self) -> None:
        if not self.visit_id:
            self._status(t("请先保存本次就诊再转诊。", "Save the visit before referring it."))
            return
        from tui.screens.assistant import advice_for_referral
        from tui.screens.referral import ReferralDialog

        advice = advice_for_referral(getattr(self, "advice_result", None))
        self.app.push_screen(ReferralDialog(self.visit_id, prefill=advice))
