"""The clinic service of a CLI command: the one runtime (store, engine, sealer) built by
:mod:`appliance.runtime`, unlocked with ``CLINICBOX_PASSPHRASE``/the key file, or a prompt on a
terminal, acting as the system account ``cli:<os user>`` in the audit trail.

    with open_cli_service(state) as service:
        state.emit(service.save_visit(draft))
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator

from appliance.commands._base import CliState
from appliance.commands._store_cli import read_secret, stdin_is_tty
from appliance.errors import StoreLocked, StoreNotInitialized
from appliance.services.interface import LocalClinicService


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli:unknown"


@contextlib.contextmanager
def open_cli_service(state: CliState) -> Iterator[LocalClinicService]:
    """An unlocked :class:`LocalClinicService` for this command; closed on exit."""
    from appliance.runtime import cli_service

    settings = state.settings()
    if not (settings.data_dir / "clinic.db").exists():
        raise StoreNotInitialized()
    passphrase = None
    if settings.passphrase is None and settings.key_file is None:
        if not stdin_is_tty():
            raise StoreLocked()
        passphrase = read_secret("数据库口令", "Database passphrase")
    service = cli_service(settings, passphrase, _actor())
    try:
        yield service
    finally:
        service.close()
