"""Amending a signed record from the visit workspace (修订病历须写明理由).

Signed records never change: a correction is a new version with its reason, author and time.
On a signed visit Ctrl+R (or the 修订 button, or F10) opens :class:`AmendDialog` for the
reason; :class:`AmendMixin` then sends what is on screen through ``ClinicService.amend_visit``
— the use case behind ``clinicbox visit amend`` and ``POST /api/v1/visits/{id}/amend`` — and
shows the version and status the box stored, with the box's own alerts and follow-up plan.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from tui.widgets.prescriptions import PrescriptionPanel


class AmendDialog(ModalScreen[str | None]):
    """Returns the reason (non-empty, stripped), or None when the doctor cancels (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "")]

    def __init__(self, version: int | None = None) -> None:
        super().__init__()
        self.version = version

    def compose(self) -> ComposeResult:
        which = f" v{self.version}" if self.version else ""
        with Vertical(classes="dialog"):
            yield Static(
                t(f"修订已签名病历{which}", f"Amend the signed record{which}"), classes="title"
            )
            yield Static(
                t(
                    "已签名的病历不会被改动：修订保存为新版本，记录理由、修订人和时间。",
                    "The signed record is not changed: the amendment is a new version with "
                    "its reason, author and time.",
                ),
                classes="muted",
            )
            yield Label(t("修订理由（必填）", "Reason for the amendment (required)"))
            yield Input(
                placeholder=t("例如：补充过敏史、更正剂量", "e.g. allergy added, dose corrected"),
                max_length=1000,
                id="amend-reason",
            )
            with Horizontal(classes="row"):
                yield Button(t("保存修订", "Save amendment"), id="amend-save", variant="primary")
                yield Button(t("取消 Esc", "Cancel Esc"), id="amend-cancel")
            yield Static("", id="amend-status")

    def on_mount(self) -> None:
        self.query_one("#amend-reason", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#amend-cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#amend-save")
    @on(Input.Submitted, "#amend-reason")
    def submit(self) -> None:
        reason = self.query_one("#amend-reason", Input).value.strip()
        if not reason:
            self.query_one("#amend-status", Static).update(
                t("✖ 请写明修订理由。", "✖ Write the reason for the amendment.")
            )
            return
        self.dismiss(reason)


STATUS_NAMES = {"signed": ("已签名", "signed"), "amended": ("已修订", "amended")}


class AmendMixin:
    """For the visit screen: ``signed``, ``visit_id``, ``_record()``, ``_sign_problems()``,
    ``_followup_note()``, ``_status()``, ``_saved()`` and ``run_quick`` come from it (and the
    screen routes the 修订 button here: ``@on`` handlers only work on Textual classes)."""

    def action_amend(self: Any) -> None:
        self.after_typing(self.amend_now)

    def signed_hint(self: Any) -> str:
        return t(
            "此就诊已签名，不能再改为草稿或直接修改；更正请按 Ctrl+R 修订（写明理由）。",
            "Signed: it cannot become a draft or change in place; press Ctrl+R to amend it "
            "(with a reason).",
        )

    def set_signed(self: Any, signed: bool) -> None:
        """The visit is (or is no longer) signed: the 修订 button and the footer's Ctrl+R
        show only then (see ``check_action``)."""
        self.signed = signed
        self.query_one("#amend", Button).display = signed
        self.refresh_bindings()

    def check_action(self: Any, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ctrl+R (amend) is offered, in the footer too, only on a signed visit."""
        if action == "amend":
            return bool(self.signed)
        return True

    def amend_now(self: Any) -> None:
        if not (self.signed and self.visit_id):
            self._status(
                t(
                    "本次就诊尚未签名，无需修订：直接存草稿或签名即可。",
                    "This visit is not signed: save or sign it instead of amending.",
                )
            )
            return
        problems = self._sign_problems()
        if problems:
            self._status("✖ " + t("不能修订：", "Cannot amend: ") + "；".join(problems))
            return
        version = getattr(self, "version", None)
        self.app.push_screen(AmendDialog(version), self._amend_with_reason)

    def _amend_with_reason(self: Any, reason: str | None) -> None:
        if not reason:
            self._status(t("已取消修订，病历未改动。", "Amendment cancelled; nothing changed."))
            return
        if getattr(self, "_saving", False):
            return
        self._saving = True
        visit_id = str(self.visit_id)
        record = self._record()
        overrides = self.query_one(PrescriptionPanel).overrides()
        note = self._followup_note()
        snapshot = self.snapshot()
        service = self.service
        self._status("⏳ " + t("保存修订中…", "Saving the amendment…"))

        def done(summary: Any) -> None:
            self._saved(summary, snapshot, signed=True)
            status = str(summary.get("status") or "amended")
            zh, en = STATUS_NAMES.get(status, (status, status))
            msg = t(
                f"已保存修订：第 {summary.get('version')} 版，状态：{zh}",
                f"Amendment saved: version {summary.get('version')}, status: {en}",
            )
            self._status("✔ " + msg)
            self.app.notify(msg)

        def failed(error: ClinicBoxError) -> None:
            self._saving = False
            self._status("✖ " + error.message())

        self.run_quick(
            "amend",
            lambda: service.amend_visit(visit_id, record, reason, overrides, note),
            done,
            on_error=failed,
        )
