"""The 辅助决策 tab (F8): referral reason first, differentials with for/against and the
must-not-miss flag; the advice is prefilled into the referral to the mentor hospital (F9)."""

from __future__ import annotations

from typing import Any

from tests._fixtures.tui import wait_for
from tests.tui.test_visit import open_visit, patient, text_of


def test_advice_tab_shows_referral_and_goes_with_the_referral(
    demo_service: Any, drive: Any
) -> None:
    p = patient(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        app.screen.query_one("#complaint").value = "突发右侧肢体无力，口角歪斜，言语不清1小时"
        await pilot.pause()
        await pilot.press("f8")
        await wait_for(pilot, lambda: "F8" not in text_of(app, "#advice"), timeout=60)
        shown = text_of(app, "#advice")
        assert shown.index("建议转诊") < shown.index("鉴别诊断")
        assert "急性脑卒中" in shown and "必须排除" in shown and "支持" in shown
        app.screen.visit_id = "V-test"  # as if saved; the dialog is only opened, not sent
        app.screen.action_refer()
        await wait_for(pilot, lambda: bool(app.screen.query("#referral-question")))
        question = app.screen.query_one("#referral-question").text
        assert "急性脑卒中" in question and "转诊理由" in question

    drive(demo_service, scenario)


def test_advice_summary_for_referral_is_empty_without_advice() -> None:
    from tui.screens.assistant import advice_for_referral, format_advice

    assert advice_for_referral(None) == ""
    thin = format_advice({"differentials": [], "next_steps": [], "refer": False,
                          "enough_information": False, "ask": ["高热（≥39℃）"]})  # fmt: skip
    assert "信息不足" in thin and "高热" in thin
