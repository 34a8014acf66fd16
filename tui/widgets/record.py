"""The structured outpatient record, editable, with QC findings shown at their field."""

from __future__ import annotations

import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static, TextArea

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


def _same(a: str, b: str) -> bool:
    """Equal up to spacing and punctuation (a model's 。 or a space is not a different text)."""
    strip = re.compile(r"[\s，,。.;；:：、()（）]+")
    return strip.sub("", a) == strip.sub("", b)


class RecordEditor(VerticalScroll):
    """Fields of the record; :meth:`record` reads them back into the contract shape."""

    can_focus = False  # not a Tab stop of its own: Tab goes field to field

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extra: JSON = {}  # prescriptions/vitals/sources kept from structuring
        self.offers: dict[str, str] = {}  # field → the model's different text, not yet taken
        self.autofilled: dict[str, str] = {}  # field → text structuring put there (not the doctor)

    def compose(self) -> ComposeResult:
        yield Static(t("质控：未运行", "QC: not run yet"), id="qc-score")
        # the model's QC suggestions (shown from its first pass on; see _visit_model_qc)
        model_qc = Static("", id="qc-model", classes="qc-finding")
        model_qc.display = False
        yield model_qc
        for key, zh, en, multi in RECORD_FIELDS:
            yield Label(t(zh, en), classes="field-label")
            if multi:
                yield TextArea(id=f"r-{key}", classes="record-multi")
            else:
                yield Input(id=f"r-{key}")
            with Horizontal(id=f"offer-{key}", classes="offer"):
                yield Static("", id=f"offer-text-{key}", classes="offer-text")
                yield Button(t("采纳", "Accept"), id=f"accept-{key}", classes="offer-accept")
                yield Button(t("保留我的", "Keep mine"), id=f"reject-{key}", classes="offer-reject")
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

    # --- model output never overwrites the doctor ----------------------------------------
    def merge(self, record: JSON, *, offer: bool = True) -> list[str]:
        """Fill the empty fields from ``record`` (and those an earlier pass filled that nobody
        edited since); where a field holds different text of the doctor's, offer the new text
        beside it instead (``offer=False``: leave such fields alone, say nothing). Returns the
        offered fields."""
        self.extra.update(
            {k: v for k, v in record.items() if k not in {f[0] for f in RECORD_FIELDS}}
        )
        offered: list[str] = []
        for key, _zh, _en, _multi in RECORD_FIELDS:
            value = record.get(key)
            new = diagnoses_to_text(value or []) if key == "diagnoses" else str(value or "")
            if not new.strip():
                continue
            mine = self._get(key).strip()
            if not mine or mine == self.autofilled.get(key):  # empty, or untouched since filled
                self._set(key, new)
                self.autofilled[key] = new.strip()
            elif _same(mine, new) or not offer:
                continue
            else:
                self.offer(key, new)
                offered.append(key)
        return offered

    def offer(self, key: str, text: str) -> None:
        self.offers[key] = text
        label = t("模型建议：", "Model suggests: ")
        self.query_one(f"#offer-text-{key}", Static).update(label + text)
        self.query_one(f"#offer-{key}").add_class("-shown")

    def accept_offer(self, key: str) -> None:
        text = self.offers.pop(key, None)
        if text is not None:
            self._set(key, text)
        self._hide_offer(key)

    def reject_offer(self, key: str) -> None:
        self.offers.pop(key, None)
        self._hide_offer(key)

    def _hide_offer(self, key: str) -> None:
        self.query_one(f"#offer-{key}").remove_class("-shown")
        widget = self.query_one(f"#r-{key}")
        widget.focus()

    @on(Button.Pressed, ".offer-accept")
    def _accept_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.accept_offer(str(event.button.id).removeprefix("accept-"))

    @on(Button.Pressed, ".offer-reject")
    def _reject_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.reject_offer(str(event.button.id).removeprefix("reject-"))

    # --- the workspace as typed (autosave) -----------------------------------------------
    def raw_fields(self) -> dict[str, str]:
        return {key: self._get(key) for key, *_ in RECORD_FIELDS}

    def set_raw_fields(self, fields: dict[str, str], extra: JSON) -> None:
        self.extra = dict(extra)
        for key, *_ in RECORD_FIELDS:
            if key in fields:
                self._set(key, str(fields[key] or ""))

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
