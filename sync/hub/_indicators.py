"""Aggregate quality indicators per clinic: antibiotic prescription rate, QC pass rate, referral
rate and follow-up rate. Whole-clinic aggregate bundles (fully anonymised counts, sent without
per-patient consent) are preferred; otherwise the referred cases themselves are counted."""

from __future__ import annotations

import json
from typing import Any

from sync.hub._db import HubDB


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def clinic_indicators(db: HubDB) -> list[dict[str, Any]]:
    clinics = db.query("SELECT clinic_id, name FROM clinics ORDER BY name")
    rows = db.query("SELECT clinic_id, case_id, version, kind, payload FROM cases")
    latest: dict[tuple[str, str], tuple[int, str, dict[str, Any]]] = {}
    for r in rows:
        key = (r["clinic_id"], r["case_id"])
        if key not in latest or r["version"] > latest[key][0]:
            latest[key] = (int(r["version"]), str(r["kind"]), json.loads(r["payload"]))
    out = []
    for c in clinics:
        agg = {
            "visits": 0,
            "with_rx": 0,
            "antibiotic_visits": 0,
            "qc_checked": 0,
            "qc_passed": 0,
            "referrals": 0,
            "followups_due": 0,
            "followups_done": 0,
        }
        cases = {
            "n": 0,
            "antibiotic": 0,
            "qc_checked": 0,
            "qc_passed": 0,
            "referred": 0,
            "followup": 0,
        }
        have_agg = False
        for (clinic_id, _), (_, kind, payload) in latest.items():
            if clinic_id != c["clinic_id"]:
                continue
            if kind == "aggregate":
                have_agg = True
                for k in agg:
                    agg[k] += int(payload.get(k) or 0)
            else:
                ind = payload.get("indicators") or {}
                cases["n"] += 1
                cases["antibiotic"] += bool(ind.get("antibiotic"))
                if ind.get("qc_passed") is not None:
                    cases["qc_checked"] += 1
                    cases["qc_passed"] += bool(ind.get("qc_passed"))
                cases["referred"] += bool(ind.get("referred"))
                cases["followup"] += bool(ind.get("followup_planned"))
        if have_agg:
            item = {
                "source": "aggregate",
                "visits": agg["visits"],
                "antibiotic_rate": _rate(agg["antibiotic_visits"], agg["with_rx"] or agg["visits"]),
                "qc_pass_rate": _rate(agg["qc_passed"], agg["qc_checked"]),
                "referral_rate": _rate(agg["referrals"], agg["visits"]),
                "followup_rate": _rate(agg["followups_done"], agg["followups_due"]),
            }
        else:
            item = {
                "source": "cases",
                "visits": cases["n"],
                "antibiotic_rate": _rate(cases["antibiotic"], cases["n"]),
                "qc_pass_rate": _rate(cases["qc_passed"], cases["qc_checked"]),
                "referral_rate": _rate(cases["referred"], cases["n"]),
                "followup_rate": _rate(cases["followup"], cases["n"]),
            }
        out.append(
            {"clinic_id": c["clinic_id"], "clinic_name": c["name"], "cases": cases["n"], **item}
        )
    return out
