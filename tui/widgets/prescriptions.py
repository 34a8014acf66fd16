"""Prescription entry with medication alerts; serious alerts need an explicit override reason."""

from __future__ import annotations

import re
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, Static

from appliance.clinical.vocabulary import parse_allergies
from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON

#: Severities whose alerts block signing until the doctor gives a reason.
NEEDS_REASON = ("contraindicated", "major", "moderate")
SEVERITY = {
    "contraindicated": ("禁忌", "contraindicated"),
    "major": ("严重", "major"),
    "moderate": ("中度", "moderate"),
    "minor": ("轻微", "minor"),
}
_LINE = re.compile(
    r"^\s*(?P<drug>[^\d]+?)\s*(?P<dose>\d+(?:\.\d+)?)?\s*(?:mg)?\s*"
    r"(?:[x×*]\s*(?P<freq>\d+(?:\.\d+)?))?\s*(?P<route>po|iv|im|sc)?\s*$",
    re.I,
)


def parse_rx_line(text: str) -> JSON | None:
    """``阿莫西林 500 x3 po`` → ``{"drug", "dose_mg", "frequency_per_day", "route"}``."""
    m = _LINE.match(text)
    if not m or not m.group("drug").strip():
        return None
    rx: JSON = {"drug": m.group("drug").strip()}
    if m.group("dose"):
        rx["dose_mg"] = float(m.group("dose"))
    if m.group("freq"):
        rx["frequency_per_day"] = float(m.group("freq"))
    rx["route"] = (m.group("route") or "po").lower()
    return rx


def alert_key(alert: JSON) -> str:
    return f"{alert.get('type')}:{'+'.join(alert.get('drugs') or [])}"


def allergies_from_text(text: str) -> list[str]:
    """The allergens of a 过敏史 (the box's one vocabulary: 否认/无/NKDA = none)."""
    return parse_allergies(text)


class PrescriptionPanel(Vertical):
    class Checked(Message):
        pass

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[JSON] = []
        self.alerts: list[JSON] = []
        self.reasons: dict[str, str] = {}
        self.patient_context: JSON = {}

    def compose(self) -> ComposeResult:
        yield Label(
            t(
                "处方：药名 剂量(mg) x每日次数 途径，如“阿莫西林 500 x3 po”，回车添加",
                "Prescription: drug dose(mg) xtimes/day route, e.g. “amoxicillin 500 x3 po”, Enter",
            )
        )
        with Horizontal(classes="row"):
            yield Input(id="rx-line")
            yield Button(t("删除末项", "Remove last"), id="rx-remove")
        table: DataTable[str] = DataTable(id="rx-table", cursor_type="row")
        table.add_columns(
            t("药品", "Drug"), t("剂量mg", "Dose mg"), t("次/日", "/day"), t("途径", "Route")
        )
        yield table
        yield Static("", id="rx-status")
        yield VerticalScroll(id="alerts")

    def load(self, items: list[JSON]) -> None:
        self.items = [dict(i) for i in items]
        self._refresh_table()
        self.check()

    @on(Input.Submitted, "#rx-line")
    def add_line(self, event: Input.Submitted) -> None:
        rx = parse_rx_line(event.value)
        if rx is None:
            self.app.notify(t("无法识别这一行处方。", "Cannot read this prescription line."))
            return
        self.items.append(rx)
        event.input.value = ""
        self._refresh_table()
        self.check()

    @on(Button.Pressed, "#rx-remove")
    def remove_last(self) -> None:
        if self.items:
            self.items.pop()
            self._refresh_table()
            self.check()

    def _refresh_table(self) -> None:
        table = self.query_one("#rx-table", DataTable)
        table.clear()
        for rx in self.items:
            table.add_row(
                str(rx.get("drug", "")),
                f"{rx.get('dose_mg', '') or ''}",
                f"{rx.get('frequency_per_day', '') or ''}",
                str(rx.get("route", "")),
            )

    def check(self) -> None:
        if not self.items:
            self.alerts = []
            self._render_alerts("")
            return
        request = {
            "patient": self.patient_context,
            "prescriptions": [
                {
                    k: v
                    for k, v in rx.items()
                    if k in ("drug", "dose_mg", "frequency_per_day", "route")
                }
                for rx in self.items
            ],
        }
        self._run_check(request)

    @work(thread=True, exclusive=True, group="meds", exit_on_error=False)
    def _run_check(self, request: JSON) -> None:
        try:
            result = self.app.service.check_meds(request)  # type: ignore[attr-defined]
            alerts, error = list(result.get("alerts", [])), ""
        except ClinicBoxError as exc:
            alerts, error = [], exc.message()
        self.app.call_from_thread(self._show, alerts, error)

    def _show(self, alerts: list[JSON], error: str) -> None:
        self.alerts = alerts
        self._render_alerts(error)
        self.post_message(self.Checked())

    def _render_alerts(self, error: str) -> None:
        box = self.query_one("#alerts", VerticalScroll)
        box.remove_children()
        status = self.query_one("#rx-status", Static)
        if error:
            status.update("⚠ " + error)
            return
        if not self.alerts:
            status.update(t("✔ 无用药警示", "✔ No medication alerts") if self.items else "")
            return
        status.update(t(f"⚠ {len(self.alerts)} 条用药警示", f"⚠ {len(self.alerts)} alert(s)"))
        for i, alert in enumerate(self.alerts):
            sev = str(alert.get("severity", ""))
            zh, en = SEVERITY.get(sev, (sev, sev))
            widgets: list[Any] = [
                Static(
                    f"[{t(zh, en)}] {alert.get('message', '')}\n  {t('来源', 'Source')}: {alert.get('source', '')}",
                    classes=f"alert alert-{sev}",
                )
            ]
            if sev in NEEDS_REASON:
                widgets.append(
                    Input(
                        value=self.reasons.get(alert_key(alert), ""),
                        placeholder=t("忽略此警示的理由（必填）", "Reason to override (required)"),
                        id=f"override-{i}",
                        classes="override",
                    )
                )
            box.mount_all(widgets)

    @on(Input.Changed, ".override")
    def reason_changed(self, event: Input.Changed) -> None:
        event.stop()
        assert event.input.id is not None
        index = int(event.input.id.removeprefix("override-"))
        if index < len(self.alerts):
            self.reasons[alert_key(self.alerts[index])] = event.value.strip()

    def missing_reasons(self) -> list[JSON]:
        return [
            a
            for a in self.alerts
            if a.get("severity") in NEEDS_REASON and not self.reasons.get(alert_key(a))
        ]

    def overrides(self) -> list[JSON]:
        return [
            {"alert": a, "reason": self.reasons[alert_key(a)]}
            for a in self.alerts
            if self.reasons.get(alert_key(a))
        ]
