"""Patient list/search (name, pinyin initials, ID, phone), registration and visit history."""

from __future__ import annotations

from typing import Any

from tests._fixtures.tui import login, type_text, wait_for


def rows(app: Any, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_patients(app: Any, pilot: Any) -> None:
    await login(pilot, app)
    await pilot.press("1")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "PatientListScreen")
    await wait_for(pilot, lambda: app.screen.query_one("#patient-table").row_count > 0)


def test_search_by_pinyin_initials_phone_and_name(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_patients(app, pilot)
        assert app.screen.query_one("#patient-table").row_count >= 12
        await type_text(pilot, "zjg")  # 张建国
        await wait_for(pilot, lambda: len(rows(app, "#patient-table")) == 1)
        assert rows(app, "#patient-table")[0][1] == "张建国"
        app.screen.query_one("#search").value = "00000002"  # phone digits of 王桂兰
        await wait_for(pilot, lambda: [r[1] for r in rows(app, "#patient-table")] == ["王桂兰"])
        app.screen.query_one("#search").value = "秀英"
        await wait_for(pilot, lambda: [r[1] for r in rows(app, "#patient-table")] == ["李秀英"])
        app.screen.query_one("#search").value = "nobody-like-this"
        await wait_for(pilot, lambda: rows(app, "#patient-table") == [])
        # the phone column is masked on screen
        app.screen.query_one("#search").value = "zjg"
        await wait_for(pilot, lambda: len(rows(app, "#patient-table")) == 1)
        assert "*" in rows(app, "#patient-table")[0][4]

    drive(demo_service, scenario)


def test_register_requires_a_name_then_opens_the_patient(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_patients(app, pilot)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RegisterScreen")
        await pilot.press("ctrl+s")  # empty name
        await pilot.pause()
        assert "✖" in str(app.screen.query_one("#reg-error").render())
        assert type(app.screen).__name__ == "RegisterScreen"
        app.screen.query_one("#reg-name").value = "欧阳测试"
        app.screen.query_one("#reg-birth_date").value = "1990-02-03"
        app.screen.query_one("#reg-phone").value = "13900009999"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PatientScreen")
        assert "欧阳测试" in str(app.screen.query_one(".title").render())

    drive(demo_service, scenario)
    found = demo_service.search_patients("oyc")
    assert [p["name"] for p in found] == ["欧阳测试"]


def test_bad_birth_date_is_refused_with_a_message(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_patients(app, pilot)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RegisterScreen")
        app.screen.query_one("#reg-name").value = "日期错"
        app.screen.query_one("#reg-birth_date").value = "1990-13-45"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "RegisterScreen"
        assert "✖" in str(app.screen.query_one("#reg-error").render())

    drive(demo_service, scenario)


def test_history_lists_the_patients_visits(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_patients(app, pilot)
        await type_text(pilot, "zjg")
        await wait_for(pilot, lambda: len(rows(app, "#patient-table")) == 1)
        app.screen.query_one("#patient-table").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PatientScreen")
        history = rows(app, "#visit-table")
        assert history and all(r[3] in ("已签名", "草稿") for r in history)

    drive(demo_service, scenario)


def test_one_enter_finds_and_opens_a_single_match(demo_service: Any, drive: Any) -> None:
    """Typed fast and Enter at once (before the typing pause): the search runs now, and one
    match opens straight away; several matches put the cursor in the list."""

    async def scenario(app: Any, pilot: Any) -> None:
        await open_patients(app, pilot)
        await type_text(pilot, "zjg")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "PatientScreen")

    drive(demo_service, scenario)
