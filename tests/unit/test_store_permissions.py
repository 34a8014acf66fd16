"""The role table: what each role may do (pure checks, no database)."""

from __future__ import annotations

import pytest

from appliance.services.session import ROLE_PERMISSIONS, role_can
from appliance.store.accounts import ROLES


def test_every_role_has_a_permission_set():
    assert set(ROLE_PERMISSIONS) == set(ROLES)


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        ("kiosk", "record.read", False),
        ("kiosk", "patient.read", False),
        ("kiosk", "assistant.use", True),
        ("nurse", "record.sign", False),
        ("nurse", "record.read", True),
        ("nurse", "vitals.write", True),
        ("doctor", "record.sign", True),
        ("doctor", "alert.override", True),
        ("doctor", "user.manage", False),
        ("doctor", "patient.erase", False),
        ("front_desk", "record.read", False),
        ("front_desk", "patient.write", True),
        ("admin", "user.manage", True),
        ("admin", "audit.verify", True),
        ("admin", "backup", True),
    ],
)
def test_role_matrix(role, permission, allowed):
    assert role_can(role, permission) is allowed


def test_unknown_permission_is_admin_only():
    assert role_can("admin", "something.new")
    assert not role_can("doctor", "something.new")
