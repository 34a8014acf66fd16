"""Refer a saved visit to the mentor hospital (queued de-identified; sent when online)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from appliance.errors import ClinicBoxError
from appliance.i18n import t


class ReferralDialog(ModalScreen[bool]):
    BINDINGS = [("escape", "dismiss_dialog", "")]

    def __init__(self, visit_id: str, prefill: str = "") -> None:
        super().__init__()
        self.visit_id = visit_id
        self.prefill = prefill  # e.g. the 辅助决策 summary, which the doctor may edit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("转诊帮扶医院", "Refer to the mentor hospital"), classes="title")
            yield Static(
                t(
                    "病例会去除姓名、身份证、电话、住址等身份信息后加入待发送队列，联网时发送。",
                    "The case is de-identified (name, ID, phone, address removed) and queued; "
                    "it is sent when the box is online.",
                ),
                classes="muted",
            )
            yield Label(t("想请教的问题", "Your question to the mentor"))
            yield TextArea(self.prefill, id="referral-question")
            with Horizontal(classes="row"):
                yield Button(t("加入队列", "Queue"), id="referral-send", variant="primary")
                yield Button(t("取消", "Cancel"), id="referral-cancel")
            yield Static("", id="referral-status")

    @on(Button.Pressed, "#referral-cancel")
    def action_dismiss_dialog(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#referral-send")
    def send(self) -> None:
        question = self.query_one("#referral-question", TextArea).text.strip()
        if not question:
            self.query_one("#referral-status", Static).update(
                t("✖ 请写下要请教的问题。", "✖ Write your question first.")
            )
            return
        try:
            result = self.app.service.refer_to_mentor(self.visit_id, question)  # type: ignore[attr-defined]
        except ClinicBoxError as exc:
            self.query_one("#referral-status", Static).update("✖ " + exc.message())
            return
        if result.get("sealed"):
            message = t(
                "已脱敏、签名加密并放入发送队列，联网时发往帮扶医院。",
                "De-identified, signed and encrypted; it goes to the mentor hospital when online.",
            )
        elif result.get("queued", True):
            message = t("已加入转诊队列。", "Queued for the mentor hospital.")
            if result.get("note"):
                message += " " + str(result["note"])
        else:
            message = t("未能加入队列。", "Could not queue it.")
        self.app.notify(message, timeout=8)
        self.dismiss(True)
