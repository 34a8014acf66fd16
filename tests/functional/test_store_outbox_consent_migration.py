"""Migration 0410 on a store made by the release before it (without this change's migrations
0050 and 0410, rows written the way that release wrote them): the two outboxes and the two consent tables become one each, and
nothing a clinic had queued, sent or consented to is lost or changes meaning."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests._fixtures.store import ADMIN_PASSWORD, ADMIN_USER, CLINIC_NAME, PASSPHRASE

T0 = "2026-06-01T08:00:00+00:00"


def _previous_release_store(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from appliance.store import _migrate, init_store, open_store

    original = _migrate.pending

    def previous_release(conn: Any, directory: Any = _migrate.MIGRATIONS_DIR) -> list[Any]:
        return [m for m in original(conn, directory) if m.number not in (50, 410)]

    monkeypatch.setattr(_migrate, "pending", previous_release)
    init_store(
        settings,
        clinic_name=CLINIC_NAME,
        admin_user=ADMIN_USER,
        admin_password=ADMIN_PASSWORD,
        passphrase=PASSPHRASE,
    )
    with open_store(settings, PASSPHRASE) as store:

        def seed(conn: Any) -> None:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            assert {"sync_outbox", "sync_consent", "outbox", "consent"} <= tables
            for pid in ("p1", "p2", "p3"):
                conn.execute(
                    "INSERT INTO patient (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    (pid, f"患者{pid}", T0, T0),
                )
            # a referral requested from the UI and sealed later (both outboxes have it) ...
            for visit, key_state in (("v1", "sent"), ("v2", "pending")):
                payload = {
                    "visit_id": visit,
                    "record_id": f"r-{visit}",
                    "version": 1,
                    "question": "请指导",
                }
                conn.execute(
                    "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key,"
                    " payload_json, state, created_at, updated_at)"
                    " VALUES (?, 'referral', ?, 'p1', ?, ?, ?, ?, ?)",
                    (
                        f"o-{visit}",
                        visit,
                        f"referral:{visit}:1",
                        json.dumps(payload),
                        key_state,
                        T0,
                        T0,
                    ),
                )
            conn.execute(
                "INSERT INTO sync_outbox (case_id, version, kind, patient_id, bundle, size,"
                " content_hash, state, attempts, created_at, sent_at)"
                " VALUES ('v1', 1, 'case', 'p1', X'0102', 2, 'h1', 'sent', 1, ?, ?)",
                (T0, T0),
            )
            # ... a case sealed directly by the CLI, and a monthly aggregate
            conn.execute(
                "INSERT INTO sync_outbox (case_id, version, kind, patient_id, bundle, size,"
                " content_hash, state, created_at)"
                " VALUES ('v3', 2, 'case', 'p2', X'030405', 3, 'h3', 'pending', ?)",
                (T0,),
            )
            conn.execute(
                "INSERT INTO sync_outbox (case_id, version, kind, patient_id, bundle, size,"
                " content_hash, state, created_at)"
                " VALUES ('agg-2026-05', 1, 'aggregate', NULL, X'06', 1, 'h4', 'rejected', ?)",
                (T0,),
            )
            # consent: p1 granted in the core table, withdrawn later in the sync history;
            # p2 granted then revoked in the core table; p3 granted in the sync history only
            conn.execute(
                "INSERT INTO consent (id, patient_id, granted, recorded_at)"
                " VALUES ('c1', 'p1', 1, '2026-05-01T00:00:00+00:00')"
            )
            conn.execute(
                "INSERT INTO consent (id, patient_id, granted, recorded_at, revoked_at)"
                " VALUES ('c2', 'p2', 1, '2026-05-01T00:00:00+00:00', '2026-05-20T00:00:00+00:00')"
            )
            for pid, granted, at in (("p1", 0, "2026-05-10T00:00:00+00:00"), ("p3", 1, T0)):
                conn.execute(
                    "INSERT INTO sync_consent (patient_id, granted, recorded_by, recorded_at)"
                    " VALUES (?, ?, 'dr_li', ?)",
                    (pid, granted, at),
                )

        store.write_raw(seed)
    monkeypatch.setattr(_migrate, "pending", original)


def test_0410_merges_outboxes_and_consents(
    store_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appliance.store import open_store
    from sync import outbox

    _previous_release_store(store_settings, monkeypatch)
    with open_store(store_settings, PASSPHRASE) as store:
        assert any("0410" in m for m in store.migrations_applied)
        with store.read() as db:
            tables = set(db.table_names())
            rows = {
                (r["case_id"], r["version"]): r
                for r in db.query("SELECT case_id, version, kind, state, size, ref_id FROM outbox")
            }
        assert "sync_outbox" not in tables and "sync_consent" not in tables
        assert rows[("v1", 1)]["state"] == "sent" and rows[("v1", 1)]["size"] == 2
        assert rows[("v2", 1)]["state"] == "requested"  # never sealed: still to be sealed
        assert rows[("v3", 2)]["state"] == "pending" and rows[("v3", 2)]["ref_id"] == "v3"
        assert rows[("agg-2026-05", 1)]["kind"] == "aggregate"
        assert len(rows) == 4  # the sealed request and its bundle are one row
        assert outbox.bundle_of(store, "v3", 2) == b"\x03\x04\x05"
        assert [p["case_id"] for p in outbox.pending(store)] == ["v3"]
        assert outbox.summary(store)["requested"] == 1

        assert not outbox.has_consent(store, "p1")  # the later withdrawal wins
        assert not outbox.has_consent(store, "p2")  # revoked
        assert outbox.has_consent(store, "p3")
        assert [h["granted"] for h in outbox.consent_history(store, "p2")] == [True, False]
        with pytest.raises(Exception, match="append-only"):
            store.write_raw(lambda conn: conn.execute("UPDATE consent SET granted = 1"))
