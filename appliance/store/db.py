"""The encrypted clinic store: open/init, one writer thread, pooled reader connections.

``init_store`` creates ``DATA_DIR/clinic.db`` (SQLCipher, raw 256-bit data key) and its key
envelope ``DATA_DIR/clinic.keys.json``. ``open_store`` unwraps the key with the passphrase (or the
recovery key / key file), checks the file (``quick_check`` on a read-only connection first, so a
damaged file is never written), applies migrations and starts the writer.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from appliance.config import Settings
from appliance.errors import (
    DiskFull,
    StorageError,
    StoreCorrupt,
    StoreExists,
    StoreLocked,
    StoreNotInitialized,
    StoreReadOnly,
)
from appliance.store import _driver, _migrate, _unlock, accounts, audit
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
T = TypeVar("T")

DB_NAME = "clinic.db"
ENVELOPE_NAME = "clinic.keys.json"
UNLOCK_STATE_NAME = "clinic.unlock.json"


@dataclass(frozen=True)
class StorePaths:
    data_dir: Path

    @property
    def db(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def envelope(self) -> Path:
        return self.data_dir / ENVELOPE_NAME

    @property
    def unlock_state(self) -> Path:
        return self.data_dir / UNLOCK_STATE_NAME

    def exists(self) -> bool:
        return self.db.exists() or self.envelope.exists()


def translate_error(exc: BaseException) -> BaseException:
    """Map SQLite storage failures to ClinicBox errors (no patient data in the messages)."""
    if not isinstance(exc, _driver.DatabaseError):
        return exc
    text = str(exc).lower()
    if "disk is full" in text or "no space" in text:
        return DiskFull()
    if "readonly" in text or "read-only" in text:
        return StoreReadOnly()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreCorrupt()
    if "disk i/o" in text or "unable to open" in text:
        return StorageError()
    original: BaseException = exc
    return original


class Store:
    """An unlocked clinic database. Use :func:`open_store` / :func:`init_store` to get one."""

    def __init__(
        self,
        settings: Settings,
        keys: Keys,
        envelope: Envelope,
        *,
        read_only: bool = False,
        damaged: str | None = None,
    ) -> None:
        self.settings = settings
        self.paths = StorePaths(settings.data_dir)
        self.envelope = envelope
        self._keys = keys
        self.read_only = read_only
        self.damaged = damaged
        self._readers: list[Any] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._writer: Any = None
        self._stopped_writer: Any = None
        if not read_only:
            from appliance.store._writer import Writer

            conn = self._connect()
            try:
                self.migrations_applied = _migrate.apply_pending(conn)
            except BaseException as exc:
                conn.close()
                raise translate_error(exc) from None
            self._writer = Writer(conn, _driver.database)
        else:
            self.migrations_applied = []
        row = self._clinic_row()
        self.clinic_id: str = row[0] if row else envelope.clinic_id
        self.clinic_name: str = row[1] if row else ""

    # --- connections ----------------------------------------------------------------------

    def _connect(self, read_only: bool = False) -> Any:
        return _driver.connect(
            self.paths.db,
            self._keys.data_key,
            read_only=read_only or self.read_only,
            cache_kib=self.settings.store_cache_kib,
        )

    def _clinic_row(self) -> tuple[str, str] | None:
        try:
            with self.read_raw() as conn:
                row = conn.execute("SELECT id, name FROM clinic LIMIT 1").fetchone()
        except Exception:
            return None
        return (str(row[0]), str(row[1])) if row else None

    @property
    def audit_key(self) -> bytes:
        return self._keys.audit_key

    @property
    def path(self) -> Path:
        return self.paths.db

    # --- writing --------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self._closed:
            raise RuntimeError("store is closed")
        if self._writer is None:
            if self.damaged:
                raise StoreReadOnly(
                    hint_zh="数据库文件已损坏；请联系管理员用 clinicbox restore 从备份恢复。",
                    hint_en="The database file is damaged; restore a backup with clinicbox restore.",
                )
            raise StoreReadOnly()

    def _failed(self, exc: BaseException) -> BaseException:
        """Translate a storage error; damage found while running makes the store read-only."""
        error = translate_error(exc)
        if isinstance(error, StoreCorrupt) and self.damaged is None:
            log.error("clinic database damage found while running: %s", exc)
            self.damaged = f"runtime: {exc}"
            self.read_only = True
            writer, self._writer = self._writer, None
            if writer is not None:
                threading.Thread(
                    target=writer.close, name="clinicbox-writer-stop", daemon=True
                ).start()
                self._stopped_writer = writer
        return error

    def write(self, func: Callable[[sqlite_utils.Database], T]) -> T:
        """Run ``func(db)`` on the one writer thread in a transaction; committed on return."""
        self._check_writable()
        try:
            return self._writer.submit(func)  # type: ignore[no-any-return]
        except _driver.DatabaseError as exc:
            raise self._failed(exc) from None

    def write_raw(self, func: Callable[[Any], T]) -> T:
        """Like :meth:`write` with the DB-API connection instead of a sqlite-utils Database."""
        self._check_writable()
        try:
            return self._writer.submit(func, raw=True)  # type: ignore[no-any-return]
        except _driver.DatabaseError as exc:
            raise self._failed(exc) from None

    def maintenance(self, func: Callable[[Any], T]) -> T:
        """Run ``func(conn)`` on the writer thread outside any transaction (VACUUM, checkpoint)."""
        self._check_writable()
        try:
            return self._writer.submit(func, raw=True, transaction=False)  # type: ignore[no-any-return]
        except _driver.DatabaseError as exc:
            raise self._failed(exc) from None

    def audit(
        self,
        actor: str,
        role: str,
        action: str,
        *,
        outcome: str = "ok",
        patient_id: str | None = None,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int | None:
        """Append one audit row (its own transaction). Skipped on a read-only store."""
        if self._writer is None:
            log.warning("audit not recorded on a read-only store: %s", action)
            return None
        return self.write_raw(
            lambda conn: audit.append(
                conn,
                self.audit_key,
                actor=actor,
                role=role,
                action=action,
                outcome=outcome,
                patient_id=patient_id,
                target=target,
                detail=detail,
            )
        )

    # --- reading --------------------------------------------------------------------------

    @contextlib.contextmanager
    def read_raw(self) -> Iterator[Any]:
        """A pooled reader connection inside one read transaction (a consistent snapshot)."""
        if self._closed:
            raise RuntimeError("store is closed")
        with self._readers_lock:
            conn = self._readers.pop() if self._readers else None
        try:
            if conn is None:
                conn = self._connect(read_only=True)
                if not self.read_only:
                    conn.execute("PRAGMA query_only = ON")
            conn.execute("BEGIN")
        except _driver.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise self._failed(exc) from None
        healthy = False
        try:
            yield conn
            healthy = True
        except _driver.DatabaseError as exc:
            raise self._failed(exc) from None
        finally:
            try:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")  # a read transaction: nothing to keep
            except _driver.DatabaseError:
                healthy = False
            with self._readers_lock:
                if healthy and not self._closed and len(self._readers) < 8:
                    self._readers.append(conn)
                else:
                    conn.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """``with store.read() as db:`` — a sqlite-utils Database on a reader connection."""
        with self.read_raw() as conn:
            yield _driver.database(conn)

    # --- checks and life cycle -------------------------------------------------------------

    def integrity_check(self, full: bool = True) -> list[str]:
        """Problems found by ``cipher_integrity_check`` (page MACs) and ``integrity_check``."""
        problems: list[str] = []
        with self.read_raw() as conn:
            if full:
                problems += [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
            pragma = "integrity_check" if full else "quick_check"
            result = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
        if result != ["ok"]:
            problems += result
        return problems

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            with contextlib.suppress(Exception):
                conn.close()
        if self._stopped_writer is not None:
            self._stopped_writer.close()
            with contextlib.suppress(Exception):
                self._stopped_writer._conn.close()
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                self._writer._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with contextlib.suppress(Exception):
                self._writer._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
    _unlock.check_allowed(paths.unlock_state, settings.max_unlock_attempts)
    envelope = read_envelope(paths.envelope)
    try:
        keys = envelope.unwrap(secret, kind)
    except StoreLocked:
        raise _unlock.record_failure(paths.unlock_state, settings.max_unlock_attempts) from None
    _unlock.record_success(paths.unlock_state)
    return envelope, keys


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
    problem = check_file(paths.db, keys)
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
