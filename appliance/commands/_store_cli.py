"""Helpers for store commands: reading secrets, opening the store from the CLI state.

Other areas' commands may use :func:`open_cli_store` and :func:`cli_session` too::

    with open_cli_store(state) as store:
        session = cli_session(store)
"""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

import click

from appliance.commands._base import CliState
from appliance.errors import InputError, StoreLocked, StoreNotInitialized
from appliance.i18n import t

if TYPE_CHECKING:  # the store stack is imported only when a command runs (fast --help)
    from appliance.runtime import Store
    from appliance.services.session import Session


def stdin_is_tty() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def read_secret(zh: str, en: str, *, confirm: bool = False) -> str:
    """Prompt without echo on a terminal; else read one line from stdin (automation)."""
    if stdin_is_tty():
        value = click.prompt(t(zh, en), hide_input=True, confirmation_prompt=confirm, err=True)
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        value = line.rstrip("\r\n")
    if not str(value).strip():
        raise InputError(
            f"没有提供{zh.rstrip('：:')}。",
            f"No {en.rstrip(': ').lower()} was given.",
        )
    return str(value)


def open_cli_store(state: CliState, *, read_only: bool = False) -> Store:
    """Open the store named by ``--data-dir``; ask for the passphrase on a terminal."""
    from appliance.runtime import open_clinic_store, store_initialised

    settings = state.settings()
    if not store_initialised(settings):
        raise StoreNotInitialized()
    passphrase = None
    if settings.passphrase is None and settings.key_file is None:
        if not stdin_is_tty():
            raise StoreLocked()
        passphrase = read_secret("数据库口令", "Database passphrase")
    store = open_clinic_store(settings, passphrase, read_only=read_only)
    if store.damaged:
        click.echo(
            t(
                "警告：数据库文件已损坏，已以只读方式打开，损坏的文件未被改动。"
                "请用 clinicbox restore 从备份恢复。",
                "Warning: the database file is damaged; it was opened read-only and left "
                "untouched. Restore a backup with clinicbox restore.",
            ),
            err=True,
        )
    return store


def cli_session(store: Store) -> Session:
    """The admin session of a CLI user who unlocked the store with the passphrase."""
    from appliance.services.session import system_session

    try:
        who = getpass.getuser()
    except Exception:
        who = "unknown"
    return system_session(store, actor=f"cli:{who}")
