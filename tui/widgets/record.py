"""The structured outpatient record, editable, with QC findings shown at their field."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from appliance.i18n import t
from appliance.services.interface import JSON

#: (field, zh, en, multiline) in the order of a 门诊病历.
RECORD_FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    ("chief_complaint", "主诉", "Chief complaint", False),
    ("present_illness", "现病史", "History of present illness", True),
    ("past_history", "既往史", "Past history", False),
    ("allergy_history", "过敏史", "Allergies", False),
    ("personal_history", "个人史", "Personal history", False),
    ("physical_exam", "体格检查", "Physical exam", True),
    ("auxiliary_exams", "辅助检查", "Investigations", False),
    ("diagnoses", "初步诊断", "Diagnoses", False),
    ("treatment_plan", "处理意见", "Plan", True),
)

_DIAG_SPLIT = re.compile(r"[;；、\n]+")
_ICD = re.compile(r"^(.*?)[\s(（]*([A-Z]\d{2}(?:\.\d{1,4})?)[)）]?\s*$")


def diagnoses_to_text(diagnoses: list[Any]) -> str:
    parts = []
    for d in diagnoses or []:
        if isinstance(d, dict):
            name, code = d.get("name", ""), d.get("icd10")
            parts.append(f"{name} ({code})" if code else str(name))
        else:
            parts.append(str(d))
    return "；".join(parts)


def text_to_diagnoses(text: str) -> list[JSON]:
    out: list[JSON] = []
    for part in _DIAG_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        m = _ICD.match(part)
        if m and m.group(1).strip():
            out.append({"name": m.group(1).strip(), "icd10": m.group(2)})
        else:
            out.append({"name": part, "icd10": None})
    return out


class RecordEditor(VerticalScroll):
    """Fields of the record; :meth:`record` reads them back into the contract shape."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extra: JSON = {}  # prescriptions/vitals/sources kept from structuring

    def compose(self) -> ComposeResult:
        yield Static(t("质控：未运行", "QC: not run yet"), id="qc-score")
        for key, zh, en, multi in RECORD_FIELDS:
            yield Label(t(zh, en), classes="field-label")
            if multi:
                yield TextArea(id=f"r-{key}", classes="record-multi")
            else:
                yield Input(id=f"r-{key}")
            yield Static("", id=f"qc-{key}", classes="qc-finding")
        yield Static("", id="qc-other", classes="qc-finding")

    def _get(self, key: str) -> str:
        widget = self.query_one(f"#r-{key}")
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value

    def _set(self, key: str, value: str) -> None:
        widget = self.query_one(f"#r-{key}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            assert isinstance(widget, Input)
            widget.value = value

    def record(self) -> JSON:
        rec: JSON = {k: v for k, v in self.extra.items() if k not in ("diagnoses",)}
        for key, _zh, _en, _multi in RECORD_FIELDS:
            text = self._get(key).strip()
            rec[key] = text_to_diagnoses(text) if key == "diagnoses" else text
        return rec

    def load(self, record: JSON) -> None:
        self.extra = {
            k: v
            for k, v in record.items()
            if k not in {f[0] for f in RECORD_FIELDS} or k == "diagnoses"
        }
        for key, _zh, _en, _multi in RECORD_FIELDS:
            value = record.get(key)
            if key == "diagnoses":
                self._set(key, diagnoses_to_text(value or []))
            else:
                self._set(key, str(value or ""))

    def set_field_if_empty(self, key: str, value: str) -> None:
        if not self._get(key).strip():
            self._set(key, value)

    def show_qc(self, qc: JSON | None, error: str = "") -> None:
        score = self.query_one("#qc-score", Static)
        for key, *_ in RECORD_FIELDS:
            self.query_one(f"#qc-{key}", Static).update("")
        other = self.query_one("#qc-other", Static)
        other.update("")
        if qc is None:
            score.update("⚠ " + error)
            return
        passed = bool(qc.get("passed"))
        score.set_class(passed, "qc-pass")
        score.set_class(not passed, "qc-fail")
        findings = qc.get("findings", [])
        score.update(
            t(
                f"质控得分 {qc.get('score', '?')} · {'合格' if passed else '不合格'} · "
                f"{len(findings)} 条提示",
                f"QC score {qc.get('score', '?')} · {'pass' if passed else 'fail'} · "
                f"{len(findings)} finding(s)",
            )
        )
        by_field: dict[str, list[str]] = {}
        icons = {"error": "✖", "warning": "⚠", "info": "ℹ"}
        for f in findings:
            field = str(f.get("field") or "")
            field = field.split(".")[0].split("[")[0]
            line = f"{icons.get(str(f.get('severity')), '•')} {f.get('message', '')} [{f.get('rule', '')}]"
            by_field.setdefault(field, []).append(line)
        known = {k for k, *_ in RECORD_FIELDS}
        targets: dict[str, list[str]] = {}
        for field, lines in by_field.items():
            targets.setdefault(f"#qc-{field}" if field in known else "#qc-other", []).extend(lines)
        for target, lines in targets.items():
            self.query_one(target, Static).update("\n".join(lines))
