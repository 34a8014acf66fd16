"""Store commands: init, unlock, key, user, backup, restore, audit, patient, retention."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from appliance.commands._base import (
    CliState,
    common_options,
    json_input_argument,
    pass_state,
    read_json_input,
    subgroup,
)
from appliance.commands._store_cli import cli_session, open_cli_store, read_secret
from appliance.errors import AuditChainBroken, InputError
from appliance.i18n import t

ERASE_REASONS = ("legal_request", "patient_request", "duplicate", "test_data", "retention_expired")


def _init_human(result: dict[str, Any]) -> str:
    lines = [
        t("诊所数据库已创建：", "Clinic database created: ") + result["db_path"],
        t("管理员账号：", "Administrator: ") + result["admin"],
        "",
        t(
            "恢复密钥（只显示这一次，请抄写并锁进柜子；忘记口令时用它解锁）：",
            "Recovery key (shown only this once; write it down and lock it away — it unlocks "
            "the box if the passphrase is forgotten):",
        ),
        "",
        "    " + result["recovery_key"],
        "",
    ]
    if result.get("key_file"):
        lines.append(t("密钥文件已写入：", "Key file written to: ") + result["key_file"])
    if result.get("tls_fingerprint"):
        lines.append(
            t("本机证书指纹：", "Server certificate fingerprint: ") + result["tls_fingerprint"]
        )
    return "\n".join(lines)


def _register_init(cli: click.Group) -> None:
    @cli.command(
        "init",
        help=t(
            "创建加密的诊所数据库和第一个管理员。",
            "Create the encrypted clinic database and the first administrator.",
        ),
    )
    @click.option("--clinic", "clinic_name", required=True, help=t("诊所名称。", "Clinic name."))
    @click.option(
        "--admin",
        "admin_user",
        default="admin",
        show_default=True,
        help=t("管理员账号。", "Administrator user name."),
    )
    @click.option(
        "--key-file",
        type=click.Path(dir_okay=True),
        default=None,
        help=t(
            "把恢复密钥另存到此文件（如 U 盘）。",
            "Also write the recovery key to this file (e.g. a USB stick).",
        ),
    )
    @common_options
    @pass_state
    def init(state: CliState, clinic_name: str, admin_user: str, key_file: str | None) -> None:
        from appliance.store import init_store

        settings = state.settings()
        passphrase = settings.passphrase.get_secret_value() if settings.passphrase else None
        if not passphrase:
            passphrase = read_secret("设置数据库口令", "New database passphrase", confirm=True)
        password = settings.admin_password.get_secret_value() if settings.admin_password else None
        if not password:
            password = read_secret("设置管理员密码", "New administrator password", confirm=True)
        result = init_store(
            settings,
            clinic_name=clinic_name,
            admin_user=admin_user,
            admin_password=password,
            passphrase=passphrase,
            key_file=Path(key_file) if key_file else None,
        )
        fingerprint = None
        try:
            from appliance.api.tls import ensure_tls_material

            fingerprint = ensure_tls_material(settings, clinic_name)
        except ImportError:
            pass
        state.emit(
            {
                "clinic_id": result.clinic_id,
                "clinic": clinic_name,
                "admin": admin_user,
                "db_path": str(result.db_path),
                "recovery_key": result.recovery_key,
                "key_file": str(result.key_file) if result.key_file else None,
                "tls_fingerprint": fingerprint,
            },
            human=_init_human,
        )


def _register_unlock(cli: click.Group) -> None:
    @cli.command(
        "unlock",
        help=t(
            "用口令（或恢复密钥）解锁并检查数据库。",
            "Unlock and check the database with the passphrase (or the recovery key).",
        ),
    )
    @click.option("--recovery", is_flag=True, help=t("使用恢复密钥。", "Use the recovery key."))
    @click.option(
        "--check",
        "full_check",
        is_flag=True,
        help=t("完整校验每一页（较慢）。", "Check every page (slower)."),
    )
    @common_options
    @pass_state
    def unlock(state: CliState, recovery: bool, full_check: bool) -> int:
        from appliance.store import open_store

        settings = state.settings()
        if recovery:
            key = read_secret("恢复密钥", "Recovery key")
            store = open_store(settings, recovery_key=key)
        else:
            store = open_cli_store(state)
        with store:
            problems = store.integrity_check(full=full_check) if not store.damaged else []
            result = {
                "unlocked": True,
                "clinic": store.clinic_name,
                "read_only": store.read_only,
                "damaged": store.damaged,
                "problems": problems,
                "migrations_applied": store.migrations_applied,
            }
            if not store.read_only:
                store.audit(cli_session(store).username, "admin", "store.unlock")
        state.emit(
            result,
            human=lambda r: (
                t("数据库已解锁，检查通过。", "Unlocked; the check passed.")
                if not (r["damaged"] or r["problems"])
                else t("数据库已解锁，但检查发现问题：", "Unlocked, but the check found problems: ")
                + "; ".join(r["problems"] or [r["damaged"]])
            ),
        )
        return 74 if (store.damaged or problems) else 0


def _register_key(cli: click.Group) -> None:
    group = subgroup(
        cli, "key", t("口令、恢复密钥和数据密钥。", "Passphrase, recovery key and data key.")
    )

    @group.command(
        "change-passphrase",
        help=t(
            "更换数据库口令（不重新加密数据）。",
            "Change the passphrase (the data is not re-encrypted).",
        ),
    )
    @click.option(
        "--recovery",
        is_flag=True,
        help=t("忘记旧口令时用恢复密钥。", "Use the recovery key when the old passphrase is lost."),
    )
    @common_options
    @pass_state
    def change_passphrase(state: CliState, recovery: bool) -> None:
        from appliance.store import open_store
        from appliance.store.rekey import change_passphrase as change

        if recovery:
            store = open_store(
                state.settings(), recovery_key=read_secret("恢复密钥", "Recovery key")
            )
        else:
            store = open_cli_store(state)
        with store:
            new = read_secret("新口令", "New passphrase", confirm=True)
            change(store, new, actor=cli_session(store).username)
        state.emit(
            {"changed": True}, human=lambda _r: t("口令已更换。", "The passphrase was changed.")
        )

    @group.command(
        "rekey",
        help=t(
            "更换数据密钥并重新加密整个数据库（可安全中断）。",
            "Replace the data key and re-encrypt the whole database (crash-safe).",
        ),
    )
    @common_options
    @pass_state
    def rekey_cmd(state: CliState) -> None:
        from appliance.store.rekey import rekey

        settings = state.settings()
        passphrase = settings.passphrase.get_secret_value() if settings.passphrase else None
        if not passphrase:
            passphrase = read_secret("数据库口令", "Database passphrase")
        from appliance.store import open_store

        store = open_store(settings, passphrase)
        try:
            recovery = rekey(store, passphrase, actor=cli_session(store).username)
        finally:
            store.close()
        state.emit(
            {"rekeyed": True, "recovery_key": recovery},
            human=lambda r: (
                t(
                    "数据密钥已更换。新的恢复密钥（旧的已作废，只显示这一次）：\n    ",
                    "The data key was replaced. New recovery key (the old one no longer works; shown once):\n    ",
                )
                + r["recovery_key"]
            ),
        )

    @group.command(
        "new-recovery",
        help=t(
            "签发新的恢复密钥（旧的作废）。",
            "Issue a new recovery key (the old one stops working).",
        ),
    )
    @common_options
    @pass_state
    def new_recovery_cmd(state: CliState) -> None:
        from appliance.store.rekey import new_recovery

        with open_cli_store(state) as store:
            recovery = new_recovery(store, actor=cli_session(store).username)
        state.emit(
            {"recovery_key": recovery},
            human=lambda r: (
                t("新的恢复密钥（只显示这一次）：\n    ", "New recovery key (shown once):\n    ")
                + r["recovery_key"]
            ),
        )


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
    from appliance.services import users

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
        with open_cli_store(state) as store:
            user = users.set_locked(cli_session(store), username, False)
        state.emit(user, human=lambda u: t("已解锁 ", "Unlocked ") + u["username"])

    @group.command("passwd", help=t("重设账号密码。", "Reset an account's password."))
    @click.argument("username")
    @common_options
    @pass_state
    def passwd(state: CliState, username: str) -> None:
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
    @common_options
    @pass_state
    def backup_cmd(state: CliState, dest: str | None, list_only: bool) -> None:
        from appliance.store import backup, list_backups

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
        from appliance.store import restore

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
        from appliance.store import verify_audit

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
        with open_cli_store(state) as store:
            session = cli_session(store)
            session.require("audit.read")
            with store.read_raw() as conn:
                cursor = conn.execute(
                    "SELECT seq, ts, actor, role, action, outcome FROM audit_log WHERE patient_id = ? ORDER BY seq LIMIT ?",
                    (patient_id, limit),
                )
                names = [d[0] for d in cursor.description]
                rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
            session.audit("audit.show", patient_id=patient_id, detail={"count": len(rows)})
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


def _register_patient(cli: click.Group) -> None:
    from appliance.services import patients

    group = subgroup(cli, "patient", t("患者档案。", "Patient registry."))

    @group.command(
        "add",
        help=t(
            "登记患者：JSON {name, sex, birth_date, id_number, phone, address}。",
            "Register a patient from JSON {name, sex, birth_date, id_number, phone, address}.",
        ),
    )
    @json_input_argument
    @common_options
    @pass_state
    def add(state: CliState, source: str | None) -> None:
        data = read_json_input(source)
        with open_cli_store(state) as store:
            result = patients.add_patient(cli_session(store), data)
        state.emit(
            result,
            human=lambda r: t("已登记，患者编号 ", "Registered; patient id ") + r["patient_id"],
        )

    @group.command("list", help=t("列出或搜索患者。", "List or search patients."))
    @click.option(
        "--query",
        "-q",
        default="",
        help=t("姓名、身份证号、电话或编号。", "Name, ID number, phone or patient id."),
    )
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
    @common_options
    @pass_state
    def list_(state: CliState, query: str, limit: int) -> None:
        with open_cli_store(state) as store:
            session = cli_session(store)
            rows = (
                patients.search_patients(session, query, limit)
                if query
                else patients.list_patients(session, limit)
            )
        state.emit(
            rows,
            human=lambda rs: (
                "\n".join(
                    f"{r['patient_id']}  {r['name']}  {r['sex'] or '-'}  {r['age'] if r['age'] is not None else '-'}"
                    for r in rs
                )
                or t("没有患者。", "No patients.")
            ),
        )

    @group.command("show", help=t("显示一位患者。", "Show one patient."))
    @click.argument("patient_id")
    @common_options
    @pass_state
    def show(state: CliState, patient_id: str) -> None:
        with open_cli_store(state) as store:
            row = patients.get_patient(cli_session(store), patient_id)
        state.emit(row, human=lambda r: json.dumps(r, ensure_ascii=False, indent=2))

    @group.command(
        "erase",
        help=t(
            "依法删除患者全部数据（不可恢复，审计中只留不可识别的记录）。",
            "Legally erase all of a patient's data (irreversible; the audit keeps a non-identifying tombstone).",
        ),
    )
    @click.argument("patient_id")
    @click.option(
        "--reason", type=click.Choice(ERASE_REASONS), default="legal_request", show_default=True
    )
    @click.option("--yes", is_flag=True, help=t("不再确认。", "Do not ask for confirmation."))
    @common_options
    @pass_state
    def erase(state: CliState, patient_id: str, reason: str, yes: bool) -> None:
        from appliance.commands._store_cli import stdin_is_tty

        if not yes:
            if not stdin_is_tty():
                raise InputError(
                    "删除不可恢复：请加 --yes 确认。",
                    "Erasure cannot be undone: add --yes to confirm.",
                )
            click.confirm(
                t(
                    "确定永久删除这位患者的全部数据吗？",
                    "Erase all of this patient's data for good?",
                ),
                abort=True,
                err=True,
            )
        with open_cli_store(state) as store:
            result = patients.erase_patient(cli_session(store), patient_id, reason)
        state.emit(
            result,
            human=lambda r: (
                t("已删除，共 ", "Erased; ")
                + str(sum(r["rows_removed"].values()))
                + t(" 行。", " rows.")
            ),
        )


def _register_retention(cli: click.Group) -> None:
    group = subgroup(cli, "retention", t("数据保存期限。", "Data retention."))

    @group.command(
        "show",
        help=t(
            "显示各类数据的保存期限和已超期的患者。",
            "Show retention per data class and patients past it.",
        ),
    )
    @common_options
    @pass_state
    def show(state: CliState) -> None:
        from appliance.store.lifecycle import retention_report

        with open_cli_store(state) as store:
            cli_session(store).require("store.admin")
            report = retention_report(store)
        state.emit(report)

    @group.command(
        "apply",
        help=t(
            "删除已超过保存期限、可自动清理的数据。",
            "Delete data past its retention that may go automatically.",
        ),
    )
    @common_options
    @pass_state
    def apply(state: CliState) -> None:
        from appliance.store.lifecycle import apply_retention

        with open_cli_store(state) as store:
            session = cli_session(store)
            session.require("store.admin")
            result = apply_retention(store, actor=session.username)
        state.emit(result)


def register(cli: click.Group) -> None:
    _register_init(cli)
    _register_unlock(cli)
    _register_key(cli)
    _register_user(cli)
    _register_backup(cli)
    _register_audit(cli)
    _register_patient(cli)
    _register_retention(cli)
