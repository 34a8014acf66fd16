"""Each remaining screen's main path and error path: follow-up, assistant + kiosk lock,
quality dashboard, compute monitor, admin, training (answers revealed after commit)."""

from __future__ import annotations

import re
from typing import Any

from tests._fixtures.tui import login, wait_for


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_menu(app: Any, pilot: Any, key: str, screen: str, user: str = "doctor") -> None:
    await login(pilot, app, user)
    await pilot.press(key)
    await wait_for(pilot, lambda: type(app.screen).__name__ == screen)
    await pilot.pause()


def test_followup_worklist_or_not_installed(demo_service: Any, drive: Any) -> None:
    available = demo_service.features()["followup"]["available"]

    async def scenario(app: Any, pilot: Any) -> None:
        await open_menu(app, pilot, "2", "FollowupScreen")
        if not available:
            assert "尚未安装" in text_of(app, ".unavailable")
            return
        await wait_for(pilot, lambda: "共" in text_of(app, "#followup-count"))
        table = app.screen.query_one("#followup-table")
        assert table.row_count > 0
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        statuses = {r[3] for r in rows}  # 患者, 电话, 病种, 状态, 应随访, 依据
        assert statuses <= {"逾期", "到期", "未达标", "需转诊"}
        assert any(r[1].isdigit() for r in rows)  # the phone to call
        assert not any(r[5].startswith("FU-") for r in rows)  # the rule in words, not its id
        table.focus()
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        name = str(table.get_row_at(table.cursor_row)[0])
        await pilot.press("enter")  # opens the patient to start the follow-up visit
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PatientScreen")
        assert app.screen.patient_id == str(row_key).split("#")[0]
        assert name in text_of(app, "#patient .title")

    drive(demo_service, scenario)


def test_assistant_answers_or_says_not_available(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_menu(app, pilot, "3", "AssistantScreen")
        app.screen.query_one("#question").value = "高血压患者怎么随访？"
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.screen.is_busy(), timeout=30)
        answer = text_of(app, "#answer")
        assert answer and "正在查找" not in answer

    drive(demo_service, scenario)


def test_kiosk_is_locked_to_the_assistant(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        assert type(app.screen).__name__ == "AssistantScreen"
        for key in ("escape", "1", "6", "ctrl+l"):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == "AssistantScreen"
        await pilot.press("ctrl+q")  # leaving needs an admin
        await wait_for(pilot, lambda: type(app.screen).__name__ == "KioskExitScreen")
        app.screen.query_one("#kiosk-user").value = "doctor"
        app.screen.query_one("#kiosk-password").value = "demo1234"
        await pilot.click("#kiosk-ok")
        await wait_for(pilot, lambda: "管理员" in text_of(app, "#kiosk-error"))
        assert demo_service.current_user() is None
        app.screen.query_one("#kiosk-user").value = "admin"
        app.screen.query_one("#kiosk-password").value = "demo1234"
        app.screen.query_one("#kiosk-password").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        assert not app.kiosk

    drive(demo_service, scenario, kiosk=True)


def test_admin_enters_kiosk_from_the_menu(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await login(pilot, app, "admin")
        await pilot.press("8")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AssistantScreen")
        assert app.kiosk and demo_service.current_user() is None

    drive(demo_service, scenario)


def demo_months(app: Any) -> list[str]:
    return list(app.service.quality_indicators(months=12)["months"])


def test_quality_dashboard_shows_indicators_by_month(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_menu(app, pilot, "4", "QualityScreen")
        table = app.screen.query_one("#quality-table")
        await wait_for(pilot, lambda: table.row_count >= 5)
        labels = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert labels[0] == "抗菌药物处方率" and "病历质控合格率" in labels
        cells = [str(c) for i in range(5) for c in table.get_row_at(i)[1:]]
        # the demo clinic has six months of visits; each rate with the counts behind it
        assert any(re.fullmatch(r"\d+% \(\d+/\d+\)", c) for c in cells)
        assert app.screen.query("#quality-plot")
        # the table's months are the chart's months, the same labels (YY-MM)
        months = demo_months(app)
        columns = [str(c.label) for c in table.columns.values()][1:]
        assert columns == [m[2:] for m in months[-6:]]

    drive(demo_service, scenario)


def test_front_desk_cannot_open_quality(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await login(pilot, app, "front")
        await pilot.press("4")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"

    drive(demo_service, scenario)


def test_compute_monitor_shows_memory_and_model_state(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_menu(app, pilot, "5", "ComputeScreen")
        await wait_for(pilot, lambda: "MB" in text_of(app, "#compute-summary"))
        summary = text_of(app, "#compute-summary")
        assert "内存" in summary and "模型" in summary

    drive(demo_service, scenario)


def test_admin_users_audit_backup_and_errors(demo_service: Any, drive: Any, tmp_path: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_menu(app, pilot, "6", "AdminScreen", user="admin")
        users = app.screen.query_one("#users")
        names = {str(users.get_row_at(i)[0]) for i in range(users.row_count)}
        assert {"admin", "doctor", "nurse"} <= names
        app.screen.query_one("#new-username").value = "x"  # too short
        app.screen.query_one("#new-password").value = "short"
        app.screen.query_one("#add-user").press()
        await wait_for(pilot, lambda: "✖" in text_of(app, "#users-status"))
        app.screen.query_one("#verify-audit").press()
        await wait_for(pilot, lambda: "审计链" in text_of(app, "#audit-status"), timeout=15)
        assert "✔" in text_of(app, "#audit-status")
        assert text_of(app, "#settings").startswith("data_dir")
        app.screen.query_one("#admin-tabs").active = "tab-backup"
        await pilot.pause()
        app.screen.query_one("#restore").press()  # no file given
        await pilot.pause()
        assert "✖" in text_of(app, "#backup-status")
        app.screen.query_one("#backup-path").value = str(tmp_path / "no-such-backup.db")
        app.screen.query_one("#restore").press()
        await wait_for(pilot, lambda: "找不到备份文件" in text_of(app, "#backup-status"))
        app.screen.query_one("#backup-path").value = str(tmp_path / "backups")
        app.screen.query_one("#backup").press()  # outside the backup folder: refused (issue 18)
        await wait_for(pilot, lambda: "备份只能写入" in text_of(app, "#backup-status"), timeout=20)
        assert not (tmp_path / "backups").exists()
        inside = demo_service.settings.resolved("backup_dir") / "tui"
        app.screen.query_one("#backup-path").value = str(inside)
        app.screen.query_one("#backup").press()
        await wait_for(pilot, lambda: "已备份到" in text_of(app, "#backup-status"), timeout=20)
        assert list(inside.glob("*.db"))

    drive(demo_service, scenario)


def test_practice_case_answer_revealed_only_after_commit(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await open_menu(app, pilot, "7", "TrainingScreen")
        assert text_of(app, "#case-reveal") == ""
        await pilot.click("#case-commit")  # nothing chosen yet
        await pilot.pause()
        assert text_of(app, "#case-reveal") == ""
        radios = list(app.screen.query("#case-choices RadioButton"))
        radios[3].value = True  # "level 4" for the chest-pain case: wrong
        await pilot.pause(0.3)
        app.screen.query_one("#case-commit").press()
        await wait_for(pilot, lambda: text_of(app, "#case-reveal") != "")
        reveal = text_of(app, "#case-reveal")
        assert "回答有误" in reveal and "2级" in reveal and "依据" in reveal
        assert app.screen.query_one("#case-commit").disabled

    drive(demo_service, scenario)


def test_tour_and_help_open_and_close(demo_service: Any, drive: Any) -> None:
    from tui.screens.training import TOUR

    def screen_name(app: Any) -> str:
        return type(app.screen).__name__

    async def scenario(app: Any, pilot: Any) -> None:
        await login(pilot, app)
        assert screen_name(app) == "HomeScreen"
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen_name(app) == "HelpScreen")
        assert "帮助" in " ".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_name(app) == "HomeScreen")
        await pilot.press("7")
        await wait_for(pilot, lambda: screen_name(app) == "TrainingScreen")
        await pilot.press("f3")
        await wait_for(pilot, lambda: screen_name(app) == "TourScreen")

        def card() -> str:
            return text_of(app, "#tour-title")

        assert card().startswith(f"1/{len(TOUR)}")
        await pilot.press("left")  # already on the first card: stays there
        await pilot.pause()
        assert card().startswith(f"1/{len(TOUR)}")
        for step in range(2, len(TOUR) + 1):
            await pilot.press("right")
            await wait_for(pilot, lambda step=step: card().startswith(f"{step}/{len(TOUR)}"))
            assert TOUR[step - 1][0] in card()
        await pilot.press("left")
        await wait_for(pilot, lambda: card().startswith(f"{len(TOUR) - 1}/{len(TOUR)}"))
        await pilot.press("right")
        await wait_for(pilot, lambda: card().startswith(f"{len(TOUR)}/{len(TOUR)}"))
        await pilot.press("right")  # past the last card: the tour closes
        await wait_for(pilot, lambda: screen_name(app) == "TrainingScreen")
        await pilot.press("f3")
        await wait_for(pilot, lambda: screen_name(app) == "TourScreen")
        await pilot.press("escape")  # ends the tour at any card
        await wait_for(pilot, lambda: screen_name(app) == "TrainingScreen")
        assert screen_name(app) == "TrainingScreen"

    drive(demo_service, scenario)


def test_admin_pairs_a_pc_and_sees_security_alerts(demo_service: Any, drive: Any) -> None:
    from appliance.services.lan_devices import Registry

    registry = Registry(demo_service.runtime.store)
    for _ in range(6):  # what the LAN API records when someone guesses a password
        registry.record_event("login_failed", username="doctor", ip="192.168.1.77")

    async def scenario(app: Any, pilot: Any) -> None:
        await login(pilot, app, "admin")
        await wait_for(pilot, lambda: "安全警报" in text_of(app, "#security-banner"))
        assert "doctor" in text_of(app, "#security-banner")
        await pilot.press("6")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AdminScreen")
        await pilot.pause()
        assert "doctor" in text_of(app, "#alerts-list")
        app.screen.query_one("#admin-tabs").active = "tab-devices"
        await pilot.pause()
        app.screen.query_one("#pair-code").press()
        await wait_for(pilot, lambda: "配对码" in text_of(app, "#pair-status"), timeout=10)
        assert "指纹" in text_of(app, "#pair-status")

    drive(demo_service, scenario)


def test_doctor_sees_no_security_banner(demo_service: Any, drive: Any) -> None:
    async def scenario(app: Any, pilot: Any) -> None:
        await login(pilot, app, "doctor")
        await pilot.pause(0.3)
        assert text_of(app, "#security-banner") == ""

    drive(demo_service, scenario)


def test_kiosk_self_service_asks_identity_then_answers(demo_service: Any, drive: Any) -> None:
    from appliance.services._assistant_clinic_data import issue_visit_code

    demo_service.login("admin", "demo1234")
    patient = demo_service.search_patients("zjg")[0]  # phone 13900000000
    demo_service.logout()
    code = issue_visit_code(demo_service.runtime.store, patient["patient_id"])

    async def scenario(app: Any, pilot: Any) -> None:
        screen = app.screen
        await wait_for(pilot, lambda: screen.kiosk_helper is not None, timeout=30)
        screen.query_one("#question").value = "我的费用是多少"
        screen.query_one("#question").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.query_one("#kiosk-verify").has_class("-shown"), 20)
        screen.query_one("#visit-code").value = "WRONG1"
        screen.query_one("#phone4").value = "0000"
        screen.query_one("#phone4").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "✖" in text_of(app, "#answer"), 10)
        screen.query_one("#visit-code").value = code
        screen.query_one("#phone4").value = "0000"
        screen.query_one("#phone4").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.query_one("#kiosk-verify").has_class("-shown"), 10)
        await wait_for(pilot, lambda: "张**" in text_of(app, "#answer"), 20)
        assert "患者" in text_of(app, "#answer")  # the fee look-up ran for the verified person
        assert screen.kiosk_helper.token is not None
        screen.query_one("#kiosk-end").press()
        await pilot.pause()
        assert screen.kiosk_helper.token is None and text_of(app, "#answer") == ""

    drive(demo_service, scenario, kiosk=True)
