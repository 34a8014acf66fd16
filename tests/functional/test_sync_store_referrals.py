"""Referring a signed record from the real encrypted store, and sealing referral requests that
the UI left in the core outbox before the box was enrolled."""

from __future__ import annotations

import json

import pytest

from appliance.errors import ConsentRequired, InputError
from sync import outbox
from sync.clinic import refer_record, seal_pending_referrals
from sync.keys import KeyPair, b64

RECORD = {
    "chief_complaint": "头痛3天",
    "present_illness": "患者王芳头痛，电话13912345678",
    "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],
    "vitals": {"sbp": 160},
}


def _seed(store, status="signed"):
    now = "2026-06-01T08:00:00+00:00"

    def run(conn):
        conn.execute(
            "INSERT INTO patient (id, name, sex, birth_date, id_number, phone, address,"
            " created_at, updated_at) VALUES ('p1', '王芳', 'F', '1960-02-03',"
            " '11010519491231002X', '13912345678', '河南省周口市郸城县汲冢镇李庄村', ?, ?)",
            (now, now),
        )
        conn.execute(
            "INSERT INTO visit (id, patient_id, started_at) VALUES ('v1', 'p1', ?)", (now,)
        )
        conn.execute(
            "INSERT INTO record (record_id, version, visit_id, patient_id, status, content_json,"
            " created_at) VALUES ('r1', 1, 'v1', 'p1', ?, ?, ?)",
            (
                status,
                json.dumps({"record": RECORD, "qc": {"passed": True}}, ensure_ascii=False),
                now,
            ),
        )

    store.write_raw(run)


def _enrol(store):
    hub = KeyPair.generate()
    outbox.set_state(
        store,
        clinic_id="c_1",
        api_token="t",
        hub_url="https://h",
        hub_sign_key=b64(hub.signing_public),
        hub_enc_key=b64(hub.encryption_public),
    )


def test_refer_signed_record_needs_consent(store):
    _seed(store)
    _enrol(store)
    keys = KeyPair.generate()
    with pytest.raises(ConsentRequired):
        refer_record(store, keys, "r1", "请指导")
    outbox.record_consent(store, "p1", True, "admin")
    result = refer_record(store, keys, "r1", "王芳血压高怎么办")
    assert result["queued"] and result["version"] == 1
    assert refer_record(store, keys, "r1", "again")["queued"] is False  # idempotent
    with store.read() as db:
        blob = bytes(next(db.query("SELECT bundle FROM outbox"))["bundle"])
        link = list(db.query("SELECT patient_id FROM sync_links"))
    assert "王芳" not in blob.decode() and "13912345678" not in blob.decode()
    assert link == [{"patient_id": "p1"}]


def test_unsigned_record_not_referred(store):
    _seed(store, status="draft")
    _enrol(store)
    outbox.record_consent(store, "p1", True, "admin")
    with pytest.raises(InputError):
        refer_record(store, KeyPair.generate(), "r1", "?")


def test_pending_ui_referrals_are_sealed(store):
    _seed(store)
    now = "2026-06-01T08:00:00+00:00"
    req = {"visit_id": "v1", "record_id": "r1", "version": 1, "question": "请指导"}
    store.write_raw(  # a referral requested from the visit before the box was enrolled
        lambda conn: conn.execute(
            "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, payload_json,"
            " case_id, version, state, created_at, updated_at)"
            " VALUES ('o1', 'case', 'v1', 'p1', 'referral:v1:1', ?, 'v1', 1, 'requested', ?, ?)",
            (json.dumps(req), now, now),
        )
    )
    _enrol(store)
    keys = KeyPair.generate()
    assert seal_pending_referrals(store, keys) == {"sealed": 0, "waiting": 1}  # no consent yet
    outbox.record_consent(store, "p1", True, "admin")
    assert seal_pending_referrals(store, keys) == {"sealed": 1, "waiting": 0}
    assert seal_pending_referrals(store, keys) == {"sealed": 0, "waiting": 0}
    assert outbox.pending(store)[0]["case_id"] == "v1"


def test_monthly_aggregate_counts_and_versions(store):
    from sync.aggregate import queue_month

    _seed(store)
    store.write_raw(
        lambda conn: conn.execute("UPDATE visit SET started_at = '2026-05-10T08:00:00+00:00'")
    )
    _enrol(store)
    keys = KeyPair.generate()
    first = queue_month(store, keys, "2026-05")
    assert first["queued"] and first["visits"] == 1 and first["qc_passed"] == 1
    assert queue_month(store, keys, "2026-05")["queued"] is False  # unchanged: nothing new to send
    with store.read() as db:
        row = next(db.query("SELECT kind, patient_id FROM outbox"))
    assert row == {"kind": "aggregate", "patient_id": None}
