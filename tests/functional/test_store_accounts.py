"""Accounts, roles and lockout on a real store."""

from __future__ import annotations

import pytest

from appliance.errors import AccountLocked, LoginFailed, PermissionDenied, WeakSecret
from tests._fixtures.store import ADMIN_PASSWORD


@pytest.fixture
def staff(admin_session):
    from appliance.services.users import add_user

    for name, role in [
        ("dr_li", "doctor"),
        ("nurse_wang", "nurse"),
        ("desk", "front_desk"),
        ("kiosk1", "kiosk"),
    ]:
        add_user(admin_session, name, "Staff-pass-2024", role)
    return admin_session.store


def _audit(store, action):
    with store.read_raw() as conn:
        return conn.execute(
            "SELECT actor, outcome, detail_json FROM audit_log WHERE action = ? ORDER BY seq",
            (action,),
        ).fetchall()


def test_roles_are_enforced_in_the_service_layer(staff):
    from appliance.services.patients import add_patient, get_patient
    from appliance.services.session import login

    kiosk = login(staff, "kiosk1", "Staff-pass-2024")
    nurse = login(staff, "nurse_wang", "Staff-pass-2024")
    doctor = login(staff, "dr_li", "Staff-pass-2024")
    desk = login(staff, "desk", "Staff-pass-2024")
    with pytest.raises(PermissionDenied):
        kiosk.require("record.read")
    with pytest.raises(PermissionDenied):
        add_patient(kiosk, {"name": "张三"})
    with pytest.raises(PermissionDenied) as info:
        nurse.require("record.sign")
    assert "护士" in info.value.message("zh")
    doctor.require("record.sign")
    with pytest.raises(PermissionDenied):
        desk.require("record.read")
    pid = add_patient(desk, {"name": "张三"})["patient_id"]
    assert get_patient(nurse, pid)["name"] == "张三"
    with pytest.raises(PermissionDenied):
        get_patient(kiosk, pid)
    denied = _audit(staff, "permission.denied")
    assert [a for a, o, _ in denied] == ["kiosk1", "kiosk1", "nurse_wang", "desk", "kiosk1"]
    assert all(o == "denied" for _, o, _ in denied)


def test_lockout_after_repeated_failures(staff, store_settings):
    from appliance.services.session import login

    for _ in range(store_settings.login_max_failures - 1):
        with pytest.raises(LoginFailed) as info:
            login(staff, "dr_li", "wrong-password-1")
        assert not isinstance(info.value, AccountLocked)
    with pytest.raises(AccountLocked):
        login(staff, "dr_li", "wrong-password-1")
    with pytest.raises(AccountLocked):  # even the right password, while locked
        login(staff, "dr_li", "Staff-pass-2024")
    outcomes = [o for a, o, _ in _audit(staff, "login") if a == "dr_li"]
    assert outcomes[-2:] == ["locked_out", "locked"]
    login(staff, "nurse_wang", "Staff-pass-2024")  # others are unaffected


def test_admin_unlocks_and_locks_via_cli(cli, store_env, staff):
    from appliance.services.session import login

    r = cli("user", "lock", "nurse_wang", "--json")
    assert r.rc == 0 and r.json()["disabled"] is True
    with pytest.raises(AccountLocked):
        login(staff, "nurse_wang", "Staff-pass-2024")
    r = cli("user", "lock", "nurse_wang", "--unlock", "--json")
    assert r.rc == 0 and r.json()["disabled"] is False
    login(staff, "nurse_wang", "Staff-pass-2024")
    r = cli("user", "list", "--json")
    assert {u["username"]: u["role"] for u in r.json()}["kiosk1"] == "kiosk"
    assert all("password" not in k for u in r.json() for k in u)


def test_unknown_user_and_wrong_password_look_the_same(staff):
    from appliance.services.session import login

    with pytest.raises(LoginFailed) as a:
        login(staff, "nobody", "whatever-1")
    with pytest.raises(LoginFailed) as b:
        login(staff, "dr_li", "whatever-1")
    assert a.value.message() == b.value.message()


def test_cli_user_add_reads_password_from_stdin(cli, store_env, store):
    from appliance.services.session import login

    r = cli(
        "user", "add", "dr_zhao", "--role", "doctor", "--json", stdin="Zhao-pass-77\nZhao-pass-77\n"
    )
    assert r.rc == 0, r.err
    assert login(store, "dr_zhao", "Zhao-pass-77").role == "doctor"
    r = cli("user", "add", "dr_qian", "--role", "doctor", "--json", stdin="123\n")
    assert r.rc == 2 and r.error()["code"] == "weak_secret"


def test_passwords_are_argon2id(store):
    with store.read_raw() as conn:
        (hashed,) = conn.execute(
            "SELECT password_hash FROM user WHERE username = 'admin'"
        ).fetchone()
    assert hashed.startswith("$argon2id$") and ADMIN_PASSWORD not in hashed


def test_weak_passwords_are_refused(admin_session):
    from appliance.services.users import add_user

    with pytest.raises(WeakSecret):
        add_user(admin_session, "x_user", "password", "nurse")


def test_system_account_exists_but_cannot_log_in(store):
    from appliance.errors import InputError
    from appliance.services.session import login, system_session
    from appliance.services.users import add_user, list_users

    with pytest.raises(LoginFailed) as info:
        login(store, "system", "anything-1")
    assert not isinstance(info.value, AccountLocked)
    session = system_session(store)
    assert "system" not in [u["username"] for u in list_users(session)]
    with pytest.raises(InputError):
        add_user(session, "System", "Strong-pass-1", "admin")
    # rows written by the system session can reference user(id)
    from appliance.services.patients import add_patient

    pid = add_patient(session, {"name": "系统登记"})["patient_id"]
    with store.read_raw() as conn:
        assert (
            conn.execute("SELECT created_by FROM patient WHERE id = ?", (pid,)).fetchone()[0]
            == "system"
        )
