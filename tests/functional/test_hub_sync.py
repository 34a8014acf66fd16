"""Hub and agent end to end (in-process transport): consent, outbox, idempotent ingest, mentor
advice back to the right clinic and patient, updates, indicators — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from appliance.errors import ConsentRequired, PermissionDenied
from sync import outbox
from sync.hub.service import HubService
from sync.synthetic import corpus
from sync.updates import build_update


def _queue(clinic, case, case_id, version=1, consent=True, question="请帮忙看看"):
    pid = f"pat-{case_id}"
    if consent:
        outbox.record_consent(clinic.store, pid, True, "dr_li")
    return outbox.queue_case(
        clinic.store,
        clinic.keys,
        case_id=case_id,
        version=version,
        patient_id=pid,
        patient=case.patient,
        record=case.record,
        question=question,
        qc_passed=True,
    )


def _roundtrip(hub, make_clinic, tmp_path):
    a, b = make_clinic(hub, "甲卫生院"), make_clinic(hub, "乙卫生院")
    cases = corpus(4, seed=5)
    _queue(a, cases[0], "a1")
    _queue(a, cases[1], "a2")
    _queue(b, cases[2], "b1")
    with pytest.raises(ConsentRequired):
        _queue(b, cases[3], "b2", consent=False)

    assert a.agent.run_once().uploaded == 2
    assert b.agent.run_once().uploaded == 1
    listed = hub.list_cases()
    assert len(listed) == 3
    # nothing identifying reached the hub
    for c in cases[:3]:
        blob = str(hub.db.query("SELECT payload FROM cases"))
        assert c.patient["name"] not in blob and c.patient["id_number"] not in blob

    # the same bundle again (crash after upload, before marking sent) is a duplicate
    a.store.write(lambda db: db.execute("UPDATE outbox SET state = 'pending'"))
    res = a.agent.run_once()
    assert res.duplicates == 2 and res.uploaded == 0
    assert len(hub.list_cases()) == 3

    hub.add_mentor("zhang", "Mentor-pass-1", "张主任")
    b1 = next(c for c in listed if c["case_id"] == "b1")
    hub.advise(b1["clinic_id"], "b1", 1, "zhang", "建议完善心电图，必要时转诊")
    assert a.agent.run_once().replies == 0  # advice goes only to its own clinic
    assert b.agent.run_once().replies == 1
    assert b.agent.run_once().replies == 0  # not delivered twice
    got = outbox.replies(b.store, patient_id="pat-b1")
    assert len(got) == 1 and "心电图" in got[0]["advice"]

    upd = build_update(
        tmp_path / "f.zip", "formulary", "2026.1", {"formulary.csv": b"drug\n"}, hub.keys
    )
    hub.publish_update(upd)
    assert a.agent.run_once().updates == ["formulary:2026.1"]
    assert a.agent.run_once().updates == []

    ind = {i["clinic_name"]: i for i in hub.indicators()}
    assert ind["甲卫生院"]["cases"] == 2 and ind["甲卫生院"]["qc_pass_rate"] == 1.0
    outbox.queue_aggregate(
        a.store,
        a.keys,
        "2026-05",
        {
            "visits": 100,
            "antibiotic_visits": 18,
            "qc_checked": 90,
            "qc_passed": 81,
            "referrals": 5,
            "followups_due": 40,
            "followups_done": 30,
        },
    )
    a.agent.run_once()
    ind = {i["clinic_name"]: i for i in hub.indicators()}
    assert ind["甲卫生院"]["source"] == "aggregate"
    assert ind["甲卫生院"]["antibiotic_rate"] == 0.18 and ind["甲卫生院"]["followup_rate"] == 0.75


def test_roundtrip_sqlite(hub, make_clinic, tmp_path):
    _roundtrip(hub, make_clinic, tmp_path)


def test_roundtrip_postgres(fresh_pg_database, make_clinic, tmp_path):
    hub = HubService(tmp_path / "pghub", database_url=fresh_pg_database)
    try:
        assert hub.db.postgres
        _roundtrip(hub, make_clinic, tmp_path)
    finally:
        hub.close()


def test_consent_history_is_auditable(hub, make_clinic):
    c = make_clinic(hub)
    outbox.record_consent(c.store, "p1", True, "dr_li", method="written", note="签字同意书")
    outbox.record_consent(c.store, "p1", False, "dr_li", method="verbal", note="撤回")
    hist = outbox.consent_history(c.store, "p1")
    assert [h["granted"] for h in hist] == [True, False]
    assert not outbox.has_consent(c.store, "p1")
    with pytest.raises(Exception, match="append-only"):
        c.store.write(lambda db: db.execute("UPDATE consent SET granted = 1"))


def test_enrolment_token_single_use_and_bad_credentials(hub):
    from sync.keys import KeyPair

    token = hub.create_enrol_token("丙卫生院")
    k1, k2 = KeyPair.generate(), KeyPair.generate()
    creds = hub.enrol(token, **k1.public())
    assert hub.authenticate(creds["api_token"]) == creds["clinic_id"]
    again = hub.enrol(token, **k1.public())  # same box retrying: same clinic
    assert again["clinic_id"] == creds["clinic_id"]
    with pytest.raises(PermissionDenied):
        hub.enrol(token, **k2.public())
    with pytest.raises(PermissionDenied):
        hub.authenticate("cbx_wrong")


def test_bundle_from_another_clinic_refused(hub, make_clinic):
    from appliance.errors import BundleRejected

    a, b = make_clinic(hub, "a"), make_clinic(hub, "b")
    _queue(a, corpus(1)[0], "x1")
    blob = outbox.bundle_of(a.store, "x1", 1)
    with pytest.raises(BundleRejected):
        hub.ingest(b.clinic_id, blob)  # b's credentials, a's bundle


def test_revoked_clinic_refused(hub, make_clinic):
    c = make_clinic(hub, "lost-box")
    _queue(c, corpus(1)[0], "r1")
    hub.revoke_clinic(c.clinic_id)
    result = c.agent.run_once()
    assert result.error == "permission_denied" and result.uploaded == 0
    assert outbox.summary(c.store)["pending"] == 1  # kept, not lost
    assert hub.list_clinics()[0]["revoked"] == 1
