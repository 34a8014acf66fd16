"""Whole-clinic monthly counts for the hub's quality indicators. Only counts leave the box (no
patient, no record): fully anonymised aggregate data, which PIPL lets us share without
per-patient consent."""

from __future__ import annotations

import json
from typing import Any

from appliance.store import outbox as outbox_repo
from appliance.store import reports
from sync import outbox
from sync.bundle import content_hash
from sync.keys import KeyPair


def monthly_counts(store: Any, month: str) -> dict[str, int]:
    """Counts for ``month`` (YYYY-MM) from signed visits, referrals and follow-up events."""
    c = {
        "visits": 0,
        "with_rx": 0,
        "antibiotic_visits": 0,
        "qc_checked": 0,
        "qc_passed": 0,
        "referrals": 0,
        "followups_due": 0,
        "followups_done": 0,
    }
    with store.read() as db:
        if not reports.has_clinical_tables(db):
            return c
        rows = reports.signed_visits_of_month(db, month)
        referred = outbox_repo.referred_visits(db)
        events = reports.followups_of_month(db, month)
    for row in rows:
        content = json.loads(row["content_json"] or "{}")
        record = content.get("record") or {}
        c["visits"] += 1
        rx = [p for p in record.get("prescriptions") or [] if isinstance(p, dict)]
        if rx:
            c["with_rx"] += 1
            c["antibiotic_visits"] += outbox.case_indicators(record, None, False)["antibiotic"]
        qc = content.get("qc")
        if isinstance(qc, dict) and "passed" in qc:
            c["qc_checked"] += 1
            c["qc_passed"] += bool(qc["passed"])
        c["referrals"] += bool((content.get("triage") or {}).get("refer")) or row["id"] in referred
    c["followups_due"] = len(events)
    c["followups_done"] = sum(int(done) for done in events)
    return c


def queue_month(store: Any, keys: KeyPair, month: str) -> dict[str, Any]:
    """Queue the month's counts; a new version only when they changed since the last one."""
    counts = monthly_counts(store, month)
    case_id = f"agg-{month}"
    with store.read() as db:
        last = outbox_repo.last_version(db, case_id)
    if last and last["content_hash"] == content_hash({"period": month, **counts}):
        return {"month": month, "queued": False, **counts}
    version = (last["version"] + 1) if last else 1
    outbox.queue_aggregate(store, keys, month, counts, version=version)
    return {"month": month, "queued": True, "version": version, **counts}
