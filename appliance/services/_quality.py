"""Clinic quality indicators (the seed's Table 1) computed from the store, month by month.

- antibiotic_rate: signed visits with a systemic antibiotic / signed visits with a prescription
- exam_referral_rate: signed visits ordering imaging (CT/MRI/X-ray/ultrasound) / signed visits
- qc_pass_rate: signed records whose QC passed / signed records with a QC result
- followup_completion: follow-up events done / follow-up events due that month
- referral_rate: signed visits referred (triage "refer" or queued for the mentor) / signed visits
A month with no denominator is ``None`` (shown as "—"), never 0.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date

from appliance.clinical import vocabulary
from appliance.knowledge.catalogs import resolve_drug
from appliance.services._clinic_types import JSON
from appliance.services.ports import StorePort
from appliance.store import reports

INDICATORS = (
    "antibiotic_rate",
    "exam_referral_rate",
    "qc_pass_rate",
    "followup_completion",
    "referral_rate",
)
# ASCII look-arounds, not \b: Chinese characters count as word characters ("腰椎CT检查").
_IMAGING = re.compile(
    r"(?<![A-Za-z])(?:CT|DR|MRI)(?![A-Za-z])|核磁|X线|X光|胸片|B超|彩超|超声|造影", re.I
)


def is_antibiotic(drug: str) -> bool:
    """The clinic's one antibiotic vocabulary (``appliance.clinical.vocabulary``)."""
    return vocabulary.is_antibiotic(drug, resolve_drug)


def month_keys(months: int, today: date | None = None) -> list[str]:
    today = today or date.today()
    y, m = today.year, today.month
    keys = []
    for _ in range(months):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return keys[::-1]


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def quality_indicators(store: StorePort, months: int = 12, today: date | None = None) -> JSON:
    keys = month_keys(max(1, min(months, 60)), today)
    first = keys[0] + "-01"
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with store.read_raw() as conn:
        records = reports.signed_visits_since(conn, first)
        referred = reports.referred_visit_ids(conn)
        events = reports.followup_events_between(conn, first, (today or date.today()).isoformat())
    for visit_id, month, content_json in records:
        c = counts[month]
        content = json.loads(content_json or "{}")
        record = content.get("record") or {}
        c["visits"] += 1
        drugs = [str(rx.get("drug", "")) for rx in record.get("prescriptions") or []]
        if drugs:
            c["with_rx"] += 1
            c["antibiotic"] += any(is_antibiotic(d) for d in drugs)
        text = " ".join(str(record.get(k, "")) for k in ("auxiliary_exams", "treatment_plan"))
        c["imaging"] += bool(_IMAGING.search(text))
        qc = content.get("qc")
        if isinstance(qc, dict) and "passed" in qc:
            c["qc"] += 1
            c["qc_pass"] += bool(qc["passed"])
        triage = content.get("triage") or {}
        c["referred"] += bool(triage.get("refer")) or visit_id in referred
    for month, done in events:
        counts[month]["fu_due"] += 1
        counts[month]["fu_done"] += int(bool(done))
    series: dict[str, list[float | None]] = {name: [] for name in INDICATORS}
    # numerator and denominator of each rate, so a screen can say "35% (7/20)"
    fractions: dict[str, list[list[int]]] = {name: [] for name in INDICATORS}
    parts = {
        "antibiotic_rate": ("antibiotic", "with_rx"),
        "exam_referral_rate": ("imaging", "visits"),
        "qc_pass_rate": ("qc_pass", "qc"),
        "followup_completion": ("fu_done", "fu_due"),
        "referral_rate": ("referred", "visits"),
    }
    for key in keys:
        c = counts.get(key, defaultdict(int))
        for name, (num, den) in parts.items():
            series[name].append(_ratio(c[num], c[den]))
            fractions[name].append([c[num], c[den]])
    visits = [counts.get(k, {}).get("visits", 0) for k in keys]
    return {"months": keys, "indicators": series, "counts": fractions, "visits": visits}
