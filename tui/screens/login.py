"""Unlock of the encrypted store at boot, and user login."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from tui._base import ClinicScreen


class UnlockScreen(ClinicScreen):
    AUTO_FOCUS = "#passphrase"
    """The box just booted: the clinic database needs its passphrase (or a key file)."""

    HELP_KEY = "unlock"

    def body(self) -> ComposeResult:
        with Center(), Vertical(id="login-box", classes="card"):
            yield Static(t("🔒 解锁诊所数据库", "🔒 Unlock the clinic database"), classes="title")
            yield Static(
                t(
                    "数据已加密保存。请输入管理员设定的开机口令（或插入密钥U盘）。",
                    "The data is encrypted. Enter the passphrase set by the admin "
                    "(or insert the key USB stick).",
                ),
                classes="muted",
            )
            yield Label(t("开机口令", "Passphrase"))
            yield Input(password=True, id="passphrase")
            yield Button(t("解锁", "Unlock"), id="unlock", variant="primary")
            yield Static("", id="unlock-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    @on(Button.Pressed, "#unlock")
    def do_unlock(self, _event: Any = None) -> None:
        phrase = self.query_one("#passphrase", Input).value
        if not phrase:
            self._error(t("请输入口令。", "Enter the passphrase."))
            return
        self.run_task(
            t("正在解锁", "Unlocking"),
            lambda _p, _c: self.service.unlock(phrase),
            lambda _r: self.app.show_login(),  # type: ignore[attr-defined]
            on_error=lambda e: self._error(e.message()),
        )

    def _error(self, text: str) -> None:
        self.query_one("#unlock-error", Static).update("✖ " + text)
        box = self.query_one("#passphrase", Input)
        box.value = ""
        box.focus()


class LoginScreen(ClinicScreen):
    AUTO_FOCUS = "#username"
    # Enter in the username moves on before the next key arrives (typed ahead, it would land in
    # the username: a priority binding runs before the key is delivered, the Submitted message
    # only after).
    BINDINGS = [Binding("enter", "enter", show=False, priority=True)]
    HELP_KEY = "login"

    def body(self) -> ComposeResult:
        training = getattr(self.app, "training", False)
        with Center(), Vertical(id="login-box", classes="card"):
            yield Static(t("👤 登录", "👤 Log in"), classes="title")
            if training:
                yield Static(
                    t(
                        "培训模式：演示诊所，全部为虚构患者。账号 doctor / nurse / admin，"
                        "密码均为 demo1234。",
                        "Training mode: demo clinic, all patients are fictional. Accounts "
                        "doctor / nurse / admin, password demo1234.",
                    ),
                    id="training-hint",
                    classes="training",
                )
            yield Label(t("用户名", "Username"))
            yield Input(id="username", placeholder=t("例如 doctor", "e.g. doctor"))
            yield Label(t("密码", "Password"))
            yield Input(password=True, id="password")
            yield Button(t("登录", "Log in"), id="login", variant="primary")
            yield Static("", id="login-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def action_enter(self) -> None:
        focused = self.focused
        if focused is not None and focused.id == "username":
            self.set_focus(self.query_one("#password", Input))
        elif focused is not None and focused.id == "login":
            self.query_one("#login", Button).press()
        else:
            self.after_typing(self.do_login)  # the password as typed, every key of it

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#login")
    def do_login(self, _event: Any = None) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self._error(t("请输入用户名和密码。", "Enter your username and password."))
            return
        self.run_task(
            t("正在登录", "Logging in"),
            lambda _p, _c: self.service.login(username, password),
            self.app.logged_in,  # type: ignore[attr-defined]
            on_error=self._failed,
        )

    def _failed(self, error: ClinicBoxError) -> None:
        self._error(error.message())

    def _error(self, text: str) -> None:
        self.query_one("#login-error", Static).update("✖ " + text)
        box = self.query_one("#password", Input)
        box.value = ""
        box.focus()

    def action_back(self) -> None:
        """Esc on the login screen does nothing (there is nowhere to go back to)."""
