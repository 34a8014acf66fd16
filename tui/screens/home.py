"""Home: the menu a user's role allows, with number keys, and the box's feature status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Button, Static

from appliance.i18n import t
from tui._base import ClinicScreen, tr


@dataclass(frozen=True)
class MenuItem:
    key: str
    screen: str
    label: str  # "中文|English"
    roles: tuple[str, ...]
    hint: str


MENU: tuple[MenuItem, ...] = (
    MenuItem(
        "1",
        "patients",
        "患者与就诊|Patients & visits",
        ("admin", "doctor", "nurse", "front_desk"),
        "查找/登记患者，开始就诊|Find or register patients, start a visit",
    ),
    MenuItem(
        "2",
        "followup",
        "慢病随访|Follow-up",
        ("admin", "doctor", "nurse"),
        "到期、逾期、未达标患者|Due, overdue and uncontrolled patients",
    ),
    MenuItem(
        "3",
        "assistant",
        "知识助手|Assistant",
        ("admin", "doctor", "nurse", "front_desk"),
        "查询诊所知识库|Ask the clinic knowledge base",
    ),
    MenuItem(
        "4",
        "quality",
        "质量看板|Quality",
        ("admin", "doctor"),
        "抗菌药使用率、病历合格率等|Antibiotic rate, record QC pass rate…",
    ),
    MenuItem(
        "5",
        "compute",
        "算力监测|Compute",
        ("admin", "doctor"),
        "模型、速度、队列、内存|Model, speed, queue, memory",
    ),
    MenuItem(
        "6",
        "admin",
        "系统管理|Admin",
        ("admin",),
        "用户、备份、模型、审计、同步|Users, backup, models, audit, sync",
    ),
    MenuItem(
        "7",
        "training",
        "培训练习|Training",
        ("admin", "doctor", "nurse", "front_desk"),
        "导览与练习病例|Guided tour and practice cases",
    ),
    MenuItem(
        "8",
        "kiosk",
        "患者自助模式|Kiosk mode",
        ("admin",),
        "锁定为患者健康助手|Lock this screen to the patient assistant",
    ),
)


def menu_for(role: str) -> list[MenuItem]:
    return [m for m in MENU if role in m.roles]


def open_screen(app: object, name: str) -> None:
    from tui.screens import registry

    registry.open(app, name)


class HomeScreen(ClinicScreen):
    HELP_KEY = "home"
    BINDINGS = [
        *[Binding(m.key, f"open('{m.screen}')", show=False) for m in MENU],
        Binding("ctrl+l", "logout", "退出登录|Log out"),
    ]

    def body(self) -> ComposeResult:
        user = getattr(self.app, "user", None) or {}
        role = str(user.get("role", ""))
        name = user.get("display_name") or user.get("username") or ""
        with Vertical(id="home"):
            yield Static(t(f"您好，{name}。请选择：", f"Hello, {name}. Choose:"), classes="title")
            yield Static("", id="security-banner", classes="banner")
            with Grid(id="menu"):
                for item in menu_for(role):
                    yield Button(
                        f"{item.key}  {tr(item.label)}\n{tr(item.hint)}",
                        id=f"menu-{item.screen}",
                        classes="menu-item",
                    )
            yield Static(self._status_line(), id="feature-status", classes="muted")

    def _status_line(self) -> str:
        from appliance.services._parts import feature_name

        try:
            features = self.service.features()
        except Exception:
            return ""
        off = [feature_name(k) for k, v in features.items() if not v["available"]]
        if not off:
            return t("所有功能可用。", "Every feature is available.")
        return t("暂不可用：", "Not available: ") + "、".join(off)

    def on_mount(self) -> None:
        buttons = list(self.query(".menu-item"))
        if buttons:
            buttons[0].focus()
        role = str((getattr(self.app, "user", None) or {}).get("role", ""))
        if role == "admin":
            self.check_alerts()

    @work(thread=True, exclusive=True, group="alerts", exit_on_error=False)
    def check_alerts(self) -> None:
        """Admins see intrusion signals (failed logins, mass look-ups, odd hours) up front."""
        try:
            alerts = self.service.security_alerts(24.0)
        except Exception:  # not installed / not permitted: no banner
            return
        if alerts:
            self.app.call_from_thread(self._show_alerts, alerts)

    def _show_alerts(self, alerts: list[Any]) -> None:
        from tui.screens.admin import format_alerts

        banner = self.query_one("#security-banner", Static)
        banner.update(
            t(
                f"安全警报（近24小时 {len(alerts)} 条，详见 6 系统管理）：\n",
                f"Security alerts ({len(alerts)} in 24 h, see 6 Admin):\n",
            )
            + format_alerts(alerts[:3])
        )
        banner.add_class("-shown")

    @on(Button.Pressed, ".menu-item")
    def pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_open(event.button.id.removeprefix("menu-"))

    def action_open(self, name: str) -> None:
        role = str((getattr(self.app, "user", None) or {}).get("role", ""))
        if not any(m.screen == name for m in menu_for(role)):
            self.app.notify(t("您的角色无权打开此页面。", "Your role cannot open this."))
            return
        open_screen(self.app, name)

    def action_logout(self) -> None:
        self.app.logout()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        """Home is the root after login; Esc does nothing here."""
