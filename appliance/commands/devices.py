"""``clinicbox devices list|revoke`` and ``clinicbox audit alerts`` (run on the box)."""

from __future__ import annotations

from typing import Any

import click

from appliance.commands._base import CliState, common_options, pass_state, subgroup
from appliance.commands.api import open_runtime
from appliance.i18n import t


def _format_devices(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return t("还没有配对的设备。", "No paired devices yet.")
    lines = []
    for d in rows:
        state = t("已撤销", "revoked") if d["revoked"] else t("有效", "active")
        seen = d.get("last_seen") or "-"
        lines.append(
            f"{d['device_id']}  {d['name']}  [{state}]  "
            + t("最近：", "last seen: ")
            + f"{seen} {d.get('last_ip') or ''}"
        )
    return "\n".join(lines)


def _format_alerts(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return t("没有安全告警。", "No security alerts.")
    marks = {"high": "!!", "medium": "! ", "low": "  "}
    return "\n".join(f"{marks.get(a['severity'], '  ')} {a['last']}  {a['message']}" for a in rows)


def register(cli: click.Group) -> None:
    devices = subgroup(
        cli, "devices", t("已配对的诊所电脑：列出、撤销。", "Paired clinic PCs: list, revoke.")
    )

    @devices.command("list", help=t("列出已配对的设备。", "List paired devices."))
    @common_options
    @pass_state
    def list_cmd(state: CliState) -> None:
        from appliance.api.registry import Registry

        runtime = open_runtime(state.settings())
        try:
            rows = Registry(runtime.store).list_devices()
        finally:
            runtime.close()
        state.emit(rows, human=_format_devices)

    @devices.command(
        "revoke",
        help=t(
            "撤销一台设备：它的所有请求立即被拒绝。", "Revoke a device: its requests are refused."
        ),
    )
    @click.argument("device_id")
    @common_options
    @pass_state
    def revoke_cmd(state: CliState, device_id: str) -> None:
        from appliance.api.registry import Registry

        runtime = open_runtime(state.settings())
        try:
            row = Registry(runtime.store).revoke(device_id, "admin-cli")
        finally:
            runtime.close()
        state.emit(
            row,
            human=lambda r: t(f"已撤销设备 {r['device_id']}。", f"Revoked {r['device_id']}."),
        )

    audit = subgroup(cli, "audit", t("审计日志：校验与查询。", "Audit log: verify and query."))

    @audit.command(
        "alerts",
        help=t(
            "入侵与异常访问告警：多次登录失败、单个账号查看大量患者、非工作时间访问、"
            "未配对或已撤销设备的访问。",
            "Intrusion signals: repeated failed logins, one account opening many patients, "
            "access outside clinic hours, attempts from unpaired or revoked devices.",
        ),
    )
    @click.option(
        "--hours",
        type=click.FloatRange(0.1, 24 * 90),
        default=24.0,
        show_default=True,
        help=t("回看多少小时。", "How many hours to look back."),
    )
    @common_options
    @pass_state
    def alerts_cmd(state: CliState, hours: float) -> None:
        from appliance.api.alerts import security_alerts

        settings = state.settings()
        runtime = open_runtime(settings)
        try:
            rows = security_alerts(runtime.store, settings, hours=hours)
        finally:
            runtime.close()
        state.emit(rows, human=_format_alerts)
