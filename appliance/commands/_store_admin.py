"""Store admin commands: user, backup, restore, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appliance.commands._base import (
    CliState,
    common_options,
    pass_state,
    subgroup,
)
from appliance.commands._store_cli import cli_session, open_cli_store, read_secret
from appliance.errors import AuditChainBroken, InputError
from appliance.i18n import t


def _users_human(rows: list[dict[str, Any]]) -> str:
    lines = []
    for u in rows:
        state = (
            t("停用", "disabled")
            if u["disabled"]
            else (
                t("锁定至 ", "locked until ") + u["locked_until"]
                if u["locked_until"]
                else t("正常", "active")
            )
        )
        lines.append(f"{u['username']:<16} {u['role']:<11} {state}")
    return "\n".join(lines) or t("（没有用户）", "(no users)")


def _register_user(cli: click.Group) -> None:
    group = subgroup(cli, "user", t("账号管理：添加、列出、锁定。", "Accounts: add, list, lock."))

    @group.command(
        "add",
        help=t(
            "添加账号（密码在提示时输入，或从标准输入读一行）。",
            "Add an account (password prompted, or one line on stdin).",
        ),
    )
    @click.argument("username")
    @click.option(
        "--role",
        required=True,
        type=click.Choice(["admin", "doctor", "nurse", "front_desk", "kiosk"]),
        help=t("角色。", "Role."),
    )
    @click.option("--display-name", default="", help=t("显示名。", "Display name."))
    @click.option(
        "--antibiotic-privilege",
        type=click.Choice(["non_restricted", "restricted", "special"]),
        default="non_restricted",
        help=t("抗菌药物处方权级别。", "Antibiotic prescribing tier."),
    )
    @common_options
    @pass_state
    def add(
        state: CliState, username: str, role: str, display_name: str, antibiotic_privilege: str
    ) -> None:
        from appliance.services import users

        password = read_secret("新账号的密码", "Password for the new account", confirm=True)
        with open_cli_store(state) as store:
            user = users.add_user(
                cli_session(store),
                username,
                password,
                role,
                display_name=display_name,
                antibiotic_privilege=antibiotic_privilege,
            )
        state.emit(user, human=lambda u: t("已添加账号 ", "Added account ") + u["username"])

    @group.command("list", help=t("列出账号。", "List accounts."))
    @common_options
    @pass_state
    def list_(state: CliState) -> None:
        from appliance.services import users

        with open_cli_store(state) as store:
            rows = users.list_users(cli_session(store))
        state.emit(rows, human=_users_human)

    @group.command(
        "lock",
        help=t("停用账号（--unlock 恢复）。", "Disable an account (--unlock to enable again)."),
    )
    @click.argument("username")
    @click.option("--unlock", "unlock_", is_flag=True, help=t("解除锁定。", "Unlock instead."))
    @common_options
    @pass_state
    def lock(state: CliState, username: str, unlock_: bool) -> None:
        from appliance.services import users

        with open_cli_store(state) as store:
            user = users.set_locked(cli_session(store), username, not unlock_)
        state.emit(
            user,
            human=lambda u: (
                (t("已解锁 ", "Unlocked ") if unlock_ else t("已锁定 ", "Locked ")) + u["username"]
            ),
        )

    @group.command("unlock", help=t("解除账号锁定。", "Unlock an account."))
    @click.argument("username")
    @common_options
    @pass_state
    def unlock(state: CliState, username: str) -> None:
        from appliance.services import users

        with open_cli_store(state) as store:
            user = users.set_locked(cli_session(store), username, False)
        state.emit(user, human=lambda u: t("已解锁 ", "Unlocked ") + u["username"])

    @group.command("passwd", help=t("重设账号密码。", "Reset an account's password."))
    @click.argument("username")
    @common_options
    @pass_state
    def passwd(state: CliState, username: str) -> None:
        from appliance.services import users

        password = read_secret("新密码", "New password", confirm=True)
        with open_cli_store(state) as store:
            users.set_password(cli_session(store), username, password)
        state.emit({"changed": True}, human=lambda _r: t("密码已重设。", "The password was reset."))


def _register_backup(cli: click.Group) -> None:
    @cli.command(
        "backup",
        help=t(
            "在线备份数据库（备份仍是加密的）。",
            "Back up the database online (the copy stays encrypted).",
        ),
    )
    @click.option(
        "--to",
        "dest",
        type=click.Path(file_okay=False),
        default=None,
        help=t("备份目录（默认 数据目录/backups）。", "Backup folder (default: DATA_DIR/backups)."),
    )
    @click.option(
        "--list",
        "list_only",
        is_flag=True,
        help=t("只列出已有备份。", "Only list existing backups."),
    )
    @click.option(
        "--keep",
        default=30,
        show_default=True,
        type=click.IntRange(0, 100000),
        help=t(
            "只保留最近 N 份备份（0 = 全部保留）。",
            "Keep only the newest N backups (0 = keep all).",
        ),
    )
    @common_options
    @pass_state
    def backup_cmd(state: CliState, dest: str | None, list_only: bool, keep: int) -> None:
        from appliance.services.store_admin import backup, list_backups, prune_backups

        if list_only:
            rows = list_backups(state.settings(), Path(dest) if dest else None)
            state.emit(
                rows,
                human=lambda r: (
                    "\n".join(f"{b['path']}  {b['bytes']} B" for b in r)
                    or t("（没有备份）", "(no backups)")
                ),
            )
            return
        with open_cli_store(state) as store:
            info = backup(store, Path(dest) if dest else None, actor=cli_session(store).username)
        if keep:
            info["pruned"] = prune_backups(Path(info["path"]).parent, keep)
        state.emit(info, human=lambda r: t("备份完成：", "Backup written: ") + r["path"])

    @cli.command(
        "restore",
        help=t(
            "校验备份后恢复（原文件保留为 before-restore）。",
            "Verify a backup and restore it (the current file is kept as before-restore).",
        ),
    )
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--yes", is_flag=True, help=t("不再确认。", "Do not ask for confirmation."))
    @click.option("--recovery", is_flag=True, help=t("使用恢复密钥。", "Use the recovery key."))
    @common_options
    @pass_state
    def restore_cmd(state: CliState, path: str, yes: bool, recovery: bool) -> None:
        from appliance.commands._store_cli import stdin_is_tty
        from appliance.services.store_admin import restore

        if not yes:
            if not stdin_is_tty():
                raise InputError(
                    "恢复会替换当前数据库：请加 --yes 确认。",
                    "Restoring replaces the current database: add --yes to confirm.",
                )
            click.confirm(
                t("用这个备份替换当前数据库吗？", "Replace the current database with this backup?"),
                abort=True,
                err=True,
            )
        settings = state.settings()
        key = read_secret("恢复密钥", "Recovery key") if recovery else None
        passphrase = None
        if key is None and settings.passphrase is None and settings.key_file is None:
            passphrase = read_secret("数据库口令", "Database passphrase")
        result = restore(settings, path, passphrase, recovery_key=key, actor="cli")
        state.emit(result, human=lambda r: t("已从备份恢复：", "Restored from: ") + r["restored"])


def _register_audit(cli: click.Group) -> None:
    group = subgroup(cli, "audit", t("审计日志：校验与查询。", "Audit log: verify and query."))

    @group.command(
        "verify",
        help=t(
            "校验审计链；完好时退出码为 0。", "Verify the audit chain; exit 0 only when intact."
        ),
    )
    @common_options
    @pass_state
    def verify(state: CliState) -> None:
        from appliance.services.store_admin import verify_audit

        with open_cli_store(state) as store:
            result = verify_audit(store)
        state.emit(
            result,
            human=lambda r: (
                t(
                    f"审计链完好，共 {r['rows']} 条。",
                    f"The audit chain is intact ({r['rows']} rows).",
                )
                if r["ok"]
                else ""
            ),
        )
        if not result["ok"]:
            problem = {
                "edited": ("被修改", "was edited"),
                "missing": ("之前有记录被删除", "follows deleted rows"),
                "reordered": ("顺序被调换", "was moved"),
                "truncated": ("之后的记录被删除", "ends a truncated chain"),
                "head": ("链头被伪造", "has a forged head"),
            }.get(result["problem"], ("异常", "is wrong"))
            seq = result["broken_seq"]
            raise AuditChainBroken(
                f"审计日志第 {seq} 条{problem[0]}。",
                f"Audit row {seq} {problem[1]}.",
                details={"broken_seq": seq, "problem": result["problem"]},
            )

    @group.command(
        "show", help=t("列出谁访问过某位患者的数据。", "List who touched a patient's data.")
    )
    @click.option("--patient", "patient_id", required=True, help=t("患者编号。", "Patient id."))
    @click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 100000))
    @common_options
    @pass_state
    def show(state: CliState, patient_id: str, limit: int) -> None:
        from appliance.services.session import patient_audit_trail

        with open_cli_store(state) as store:
            rows = patient_audit_trail(cli_session(store), patient_id, limit)
        state.emit(
            rows,
            human=lambda rs: (
                "\n".join(
                    f"#{r['seq']} {r['ts'][:19]} {r['actor']} ({r['role']}) {r['action']} {r['outcome']}"
                    for r in rs
                )
                or t("没有记录。", "No entries.")
            ),
        )


def register_admin(cli: click.Group) -> None:
    _register_user(cli)
    _register_backup(cli)
    _register_audit(cli)
