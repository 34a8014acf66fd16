"""Who has the database open, and taking it over for a file swap (restore, rekey).

Every open :class:`~appliance.store.db.Store` holds a shared ``flock`` on ``DATA_DIR/clinic.lock``
and is listed in this process's registry. A swap of ``clinic.db`` first *suspends* the stores of
this process (their connections close; calls made meanwhile get a clear "busy" error), then takes
the lock exclusively — which fails, with a clear message, while another program (``clinicbox
serve``, the TUI) has the database open — swaps, and finally *resumes* the suspended stores on the
new file with the right keys. No connection is ever left pointing at a file that was moved away.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from appliance.errors import StorageError
from appliance.store.envelope import Envelope, Keys

if TYPE_CHECKING:
    from appliance.store.db import Store

log = logging.getLogger("clinicbox.store")
LOCK_NAME = "clinic.lock"
_registry: weakref.WeakSet[Store] = weakref.WeakSet()
_registry_lock = threading.Lock()


def busy_error() -> StorageError:
    return StorageError(
        "数据库正在恢复或更换密钥，请稍后再试。",
        "The database is being restored or rekeyed; try again in a moment.",
        hint_zh="",
        hint_en="",
    )


def _open_lock_file(data_dir: Path) -> int:
    return os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)


def _flock(fd: int, mode: int, wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def acquire_shared(data_dir: Path, wait_s: float = 15.0) -> int:
    """Take the shared lock an open store holds (waits out a restore in progress)."""
    fd = _open_lock_file(data_dir)
    if not _flock(fd, fcntl.LOCK_SH, wait_s):
        os.close(fd)
        raise busy_error()
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the descriptor drops its flock


def register(store: Store) -> None:
    with _registry_lock:
        _registry.add(store)


def unregister(store: Store) -> None:
    with _registry_lock:
        _registry.discard(store)


@dataclass
class Swap:
    """Filled in by the caller once the new file is in place: the keys to resume with."""

    keys: Keys | None = None
    envelope: Envelope | None = None


@contextlib.contextmanager
def exclusive(data_dir: Path, wait_s: float = 3.0) -> Iterator[Swap]:
    """Suspend this process's stores on ``data_dir``, hold the lock exclusively, resume after."""
    target = data_dir.resolve()
    with _registry_lock:
        stores = [s for s in _registry if s.paths.data_dir.resolve() == target and s.is_open]
    for store in stores:
        store._suspend()
    swap = Swap()
    fd = _open_lock_file(data_dir)
    try:
        if not _flock(fd, fcntl.LOCK_EX, wait_s):
            raise StorageError(
                "另一个程序（如 clinicbox serve 或终端界面）正在使用数据库，未做任何改动。",
                "Another program (clinicbox serve, the terminal UI) has the database open; "
                "nothing was changed.",
                hint_zh="请先停止它（systemctl stop clinicbox），再重试。",
                hint_en="Stop it first (systemctl stop clinicbox), then try again.",
            )
        yield swap
    finally:
        release(fd)
        for store in stores:
            try:
                store._resume(swap.keys, swap.envelope)
            except Exception as exc:  # the store stays closed; the error is reported on use
                log.error("could not reopen the store after the swap: %s", exc.__class__.__name__)
