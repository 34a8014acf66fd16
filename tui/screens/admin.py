"""Administration: users and roles, backup/restore, models, settings, audit, sync status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Select, Static, TabbedContent, TabPane

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from tui._base import ClinicScreen


def format_alerts(alerts: list[Any]) -> str:
    """Security alerts as lines for the admin (newest kinds first as the service orders them)."""
    icons = {"high": "‼", "medium": "⚠", "low": "ℹ"}
    return "\n".join(
        f"{icons.get(str(a.get('severity')), '⚠')} {a.get('message', a.get('kind', ''))}"
        f"（{a.get('count', 1)}×，{str(a.get('last', ''))[:16]}）"
        for a in alerts
    )


ROLES = (
    ("admin", "管理员", "Admin"),
    ("doctor", "医生", "Doctor"),
    ("nurse", "护士", "Nurse"),
    ("front_desk", "前台", "Front desk"),
    ("kiosk", "自助终端", "Kiosk"),
)


class AdminScreen(ClinicScreen):
    HELP_KEY = "admin"

    def body(self) -> ComposeResult:
        yield Static(t("系统管理", "Administration"), classes="title")
        with TabbedContent(id="admin-tabs"):
            with TabPane(t("用户", "Users"), id="tab-users"):
                table: DataTable[str] = DataTable(id="users", cursor_type="row")
                table.add_columns(t("用户名", "Username"), t("姓名", "Name"), t("角色", "Role"))
                yield table
                with Horizontal(classes="row"):
                    yield Input(id="new-username", placeholder=t("用户名", "username"))
                    yield Input(id="new-name", placeholder=t("姓名", "name"))
                    yield Input(
                        id="new-password", password=True, placeholder=t("初始密码", "password")
                    )
                    yield Select(
                        [(t(zh, en), key) for key, zh, en in ROLES],
                        value="doctor",
                        allow_blank=False,
                        id="new-role",
                    )
                with Horizontal(classes="row"):
                    yield Button(t("添加用户", "Add user"), id="add-user")
                    yield Button(t("锁定所选", "Lock selected"), id="lock-user")
                    yield Button(t("解锁所选", "Unlock selected"), id="unlock-user")
                yield Static("", id="users-status")
            with TabPane(t("备份恢复", "Backup"), id="tab-backup"):
                yield Input(
                    id="backup-path",
                    placeholder=t("目录或备份文件（留空=默认）", "folder or backup file"),
                )
                with Horizontal(classes="row"):
                    yield Button(t("立即备份", "Back up now"), id="backup", variant="primary")
                    yield Button(t("从备份恢复", "Restore"), id="restore", variant="warning")
                yield Static("", id="backup-status")
            with TabPane(t("模型", "Models"), id="tab-models"):
                yield Static("", id="models")
            with TabPane(t("设置", "Settings"), id="tab-settings"):
                yield Static("", id="settings")
            with TabPane(t("审计", "Audit"), id="tab-audit"):
                yield Button(t("校验审计链", "Verify the audit chain"), id="verify-audit")
                yield Static("", id="audit-status")
            with TabPane(t("同步", "Sync"), id="tab-sync"):
                yield Static("", id="sync-status")
            with TabPane(t("设备配对", "Devices"), id="tab-devices"):
                with Horizontal(classes="row"):
                    yield Button(
                        t("生成配对码", "New pairing code"), id="pair-code", variant="primary"
                    )
                    yield Button(t("吊销所选设备", "Revoke selected"), id="revoke-device")
                yield Static("", id="pair-status")
                devices: DataTable[str] = DataTable(id="devices", cursor_type="row")
                devices.add_columns(
                    t("设备", "Device"),
                    t("名称", "Name"),
                    t("配对时间", "Paired"),
                    t("最近使用", "Last seen"),
                    t("地址", "Address"),
                    t("状态", "State"),
                )
                yield devices
            with TabPane(t("安全警报", "Security alerts"), id="tab-alerts"):
                yield Static("", id="alerts-list")

    def on_mount(self) -> None:
        self._devices()
        self._fill("#alerts-list", self._alerts)
        self._users()
        self._fill("#models", self._models)
        self._fill("#settings", self._settings)
        self._fill("#sync-status", self._sync)

    def _fill(self, selector: str, produce: Callable[[], str]) -> None:
        try:
            text = produce()
        except ClinicBoxError as exc:
            text = "⚠ " + exc.message()
        except Exception:  # an area that is only partly installed: say so, never crash
            text = "⚠ " + t("此功能暂不可用。", "Not available.")
        self.query_one(selector, Static).update(text)

    def _models(self) -> str:
        models = self.service.list_models()
        if not models:
            return t("未安装模型。", "No models installed.")
        status = {
            "installed": t("已安装", "installed"),
            "not installed": t("未安装", "not installed"),
        }
        return "\n".join(
            f"{'▶ ' if m.get('active') else '  '}{m.get('name', '')}  [{m.get('role', '')}]  "
            f"{(m.get('size') or 0) / 2**20:,.0f} MB  {status.get(m.get('status', ''), m.get('status', ''))}"
            for m in models
        )

    def _settings(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.service.settings_summary().items())

    def _sync(self) -> str:
        status = self.service.sync_status()
        lines = [f"{t('帮扶医院', 'Hub')}: {status.get('hub_url') or t('未配置', 'not set')}"]
        for key, zh, en in (
            ("outbox", "待发送病例包", "Case bundles"),
            ("referrals", "转诊申请", "Referral requests"),
        ):
            counts = status.get(key) or {}
            text = "  ".join(f"{k} {v}" for k, v in counts.items()) or t("无", "none")
            lines.append(f"{t(zh, en)}: {text}")
        return "\n".join(lines)

    def _users(self) -> None:
        table = self.query_one("#users", DataTable)
        table.clear()
        try:
            users = self.service.list_users()
        except ClinicBoxError as exc:
            self.query_one("#users-status", Static).update("⚠ " + exc.message())
            return
        for u in users:
            table.add_row(
                str(u.get("username", "")),
                str(u.get("display_name", "")),
                str(u.get("role", "")) + (t(" (已锁定)", " (locked)") if u.get("locked") else ""),
                key=str(u.get("username", "")),
            )

    def _do(self, status: str, fn: Callable[[], Any], ok: str) -> None:
        try:
            fn()
        except ClinicBoxError as exc:
            self.query_one(status, Static).update("✖ " + exc.message())
            return
        self.query_one(status, Static).update("✔ " + ok)

    def _alerts(self) -> str:
        return format_alerts(self.service.security_alerts(24.0)) or t(
            "近 24 小时没有安全警报。", "No security alerts in the last 24 hours."
        )

    def _devices(self) -> None:
        table = self.query_one("#devices", DataTable)
        table.clear()
        try:
            devices = self.service.list_devices()
        except ClinicBoxError as exc:
            self.query_one("#pair-status", Static).update("⚠ " + exc.message())
            return
        except Exception:
            self.query_one("#pair-status", Static).update(
                t("⚠ 此功能暂不可用。", "⚠ Not available.")
            )
            return
        for d in devices:
            table.add_row(
                str(d.get("device_id", ""))[:12],
                str(d.get("name", "")),
                str(d.get("paired_at", ""))[:16],
                str(d.get("last_seen", "") or "")[:16],
                str(d.get("last_ip", "") or ""),
                t("已吊销", "revoked") if d.get("revoked") else t("有效", "active"),
                key=str(d.get("device_id", "")),
            )

    @on(Button.Pressed, "#pair-code")
    def new_pairing_code(self) -> None:
        box = self.query_one("#pair-status", Static)

        def show(code: Any) -> None:
            box.update(
                t(
                    f"配对码：{code.get('code')}（{int(code.get('ttl_s', 600)) // 60} 分钟内有效，仅能使用一次）\n"
                    f"请在诊室电脑上核对本机证书指纹：{code.get('fingerprint', '')}",
                    f"Pairing code: {code.get('code')} (valid {int(code.get('ttl_s', 600)) // 60} min, once)\n"
                    f"Check the box's fingerprint on the PC: {code.get('fingerprint', '')}",
                )
            )

        self.run_task(
            t("生成配对码", "Pairing code"),
            lambda _p, _c: self.service.pairing_code(600),
            show,
            on_error=lambda e: box.update("✖ " + e.message()),
        )

    @on(Button.Pressed, "#revoke-device")
    def revoke_device(self) -> None:
        table = self.query_one("#devices", DataTable)
        if not table.row_count:
            return
        device = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if device:
            self._do(
                "#pair-status",
                lambda: self.service.revoke_device(str(device)),
                t("已吊销，该电脑需重新配对。", "Revoked; that PC must pair again."),
            )
            self._devices()

    @on(Button.Pressed, "#add-user")
    def add_user(self) -> None:
        username = self.query_one("#new-username", Input).value.strip()
        password = self.query_one("#new-password", Input).value
        name = self.query_one("#new-name", Input).value.strip()
        role = str(self.query_one("#new-role", Select).value)
        self._do(
            "#users-status",
            lambda: self.service.add_user(username, password, role, name),
            t(f"已添加 {username}", f"Added {username}"),
        )
        self._users()

    def _selected_user(self) -> str | None:
        table = self.query_one("#users", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key else None

    @on(Button.Pressed, "#lock-user")
    @on(Button.Pressed, "#unlock-user")
    def lock_user(self, event: Button.Pressed) -> None:
        user = self._selected_user()
        if not user:
            return
        lock = event.button.id == "lock-user"
        self._do(
            "#users-status",
            lambda: self.service.set_user_locked(user, lock),
            t("已更新", "Updated"),
        )
        self._users()

    @on(Button.Pressed, "#backup")
    def backup(self) -> None:
        dest = self.query_one("#backup-path", Input).value.strip() or None
        box = self.query_one("#backup-status", Static)
        self.run_task(
            t("备份中", "Backing up"),
            lambda _p, _c: self.service.backup(dest),
            lambda r: box.update("✔ " + t("已备份到 ", "Backed up to ") + str(r.get("path", r))),
            on_error=lambda e: box.update("✖ " + e.message()),
        )

    @on(Button.Pressed, "#restore")
    def restore(self) -> None:
        path = self.query_one("#backup-path", Input).value.strip()
        box = self.query_one("#backup-status", Static)
        if not path:
            box.update(t("✖ 请填写备份文件路径。", "✖ Give the backup file's path."))
            return
        self.run_task(
            t("恢复中", "Restoring"),
            lambda _p, _c: self.service.restore(path),
            lambda _r: box.update("✔ " + t("已恢复，请重新登录。", "Restored; log in again.")),
            on_error=lambda e: box.update("✖ " + e.message()),
        )

    @on(Button.Pressed, "#verify-audit")
    def verify(self) -> None:
        box = self.query_one("#audit-status", Static)

        def show(r: Any) -> None:
            if r.get("ok"):
                box.update(
                    t(
                        f"✔ 审计链完整（{r.get('checked', r.get('rows', '?'))} 条）",
                        f"✔ Audit chain intact ({r.get('checked', r.get('rows', '?'))} rows)",
                    )
                )
            else:
                problems = "\n".join(str(p) for p in r.get("problems") or [])
                box.update(t("✖ 审计链被篡改：\n", "✖ Audit chain broken:\n") + problems)

        self.run_task(
            t("校验审计链", "Verifying"),
            lambda _p, _c: self.service.verify_audit(),
            show,
            on_error=lambda e: box.update("⚠ " + e.message()),
        )
