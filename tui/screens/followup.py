"""Follow-up worklist: due / overdue / uncontrolled patients with the rule that put them there."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Select, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON
from tui._base import ClinicScreen, unavailable_panel

STATUS = {
    "overdue": ("逾期", "overdue"),
    "due": ("到期", "due"),
    "uncontrolled": ("未达标", "uncontrolled"),
    "refer": ("需转诊", "refer"),
}


def format_plan(plan: JSON) -> str:
    """A follow-up plan as lines a doctor reads at a glance."""
    if not plan:
        return t("无随访计划（非慢病就诊）。", "No follow-up plan (not a chronic-disease visit).")
    lines = []
    shown_due = False
    for key, zh, en in (
        ("condition_name", "病种", "Condition"),
        ("status", "状态", "Status"),
        ("target", "控制目标", "Target"),
        ("next_due", "下次随访", "Next visit"),
        ("due_date", "下次随访", "Next visit"),
        ("interval_days", "间隔(天)", "Interval (days)"),
        ("controlled", "是否达标", "Controlled"),
        ("refer", "转诊", "Refer"),
        ("urgent", "紧急", "Urgent"),
    ):
        if key in plan and plan[key] not in (None, ""):
            if key in ("next_due", "due_date"):
                if shown_due:
                    continue
                shown_due = True
            value = plan[key]
            if isinstance(value, bool):
                value = t("是", "yes") if value else t("否", "no")
            elif key == "status":
                zh_s, en_s = STATUS.get(str(value), (str(value), str(value)))
                value = t(zh_s, en_s)
            lines.append(f"{t(zh, en)}: {value}")
    for key in ("reasons", "actions", "items"):
        for item in plan.get(key) or []:
            text = item.get("text") or item.get("message") if isinstance(item, dict) else item
            source = item.get("source", "") if isinstance(item, dict) else ""
            lines.append(f"• {text}" + (f" [{source}]" if source else ""))
    for plan_item in plan.get("plans") or []:
        lines.append(format_plan(plan_item))
    return "\n".join(lines) or str(plan)


#: Readable names of the follow-up rules (by the rule id's ending; the id stays in the JSON).
RULE_NAMES: dict[str, tuple[str, str]] = {
    "ENROL-NO-PLAN": ("已确诊尚无随访计划：纳入管理", "Diagnosed, no plan yet: enrol"),
    "URGENT-BP": ("血压危急：紧急转诊", "Critical blood pressure: refer now"),
    "URGENT-GLUCOSE": ("血糖危急：紧急转诊", "Critical glucose: refer now"),
    "URGENT-HR": ("心率异常：紧急转诊", "Abnormal heart rate: refer now"),
    "URGENT-FEVER": ("发热等急症：紧急转诊", "Fever or acute illness: refer now"),
    "URGENT-SYMPTOM": ("危急症状：紧急转诊", "Danger symptoms: refer now"),
    "URGENT-PREGNANCY": ("妊娠期血压升高：转诊", "High blood pressure in pregnancy: refer"),
    "NO-MEASUREMENT": ("上次未测量：本次复测", "Not measured last time: measure now"),
    "CONTROLLED": ("控制满意：按期随访", "Controlled: routine follow-up"),
    "REFER-TWO-UNCONTROLLED": ("连续两次控制不满意：转诊", "Uncontrolled twice: refer"),
    "UNCONTROLLED-RECHECK": ("控制不满意：2周内复查", "Uncontrolled: recheck within 2 weeks"),
}


def rule_name(rule_id: str, text: str = "") -> str:
    """What a nurse reads: the rule's words, not ``FU-ENROL-NO-PLAN``."""
    if text:
        return text
    for ending, (zh, en) in sorted(RULE_NAMES.items(), key=lambda kv: -len(kv[0])):
        if rule_id.endswith(ending):
            return t(zh, en)
    return rule_id


def _row_values(item: JSON) -> tuple[str, ...]:
    raw_patient = item.get("patient")
    patient: JSON = raw_patient if isinstance(raw_patient, dict) else {}
    status = str(item.get("status") or item.get("state") or "due")
    zh, en = STATUS.get(status, (status, status))
    rule_obj = item.get("rule")
    rule = rule_name(str(rule_obj or ""), str(item.get("rule_text") or ""))
    if isinstance(rule_obj, dict):
        rule = rule_obj.get("text") or rule_obj.get("id") or ""
    source = item.get("source") or (
        rule_obj.get("source", "") if isinstance(rule_obj, dict) else ""
    )
    return (
        str(item.get("name") or patient.get("name") or item.get("patient_id", "")),
        str(item.get("phone") or patient.get("phone") or ""),
        str(item.get("condition_name") or item.get("condition", "")),
        t(zh, en),
        str(item.get("due_date") or item.get("due") or ""),
        f"{rule}" + (f" [{source}]" if source else ""),
    )


class FollowupScreen(ClinicScreen):
    """Enter on a row opens the patient, to start the follow-up visit."""

    HELP_KEY = "followup"
    BINDINGS = [Binding("f5", "reload", "刷新|Reload")]

    def body(self) -> ComposeResult:
        status = self.feature("followup")
        with Vertical(id="followup"):
            yield Static(t("慢病随访工作表", "Follow-up worklist"), classes="title")
            if not status["available"]:
                yield unavailable_panel(status, t("慢病随访", "Follow-up"))
                return
            yield Select(
                [(t("全部", "All"), "all")] + [(t(zh, en), k) for k, (zh, en) in STATUS.items()],
                value="all",
                allow_blank=False,
                id="followup-filter",
            )
            table: DataTable[str] = DataTable(id="followup-table", cursor_type="row")
            table.add_columns(
                t("患者", "Patient"),
                t("电话", "Phone"),
                t("病种", "Condition"),
                t("状态", "Status"),
                t("应随访", "Due"),
                t("依据", "Rule"),
            )
            yield table
            yield Static("", id="followup-count", classes="muted")

    def on_mount(self) -> None:
        if self.query("#followup-table"):
            self.action_reload()

    @on(Select.Changed, "#followup-filter")
    def action_reload(self, _event: Any = None) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="followup", exit_on_error=False)
    def load(self) -> None:
        try:
            items, error = self.service.followup_due(), ""
        except ClinicBoxError as exc:
            items, error = [], exc.message()
        self.app.call_from_thread(self._show, items, error)

    @on(DataTable.RowSelected, "#followup-table")
    def open_patient(self, event: DataTable.RowSelected) -> None:
        patient_id = str(event.row_key.value or "").split("#")[0]
        if patient_id:
            from tui.screens.patients import PatientScreen

            self.app.push_screen(PatientScreen(patient_id))

    def _show(self, items: list[JSON], error: str) -> None:
        table = self.query_one("#followup-table", DataTable)
        table.clear()
        wanted = self.query_one("#followup-filter", Select).value
        shown = [i for i in items if wanted == "all" or str(i.get("status") or "due") == wanted]
        for i, item in enumerate(shown):
            table.add_row(*_row_values(item), key=f"{item.get('patient_id', '')}#{i}")
        count = self.query_one("#followup-count", Static)
        count.update(
            "⚠ " + error if error else t(f"共 {len(shown)} 人", f"{len(shown)} patient(s)")
        )
