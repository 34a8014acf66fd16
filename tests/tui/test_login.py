"""Unlock and login: the main path and the error paths (wrong password, store locked)."""

from __future__ import annotations

from typing import Any

from tests._fixtures.tui import demo_settings_for, login, type_text, wait_for


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def test_wrong_password_shows_error_and_stays(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        assert type(app.screen).__name__ == "LoginScreen"
        await login(pilot, app, "doctor", "wrong-pass-1")
        await wait_for(pilot, lambda: "✖" in text_of(app, "#login-error"))
        assert type(app.screen).__name__ == "LoginScreen"
        assert "密码" in text_of(app, "#login-error")
        assert app.screen.query_one("#password").value == ""  # cleared for the retry

    drive(demo_service, scenario)
    assert demo_service.current_user() is None


def test_doctor_logs_in_and_sees_a_role_menu(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        assert app.screen.query_one("#training-hint")  # demo clinic says it is training
        await pilot.click("#username")
        await type_text(pilot, "doctor")
        await pilot.press("enter")
        await type_text(pilot, "demo1234")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        assert type(app.screen).__name__ == "HomeScreen"
        ids = {b.id for b in app.screen.query(".menu-item")}
        assert "menu-patients" in ids and "menu-quality" in ids
        assert "menu-admin" not in ids  # a doctor has no admin menu
        await pilot.press("6")  # the admin key does nothing for a doctor
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert demo_service.current_user()["username"] == "doctor"
        await pilot.press("ctrl+l")  # logs out: back to an empty login form
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        assert demo_service.current_user() is None
        assert app.screen.query_one("#password").value == ""

    drive(demo_service, scenario)
    assert demo_service.current_user() is None


def test_locked_store_asks_for_the_passphrase(demo_base: Any, drive: Any) -> None:
    from appliance.services.interface import LocalClinicService
    from appliance.services.training import DEMO_PASSPHRASE

    service = LocalClinicService(demo_settings_for(demo_base), training=True)
    try:

        async def scenario(app: Any, pilot: Any) -> None:
            assert type(app.screen).__name__ == "UnlockScreen"
            app.screen.query_one("#passphrase").value = "not-the-passphrase"
            await pilot.press("enter")
            await wait_for(pilot, lambda: "✖" in text_of(app, "#unlock-error"), timeout=10)
            assert type(app.screen).__name__ == "UnlockScreen"
            assert service.is_locked()
            app.screen.query_one("#passphrase").value = DEMO_PASSPHRASE
            await pilot.press("enter")
            await wait_for(pilot, lambda: type(app.screen).__name__ == "LoginScreen", timeout=10)
            assert type(app.screen).__name__ == "LoginScreen"
            assert not service.is_locked()

        drive(service, scenario)
    finally:
        service.close()


def test_language_switch_relabels_the_screen(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        assert "登录" in text_of(app, "#login")
        await pilot.press("f2")
        await wait_for(pilot, lambda: "Log in" in text_of(app, "#login"))
        assert "Log in" in text_of(app, "#login")

    drive(demo_service, scenario)


def test_f2_twice_switches_back_to_chinese_and_keeps_the_cursor(
    demo_service: Any, drive: Any
) -> None:
    """The rebuilt login form takes the cursor again, so a second F2 (and typing) still work
    (issue 20: after the first switch the focus was lost and F2 went nowhere)."""

    async def scenario(app: Any, pilot: Any) -> None:
        assert "登录" in text_of(app, "#login")
        await pilot.press("f2")
        await wait_for(pilot, lambda: "Log in" in text_of(app, "#login"))
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "username"
        await pilot.press("f2")
        assert await wait_for(pilot, lambda: "登录" in text_of(app, "#login"))
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "username"
        await pilot.press(*"doctor")
        assert app.screen.query_one("#username").value == "doctor"

    drive(demo_service, scenario)


def test_language_switch_keeps_a_visit_in_progress(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        from tui.screens.visit import VisitScreen

        await login(pilot, app)
        app.push_screen(VisitScreen({"patient_id": "x", "name": "测试", "age": 40}))
        await wait_for(pilot, lambda: bool(app.screen.query("#complaint")))
        app.screen.query_one("#complaint").value = "发热2天"
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen.query_one("#complaint").value == "发热2天"
        # leaving: F4 (Esc only cancels model work, issue 20); unsaved typing asks first
        await pilot.press("f4")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LeaveVisitDialog")
        await pilot.click("#later")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HomeScreen")  # in English
        await wait_for(pilot, lambda: "Hello" in str(app.screen.query_one(".title").render()))
        assert "Hello" in str(app.screen.query_one(".title").render())

    drive(demo_service, scenario)
