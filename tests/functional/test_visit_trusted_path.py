"""One trusted service path for visits (issue 15), through the LAN API (real TLS server), the CLI
and the in-process service of the TUI, on real SQLCipher stores:

- a forged draft (no alerts, QC 100/甲, triage 4) is stored with the box's own alerts and QC;
- a forged follow-up plan is ignored: the plan stored (and the worklist's) is the box's own;
- signing without an override for a major alert fails (422 / exit 2) and names the rule;
- a draft cannot replace a signed record; a correction is an amendment with its history;
- a draft cannot be referred from any front end; a visit is one hub case, whatever is asked.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from appliance.api._transport import Transport

WARFARIN_NSAID = "DDI-WARFARIN-NSAID"
RECORD = {
    "chief_complaint": "膝关节疼痛1周",
    "present_illness": "1周前劳累后出现右膝关节疼痛，活动后加重。",
    "allergy_history": "否认药物过敏史",
    "diagnoses": [{"name": "膝骨关节炎", "icd10": "M17.9"}],
    "prescriptions": [
        {"drug": "华法林", "dose_mg": 3, "frequency_per_day": 1},
        {"drug": "布洛芬", "dose_mg": 400, "frequency_per_day": 3},
    ],
    "vitals": {"sbp": 128, "dbp": 78, "hr": 76},
}
FORGED = {
    "triage": {"level": 4, "disposition": "self_care"},
    "qc": {"passed": True, "score": 100, "grade": "甲", "findings": []},
    "med_alerts": [],
}
OVERRIDE = [{"rule": WARFARIN_NSAID, "reason": "短期使用，已告知出血风险并监测INR"}]
# Hypertension above target (<140/90 under 65): the box plans a recheck within 2 weeks.
HTN_RECORD = {
    "chief_complaint": "头晕1周",
    "allergy_history": "否认药物过敏史",
    "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],
    "vitals": {"sbp": 152, "dbp": 96, "hr": 78},
}
BOX_HTN_RULE = "FU-HTN-UNCONTROLLED-RECHECK"
FORGED_PLAN = {
    "condition": "hypertension",
    "status": "controlled",
    "rule": "FU-HTN-CONTROLLED",
    "interval_days": 365,
    "next_due": "2099-01-01",
    "source": "client",
    "plans": [{"condition": "diabetes", "rule": "FU-DM-CONTROLLED", "interval_days": 365}],
}


def _stored_plans(db: Any, patient_id: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT condition, rule, interval_days, next_due FROM followup_plan "
            "WHERE patient_id = ? AND status = 'active'",
            (patient_id,),
        )
    )


def _assert_box_plan(plans: list[dict[str, Any]]) -> None:
    from datetime import date, timedelta

    assert plans == [
        {
            "condition": "hypertension",
            "rule": BOX_HTN_RULE,
            "interval_days": 14,
            "next_due": (date.today() + timedelta(days=14)).isoformat(),
        }
    ]


# --- the LAN API --------------------------------------------------------------------------


@pytest.fixture
def doctor(lan_box: Any, pair_pc: Any) -> Any:
    _pc, box = pair_pc("诊室")
    transport = Transport(box)
    login = transport.raw(
        "POST", "/api/v1/auth/login", json_body={"username": "doctor", "password": "Role-pass-123!"}
    )
    transport.token = login.json()["token"]
    yield transport
    transport.close()


def _patient(doctor: Any) -> str:
    r = doctor.raw(
        "POST",
        "/api/v1/patients",
        json_body={"name": "赵建华", "sex": "M", "birth_date": "1975-01-02"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["patient_id"])


def _stored(lan_box: Any, visit_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with lan_box.runtime.store.read() as db:
        row = next(
            db.query(
                "SELECT content_json FROM record WHERE visit_id = ? ORDER BY version DESC LIMIT 1",
                (visit_id,),
            )
        )
        alerts = list(db.query("SELECT rule, severity FROM alert WHERE visit_id = ?", (visit_id,)))
    return json.loads(row["content_json"]), alerts


def test_api_forged_draft_stores_the_box_alerts_and_qc(lan_box: Any, doctor: Any) -> None:
    pid = _patient(doctor)
    body = {"patient_id": pid, "record": RECORD, **FORGED, "sign": False}
    r = doctor.raw("POST", "/api/v1/visits", json_body=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert {"visit_id", "record_id", "version", "status", "alerts", "qc"} <= set(out)
    assert out["status"] == "draft" and out["version"] == 1
    assert [a["rule"] for a in out["alerts"]] == [WARFARIN_NSAID]
    assert out["qc"]["score"] < 100 and out["qc"]["passed"] is False
    content, alerts = _stored(lan_box, out["visit_id"])
    assert content["qc"] == out["qc"] and content["qc"]["score"] != 100
    assert [a["rule"] for a in content["alerts"]] == [WARFARIN_NSAID]
    assert alerts == [{"rule": WARFARIN_NSAID, "severity": "major"}]


def test_api_sign_needs_an_override_then_only_amendments(lan_box: Any, doctor: Any) -> None:
    pid = _patient(doctor)
    forged_override = [{"alert": {"severity": "minor", "rule": "X"}, "reason": "ok"}]
    body = {"patient_id": pid, "record": RECORD, **FORGED, "overrides": forged_override}
    r = doctor.raw("POST", "/api/v1/visits", json_body={**body, "sign": True})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "sign_blocked" and WARFARIN_NSAID in err["message"]
    assert err["details"]["missing"] == [f"override:{WARFARIN_NSAID}"]

    signed = doctor.raw(
        "POST", "/api/v1/visits", json_body={**body, "overrides": OVERRIDE, "sign": True}
    )
    assert signed.status_code == 200, signed.text
    visit_id = signed.json()["visit_id"]
    assert signed.json()["status"] == "signed"
    assert signed.json()["alerts"][0]["override_reason"] == OVERRIDE[0]["reason"]

    draft = {"patient_id": pid, "visit_id": visit_id, "record": {**RECORD, "prescriptions": []}}
    again = doctor.raw("POST", "/api/v1/visits", json_body=draft)
    assert again.status_code == 409 and again.json()["error"]["code"] == "record_signed"

    fixed = {
        **RECORD,
        "prescriptions": [{"drug": "对乙酰氨基酚", "dose_mg": 500, "frequency_per_day": 3}],
    }
    amended = doctor.raw(
        "POST",
        f"/api/v1/visits/{visit_id}/amend",
        json_body={"record": fixed, "reason": "改用对乙酰氨基酚"},
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["status"] == "amended" and amended.json()["version"] == 2
    shown = doctor.raw("GET", f"/api/v1/visits/{visit_id}").json()
    assert [(h["version"], h["status"]) for h in shown["history"]] == [
        (1, "signed"),
        (2, "amended"),
    ]
    assert shown["history"][1]["reason"] == "改用对乙酰氨基酚"
    assert shown["history"][1]["amends_version"] == 1
    with lan_box.runtime.store.read() as db:
        active = [
            r["drug"]
            for r in db.query(
                "SELECT drug FROM prescription WHERE visit_id = ? AND status = 'active'",
                (visit_id,),
            )
        ]
    assert active == ["对乙酰氨基酚"]  # prescriptions follow the current signed version


def test_api_forged_followup_plan_is_not_stored(lan_box: Any, doctor: Any) -> None:
    pid = _patient(doctor)
    body = {"patient_id": pid, "record": HTN_RECORD, "followup_plan": FORGED_PLAN, "sign": True}
    r = doctor.raw("POST", "/api/v1/visits", json_body=body)
    assert r.status_code == 200, r.text
    plan = r.json()["followup_plan"]  # what the box computed, returned to the client
    assert plan["rule"] == BOX_HTN_RULE and plan["interval_days"] == 14 and plan["plans"] == []
    content, _alerts = _stored(lan_box, r.json()["visit_id"])
    assert content["followup_plan"] == plan
    with lan_box.runtime.store.read() as db:
        _assert_box_plan(_stored_plans(db, pid))


def test_api_refuses_to_refer_a_draft(lan_box: Any, doctor: Any) -> None:
    pid = _patient(doctor)
    saved = doctor.raw("POST", "/api/v1/visits", json_body={"patient_id": pid, "record": RECORD})
    visit_id = saved.json()["visit_id"]
    r = doctor.raw("POST", f"/api/v1/visits/{visit_id}/refer", json_body={"question": "请指导"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "record_not_signed"
    with lan_box.runtime.store.read() as db:
        queued = db.execute("SELECT count(*) FROM outbox WHERE ref_id = ?", (visit_id,))
        assert queued.fetchone()[0] == 0


# --- the CLI ------------------------------------------------------------------------------


def _cli_patient(cli: Any) -> str:
    r = cli(
        "patient", "add", "--json", stdin={"name": "钱丽华", "sex": "F", "birth_date": "1978-05-06"}
    )
    assert r.rc == 0, r.err
    return str(r.json()["patient_id"])


def test_cli_visit_save_sign_amend_show(cli: Any, store_env: Any, store_settings: Any) -> None:
    pid = _cli_patient(cli)
    forged = {"patient_id": pid, "visit_type": "initial", "record": RECORD, **FORGED}
    draft = cli("visit", "save", "--json", stdin={**forged, "sign": False})
    assert draft.rc == 0, draft.err
    out = draft.json()
    assert out["status"] == "draft" and [a["rule"] for a in out["alerts"]] == [WARFARIN_NSAID]
    assert out["qc"]["score"] < 100
    visit_id = out["visit_id"]

    blocked = cli("visit", "save", "--json", stdin={**forged, "visit_id": visit_id, "sign": True})
    assert blocked.rc == 2
    assert json.loads(blocked.err)["error"]["code"] == "sign_blocked"
    no_dx = {**RECORD, "chief_complaint": "", "diagnoses": []}
    missing = cli(
        "--lang", "en", "visit", "save", "--json", stdin={**forged, "record": no_dx, "sign": True}
    )
    assert missing.rc == 2
    message = json.loads(missing.err)["error"]["message"]
    assert "chief complaint" in message and "diagnosis" in message

    signed = cli(
        "visit",
        "save",
        "--json",
        stdin={**forged, "visit_id": visit_id, "overrides": OVERRIDE, "sign": True},
    )
    assert signed.rc == 0, signed.err
    assert signed.json()["status"] == "signed" and signed.json()["version"] == 2

    replaced = cli("visit", "save", "--json", stdin={**forged, "visit_id": visit_id})
    assert replaced.rc == 2 and json.loads(replaced.err)["error"]["code"] == "record_signed"

    no_reason = cli("visit", "amend", visit_id, "--reason", " ", "--json", stdin=RECORD)
    assert no_reason.rc == 2
    amended = cli(
        "visit",
        "amend",
        visit_id,
        "--reason",
        "补充用药说明",
        "--json",
        stdin={"record": RECORD, "overrides": OVERRIDE},
    )
    assert amended.rc == 0, amended.err
    assert amended.json()["status"] == "amended" and amended.json()["version"] == 3

    shown = cli("visit", "show", visit_id, "--json")
    assert shown.rc == 0, shown.err
    view = shown.json()
    assert (
        view["status"] == "amended"
        and view["record"]["chief_complaint"] == RECORD["chief_complaint"]
    )
    assert [(h["version"], h["status"]) for h in view["history"]] == [
        (1, "draft"),
        (2, "signed"),
        (3, "amended"),
    ]
    assert view["history"][2]["reason"] == "补充用药说明" and view["history"][2]["author"]
    assert cli("visit", "show", "nope", "--json").rc == 4


def test_cli_forged_followup_plan_is_not_stored(
    cli: Any, store_env: Any, store_settings: Any
) -> None:
    from appliance.store import open_store
    from tests._fixtures.store import PASSPHRASE

    pid = _cli_patient(cli)
    forged = {"patient_id": pid, "record": HTN_RECORD, "followup_plan": FORGED_PLAN, "sign": True}
    saved = cli("visit", "save", "--json", stdin=forged)
    assert saved.rc == 0, saved.err
    assert saved.json()["followup_plan"]["rule"] == BOX_HTN_RULE
    shown = cli("visit", "show", saved.json()["visit_id"], "--json").json()
    assert shown["followup_plan"]["rule"] == BOX_HTN_RULE
    assert shown["followup_plan"]["next_due"] != "2099-01-01"
    # no chronic condition in the record: a forged plan makes no plan at all
    other = _cli_patient(cli)
    knee = {"patient_id": other, "record": RECORD, "overrides": OVERRIDE, "sign": True}
    plain = cli("visit", "save", "--json", stdin={**knee, "followup_plan": FORGED_PLAN})
    assert plain.rc == 0, plain.err
    assert plain.json()["followup_plan"] is None
    with open_store(store_settings, PASSPHRASE) as store, store.read() as db:
        _assert_box_plan(_stored_plans(db, pid))
        assert _stored_plans(db, other) == []


def test_cli_refer_refuses_a_draft_and_makes_one_case_per_visit(
    cli: Any, store_env: Any, store_settings: Any
) -> None:
    from appliance.store import open_store
    from sync import outbox
    from sync.keys import KeyPair, b64

    pid = _cli_patient(cli)
    base = {"patient_id": pid, "record": RECORD, "overrides": OVERRIDE}
    visit_id = cli("visit", "save", "--json", stdin=base).json()["visit_id"]
    draft_refer = cli("sync", "refer", "--visit", visit_id, "--question", "请指导", "--json")
    assert draft_refer.rc == 2
    assert json.loads(draft_refer.err)["error"]["code"] == "record_not_signed"

    signed = cli("visit", "save", "--json", stdin={**base, "visit_id": visit_id, "sign": True})
    record_id = signed.json()["record_id"]
    from tests._fixtures.store import PASSPHRASE

    hub = KeyPair.generate()
    with open_store(store_settings, PASSPHRASE) as store:
        outbox.set_state(
            store,
            clinic_id="c_1",
            api_token="t",
            hub_url="https://h",
            hub_sign_key=b64(hub.signing_public),
            hub_enc_key=b64(hub.encryption_public),
        )
        outbox.record_consent(store, pid, True, "admin")
    first = cli("sync", "refer", "--visit", visit_id, "--question", "请指导", "--json")
    assert first.rc == 0, first.err
    assert first.json()["sealed"] is True and first.json()["case_id"] == visit_id
    second = cli("sync", "refer", "--record", record_id, "--json")
    assert second.rc == 0 and second.json()["duplicate"] is True
    with open_store(store_settings, PASSPHRASE) as store:
        cases = outbox.pending(store)
        blob = outbox.bundle_of(store, visit_id, 2)
    assert [(c["case_id"], c["version"]) for c in cases] == [(visit_id, 2)]
    from sync.bundle import open_bundle
    from sync.keys import box_keys

    box = box_keys(store_settings.data_dir)
    _header, payload = open_bundle(blob, hub, lambda sender: box.signing_public)
    # the bundle carries the record itself (not the stored {record, qc, ...} wrapper)
    assert payload["record"]["chief_complaint"] == RECORD["chief_complaint"]
    assert "qc" not in payload["record"] and payload["indicators"]["qc_passed"] is not None


# --- the in-process service (what the TUI uses) -------------------------------------------


def test_service_refuses_to_refer_a_draft(demo_service: Any) -> None:
    from appliance.errors import RecordNotSigned

    demo_service.login("doctor", "demo1234")
    patient = demo_service.search_patients("zjg")[0]
    saved = demo_service.save_visit(
        {"patient_id": patient["patient_id"], "record": RECORD, **FORGED}  # type: ignore[typeddict-item]
    )
    assert WARFARIN_NSAID in [a["rule"] for a in saved["alerts"]]  # the box's, not the client's
    with pytest.raises(RecordNotSigned):
        demo_service.refer_to_mentor(saved["visit_id"], "请指导")


def test_every_front_end_runtime_has_the_referral_sealer(
    store_settings: Any, initialised_store: Any
) -> None:
    """`clinicbox serve`, `tui` and the CLI build their runtime in one place, with sync's sealer
    (before, only `tui`/`demo` installed it and `serve` queued referrals it never sealed)."""
    from pydantic import SecretStr

    from appliance.commands.api import open_runtime
    from appliance.runtime import build_runtime, cli_service
    from tests._fixtures.store import PASSPHRASE

    settings = store_settings.model_copy(update={"passphrase": SecretStr(PASSPHRASE)})
    assert build_runtime(settings).sealer is not None
    served = open_runtime(settings)  # what `clinicbox serve` runs on
    try:
        assert served.sealer is not None and served.referral_sealer() is served.sealer
    finally:
        served.close()
    service = cli_service(settings, None, "cli:test")
    try:
        assert service.runtime.sealer is not None
    finally:
        service.close()
