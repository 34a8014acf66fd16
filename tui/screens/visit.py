"""The visit workspace: a doctor's whole visit on one screen.

Left: vitals with instant triage, dictation (live transcript, level meter). Right: tabs with the
editable structured record (QC findings inline + score), prescriptions with alerts and override
reasons, the follow-up plan and decision support. Keys: F5 dictate/stop, F6 structure, F7 QC,
F8 advise, F9 refer to mentor, F10 sign & save, Ctrl+S save draft, Esc cancel model work.
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
from tui.widgets.dictation import DictationPanel
from tui.widgets.prescriptions import PrescriptionPanel, allergies_from_text
from tui.widgets.record import RecordEditor
from tui.widgets.vitals import VitalsPanel


class VisitScreen(ClinicScreen):
    HELP_KEY = "visit"
    KEEPS_INPUT = True
    BINDINGS = [
        Binding("f5", "dictate", "听写|Dictate"),
        Binding("f6", "structure", "结构化|Structure"),
        Binding("f7", "qc", "质控|QC"),
        Binding("f8", "advise", "辅助决策|Advise", show=False),
        Binding("f9", "refer", "转诊帮扶|Refer"),
        Binding("f10", "sign", "签名保存|Sign & save"),
        Binding("ctrl+s", "save_draft", "存草稿|Save draft"),
    ]

    def __init__(self, patient: Patient, visit_id: str | None = None) -> None:
        super().__init__()
        self.patient = patient
        self.visit_id = visit_id
        self.signed = False
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
            with VerticalScroll(id="left"):
                yield VitalsPanel(dict(p), id="vitals")
                yield DictationPanel(id="dictation")
            with TabbedContent(id="tabs"):
                with TabPane(t("病历", "Record"), id="tab-record"):
                    yield RecordEditor(id="record")
                with TabPane(t("处方", "Prescriptions"), id="tab-rx"):
                    yield PrescriptionPanel(id="rx")
                with TabPane(t("随访", "Follow-up"), id="tab-followup"):
                    yield Static("", id="followup-plan")
                    yield TextArea(id="followup-note")
                with TabPane(t("辅助决策", "Advice"), id="tab-advice"):
                    yield Static(
                        t("按 F8 获取鉴别诊断建议", "Press F8 for differentials"), id="advice"
                    )
        with Horizontal(id="visit-actions"):
            yield Button(t("存草稿", "Save draft"), id="save-draft")
            yield Button(t("签名并保存 F10", "Sign & save F10"), id="sign", variant="success")
            yield Button(t("转诊帮扶医院 F9", "Refer to mentor F9"), id="refer")
            yield Static("", id="visit-status")

    def on_mount(self) -> None:
        allergies = self.patient.get("allergies") or []
        self.query_one(PrescriptionPanel).patient_context = self._meds_patient(allergies)
        if self.visit_id:
            try:
                draft = self.service.get_visit(self.visit_id)
            except ClinicBoxError as exc:
                self.app.notify(exc.message(), severity="error")
                return
            self._load(draft)
        self.query_one("#complaint", Input).focus()

    def _load(self, draft: VisitDraft) -> None:
        record = dict(draft.get("record") or {})
        self.query_one(RecordEditor).load(record)
        self.query_one(PrescriptionPanel).load(list(record.get("prescriptions") or []))
        vitals = record.get("vitals") or {}
        for key, value in vitals.items():
            if value is not None and self.query(f"#v-{key}"):
                self.query_one(f"#v-{key}", Input).value = f"{value:g}"
        self.query_one("#complaint", Input).value = str(record.get("chief_complaint") or "")
        self.signed = bool(draft.get("sign"))
        if self.signed:
            self._status(
                t("此就诊已签名；再次保存会生成新版本。", "Signed; saving makes a new version.")
            )

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

    # --- dictation and structuring -------------------------------------------------------
    def action_dictate(self) -> None:
        panel = self.query_one(DictationPanel)
        if self.dictating:
            if self._cancel is not None:
                self._cancel.cancel()  # stop: the worker returns what was said so far
            return
        self.dictating = True
        panel.set_recording(True)

        def done(result: JSON) -> None:
            self.dictating = False
            panel.set_recording(False)
            panel.set_text(str(result.get("text", "")))

        def failed(error: ClinicBoxError) -> None:
            self.dictating = False
            panel.set_recording(False)
            self.app.notify(error.message(), severity="warning", timeout=8)
            self.query_one("#audio-file", Input).focus()

        self.run_task(
            t("听写中（F5 停止）", "Dictating (F5 stops)"),
            lambda prog, cancel: self.service.dictate(progress=prog, cancel=cancel),
            done,
            on_progress=panel.show_progress,
            on_error=failed,
            keep_result_on_cancel=True,
        )

    @on(Button.Pressed, "#dictate")
    def dictate_pressed(self) -> None:
        self.action_dictate()

    @on(Input.Submitted, "#audio-file")
    def transcribe_file(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            return
        panel = self.query_one(DictationPanel)
        self.run_task(
            t("转写录音", "Transcribing"),
            lambda prog, cancel: self.service.transcribe(path, progress=prog, cancel=cancel),
            lambda result: panel.set_text(str(result.get("text", ""))),
            on_progress=panel.show_progress,
        )

    def on_unmount(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    @on(Button.Pressed, "#structure")
    def action_structure(self) -> None:
        text = self.query_one(DictationPanel).text()
        if not text:
            self.app.notify(t("请先听写或输入病情描述。", "Dictate or type the history first."))
            return
        visit_type = "followup" if self.visit_id else "initial"
        self.run_task(
            t("生成结构化病历", "Structuring the record"),
            lambda prog, cancel: self.service.structure_record(
                text, visit_type=visit_type, progress=prog, cancel=cancel
            ),
            self._structured,
        )

    def _structured(self, record: JSON) -> None:
        meta = record.get("structuring") or {}
        if meta.get("method") == "rules":
            llm = self.feature("llm")
            why = llm.get("reason") or str(meta.get("llm_error") or "")
            self._status(
                t("病历由规则抽取（未使用大模型", "Structured by rules (no model")
                + (f"：{why}" if why and t("zh", "en") == "zh" else f": {why}" if why else "")
                + t("）。请核对。", "). Please check it.")
            )
        elif meta.get("model"):
            self._status(
                t(
                    f"模型 {meta['model']} 已生成病历，请核对。",
                    f"Drafted by {meta['model']}; please check it.",
                )
            )
        editor = self.query_one(RecordEditor)
        editor.load(record)
        editor.set_field_if_empty("chief_complaint", self.query_one(VitalsPanel).complaint())
        if record.get("prescriptions"):
            self.query_one(PrescriptionPanel).load(list(record["prescriptions"]))
        for key, value in (record.get("vitals") or {}).items():
            if value is not None and self.query(f"#v-{key}"):
                box = self.query_one(f"#v-{key}", Input)
                if not box.value:
                    box.value = f"{value:g}"
        self.action_qc()

    # --- QC, advice, follow-up -----------------------------------------------------------
    def action_qc(self) -> None:
        record = self._record()
        editor = self.query_one(RecordEditor)

        def done(qc: JSON) -> None:
            self.qc_result = qc
            editor.show_qc(qc)
            self._update_plan(record)

        self.run_task(
            t("病历质控", "Record QC"),
            lambda _p, _c: self.service.run_qc(record),
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
        from tui.screens.followup import format_plan

        box.update(format_plan(plan))

    def action_advise(self) -> None:
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
    def _draft(self, sign: bool) -> VisitDraft:
        rx = self.query_one(PrescriptionPanel)
        note = self.query_one("#followup-note", TextArea).text.strip()
        plan = dict(self.plan or {})
        if note:
            plan["note"] = note
        return VisitDraft(
            visit_id=self.visit_id,
            patient_id=str(self.patient.get("patient_id")),
            visit_type="followup" if self.visit_id else "initial",
            record=self._record(),
            triage=self.triage_result,
            qc=self.qc_result,
            med_alerts=list(rx.alerts),
            overrides=rx.overrides(),
            followup_plan=plan or None,
            sign=sign,
        )

    @on(Button.Pressed, "#save-draft")
    def action_save_draft(self) -> None:
        self._save(sign=False)

    @on(Button.Pressed, "#sign")
    def action_sign(self) -> None:
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
        if problems:
            self._status("✖ " + t("不能签名：", "Cannot sign: ") + "；".join(problems))
            return
        self._save(sign=True)

    def _save(self, sign: bool) -> None:
        draft = self._draft(sign)

        def done(summary: Any) -> None:
            self.visit_id = str(summary.get("visit_id") or self.visit_id or "")
            self.signed = sign
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

        self.run_task(
            t("保存", "Saving"),
            lambda _p, _c: self.service.save_visit(draft),
            done,
            on_error=lambda e: self._status("✖ " + e.message()),
        )

    @on(Button.Pressed, "#refer")
    def action_refer(self) -> None:
        if not self.visit_id:
            self._status(t("请先保存本次就诊再转诊。", "Save the visit before referring it."))
            return
        from tui.screens.assistant import advice_for_referral
        from tui.screens.referral import ReferralDialog

        advice = advice_for_referral(getattr(self, "advice_result", None))
        self.app.push_screen(ReferralDialog(self.visit_id, prefill=advice))
