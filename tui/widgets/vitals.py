"""Vitals entry with instant triage (rules, in a worker) and the reasons behind the level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON


@dataclass(frozen=True)
class VitalField:
    key: str
    zh: str
    en: str
    low: float
    high: float


VITALS: tuple[VitalField, ...] = (
    VitalField("sbp", "收缩压 mmHg", "SBP mmHg", 40, 300),
    VitalField("dbp", "舒张压 mmHg", "DBP mmHg", 20, 200),
    VitalField("hr", "心率 次/分", "HR /min", 20, 250),
    VitalField("rr", "呼吸 次/分", "RR /min", 4, 80),
    VitalField("temp", "体温 ℃", "Temp ℃", 30, 45),
    VitalField("spo2", "血氧 %", "SpO2 %", 30, 100),
    VitalField("glucose", "血糖 mmol/L", "Glucose mmol/L", 0.5, 50),
    VitalField("pain", "疼痛 0-10", "Pain 0-10", 0, 10),
    VitalField("gcs", "GCS 3-15", "GCS 3-15", 3, 15),
)

LEVELS = {
    1: ("1级 濒危", "Level 1 resuscitation"),
    2: ("2级 危重", "Level 2 emergent"),
    3: ("3级 急症", "Level 3 urgent"),
    4: ("4级 非急症", "Level 4 non-urgent"),
}


def parse_vitals(raw: dict[str, str]) -> tuple[dict[str, float], list[str]]:
    """Validate typed vitals: numbers in a plausible range. Returns (values, errors)."""
    values: dict[str, float] = {}
    errors: list[str] = []
    for f in VITALS:
        text = raw.get(f.key, "").strip().replace("，", ".").replace(",", ".")
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            errors.append(t(f"{f.zh}：“{text}”不是数字", f"{f.en}: “{text}” is not a number"))
            continue
        if not f.low <= value <= f.high:
            errors.append(
                t(
                    f"{f.zh}：{text} 超出合理范围 {f.low:g}–{f.high:g}",
                    f"{f.en}: {text} is outside {f.low:g}–{f.high:g}",
                )
            )
            continue
        values[f.key] = value
    if "sbp" in values and "dbp" in values and values["dbp"] >= values["sbp"]:
        errors.append(t("舒张压应低于收缩压", "DBP must be below SBP"))
    return values, errors


class VitalsPanel(Vertical):
    """Complaint + vitals; triage runs on every valid change and posts :class:`Triaged`."""

    class Triaged(Message):
        def __init__(self, result: JSON | None) -> None:
            super().__init__()
            self.result = result

    def __init__(self, patient: JSON, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.patient = patient
        self.result: JSON | None = None
        self.values: dict[str, float] = {}

    def compose(self) -> ComposeResult:
        yield Static(t("生命体征与分诊", "Vitals and triage"), classes="section")
        yield Label(t("主诉/来诊原因", "Complaint"))
        yield Input(id="complaint", placeholder=t("如：胸痛2小时", "e.g. chest pain 2 hours"))
        with Grid(id="vitals-grid"):
            for f in VITALS:
                yield Input(id=f"v-{f.key}", placeholder=t(f.zh, f.en), classes="vital")
        yield Static("", id="vitals-error", classes="error")
        yield Static(t("分诊：请输入主诉和体征", "Triage: enter complaint and vitals"), id="triage")
        yield Static("", id="triage-reasons")
        findings = Static("", id="triage-findings")
        findings.display = False
        yield findings

    def raw(self) -> dict[str, str]:
        return {f.key: self.query_one(f"#v-{f.key}", Input).value for f in VITALS}

    def complaint(self) -> str:
        return self.query_one("#complaint", Input).value.strip()

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        event.stop()
        values, errors = parse_vitals(self.raw())
        self.query_one("#vitals-error", Static).update("\n".join("✖ " + e for e in errors))
        for f in VITALS:
            box = self.query_one(f"#v-{f.key}", Input)
            box.set_class(any(e.startswith((f.zh, f.en)) for e in errors), "-invalid")
        self.values = values
        if errors or not (self.complaint() or values):
            return
        request: JSON = {"complaint": self.complaint() or "-", "vitals": values}
        if self.patient.get("age") is not None:
            request["age"] = self.patient["age"]
        if self.patient.get("sex") in ("M", "F"):
            request["sex"] = self.patient["sex"]
        self.run_triage(request)

    @work(thread=True, exclusive=True, group="triage", exit_on_error=False)
    def run_triage(self, request: JSON) -> None:
        try:
            result: JSON | None = self.app.service.triage(request, use_llm=False)  # type: ignore[attr-defined]
            error = ""
        except ClinicBoxError as exc:
            result, error = None, exc.message()
        self.app.call_from_thread(self.show, result, error)

    def show(self, result: JSON | None, error: str = "") -> None:
        self.result = result
        box = self.query_one("#triage", Static)
        reasons = self.query_one("#triage-reasons", Static)
        findings = self.query_one("#triage-findings", Static)
        if result is None:
            box.update("⚠ " + error)
            reasons.update("")
            findings.update("")
            findings.display = False
            return
        level = int(result.get("level", 4))
        zh, en = LEVELS.get(level, (str(level), str(level)))
        for n in LEVELS:
            box.set_class(n == level, f"level-{n}")
        refer = t("  建议转诊", "  refer") if result.get("refer") else ""
        box.update(f"{t(zh, en)} · {result.get('department', '')}{refer}")
        reasons.update(
            "\n".join(
                f"• {r.get('text', '')} [{r.get('source', r.get('rule', ''))}]"
                for r in result.get("reasons", [])
            )
        )
        lines = findings_lines(result)
        findings.update("\n".join(lines))
        findings.display = bool(lines)
        self.post_message(self.Triaged(result))


_SOURCE = {"rule": ("规则", "rule"), "semantic": ("语义", "semantic"), "model": ("模型", "model")}


def findings_lines(result: JSON) -> list[str]:
    """What triage read from the complaint: each finding with its source and span, each vital
    taken from the text (a typed field is not repeated), and the model's unconfirmed hints."""
    lines: list[str] = []
    for f in result.get("findings", []):
        zh, en = _SOURCE.get(str(f.get("source")), ("?", "?"))
        label = t(zh, en)
        if f.get("similarity") is not None:
            label += f" {float(f['similarity']):.2f}"
        span = f.get("span") or [0, 0]
        where = (
            t(f"第{span[0] + 1}–{span[1]}字", f"chars {span[0] + 1}–{span[1]}") if span[1] else ""
        )
        text = str(f.get("text", ""))
        lines.append(f"◦ “{text}” → {f.get('id')} [{label}{', ' + where if where else ''}]")
    for key, used in result.get("vitals_used", {}).items():
        if used.get("from") in ("text", "model"):
            origin = t("原文", "text") if used["from"] == "text" else t("模型", "model")
            quoted = f"“{used['text']}”" if used.get("text") else ""
            lines.append(f"◦ {key} = {used.get('value')} ← {origin}{quoted}")
        elif "conflict" in used:
            c = used["conflict"]
            lines.append(
                t(
                    f"◦ {key}：录入 {used.get('value')}，原文写 {c.get('text_value')}（以录入为准）",
                    f"◦ {key}: typed {used.get('value')}, text says {c.get('text_value')} (typed used)",
                )
            )
    for hint in result.get("triage", {}).get("model_suggestions", []):
        quote = f"“{hint['quote']}” " if hint.get("quote") else ""
        lines.append(
            t(
                f"◦ 模型提示（未计入级别）：{quote}→ {hint.get('id')}（{hint.get('text', '')}）",
                f"◦ model hint (not counted): {quote}→ {hint.get('id')} ({hint.get('text', '')})",
            )
        )
    return lines
