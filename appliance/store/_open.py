"""Opening and creating the store.

``init_store`` creates ``DATA_DIR/clinic.db`` (SQLCipher, raw 256-bit data key) and its key
envelope ``DATA_DIR/clinic.keys.json``. ``open_store`` unwraps the key with the passphrase (or the
recovery key / key file), checks the file (``quick_check`` on a read-only connection first, so a
damaged file is never written), applies migrations and starts the writer.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from appliance.config import Settings
from appliance.errors import (
    DiskFull,
    StoreCorrupt,
    StoreExists,
    StoreForeign,
    StoreLocked,
    StoreNotInitialized,
)
from appliance.store import _driver, _migrate, _unlock, accounts, audit
from appliance.store.db import DB_NAME, Store, StorePaths, translate_error
from appliance.store.envelope import (
    Envelope,
    Keys,
    check_passphrase_strength,
    fsync_dir,
    new_recovery_key,
    read_envelope,
    write_envelope,
)

log = logging.getLogger("clinicbox.store")

# --- opening ------------------------------------------------------------------------------


def _secret_from_settings(settings: Settings) -> tuple[str, str] | None:
    if settings.passphrase is not None and settings.passphrase.get_secret_value():
        return settings.passphrase.get_secret_value(), "passphrase"
    if settings.key_file is not None:
        try:
            text = Path(settings.key_file).read_text(encoding="utf-8").strip()
        except OSError:
            raise StoreLocked(
                f"无法读取密钥文件：{settings.key_file}。",
                f"The key file cannot be read: {settings.key_file}.",
                hint_zh="请插入存有密钥文件的 U 盘，或输入口令。",
                hint_en="Insert the USB stick with the key file, or enter the passphrase.",
            ) from None
        return text, "recovery"
    return None


def unlock_keys(
    settings: Settings, secret: str | None = None, kind: str = "passphrase"
) -> tuple[Envelope, Keys]:
    """Unwrap the keys; a wrong secret is counted and raises WrongPassphrase (nothing else moves)."""
    paths = StorePaths(settings.data_dir)
    if not paths.envelope.exists():
        if paths.db.exists():
            raise StoreNotInitialized(
                "找到了数据库文件，但缺少密钥信封 clinic.keys.json，无法解锁。",
                "The database file is there but its key envelope clinic.keys.json is missing.",
                hint_zh="请从最近的备份目录复制 .keys.json 文件为 clinic.keys.json。",
                hint_en="Copy the .keys.json of the latest backup to clinic.keys.json.",
            )
        raise StoreNotInitialized()
    if secret is None:
        found = _secret_from_settings(settings)
        if found is None:
            raise StoreLocked()
        secret, kind = found
    if kind == "passphrase":  # a 256-bit recovery key cannot be guessed: never paused
        _unlock.check_allowed(paths.unlock_state, settings.max_unlock_attempts)
    envelope = read_envelope(paths.envelope)
    try:
        keys = envelope.unwrap(secret, kind)
    except StoreLocked:
        raise _unlock.record_failure(paths.unlock_state, settings.max_unlock_attempts) from None
    _unlock.record_success(paths.unlock_state)
    return envelope, keys


_PLAIN_SQLITE = b"SQLite format 3\x00"
#: below this much free space a store that fails to open is reported as a full disk
MIN_FREE_BYTES = 4 * 1024 * 1024


def foreign_reason(path: Path) -> str | None:
    """Why ``path`` cannot be a clinic store by its bytes alone: ``empty`` or ``unencrypted``
    (SQLCipher files have no plain-text header). ``None`` when it may be one."""
    try:
        with open(path, "rb") as handle:
            first = handle.read(len(_PLAIN_SQLITE))
    except OSError:
        return None  # unreadable: the open that follows reports it
    if not first:
        return "empty"
    if first == _PLAIN_SQLITE:
        return "unencrypted"
    return None


def identity_problem(path: Path, keys: Keys, clinic_id: str) -> str | None:
    """``None`` when the file holds the clinic of the envelope (its ``clinic`` row), else why not."""
    conn = _driver.connect(path, keys.data_key, read_only=True)
    try:
        row = conn.execute("SELECT id FROM clinic LIMIT 1").fetchone()
    except _driver.DatabaseError:
        return "no clinic table"
    finally:
        conn.close()
    if row is None:
        return "no clinic row"
    return None if str(row[0]) == clinic_id else "another clinic"


def disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < MIN_FREE_BYTES
    except OSError:
        return False


def check_file(path: Path, keys: Keys) -> str | None:
    """Open read-only and run ``quick_check``; returns a problem description or ``None``."""
    if not path.exists():
        return "missing"
    try:
        conn = _driver.connect(path, keys.data_key, read_only=True)
    except _driver.DatabaseError as exc:
        return f"open: {exc.__class__.__name__}: {exc}"
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    except _driver.DatabaseError as exc:
        return f"check: {exc.__class__.__name__}: {exc}"
    finally:
        conn.close()
    return None if rows == ["ok"] else "; ".join(rows[:5])


def open_store(
    settings: Settings,
    passphrase: str | None = None,
    *,
    recovery_key: str | None = None,
    read_only: bool = False,
) -> Store:
    """Unlock and open the clinic store. Raises StoreLocked/WrongPassphrase/StoreNotInitialized;
    a damaged file opens read-only (``store.damaged`` says why) or raises StoreCorrupt when even
    that is impossible."""
    from appliance.store import rekey

    if recovery_key is not None:
        envelope, keys = unlock_keys(settings, recovery_key, "recovery")
    else:
        envelope, keys = unlock_keys(settings, passphrase)
    envelope, keys = rekey.finish_pending(settings, envelope, keys)
    paths = StorePaths(settings.data_dir)
    if not paths.db.exists():
        raise StoreNotInitialized(
            "密钥信封存在，但数据库文件不见了。",
            "The key envelope exists but the database file is missing.",
            hint_zh="请用 clinicbox restore 从备份恢复。",
            hint_en="Restore a backup with clinicbox restore.",
        )
    reason = foreign_reason(paths.db)
    if reason is not None:  # never turned into a new empty store: only init creates one
        raise StoreForeign(details={"reason": reason})
    problem = check_file(paths.db, keys)
    if problem is not None and disk_full(paths.data_dir):
        raise DiskFull(
            "磁盘空间已满，数据库无法打开；数据没有改动。",
            "The disk is full, so the database cannot be opened; nothing was changed.",
            hint_zh="请清理磁盘空间（例如旧备份、日志）后重试。",
            hint_en="Free some disk space (old backups, logs) and try again.",
        )
    if problem is None:
        reason = identity_problem(paths.db, keys, envelope.clinic_id)
        if reason is not None:
            raise StoreForeign(details={"reason": reason})
    if problem is not None:
        log.error("clinic database failed its check at open: %s", problem)
        try:
            store = Store(settings, keys, envelope, read_only=True, damaged=problem)
            with store.read_raw() as conn:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except Exception:
            raise StoreCorrupt(details={"problem": problem[:200]}) from None
        return store
    return Store(settings, keys, envelope, read_only=read_only)


# --- creating -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InitResult:
    clinic_id: str
    admin_user_id: str
    db_path: Path
    recovery_key: str
    key_file: Path | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def init_store(
    settings: Settings,
    *,
    clinic_name: str,
    admin_user: str,
    admin_password: str,
    passphrase: str | None = None,
    key_file: Path | None = None,
) -> InitResult:
    """Create the encrypted store, the clinic, the first admin and the key envelope."""
    from appliance.errors import InputError

    paths = StorePaths(settings.data_dir)
    if paths.exists():
        raise StoreExists()
    if passphrase is None:
        found = _secret_from_settings(settings)
        if found is None or found[1] != "passphrase":
            raise StoreLocked(
                "创建数据库需要设置管理口令。",
                "A passphrase is needed to create the database.",
            )
        passphrase = found[0]
    check_passphrase_strength(passphrase)
    admin = accounts.check_username(admin_user)
    accounts.check_password_strength(admin_password, admin)
    if not clinic_name.strip():
        raise InputError("诊所名称不能为空。", "The clinic name cannot be empty.")
    paths.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    keys = Keys.generate()
    recovery = new_recovery_key()
    clinic_id = secrets.token_hex(8)
    envelope = Envelope.create(keys, clinic_id, passphrase, recovery, settings.store_kdf_log2_n)
    password_hash = accounts.hash_password(admin_password, settings.password_hash_memory_kib)

    tmp = paths.data_dir / f".{DB_NAME}.init-{secrets.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # WAL/SHM inherit 0600
        os.close(fd)
        conn = _driver.connect(tmp, keys.data_key, cache_kib=settings.store_cache_kib)
        try:
            _migrate.apply_pending(conn)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO clinic (id, name, created_at) VALUES (?, ?, ?)",
                (clinic_id, clinic_name.strip(), _now()),
            )
            admin_id = accounts.insert_user(
                conn,
                username=admin,
                role="admin",
                password_hash=password_hash,
                display_name=admin,
            )
            audit.append(conn, keys.audit_key, actor="system", role="admin", action="store.init")
            audit.append(
                conn,
                keys.audit_key,
                actor="system",
                role="admin",
                action="user.add",
                target=admin_id,
                detail={"role": "admin"},
            )
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            first_head = audit.head(conn)
            assert first_head is not None
            envelope.audit_anchor = audit.make_anchor(keys.audit_key, clinic_id, *first_head)
        finally:
            conn.close()
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        write_envelope(paths.envelope, envelope)
        os.replace(tmp, paths.db)
        fsync_dir(paths.data_dir)
    except BaseException as exc:
        for suffix in ("", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        if not paths.db.exists():
            paths.envelope.unlink(missing_ok=True)
        raise translate_error(exc) from None
    written_key_file: Path | None = None
    if key_file is not None:
        written_key_file = write_key_file(key_file, recovery)
    return InitResult(clinic_id, admin_id, paths.db, recovery, written_key_file)


def write_key_file(path: Path, recovery_key: str) -> Path:
    path = Path(path)
    if path.is_dir():
        path = path / "clinicbox-recovery.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(recovery_key + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path
