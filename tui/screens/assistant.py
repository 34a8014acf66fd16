"""The knowledge assistant for staff, and kiosk mode for patients (locked to the assistant)."""

from __future__ import annotations

import contextlib
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON, Progress
from tui._base import ClinicScreen, unavailable_panel


def format_answer(result: JSON) -> str:
    lines = []
    if result.get("escalate"):
        lines.append(
            t(
                "‼ 情况可能紧急：请立即告知工作人员，或拨打 120。",
                "‼ This may be urgent: tell the staff now, or call 120.",
            )
        )
    lines.append(str(result.get("answer", "")))
    cites = result.get("citations") or []
    if cites:
        lines.append("")
        lines.append(t("出处：", "Sources:"))
        for i, c in enumerate(cites, 1):
            lines.append(f"[{i}] {c.get('doc', '')} · {c.get('section', '')}")
    if result.get("model"):
        lines.append(t(f"（回答模型：{result['model']}）", f"(answered by {result['model']})"))
    return "\n".join(lines)


_TOOL_KEYS = {
    "patient": ("患者", "Patient"),
    "unpaid_self_pay": ("待缴自付", "Unpaid self-pay"),
    "day": ("日期", "Day"),
    "slots": ("可预约时段", "Free slots"),
    "appointments": ("我的预约", "My appointments"),
    "reports": ("检查报告", "Reports"),
    "fees": ("费用", "Fees"),
    "reminders": ("随访提醒", "Follow-up reminders"),
}


def _tool_key(key: str) -> str:
    zh, en = _TOOL_KEYS.get(key, (key, key))
    return t(zh, en)


def format_tool(reply: JSON) -> str:
    """A self-service result (schedule, reports, fees, reminders) as plain lines."""
    lines = [str(reply[k]) for k in ("message", "text", "answer") if reply.get(k)]
    for key, value in reply.items():
        if key in ("type", "message", "text", "answer", "tool") or value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            lines.append(_tool_key(key) + ":")
            for item in value[:12]:
                if isinstance(item, dict):
                    lines.append(
                        "• " + "，".join(f"{v}" for v in item.values() if v not in (None, ""))
                    )
                else:
                    lines.append(f"• {item}")
        elif isinstance(value, dict):
            lines.append("，".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "")))
        elif not isinstance(value, bool):
            lines.append(f"{_tool_key(key)}: {value}")
    return "\n".join(lines) or t("已完成。", "Done.")


def format_advice(result: JSON) -> str:
    """The advise result for the 辅助决策 tab: referral first, then differentials with for and
    against, must-not-miss flags, what to ask, next steps."""
    lines = []
    if result.get("refer"):
        lines.append(t("‼ 建议转诊上级医院：", "‼ Refer to a higher-level hospital:"))
        reasons = result.get("refer_reasons") or []
        lines.extend(f"  - {r}" for r in reasons)
    lines.append(t("鉴别诊断：", "Differentials:"))
    for d in result.get("differentials") or []:
        flag = t(" ⚠必须排除", " ⚠must not miss") if d.get("must_not_miss") else ""
        lines.append(f"• {d.get('name', '')} {d.get('icd10', '')}{flag}".rstrip())
        for key, zh, en in (("for", "支持", "for"), ("against", "不支持", "against")):
            value = d.get(key)
            if value:
                text = "；".join(value) if isinstance(value, list) else str(value)
                lines.append(f"    {t(zh, en)}: {text}")
        explanation = (d.get("explanation") or {}).get("text")
        if explanation:
            lines.append(f"    {t('模型说明', 'model note')}: {explanation}")
        cites = d.get("citations") or []
        if cites:
            lines.append(f"    {t('出处', 'source')}: {cites[0].get('section', '')}")
    if result.get("enough_information") is False and result.get("ask"):
        lines.append(t("信息不足，请补充：", "Not enough information, ask/examine: ")
                     + "、".join(result["ask"]))  # fmt: skip
    steps = result.get("next_steps") or []
    if steps:
        lines.append(t("下一步：", "Next steps:"))
        lines.extend(f"• {s if isinstance(s, str) else s.get('text', s)}" for s in steps)
    return "\n".join(lines)


def advice_for_referral(result: JSON | None) -> str:
    """A short summary of the advice to send with a referral (no patient identifiers in it)."""
    if not result:
        return ""
    names = [str(d.get("name", "")) for d in (result.get("differentials") or [])[:3]]
    lines = [t("辅助决策：", "Decision support: ") + "、".join(n for n in names if n)]
    lines.extend(
        t("转诊理由：", "Reason: ") + str(r) for r in (result.get("refer_reasons") or [])[:3]
    )
    lines.append(t("请上级医生指导诊断与处理。", "Please advise on diagnosis and management."))
    return "\n".join(lines)


class AssistantScreen(ClinicScreen):
    AUTO_FOCUS = "#question"
    HELP_KEY = "assistant"
    KEEPS_INPUT = True

    def __init__(self, kiosk: bool = False) -> None:
        super().__init__()
        self.kiosk = kiosk
        if kiosk:
            self.add_class("kiosk")

    def body(self) -> ComposeResult:
        status = self.feature("assistant")
        with Vertical(id="assistant"):
            title = (
                t("健康助手 · 请在下方输入您的问题", "Health assistant · type your question below")
                if self.kiosk
                else t("知识助手", "Knowledge assistant")
            )
            yield Static(title, classes="title")
            if self.kiosk:
                yield Static(
                    t(
                        "可以问：就诊流程、检查前准备、医保报销、慢病保健……本助手不做诊断、不开药。",
                        "Ask about: visiting the clinic, exam preparation, insurance, chronic "
                        "disease care… It does not diagnose or prescribe.",
                    ),
                    classes="muted",
                )
            if not status["available"]:
                yield unavailable_panel(status, t("健康助手", "Assistant"))
            yield Input(id="question", placeholder=t("您的问题，回车提问", "Your question, Enter"))
            if self.kiosk:
                with Horizontal(id="kiosk-verify", classes="row"):
                    yield Input(id="visit-code", placeholder=t("就诊码", "Visit code"))
                    yield Input(
                        id="phone4",
                        password=True,
                        max_length=4,
                        placeholder=t("手机号后4位", "Last 4 phone digits"),
                    )
                    yield Button(t("核验", "Verify"), id="verify-identity", variant="primary")
                yield Button(t("结束（清除我的信息）", "Done (forget me)"), id="kiosk-end")
            with VerticalScroll(id="answer-box"):
                yield Static("", id="answer")

    kiosk_helper: Any = None
    _pending: str = ""

    def on_mount(self) -> None:
        self.query_one("#question", Input).focus()
        if self.kiosk and callable(getattr(self.service, "kiosk_assistant", None)):
            self.open_kiosk_session()
            self.set_interval(5.0, self._expire_if_idle)

    @work(thread=True, exclusive=True, group="kiosk", exit_on_error=False)
    def open_kiosk_session(self) -> None:
        try:
            helper = self.service.kiosk_assistant()  # type: ignore[attr-defined]
        except Exception:
            return
        self.kiosk_helper = helper

    def on_unmount(self) -> None:
        helper, self.kiosk_helper = self.kiosk_helper, None
        if helper is not None:
            with contextlib.suppress(Exception):
                helper.end()
                helper.service.close()

    def _expire_if_idle(self) -> None:
        helper = self.kiosk_helper
        if helper is not None and helper.expire_if_idle():
            self._forget()

    def _forget(self) -> None:
        self._pending = ""
        self.query_one("#answer", Static).update("")
        self.query_one("#question", Input).value = ""
        for box in self.query("#visit-code, #phone4"):
            box.value = ""  # type: ignore[attr-defined]
        self.query_one("#kiosk-verify").remove_class("-shown")

    @on(Button.Pressed, "#kiosk-end")
    def end_session(self) -> None:
        if self.kiosk_helper is not None:
            self.kiosk_helper.end()
        self._forget()
        self.app.notify(t("您的信息已清除，谢谢！", "Your information is cleared. Thank you!"))

    def _kiosk_reply(self, reply: JSON) -> None:
        answer = self.query_one("#answer", Static)
        kind = reply.get("type")
        if kind != "verify":
            self._pending = ""
        if kind == "verify":
            self.query_one("#kiosk-verify").add_class("-shown")
            answer.update(
                str(reply.get("message") or "")
                + "\n"
                + t(
                    "请输入就诊码和手机号后4位，核验后继续查询。",
                    "Enter your visit code and the last 4 digits of your phone to continue.",
                )
            )
            self.query_one("#visit-code", Input).focus()
        elif kind == "tool":
            answer.update(format_tool(reply))
        else:
            answer.update(format_answer(reply))

    @on(Input.Submitted, "#phone4")
    @on(Button.Pressed, "#verify-identity")
    def verify_identity(self, _event: Any = None) -> None:
        helper = self.kiosk_helper
        if helper is None:
            return
        code = self.query_one("#visit-code", Input).value.strip()
        last4 = self.query_one("#phone4", Input).value.strip()
        answer = self.query_one("#answer", Static)

        def verified(name: Any) -> None:
            self.query_one("#kiosk-verify").remove_class("-shown")
            answer.update(t(f"您好，{name}。", f"Hello, {name}."))
            if self._pending:
                self._ask(self._pending)

        self.run_task(
            t("核验身份", "Checking"),
            lambda _p, _c: helper.verify(code, last4),
            verified,
            on_error=lambda e: answer.update("✖ " + e.message()),
        )

    @on(Input.Submitted, "#question")
    def asked(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if question:
            self._ask(question)

    def _ask(self, question: str) -> None:
        helper = self.kiosk_helper
        if helper is not None:
            self._pending = question
            self.run_task(
                t("助手回答中", "Answering"),
                lambda _p, _c: helper.say(question),
                self._kiosk_reply,
                on_error=lambda e: self.query_one("#answer", Static).update("⚠ " + e.message()),
            )
            return
        answer = self.query_one("#answer", Static)
        answer.update(t("正在查找……", "Looking it up…"))

        def streamed(p: Progress) -> None:
            if p.partial:
                answer.update(p.partial)

        self.run_task(
            t("助手回答中", "Answering"),
            lambda prog, cancel: self.service.ask(question, progress=prog, cancel=cancel),
            lambda result: answer.update(format_answer(result)),
            on_progress=streamed,
            on_error=lambda e: answer.update("⚠ " + e.message()),
        )

    def action_back(self) -> None:
        if not self.kiosk:
            super().action_back()


def enter_kiosk(app: Any) -> None:
    """Lock this terminal to the patient assistant (admin menu). Leaving needs an admin."""
    app.service.logout()
    app.user = None
    app.kiosk = True
    app._set_title()
    while len(app.screen_stack) > 1:
        app.pop_screen()
    app.push_screen(AssistantScreen(kiosk=True))


class KioskExitScreen(ModalScreen[bool]):
    """Ctrl+Q in kiosk mode: only an admin's password leaves it."""

    BINDINGS = [Binding("escape", "close", "")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("退出自助模式需要管理员", "Leaving kiosk mode needs an admin"))
            yield Label(t("管理员账号", "Admin username"))
            yield Input(id="kiosk-user")
            yield Label(t("密码", "Password"))
            yield Input(id="kiosk-password", password=True)
            yield Button(t("确认", "Confirm"), id="kiosk-ok", variant="primary")
            yield Static("", id="kiosk-error", classes="error")

    def action_close(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted, "#kiosk-password")
    @on(Button.Pressed, "#kiosk-ok")
    def confirm(self, _event: Any = None) -> None:
        app: Any = self.app
        user = self.query_one("#kiosk-user", Input).value.strip()
        password = self.query_one("#kiosk-password", Input).value
        try:
            info = app.service.login(user, password)
        except ClinicBoxError as exc:
            self.query_one("#kiosk-error", Static).update("✖ " + exc.message())
            return
        if info.get("role") != "admin":
            app.service.logout()
            self.query_one("#kiosk-error", Static).update(
                t("✖ 只有管理员可以退出自助模式。", "✖ Only an admin can leave kiosk mode.")
            )
            return
        self.dismiss(True)
        app.kiosk = False
        app.logged_in(info)
