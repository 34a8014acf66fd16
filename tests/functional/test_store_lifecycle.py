"""Versioned records, legal erasure (rows gone, file vacuumed, tombstone kept), retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

NAME = "诸葛卧龙"


def _seed(store, admin_session):
    from appliance.services.patients import add_patient

    pid = add_patient(
        admin_session, {"name": NAME, "id_number": "11010519491231002X", "address": "南阳卧龙岗"}
    )["patient_id"]
    other = add_patient(admin_session, {"name": "其他人"})["patient_id"]

    def clinical(db):
        now = "2026-01-01T08:00:00"
        db["visit"].insert({"id": "v1", "patient_id": pid, "started_at": now, "fee_fen": 1500})
        db["record"].insert(
            {
                "record_id": "r1",
                "version": 1,
                "visit_id": "v1",
                "patient_id": pid,
                "content_json": json.dumps({"chief_complaint": f"{NAME}头痛"}),
                "created_at": now,
            }
        )
        db["record"].insert(
            {
                "record_id": "r1",
                "version": 2,
                "visit_id": "v1",
                "patient_id": pid,
                "content_json": "{}",
                "created_at": now,
                "change_note": "edit",
            }
        )
        db["vitals"].insert(
            {"id": "vt1", "patient_id": pid, "visit_id": "v1", "measured_at": now, "sbp": 150}
        )
        db["prescription"].insert(
            {
                "id": "rx1",
                "patient_id": pid,
                "visit_id": "v1",
                "drug": "阿莫西林",
                "created_at": now,
                "unit_price_fen": 230,
            }
        )
        db["alert"].insert(
            {
                "id": "a1",
                "patient_id": pid,
                "prescription_id": "rx1",
                "type": "allergy",
                "severity": "major",
                "message": "m",
                "source": "s",
                "created_at": now,
            }
        )
        db["alert_override"].insert(
            {
                "id": "o1",
                "alert_id": "a1",
                "user_id": admin_session.user_id,
                "reason": "已皮试阴性",
                "created_at": now,
            }
        )
        db["triage"].insert(
            {
                "id": "t1",
                "patient_id": pid,
                "visit_id": "v1",
                "level": 3,
                "disposition": "urgent",
                "created_at": now,
            }
        )
        db["followup_plan"].insert(
            {
                "id": "f1",
                "patient_id": pid,
                "condition": "高血压",
                "rule": "HTN-1",
                "interval_days": 90,
                "next_due": now,
                "created_at": now,
            }
        )
        db["followup_event"].insert(
            {"id": "fe1", "plan_id": "f1", "patient_id": pid, "due_date": now}
        )
        db["consent"].insert({"id": "c1", "patient_id": pid, "granted": 1, "recorded_at": now})
        db["outbox"].insert(
            {
                "id": "ob1",
                "patient_id": pid,
                "kind": "case",
                "idempotency_key": "k1",
                "payload_json": "{}",
                "created_at": now,
                "updated_at": now,
            }
        )

    store.write(clinical)
    return pid, other


def test_record_versions_are_never_overwritten(store, admin_session):
    from appliance.store._driver import IntegrityError

    _seed(store, admin_session)
    with pytest.raises(IntegrityError, match="immutable"):
        store.write(
            lambda db: db.execute("UPDATE record SET content_json = '{}' WHERE version = 1")
        )
    with pytest.raises(IntegrityError, match="cannot be deleted"):
        store.write(lambda db: db.execute("DELETE FROM record"))
    with store.read() as db:
        current = list(db.query("SELECT record_id, version FROM record_current"))
    assert current == [{"record_id": "r1", "version": 2}]


def test_erase_removes_everything_and_leaves_a_tombstone(
    store, admin_session, store_settings, cli, monkeypatch
):
    from appliance.store import verify_audit

    pid, other = _seed(store, admin_session)
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "test-passphrase")
    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(store_settings.data_dir))
    r = cli("patient", "erase", pid, "--json")
    assert r.rc == 2  # needs --yes
    r = cli("patient", "erase", pid, "--yes", "--reason", "patient_request", "--json")
    assert r.rc == 0, r.err
    removed = r.json()["rows_removed"]
    assert removed["patient"] == 1 and removed["record"] == 2 and removed["alert_override"] == 1
    with store.read_raw() as conn:
        for table in (
            "patient",
            "visit",
            "record",
            "vitals",
            "prescription",
            "alert",
            "triage",
            "followup_plan",
            "followup_event",
            "consent",
            "outbox",
        ):
            column = "id" if table == "patient" else "patient_id"
            assert (
                conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (pid,)).fetchone()[
                    0
                ]
                == 0
            )
        assert (
            conn.execute("SELECT count(*) FROM patient WHERE id = ?", (other,)).fetchone()[0] == 1
        )
        tomb = conn.execute(
            "SELECT reason, erased_by FROM erased_patient WHERE patient_id = ?", (pid,)
        ).fetchone()
        assert tomb[0] == "patient_request"
        audit_text = " ".join(
            str(v) for row in conn.execute("SELECT * FROM audit_log") for v in row
        )
    assert NAME not in audit_text and "卧龙岗" not in audit_text
    assert verify_audit(store)["ok"]
    r = cli("audit", "show", "--patient", pid, "--json")
    assert r.json()[-1]["action"] == "patient.erase"


def test_erased_data_is_gone_from_the_file(store, admin_session, store_settings):
    """With the key in hand, no page of the file (nor the WAL) still holds the erased rows."""
    from appliance.services.patients import erase_patient
    from appliance.store import _driver

    pid, _ = _seed(store, admin_session)
    erase_patient(admin_session, pid)
    store.close()
    key = store._keys.data_key
    plain = store_settings.data_dir.parent / "plain.db"
    conn = _driver.connect(store_settings.data_dir / "clinic.db", key)
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    data = plain.read_bytes()
    assert "其他人".encode() in data  # the export is readable…
    assert NAME.encode() not in data and "卧龙岗".encode() not in data  # …and the name is gone
    for path in store_settings.data_dir.glob("clinic.db*"):
        assert NAME.encode() not in path.read_bytes()


def test_erase_needs_admin(store, admin_session):
    from appliance.errors import PermissionDenied
    from appliance.services.patients import erase_patient
    from appliance.services.session import login
    from appliance.services.users import add_user

    pid, _ = _seed(store, admin_session)
    add_user(admin_session, "dr_li", "Staff-pass-2024", "doctor")
    with pytest.raises(PermissionDenied):
        erase_patient(login(store, "dr_li", "Staff-pass-2024"), pid)


def test_retention_removes_old_acknowledged_outbox_rows(store, admin_session):
    from appliance.store.lifecycle import apply_retention, retention_report

    old = (datetime.now(UTC) - timedelta(days=200)).isoformat(timespec="seconds")
    new = datetime.now(UTC).isoformat(timespec="seconds")
    store.write(
        lambda db: db["outbox"].insert_all(
            [
                {
                    "id": "a",
                    "kind": "case",
                    "idempotency_key": "a",
                    "payload_json": "{}",
                    "state": "acked",
                    "created_at": old,
                    "updated_at": old,
                },
                {
                    "id": "b",
                    "kind": "case",
                    "idempotency_key": "b",
                    "payload_json": "{}",
                    "state": "acked",
                    "created_at": new,
                    "updated_at": new,
                },
                {
                    "id": "c",
                    "kind": "case",
                    "idempotency_key": "c",
                    "payload_json": "{}",
                    "state": "pending",
                    "created_at": old,
                    "updated_at": old,
                },
            ]
        )
    )
    assert apply_retention(store) == {"outbox_acked": 1}
    with store.read() as db:
        assert sorted(r["id"] for r in db["outbox"].rows) == ["b", "c"]
    from appliance.services.patients import add_patient

    pid = add_patient(admin_session, {"name": "老病人"})["patient_id"]
    assert retention_report(store)["patients_past_retention"] == []
    report = retention_report(store, now=datetime.now(UTC) + timedelta(days=16 * 365))
    assert report["policy_days"]["clinical_record"] == 15 * 365
    assert report["patients_past_retention"] == [pid]
