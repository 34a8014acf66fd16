"""Account management use cases (admin only); every change is audited by the store."""

from __future__ import annotations

from typing import Any

from appliance.services.session import Session
from appliance.store import accounts


def list_users(session: Session) -> list[dict[str, Any]]:
    session.require("user.manage")
    return [u.to_dict() for u in accounts.list_users(session.store)]


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    antibiotic_privilege: str = "non_restricted",
) -> dict[str, Any]:
    session.require("user.manage")
    user = accounts.add_user(
        session.store,
        actor=session.actor,
        username=username,
        role=role,
        password=password,
        display_name=display_name,
        antibiotic_privilege=antibiotic_privilege,
    )
    return user.to_dict()


def set_locked(session: Session, username: str, locked: bool) -> dict[str, Any]:
    session.require("user.manage")
    return accounts.set_locked(
        session.store, actor=session.actor, username=username, locked=locked
    ).to_dict()


def set_password(session: Session, username: str, password: str) -> None:
    if username != session.username:
        session.require("user.manage")
    accounts.set_password(session.store, actor=session.actor, username=username, password=password)
