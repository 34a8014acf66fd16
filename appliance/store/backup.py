"""Online, consistent, still-encrypted backups and verified restores.

``backup(store, dest_dir)`` copies the live database with SQLite's backup API from a reader
snapshot into ``clinic-YYYYmmddTHHMMSSZ.db`` (same SQLCipher key: the copy stays encrypted),
checks the copy (``cipher_integrity_check`` + ``integrity_check``) and puts the key envelope next
to it (``….keys.json``), so the passphrase or the recovery key of that day opens it.

``restore(settings, path)`` verifies a copy of the backup in the data folder first; only a copy
that passes both checks replaces ``clinic.db``. The file it replaces is kept as
``clinic.db.before-restore-<time>`` (a damaged database is never overwritten or deleted).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from appliance.config import Settings
from appliance.errors import BackupInvalid, InputError, NotFoundError, StoreLocked
from appliance.store import _driver, _exclusive
from appliance.store.envelope import (
    Envelope,
    Keys,
    fsync_dir,
    read_envelope,
    write_atomic,
    write_envelope,
)

if TYPE_CHECKING:
    from appliance.store.db import Store

BACKUP_PREFIX = "clinic-"
#: where the desktop and ``udisks`` mount USB sticks and card readers
MEDIA_ROOTS: tuple[str, ...] = ("/media", "/run/media", "/mnt")


def _mount_of(path: Path) -> tuple[str, str] | None:
    """(mount point, source device) of the filesystem holding ``path``, from mountinfo."""
    best: tuple[str, str] | None = None
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    text = str(path)
    for line in lines:
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        point = fields[4].replace("\\040", " ")
        source = line.split(" - ", 1)[1].split()[1:2]
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > len(best[0])):
            best = (point, source[0] if source else "")
    return best


def is_removable_device(source: str) -> bool:
    """A block device the kernel marks removable, or one on a USB bus (card readers, sticks)."""
    if not source.startswith("/dev/"):
        return False
    name = Path(os.path.realpath(source)).name
    node = Path("/sys/class/block") / name
    if not node.exists():
        return False
    sysfs = Path(os.path.realpath(node))
    disk = sysfs.parent if (sysfs / "partition").exists() else sysfs
    try:
        if (disk / "removable").read_text().strip() == "1":
            return True
    except OSError:
        pass
    return "/usb" in str(sysfs)


def on_removable_medium(path: Path) -> bool:
    """Whether ``path`` lies on a removable medium mounted under one of :data:`MEDIA_ROOTS`."""
    found = _mount_of(path)
    if found is None:
        return False
    point, source = found
    under_root = any(point == r or point.startswith(r.rstrip("/") + "/") for r in MEDIA_ROOTS)
    return under_root and point not in MEDIA_ROOTS and is_removable_device(source)


def allowed_destination(settings: Settings, destination: str | Path | None) -> Path:
    """The folder a session may write a backup to: the configured backup folder (or one inside
    it; a relative path is taken inside it) or a folder on a mounted removable medium.
    Anything else (``../../x``, ``/etc``) raises :class:`InputError` before a byte is written."""
    base = settings.resolved("backup_dir").resolve()
    if destination is None or not str(destination).strip():
        return base
    raw = Path(str(destination).strip()).expanduser()
    candidate = (raw if raw.is_absolute() else base / raw).resolve()
    if candidate == base or base in candidate.parents or on_removable_medium(candidate):
        return candidate
    raise InputError(
        "备份只能写入配置的备份目录或已插入的 U 盘/移动硬盘，未做任何备份。",
        "Backups can only go to the configured backup folder or a mounted removable medium;"
        " nothing was written.",
        hint_zh=f"请不填目标（默认 {base}），或插入 U 盘后选择它在 /media 下的目录。",
        hint_en=f"Leave the destination empty (default {base}), or insert a USB stick and "
        "choose its folder under /media.",
        details={"field": "destination"},
    )


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def envelope_for(backup_path: Path) -> Path:
    return backup_path.with_name(backup_path.stem + ".keys.json")


def verify_file(path: Path, data_key: bytes) -> list[str]:
    """Problems found in an encrypted database file (empty list: it is sound)."""
    try:
        conn = _driver.connect(path, data_key, read_only=True)
    except _driver.DatabaseError as exc:
        return [f"cannot open: {exc}"]
    try:
        problems = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
        result = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems += result
        tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        if not {"clinic", "patient", "audit_log"} <= tables:
            problems.append("not a ClinicBox database")
    except _driver.DatabaseError as exc:
        problems = [f"check failed: {exc}"]
    finally:
        conn.close()
    return problems


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _envelope_anchored_to(copy: Path, live_envelope: Path, keys: Keys) -> Envelope:
    """The live envelope with its audit anchor set to the copy's own audit head, so a restore
    of this backup verifies (the live anchor may already be past the snapshot)."""
    from appliance.store import audit

    envelope = read_envelope(live_envelope)
    conn = _driver.connect(copy, keys.data_key, read_only=True)
    try:
        head = audit.head(conn)
    finally:
        conn.close()
    if head is not None:
        envelope.audit_anchor = audit.make_anchor(keys.audit_key, envelope.clinic_id, *head)
    return envelope


def backup(
    store: Store,
    dest_dir: Path | str | None = None,
    *,
    actor: str = "system",
    allowed_places_only: bool = False,
) -> dict[str, Any]:
    """Make a verified encrypted backup; returns its path, size, checksum and envelope path.

    ``allowed_places_only`` (every backup a session asks for: TUI, LAN API) limits ``dest_dir``
    to :func:`allowed_destination`; the console command passes the folder it was given."""
    if allowed_places_only:
        target_dir = allowed_destination(store.settings, dest_dir)
    else:
        target_dir = Path(dest_dir) if dest_dir else store.settings.resolved("backup_dir")
    target_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = target_dir / f"{BACKUP_PREFIX}{_stamp()}.db"
    partial = final.with_name(final.name + ".partial")
    keys = Keys(store._keys.data_key, store._keys.audit_key)
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        dst = _driver.connect(partial, keys.data_key, wal=False)
        try:
            with store.read_raw() as src:
                src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        problems = verify_file(partial, keys.data_key)
        if problems:
            raise BackupInvalid(
                "备份副本未通过校验，已丢弃。",
                "The backup copy failed its check and was discarded.",
                details={"problems": problems[:5]},
            )
        _fsync_file(partial)
        envelope = _envelope_anchored_to(partial, store.paths.envelope, keys)
        os.replace(partial, final)
        write_envelope(envelope_for(final), envelope)  # 0600, fsynced
        fsync_dir(target_dir)
    except BaseException as exc:
        for leftover in (partial, Path(str(partial) + "-journal")):
            leftover.unlink(missing_ok=True)
        from appliance.store.db import translate_error

        raise translate_error(exc) from None
    info = {
        "path": str(final),
        "envelope": str(envelope_for(final)),
        "bytes": final.stat().st_size,
        "sha256": _sha256(final),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    store.audit(actor, "admin", "backup.create", detail={"bytes": info["bytes"]})
    return info


def list_backups(settings: Settings, dest_dir: Path | None = None) -> list[dict[str, Any]]:
    folder = dest_dir or settings.resolved("backup_dir")
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"{BACKUP_PREFIX}*.db"), reverse=True):
        found.append(
            {
                "path": str(path),
                "bytes": path.stat().st_size,
                "has_envelope": envelope_for(path).exists(),
            }
        )
    return found


def prune_backups(folder: Path, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` backups (and their envelopes) in ``folder``."""
    found = sorted(folder.glob(f"{BACKUP_PREFIX}*.db"), key=lambda p: p.name, reverse=True)
    removed = []
    for path in found[keep:]:
        path.unlink(missing_ok=True)
        envelope_for(path).unlink(missing_ok=True)
        removed.append(str(path))
    return removed


def restore(
    settings: Settings,
    path: Path | str,
    passphrase: str | None = None,
    *,
    recovery_key: str | None = None,
    actor: str = "system",
) -> dict[str, Any]:
    """Verify ``path`` and make it the clinic database.

    Stores of this process on the same folder are paused and reopened on the restored file;
    another program that has the database open makes the restore stop before any change."""
    from appliance.store._open import _secret_from_settings
    from appliance.store.db import Store, StorePaths

    source = Path(path)
    if not source.is_file():
        raise NotFoundError(f"找不到备份文件：{source}", f"Backup file not found: {source}")
    paths = StorePaths(settings.data_dir)
    env_path = envelope_for(source) if envelope_for(source).exists() else paths.envelope
    if not env_path.exists():
        raise BackupInvalid(
            "找不到这个备份的密钥信封（.keys.json）。",
            "The key envelope (.keys.json) of this backup is missing.",
        )
    envelope = read_envelope(env_path)
    if recovery_key is not None:
        keys = envelope.unwrap(recovery_key, "recovery")
    else:
        if passphrase is None:
            found = _secret_from_settings(settings)
            if found is None:
                raise StoreLocked()
            passphrase, kind = found
        else:
            kind = "passphrase"
        keys = envelope.unwrap(passphrase, kind)

    paths.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = paths.data_dir / f".clinic.db.restore-{secrets.token_hex(4)}"
    try:
        shutil.copyfile(source, staged)
        os.chmod(staged, 0o600)
        _fsync_file(staged)
        problems = verify_file(staged, keys.data_key)
        if problems:
            raise BackupInvalid(details={"problems": problems[:5]})
        stamp = _stamp()
        kept: str | None = None
        # this process's open stores pause; another program holding the database stops us here
        with _exclusive.exclusive(paths.data_dir) as swap:
            if paths.db.exists():
                aside = paths.data_dir / f"clinic.db.before-restore-{stamp}"
                os.replace(paths.db, aside)
                for suffix in ("-wal", "-shm"):
                    side = Path(str(paths.db) + suffix)
                    if side.exists():
                        os.replace(side, Path(str(aside) + suffix))
                kept = str(aside)
            if env_path != paths.envelope:
                if paths.envelope.exists():
                    shutil.copyfile(
                        paths.envelope, paths.data_dir / f"clinic.keys.json.before-restore-{stamp}"
                    )
                write_atomic(paths.envelope, env_path.read_bytes())
            os.replace(staged, paths.db)
            fsync_dir(paths.data_dir)
            swap.keys, swap.envelope = keys, envelope
    finally:
        staged.unlink(missing_ok=True)
    restored = Store(settings, keys, envelope)
    try:
        restored.audit(actor, "admin", "backup.restore", detail={"kept_previous": kept is not None})
        restored.anchor_audit(force=True)  # the anchor now follows the restored chain
    finally:
        restored.close()
    return {"restored": str(source), "db_path": str(paths.db), "previous_kept_as": kept}
