"""Errors of the store (issue 4) area."""

from __future__ import annotations

from appliance.errors._base import ClinicBoxError, InputError


class StoreNotInitialized(ClinicBoxError):
    code = "store_missing"
    exit_code = 3
    http_status = 503
    default_zh = "本机还没有诊所数据库。"
    default_en = "This box has no clinic database yet."
    default_hint_zh = "请先运行 clinicbox init --clinic 诊所名 --admin 管理员账号。"
    default_hint_en = "Run clinicbox init --clinic NAME --admin USER first."


class StoreExists(ClinicBoxError):
    code = "store_exists"
    exit_code = 3
    http_status = 409
    default_zh = "此数据目录中已经有诊所数据库，未做任何改动。"
    default_en = "A clinic database already exists in this folder; nothing was changed."
    default_hint_zh = "如需重新开始，请换一个 --data-dir。"
    default_hint_en = "Use another --data-dir to start afresh."


class StoreLocked(ClinicBoxError):
    code = "store_locked"
    exit_code = 77
    http_status = 423
    default_zh = "数据库已加密锁定，需要口令才能打开。"
    default_en = "The database is locked; a passphrase is needed to open it."
    default_hint_zh = "请输入管理口令，或设置环境变量 CLINICBOX_PASSPHRASE。"
    default_hint_en = "Enter the passphrase or set CLINICBOX_PASSPHRASE."


class WrongPassphrase(StoreLocked):
    code = "wrong_passphrase"
    default_zh = "口令不正确，数据库未打开，也未做任何改动。"
    default_en = "Wrong passphrase; the database was not opened and nothing was changed."
    default_hint_zh = (
        "请检查口令；忘记口令时可用恢复密钥解锁（clinicbox key change-passphrase --recovery）。"
    )
    default_hint_en = "Check the passphrase; if forgotten, use the recovery key (clinicbox key change-passphrase --recovery)."


class UnlockThrottled(StoreLocked):
    code = "unlock_throttled"
    default_zh = "口令错误次数过多，暂时不能解锁。"
    default_en = "Too many wrong passphrases; unlocking is paused for now."
    default_hint_zh = "请稍后再试，或使用恢复密钥。"
    default_hint_en = "Try again later or use the recovery key."


class StoreCorrupt(ClinicBoxError):
    code = "store_corrupt"
    exit_code = 74
    http_status = 503
    default_zh = "数据库文件已损坏，已切换为只读，损坏的文件保持原样未被覆盖。"
    default_en = "The database file is damaged; the box is read-only and the damaged file was left untouched."
    default_hint_zh = "请联系管理员用 clinicbox restore 从备份恢复。"
    default_hint_en = "Ask the administrator to restore a backup with clinicbox restore."


class StoreForeign(ClinicBoxError):
    code = "store_foreign"
    exit_code = 74
    http_status = 503
    default_zh = (
        "clinic.db 不是本诊所的数据库（文件为空、未加密或属于别的诊所）；未打开，也未做任何改动。"
    )
    default_en = (
        "clinic.db is not this clinic's database (it is empty, unencrypted or another clinic's);"
        " it was not opened and nothing was changed."
    )
    default_hint_zh = (
        "只有 clinicbox init 会新建数据库。请检查 --data-dir 是否正确，"
        "或由管理员用 clinicbox restore 从备份恢复。"
    )
    default_hint_en = (
        "Only clinicbox init creates a database. Check --data-dir, or ask the administrator"
        " to restore a backup with clinicbox restore."
    )


class StoreReadOnly(ClinicBoxError):
    code = "store_read_only"
    exit_code = 74
    http_status = 503
    default_zh = "数据库处于只读状态，不能保存修改。"
    default_en = "The database is read-only; changes cannot be saved."
    default_hint_zh = "请联系管理员检查数据库并从备份恢复。"
    default_hint_en = "Ask the administrator to check the database and restore a backup."


class DiskFull(ClinicBoxError):
    code = "disk_full"
    exit_code = 75
    http_status = 507
    default_zh = "磁盘空间已满，本次修改没有保存；已保存的数据完好。"
    default_en = "The disk is full; this change was not saved. Saved data is intact."
    default_hint_zh = "请清理磁盘空间或更换更大的磁盘后重试。"
    default_hint_en = "Free some disk space and try again."


class StorageError(ClinicBoxError):
    code = "storage_error"
    exit_code = 74
    http_status = 503
    default_zh = "读写数据库时出错，本次修改没有保存。"
    default_en = "The database could not be read or written; this change was not saved."
    default_hint_zh = "请检查磁盘后重试；如果反复出现，请联系管理员。"
    default_hint_en = "Check the disk and try again; tell the administrator if it persists."


class LoginFailed(ClinicBoxError):
    code = "login_failed"
    exit_code = 77
    http_status = 401
    default_zh = "用户名或密码不正确。"
    default_en = "Wrong user name or password."


class AccountLocked(LoginFailed):
    code = "account_locked"
    default_zh = "该账号已被锁定。"
    default_en = "This account is locked."
    default_hint_zh = "请稍后再试或请管理员解锁（clinicbox user unlock）。"
    default_hint_en = "Try later or ask the administrator to unlock it (clinicbox user unlock)."


class AuditChainBroken(ClinicBoxError):
    code = "audit_broken"
    exit_code = 6
    default_zh = "审计日志链校验失败：有记录被修改、删除或调换了顺序。"
    default_en = "The audit chain is broken: a row was edited, deleted or reordered."
    default_hint_zh = "请保留现场并通知管理员。"
    default_hint_en = "Keep the box as it is and tell the administrator."


class BackupInvalid(ClinicBoxError):
    code = "backup_invalid"
    exit_code = 65
    http_status = 422
    default_zh = "备份文件无法通过完整性校验，未做任何恢复。"
    default_en = "The backup failed its integrity check; nothing was restored."
    default_hint_zh = "请换一个备份文件。"
    default_hint_en = "Choose another backup file."


class WeakSecret(InputError):
    code = "weak_secret"
    default_zh = "口令或密码太弱。"
    default_en = "The passphrase or password is too weak."
    default_hint_zh = "请至少使用 8 个字符，并包含字母和数字。"
    default_hint_en = "Use at least 8 characters with letters and digits."


class DuplicatePatient(InputError):
    code = "duplicate_patient"
    http_status = 409
    default_zh = "已有相同身份证号的患者档案，未重复建档。"
    default_en = "A patient with the same ID number is already registered; no duplicate was made."
    default_hint_zh = "请用 clinicbox patient list 查找已有档案。"
    default_hint_en = "Find the existing record with clinicbox patient list."
