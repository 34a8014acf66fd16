"""The visit workspace: vitals (bad input), instant triage, sign & save, overrides, referral,
and model work that is missing or cancelled never freezing the screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests._fixtures.tui import login, wait_for


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def patient(service: Any, initials: str = "zjg") -> Any:
    service.login("doctor", "demo1234")
    found = service.search_patients(initials)
    service.logout()
    return found[0]


async def open_visit(app: Any, pilot: Any, p: Any, user: str = "doctor") -> None:
    from tui.screens.visit import VisitScreen

    await login(pilot, app, user)
    app.push_screen(VisitScreen(p))
    await wait_for(
        pilot,
        lambda: type(app.screen).__name__ == "VisitScreen" and bool(app.screen.query("#complaint")),
    )
    await pilot.pause()


def test_bad_vitals_are_marked_and_block_signing(demo_service: Any, drive: Any) -> None:
    p = patient(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        app.screen.query_one("#complaint").value = "头痛1天"
        app.screen.query_one("#v-sbp").value = "abc"
        app.screen.query_one("#v-hr").value = "400"
        await pilot.pause()
        errors = text_of(app, "#vitals-error")
        assert "不是数字" in errors and "超出合理范围" in errors
        assert app.screen.query_one("#v-sbp").has_class("-invalid")
        await pilot.press("f10")
        await pilot.pause()
        assert "不能签名" in text_of(app, "#visit-status")
        app.screen.query_one("#v-sbp").value = "120"
        app.screen.query_one("#v-dbp").value = "130"  # DBP above SBP
        await pilot.pause()
        assert "舒张压应低于收缩压" in text_of(app, "#vitals-error")

    drive(demo_service, scenario)


def test_triage_shows_level_and_reasons_or_says_not_installed(
    demo_service: Any, drive: Any
) -> None:
    p = patient(demo_service)
    available = demo_service.features()["triage"]["available"]

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        app.screen.query_one("#complaint").value = "胸痛40分钟，大汗"
        app.screen.query_one("#v-sbp").value = "80"
        app.screen.query_one("#v-hr").value = "130"
        await wait_for(pilot, lambda: "请输入" not in text_of(app, "#triage"))
        shown = text_of(app, "#triage")
        if available:
            assert "1级" in shown or "2级" in shown
            assert "•" in text_of(app, "#triage-reasons")
        else:
            assert "尚未安装" in shown

    drive(demo_service, scenario)


def test_triage_panel_shows_findings_with_source_and_span(demo_service: Any, drive: Any) -> None:
    p = patient(demo_service)
    if not demo_service.features()["triage"]["available"]:
        pytest.skip("triage not offered by this service")

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        app.screen.query_one("#complaint").value = "胸口闷痛，体温39.5℃"
        await wait_for(pilot, lambda: "原文" in text_of(app, "#triage-findings"))
        shown = text_of(app, "#triage-findings")
        assert "C-CHEST-PAIN-ACS" in shown and "[规则, 第1–4字]" in shown
        assert "temp = 39.5 ← 原文“体温39.5℃”" in shown
        assert "2级" in text_of(app, "#triage")

    drive(demo_service, scenario)


def test_sign_and_save_makes_a_signed_visit_in_history(demo_service: Any, drive: Any) -> None:
    p = patient(demo_service, "lxy")

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        app.screen.query_one("#complaint").value = "咳嗽3天"
        app.screen.query_one("#v-temp").value = "37.5"
        app.screen.query_one("#r-present_illness").text = "3天前受凉后咳嗽，无发热。"
        app.screen.query_one("#r-diagnoses").value = "急性上呼吸道感染 (J06.9)"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "草稿已保存" in text_of(app, "#visit-status"))
        await pilot.press("f10")
        await wait_for(pilot, lambda: "已签名保存" in text_of(app, "#visit-status"))
        assert app.screen.signed and app.screen.visit_id

    drive(demo_service, scenario)
    demo_service.login("doctor", "demo1234")
    visits = demo_service.patient_visits(p["patient_id"])
    latest = max(visits, key=lambda v: v["started_at"])
    assert latest["status"] == "signed" and latest["chief_complaint"] == "咳嗽3天"
    draft = demo_service.get_visit(latest["visit_id"])
    assert draft["record"]["diagnoses"] == [{"name": "急性上呼吸道感染", "icd10": "J06.9"}]
    assert draft["record"]["vitals"] == {"temp": 37.5}


def test_nurse_cannot_sign(demo_service: Any, drive: Any) -> None:
    p = patient(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p, "nurse")
        app.screen.query_one("#complaint").value = "头晕"
        await pilot.press("f10")
        await wait_for(pilot, lambda: "✖" in text_of(app, "#visit-status"))
        assert "权限" in text_of(app, "#visit-status")

    drive(demo_service, scenario)


def test_referral_needs_consent_and_queues_once(demo_service: Any, drive: Any) -> None:
    consenting = patient(demo_service, "zjg")  # demo patients 0,1 consented; 2 did not
    refusing = patient(demo_service, "wgl")

    def run(p: Any, expect: str) -> None:
        async def scenario(app: Any, pilot: Any) -> None:
            await open_visit(app, pilot, p)
            if expect == "queued":
                await pilot.press("f9")  # not saved yet
                await pilot.pause()
                assert "请先保存" in text_of(app, "#visit-status")
            app.screen.query_one("#complaint").value = "反复头晕"
            app.screen.query_one("#r-diagnoses").value = "原发性高血压 (I10)"  # needed to sign
            await pilot.press("f10")
            await wait_for(pilot, lambda: "已签名保存" in text_of(app, "#visit-status"))
            await pilot.press("f9")
            await wait_for(pilot, lambda: type(app.screen).__name__ == "ReferralDialog")
            app.screen.query_one("#referral-question").text = "血压控制不佳，请指导用药。"
            await pilot.click("#referral-send")
            await pilot.pause(0.2)
            if expect == "queued":
                await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
            else:
                assert "同意" in text_of(app, "#referral-status")

        drive(demo_service, scenario)

    demo_service.login("admin", "demo1234")
    pending_before = demo_service.sync_status()["referrals"].get("pending", 0)
    demo_service.logout()
    run(consenting, "queued")
    run(refusing, "consent")
    demo_service.login("admin", "demo1234")
    # exactly the consenting patient's referral was queued by this test
    assert demo_service.sync_status()["referrals"].get("pending", 0) == pending_before + 1


def test_structuring_with_the_model_missing_reports_and_keeps_working(
    demo_service: Any, drive: Any
) -> None:
    p = patient(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        await pilot.press("f6")  # nothing dictated yet
        await pilot.pause()
        app.screen.query_one("#transcript").text = "患者咳嗽三天，体温三十八度，既往体健。"
        await pilot.press("f6")
        await wait_for(
            pilot,
            lambda: (
                not app.screen.is_busy()
                and (
                    bool(app.screen.query_one("#r-chief_complaint").value)
                    or bool(app._notifications)
                )
            ),
            timeout=30,
        )
        if not demo_service.features()["llm"]["available"]:
            # no model on this box: the record comes from the rules, and the screen says so
            await wait_for(pilot, lambda: "规则" in text_of(app, "#visit-status"))
            assert "未使用大模型" in text_of(app, "#visit-status")
        # the screen still answers keys
        app.screen.query_one("#complaint").focus()
        await pilot.press("a")
        assert app.screen.query_one("#complaint").value.endswith("a")

    drive(demo_service, scenario)


def test_dictation_without_a_microphone_says_so(demo_service: Any, drive: Any) -> None:
    if demo_service.features()["dictation"]["available"]:
        pytest.skip("this box has microphone capture")
    p = patient(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        await pilot.press("f5")
        await wait_for(pilot, lambda: not app.screen.dictating)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "麦克风" in messages
        assert app.screen.focused is app.screen.query_one("#audio-file")

    drive(demo_service, scenario)


def test_serious_medication_alert_needs_an_override_reason(demo_service: Any, drive: Any) -> None:
    if not demo_service.features()["meds"]["available"]:
        pytest.skip("medication checks are not installed")
    p = patient(demo_service, "zjg")

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        screen.query_one("#complaint").value = "咽痛3天"
        screen.query_one("#r-allergy_history").value = "青霉素过敏"
        screen.query_one("#r-diagnoses").value = "急性化脓性扁桃体炎 (J03.9)"
        screen.query_one("#tabs").active = "tab-rx"
        await pilot.pause()
        line = screen.query_one("#rx-line")
        line.value = "阿莫西林 500 x3 po"
        line.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(screen.query(".override")), timeout=10)
        assert "用药警示" in text_of(app, "#rx-status")
        assert any(
            "青霉素" in str(w.render()) or "过敏" in str(w.render()) for w in screen.query(".alert")
        )
        await pilot.press("f10")
        await pilot.pause()
        assert "忽略理由" in text_of(app, "#visit-status")
        for box in screen.query(".override"):
            box.value = "皮试阴性，患者既往耐受，已告知风险"
        await pilot.pause()
        await pilot.press("f10")
        await wait_for(pilot, lambda: "已签名保存" in text_of(app, "#visit-status"))

    drive(demo_service, scenario)
    store = demo_service.runtime.store
    with store.read_raw() as conn:
        reasons = [r[0] for r in conn.execute("SELECT reason FROM alert_override").fetchall()]
    assert "皮试阴性，患者既往耐受，已告知风险" in reasons
