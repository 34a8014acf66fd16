"""Patient list and search, registration, and one patient's visit history."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import Patient
from tui._base import ClinicScreen, unavailable_panel

SEX_LABELS = {"M": ("男", "M"), "F": ("女", "F"), "U": ("未知", "?")}


def sex_label(sex: str | None) -> str:
    zh, en = SEX_LABELS.get(str(sex or "U"), ("未知", "?"))
    return t(zh, en)


def mask_id(value: str | None) -> str:
    """Show ID numbers and phones with the middle hidden (shoulder-surfing)."""
    v = str(value or "")
    if len(v) <= 7:
        return v
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


class PatientListScreen(ClinicScreen):
    AUTO_FOCUS = "#search"
    HELP_KEY = "patients"
    BINDINGS = [
        Binding("ctrl+n", "register", "登记新患者|New patient"),
        Binding("ctrl+f", "focus_search", "搜索|Search"),
    ]

    def body(self) -> ComposeResult:
        status = self.feature("patients")
        with Vertical(id="patients"):
            yield Static(t("患者", "Patients"), classes="title")
            if not status["available"]:
                yield unavailable_panel(status, t("患者管理", "Patients"))
                return
            yield Input(
                placeholder=t(
                    "搜索：姓名、拼音首字母（如 zs）、编号、身份证号、电话",
                    "Search: name, pinyin initials (e.g. zs), ID, ID card, phone",
                ),
                id="search",
            )
            table: DataTable[str] = DataTable(id="patient-table", cursor_type="row")
            table.add_columns(
                t("编号", "ID"),
                t("姓名", "Name"),
                t("性别", "Sex"),
                t("年龄", "Age"),
                t("电话", "Phone"),
                t("拼音", "Pinyin"),
            )
            yield table
            yield Static(
                t(
                    "↑↓ 选择，回车打开；Ctrl+N 登记新患者",
                    "↑↓ select, Enter opens; Ctrl+N registers a new patient",
                ),
                classes="muted",
            )

    def on_mount(self) -> None:
        if self.query("#search"):
            self.query_one("#search", Input).focus()
            self.search("")

    def on_screen_resume(self) -> None:
        if self.query("#search"):
            self.search(self.query_one("#search", Input).value)

    _debounce: Any = None

    @on(Input.Changed, "#search")
    def changed(self, event: Input.Changed) -> None:
        # Search when the user pauses typing (one look-up and one audit row, not one per key).
        if self._debounce is not None:
            self._debounce.stop()
        query = event.value
        self._debounce = self.set_timer(0.15, lambda: self.search(query))

    @on(Input.Submitted, "#search")
    def submitted(self, event: Input.Submitted) -> None:
        """One Enter: search now (not after the typing pause) and open the patient when only
        one matches, else go to the list of matches."""
        if self._debounce is not None:
            self._debounce.stop()
        self.search(event.value, go=True)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, query: str, go: bool = False) -> None:
        try:
            rows = self.service.search_patients(query, limit=100)
        except ClinicBoxError as exc:
            self.app.call_from_thread(self.app.notify, exc.message(), severity="error")
            return
        self.app.call_from_thread(self._show, rows, go)

    def _show(self, rows: list[Patient], go: bool = False) -> None:
        table = self.query_one("#patient-table", DataTable)
        table.clear()
        for p in rows:
            table.add_row(
                str(p.get("patient_id", "")),
                str(p.get("name", "")),
                sex_label(p.get("sex")),
                str(p.get("age", "")),
                mask_id(p.get("phone")),
                str(p.get("pinyin", "")),
                key=str(p.get("patient_id", "")),
            )
        if go and len(rows) == 1:
            self.app.push_screen(PatientScreen(str(rows[0].get("patient_id", ""))))
        elif go and rows:
            table.focus()

    @on(DataTable.RowSelected, "#patient-table")
    def open_patient(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(PatientScreen(event.row_key.value))

    def action_register(self) -> None:
        self.app.push_screen(RegisterScreen())

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()


class RegisterScreen(ClinicScreen):
    AUTO_FOCUS = "#reg-name"
    HELP_KEY = "register"
    KEEPS_INPUT = True
    BINDINGS = [Binding("ctrl+s", "save", "保存|Save")]

    FIELDS = (
        ("name", "姓名 *", "Name *"),
        ("birth_date", "出生日期 (YYYY-MM-DD)", "Birth date (YYYY-MM-DD)"),
        ("id_number", "身份证号", "ID card number"),
        ("phone", "电话", "Phone"),
        ("address", "住址", "Address"),
    )

    def body(self) -> ComposeResult:
        with VerticalScroll(id="register", classes="card"):
            yield Static(t("登记新患者", "Register a patient"), classes="title")
            for key, zh, en in self.FIELDS:
                yield Label(t(zh, en))
                yield Input(id=f"reg-{key}")
            yield Label(t("性别", "Sex"))
            yield Select(
                [(t("男", "Male"), "M"), (t("女", "Female"), "F"), (t("未知", "Unknown"), "U")],
                value="U",
                allow_blank=False,
                id="reg-sex",
            )
            yield Button(t("保存 (Ctrl+S)", "Save (Ctrl+S)"), id="reg-save", variant="primary")
            yield Static("", id="reg-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#reg-name", Input).focus()

    def has_unsaved_input(self) -> bool:
        return any(self.query_one(f"#reg-{key}", Input).value.strip() for key, _, _ in self.FIELDS)

    @on(Button.Pressed, "#reg-save")
    def action_save(self) -> None:
        data: dict[str, Any] = {
            key: self.query_one(f"#reg-{key}", Input).value.strip() for key, _, _ in self.FIELDS
        }
        data["sex"] = self.query_one("#reg-sex", Select).value
        data = {k: v for k, v in data.items() if v}
        try:
            pid = self.service.add_patient(data)  # type: ignore[arg-type]
        except ClinicBoxError as exc:
            self.query_one("#reg-error", Static).update("✖ " + exc.message())
            return
        self.app.notify(t(f"已登记，编号 {pid}", f"Registered, ID {pid}"))
        self.app.switch_screen(PatientScreen(pid))


class PatientScreen(ClinicScreen):
    """One patient: details and history of visits; start a new visit from here."""

    HELP_KEY = "patient"
    BINDINGS = [Binding("ctrl+v", "new_visit", "新就诊|New visit")]

    def __init__(self, patient_id: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient: Patient | None = None

    def body(self) -> ComposeResult:
        try:
            self.patient = self.service.get_patient(self.patient_id)
        except ClinicBoxError as exc:
            yield Static("✖ " + exc.message(), classes="error")
            return
        p = self.patient
        with Vertical(id="patient"):
            yield Static(
                f"{p.get('name', '')}  {sex_label(p.get('sex'))}  "
                f"{p.get('age', '?')}{t('岁', ' y')}  "
                f"{t('编号', 'ID')} {p.get('patient_id', '')}",
                classes="title",
            )
            yield Static(
                f"{t('电话', 'Phone')} {mask_id(p.get('phone'))}   "
                f"{t('身份证', 'ID card')} {mask_id(p.get('id_number'))}",
                classes="muted",
            )
            with Horizontal(classes="actions"):
                yield Button(t("新就诊 (Ctrl+V)", "New visit (Ctrl+V)"), id="new-visit")
            yield Label(t("就诊记录", "Visits"))
            table: DataTable[str] = DataTable(id="visit-table", cursor_type="row")
            table.add_columns(
                t("日期", "Date"),
                t("主诉", "Complaint"),
                t("诊断", "Diagnosis"),
                t("状态", "Status"),
            )
            yield table

    def on_mount(self) -> None:
        self._load_visits()

    def on_screen_resume(self) -> None:
        self._load_visits()

    def _load_visits(self) -> None:
        if not self.query("#visit-table"):
            return
        table = self.query_one("#visit-table", DataTable)
        table.clear()
        try:
            visits = self.service.patient_visits(self.patient_id)
        except ClinicBoxError as exc:
            table.add_row("", exc.message(), "", "")
            return
        for v in visits:
            signed = v.get("signed_at")
            table.add_row(
                str(v.get("started_at", ""))[:16],
                str(v.get("chief_complaint", ""))[:30],
                "、".join(v.get("diagnoses") or [])[:30],
                t("已签名", "signed") if signed else t("草稿", "draft"),
                key=str(v.get("visit_id", "")),
            )

    @on(Button.Pressed, "#new-visit")
    def action_new_visit(self) -> None:
        if self.patient is None:
            return
        from tui.screens.visit import VisitScreen

        self.app.push_screen(VisitScreen(self.patient))

    @on(DataTable.RowSelected, "#visit-table")
    def open_visit(self, event: DataTable.RowSelected) -> None:
        if self.patient is None or not event.row_key.value:
            return
        from tui.screens.visit import VisitScreen

        self.app.push_screen(VisitScreen(self.patient, visit_id=event.row_key.value))
