"""The model's passes on the visit screen (issue 20): the record refined section by section
(each section's fields on screen as it finishes, sections done of N in the task bar, the
doctor's text never overwritten), and the model's QC pass after the rules' QC (labelled
suggestions that never replace the rules' result, Esc cancels it and keeps the visit, a
fallback said in plain words). The service is the demo clinic's with the model calls faked."""

from __future__ import annotations

import threading
from typing import Any

from tests._fixtures.tui import login, speaking, wait_for


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def first_patient(service: Any, initials: str) -> Any:
    service.login("doctor", "demo1234")
    found = service.search_patients(initials)
    service.logout()
    return found[0]


async def open_visit(app: Any, pilot: Any, p: Any) -> None:
    from tui.screens.visit import VisitScreen

    await login(pilot, app)
    app.push_screen(VisitScreen(p))
    await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
    await pilot.pause()


def with_model(service: Any) -> None:
    from appliance.services.interface import FeatureStatus

    real = service.features
    service.features = lambda: {**real(), "llm": FeatureStatus(available=True, reason="")}


CONTRADICTION = {
    "rule": "QC-M01",
    "severity": "warning",
    "field": "record",
    "message": "模型发现可能的语义矛盾（仅供参考，请医师核实）。 既往史与过敏史不一致",
    "evidence": "“否认药物过敏史” ↔ “青霉素过敏”",
    "category": "model",
    "fix": "核对所引用的两处原文。",
    "source": "",
    "origin": "model",
}


def test_the_record_fills_section_by_section_and_never_takes_the_doctors_text(
    demo_service: Any, drive: Any
) -> None:
    from appliance.services.interface import Progress

    p = first_patient(demo_service, "zjg")
    real_structure, real_qc = demo_service.structure_record, demo_service.run_qc
    gates = [threading.Event() for _ in range(3)]
    model_qc_calls: list[Any] = []

    def structure(text: str, **kw: Any) -> Any:
        record = real_structure(text, visit_type=kw.get("visit_type", "initial"), use_llm=False)
        if not kw.get("use_llm"):
            return record
        pieces = [
            ("主诉", {"chief_complaint": "头晕3天"}),
            ("既往史", {"personal_history": "吸烟20年"}),
            ("查体", {"auxiliary_exams": "心电图正常"}),
        ]
        for n, (cue, fields) in enumerate(pieces):
            for i in range(200):  # the model writing this section, on a slow box
                if kw["cancel"].cancelled or gates[n].is_set():
                    break
                kw["progress"](
                    Progress(fraction=(n + i / 200) / 3, message=f"第 {n + 1}/3 段", eta_s=9.0)
                )
                threading.Event().wait(0.05)
            piece = {"section": n, "of": 3, "cue": cue, "record": fields}
            kw["progress"](Progress(fraction=(n + 1) / 3, message=f"{n + 1}/3", piece=piece))
        out = dict(record)
        out.update({k: v for _c, f in pieces for k, v in f.items()})
        out["structuring"] = {
            "method": "rules+llm",
            "model": "test-model",
            "fields": ["chief_complaint", "personal_history", "auxiliary_exams"],
            "sections": [{}, {}, {}],
            "sections_done": 3,
        }
        return out

    def run_qc(record: Any, **kw: Any) -> Any:
        if kw.get("use_llm"):
            model_qc_calls.append(record)
        return real_qc(record)

    demo_service.structure_record, demo_service.run_qc = structure, run_qc
    with_model(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        complaint = screen.query_one("#r-chief_complaint")
        complaint.value = "头晕伴乏力"  # the doctor's own words
        screen.query_one(
            "#transcript"
        ).text = "主诉头晕三天。既往史高血压五年，吸烟二十年。查体血压一百七十比一百。"
        await pilot.press("f6")
        # the rules' fields at once, while the model works on the first section
        assert await wait_for(pilot, lambda: "高血压" in screen.query_one("#r-past_history").value)
        assert await wait_for(pilot, lambda: "模型完善病历（分段）" in text_of(app, "#task-label"))
        assert "1/3" in text_of(app, "#task-label")
        gates[0].set()
        assert await wait_for(pilot, lambda: "第 1/3 段" in text_of(app, "#visit-status"))
        assert complaint.value == "头晕伴乏力"  # offered beside, not overwritten
        assert screen.query_one("#record").offers["chief_complaint"] == "头晕3天"
        assert screen.is_busy()  # the other sections are still being refined
        gates[1].set()
        assert await wait_for(
            pilot, lambda: screen.query_one("#r-personal_history").value == "吸烟20年"
        )
        assert screen.query_one("#r-auxiliary_exams").value == ""  # section 3 not done yet
        assert not model_qc_calls  # the model's QC waits for the structuring to end
        gates[2].set()
        assert await wait_for(
            pilot, lambda: "已完善病历（3/3 段）" in text_of(app, "#visit-status")
        )
        assert screen.query_one("#r-auxiliary_exams").value == "心电图正常"
        assert complaint.value == "头晕伴乏力"
        assert await wait_for(pilot, lambda: bool(model_qc_calls))  # then the QC pass runs

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.structure_record, demo_service.run_qc, demo_service.features


def test_model_qc_follows_the_rules_is_labelled_and_esc_cancels_it_in_the_visit(
    demo_service: Any, drive: Any
) -> None:
    from appliance.services.interface import Progress

    p = first_patient(demo_service, "zjg")
    real_qc = demo_service.run_qc
    release, started = threading.Event(), threading.Event()
    calls = {"model": 0}

    def run_qc(record: Any, **kw: Any) -> Any:
        rules = real_qc(record)
        if not kw.get("use_llm"):
            return rules
        calls["model"] += 1
        started.set()
        for i in range(400):  # tokens written of those expected, on a slow box
            if kw["cancel"].cancelled or (calls["model"] > 1 and release.is_set()):
                break
            kw["progress"](Progress(fraction=i / 400, message=f"{i}/160", eta_s=20 - i * 0.05))
            threading.Event().wait(0.05)
        out = dict(rules)
        out["findings"] = [*rules["findings"], CONTRADICTION]
        return out

    demo_service.run_qc = run_qc
    with_model(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        screen.query_one("#r-chief_complaint").value = "咳嗽3天"
        screen.query_one("#r-allergy_history").value = "否认药物过敏史"
        await pilot.press("f7")
        # the rules' QC is on screen at once; the model's pass runs after it
        assert await wait_for(pilot, lambda: "质控得分" in text_of(app, "#qc-score"))
        assert await wait_for(pilot, lambda: started.is_set() and screen.is_busy())
        rules_qc = screen.qc_result
        assert await wait_for(pilot, lambda: "模型质控" in text_of(app, "#task-label"))
        assert "模型质控中" in text_of(app, "#qc-model")
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not screen.is_busy())
        assert app.screen is screen  # still in the visit
        assert await wait_for(pilot, lambda: "质控只按规则" in text_of(app, "#qc-model"))
        assert "已取消" in text_of(app, "#qc-model")
        assert screen.qc_result is rules_qc  # the rules' result stands
        release.set()
        await pilot.press("f7")  # again: this time it finishes
        assert await wait_for(pilot, lambda: "模型建议" in text_of(app, "#qc-model"))
        shown = text_of(app, "#qc-model")
        assert "仅供参考" in shown and "否认药物过敏史" in shown
        # the suggestions never replace the rules' QC, the one signing uses
        assert all(f["origin"] == "rule" for f in screen.qc_result["findings"])
        assert "QC-M01" not in text_of(app, "#qc-score")
        assert screen.query_one("#r-allergy_history").value == "否认药物过敏史"
        await pilot.press("f7")  # nothing changed: no second model pass
        await pilot.pause(0.5)
        assert calls["model"] == 2

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.run_qc, demo_service.features


def test_a_model_qc_pass_that_runs_out_of_time_is_said_in_plain_words(
    demo_service: Any, drive: Any
) -> None:
    p = first_patient(demo_service, "zjg")
    real_qc = demo_service.run_qc

    def run_qc(record: Any, **kw: Any) -> Any:
        out = real_qc(record)
        if kw.get("use_llm"):
            out["model_error"] = "llm_timeout"
        return out

    demo_service.run_qc = run_qc
    with_model(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        screen.query_one("#r-chief_complaint").value = "咳嗽3天"
        await pilot.press("f7")
        assert await wait_for(pilot, lambda: "时限" in text_of(app, "#qc-model"))
        assert "规则质控结果有效" in text_of(app, "#qc-model")
        assert "质控得分" in text_of(app, "#qc-score")

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.run_qc, demo_service.features


def test_esc_during_the_sections_keeps_the_finished_ones_and_says_the_rest_is_rules(
    demo_service: Any, drive: Any
) -> None:
    from appliance.services.interface import Progress

    p = first_patient(demo_service, "zjg")
    real_structure = demo_service.structure_record

    def structure(text: str, **kw: Any) -> Any:
        record = real_structure(text, visit_type=kw.get("visit_type", "initial"), use_llm=False)
        if not kw.get("use_llm"):
            return record
        piece = {"section": 0, "of": 2, "cue": "既往史", "record": {"personal_history": "吸烟20年"}}
        kw["progress"](Progress(fraction=0.5, message="1/2", piece=piece))
        while not kw["cancel"].cancelled:  # the second section never finishes on this box
            kw["progress"](Progress(fraction=0.6, message="第 2/2 段", eta_s=20.0))
            threading.Event().wait(0.05)
        return record

    demo_service.structure_record = structure
    with_model(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        screen.query_one(
            "#transcript"
        ).text = "既往史高血压五年，吸烟二十年。查体血压一百七十比一百。"
        await pilot.press("f6")
        assert await wait_for(
            pilot, lambda: screen.query_one("#r-personal_history").value == "吸烟20年"
        )
        assert screen.is_busy()
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not screen.is_busy())
        assert app.screen is screen  # the visit stays
        assert await wait_for(pilot, lambda: "已取消" in text_of(app, "#visit-status"))
        assert "规则" in text_of(app, "#visit-status")
        assert screen.query_one("#r-personal_history").value == "吸烟20年"  # section 1 stays

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.structure_record, demo_service.features


def test_the_model_takes_the_closed_sections_while_the_doctor_speaks(
    demo_service: Any, drive: Any
) -> None:
    """Live dictation with a model: besides the rules' live pass, the model is asked (quietly,
    ``live=True``) for the sections a later cue has closed; what it fills lands in empty boxes
    before the doctor stops, and the pass at the end follows without F6."""

    p = first_patient(demo_service, "zjg")
    words = "主诉咳嗽三天。既往史高血压五年。查体体温三十八度五，咽部充血。"
    real_structure = demo_service.structure_record
    calls: list[tuple[str, bool, bool]] = []

    def structure(text: str, **kw: Any) -> Any:
        vt = kw.get("visit_type", "initial")
        calls.append((text, bool(kw.get("use_llm")), bool(kw.get("live"))))
        record = dict(real_structure(text, visit_type=vt, use_llm=False))
        if kw.get("live"):
            record["auxiliary_exams"] = "血常规正常"
            record["structuring"] = {"method": "rules+llm", "fields": ["auxiliary_exams"]}
        return record

    demo_service.structure_record = structure
    demo_service.dictate = speaking(words, 0.05)  # the transcript grows as they speak
    with_model(demo_service)

    async def scenario(app: Any, pilot: Any) -> None:
        await open_visit(app, pilot, p)
        screen = app.screen
        await pilot.press("f5")
        assert await wait_for(
            pilot, lambda: screen.query_one("#r-auxiliary_exams").value == "血常规正常", 15
        )
        assert screen.dictating  # filled while the doctor is still speaking
        assert any(live and llm for _t, llm, live in calls)
        assert await wait_for(pilot, lambda: "咽部充血" in screen.query_one("#transcript").text, 15)
        await pilot.press("f5")  # stop: the end pass (not live) follows without F6
        # (the stop may land before the last "。" is said: compare the words, not the stop)
        said = words.rstrip("。")
        assert await wait_for(
            pilot, lambda: any(c[0].startswith(said) and c[1:] == (True, False) for c in calls), 15
        )

    try:
        drive(demo_service, scenario)
    finally:
        del demo_service.structure_record, demo_service.dictate, demo_service.features
