"""Store commands: init, unlock, key — and registration of user, backup, restore, audit,
patient and retention (in ``_store_admin`` and ``_store_patient``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from appliance.commands._base import (
    CliState,
    common_options,
    pass_state,
    subgroup,
)
from appliance.commands._store_admin import register_admin
from appliance.commands._store_cli import cli_session, open_cli_store, read_secret
from appliance.commands._store_patient import register_patient
from appliance.i18n import t


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
        from appliance.services.store_admin import init_store

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
        except Exception as exc:  # the store is made; certificates can be made again later
            click.echo(
                t(
                    f"警告：未能生成本机 TLS 证书（{exc.__class__.__name__}），"
                    "clinicbox serve 启动时会再试。",
                    f"Warning: the TLS certificate could not be made ({exc.__class__.__name__}); "
                    "clinicbox serve will try again.",
                ),
                err=True,
            )
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
    @click.option(
        "--recovery",
        "--recovery-key",
        "recovery",
        is_flag=True,
        help=t(
            "使用恢复密钥（提示输入或从标准输入读一行）。",
            "Use the recovery key (prompted, or one line on stdin).",
        ),
    )
    @click.option(
        "--check",
        "full_check",
        is_flag=True,
        help=t("完整校验每一页（较慢）。", "Check every page (slower)."),
    )
    @common_options
    @pass_state
    def unlock(state: CliState, recovery: bool, full_check: bool) -> int:
        from appliance.services.store_admin import open_store

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
        from appliance.services.store_admin import change_passphrase as change
        from appliance.services.store_admin import open_store

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
        from appliance.services.store_admin import rekey

        settings = state.settings()
        passphrase = settings.passphrase.get_secret_value() if settings.passphrase else None
        if not passphrase:
            passphrase = read_secret("数据库口令", "Database passphrase")
        from appliance.services.store_admin import open_store

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
        from appliance.services.store_admin import new_recovery

        with open_cli_store(state) as store:
            recovery = new_recovery(store, actor=cli_session(store).username)
        state.emit(
            {"recovery_key": recovery},
            human=lambda r: (
                t("新的恢复密钥（只显示这一次）：\n    ", "New recovery key (shown once):\n    ")
                + r["recovery_key"]
            ),
        )


def _bench_human(r: dict[str, Any]) -> str:
    lines = [
        t(
            f"存储基准（{r['size']}，{r['rounds']} 轮配对测量取中位数，fsync {r['fsync_ms']} ms）：",
            f"Store benchmark ({r['size']}, median of {r['rounds']} paired rounds, fsync {r['fsync_ms']} ms):",
        )
    ]
    for name, w in r["workloads"].items():
        lines.append(
            f"  {name:<20} sqlite {w['sqlite_per_s']:>10.1f}/s  sqlcipher "
            f"{w['sqlcipher_per_s']:>10.1f}/s  x{w['ratio']:.2f}"
        )
    verdict = t("达标", "PASS") if r["passed"] else t("未达标", "FAIL")
    lines.append(
        t("写入", "writes")
        + f" x{r['write_ratio']:.2f} (≤{r['write_target']}), "
        + t("读取", "reads")
        + f" x{r['read_ratio']:.2f}, "
        + t("写后读取", "reads after writes")
        + f" x{r['read_after_write_ratio']:.2f} (≤{r['read_target']}): {verdict}"
    )
    lines.append(t("SQLite 版本（两侧相同）：", "SQLite (both sides): ") + r["sqlite_version"])
    return "\n".join(lines)


def _register_bench(cli: click.Group) -> None:
    group = subgroup(cli, "bench", t("性能基准。", "Benchmarks."))

    @group.command(
        "store",
        help=t(
            "加密数据库与普通 SQLite 的读写吞吐对比（同一表结构、同一次运行）。",
            "Encrypted vs plain SQLite throughput on the same schema in the same run.",
        ),
    )
    @click.option(
        "--size", type=click.Choice(["smoke", "quick", "full"]), default="full", show_default=True
    )
    @click.option(
        "--dir",
        "folder",
        type=click.Path(file_okay=False),
        default=None,
        help=t(
            "在此目录的磁盘上测试（默认系统临时目录）。",
            "Run on this folder's disk (default: the system temp folder).",
        ),
    )
    @click.option(
        "--out",
        type=click.Path(dir_okay=False),
        default=None,
        help=t("把结果 JSON 写入文件。", "Also write the JSON result to this file."),
    )
    @common_options
    @pass_state
    def bench_store(state: CliState, size: str, folder: str | None, out: str | None) -> int:
        import time

        from appliance.bench.store import run_bench

        started = time.monotonic()

        def progress(step: int, total: int) -> None:
            if step % max(1, total // 10) and step != total:
                return
            elapsed = time.monotonic() - started
            eta = elapsed / step * (total - step)
            click.echo(
                t(
                    f"  进度 {step}/{total}，预计还需 {eta:.0f} 秒",
                    f"  {step}/{total} done, about {eta:.0f} s left",
                ),
                err=True,
            )

        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
        result = run_bench(size, folder=Path(folder) if folder else None, progress=progress)
        if out:
            Path(out).write_text(
                json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        state.emit(result, human=_bench_human)
        return 0


def register(cli: click.Group) -> None:
    _register_bench(cli)
    _register_init(cli)
    _register_unlock(cli)
    _register_key(cli)
    register_admin(cli)
    register_patient(cli)
