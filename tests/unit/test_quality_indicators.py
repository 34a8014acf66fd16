"""The clinic quality indicators (seed Table 1), computed from a real SQLCipher store with known
visits: each rate's numerator and denominator, months without data are None (never 0)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from appliance.services._quality import is_antibiotic, month_keys, quality_indicators


def _visit(
    conn: Any,
    vid: str,
    pid: str,
    month: str,
    record: dict[str, Any],
    qc: bool | None,
    refer: bool = False,
) -> None:
    stamp = f"{month}-10T08:00:00+00:00"
    conn.execute(
        "INSERT INTO visit (id, patient_id, status, started_at) VALUES (?,?,'closed',?)",
        (vid, pid, stamp),
    )
    content = {"record": record, "triage": {"level": 4, "refer": refer}}
    if qc is not None:
        content["qc"] = {"passed": qc, "score": 90 if qc else 50}
    conn.execute(
        "INSERT INTO record (record_id, version, visit_id, patient_id, status, content_json,"
        " signed_at, created_at) VALUES (?,1,?,?,'signed',?,?,?)",
        (f"r{vid}", vid, pid, json.dumps(content, ensure_ascii=False), stamp, stamp),
    )


def test_indicators_by_month(store: Any) -> None:
    amox = {"drug": "阿莫西林"}
    amlo = {"drug": "氨氯地平"}

    def seed(conn: Any) -> None:
        conn.execute(
            "INSERT INTO patient (id, name, created_at, updated_at) VALUES ('p1','测试',"
            "'2026-01-01','2026-01-01')"
        )
        _visit(conn, "v1", "p1", "2026-10", {"prescriptions": [amox]}, True)
        _visit(conn, "v2", "p1", "2026-10", {"prescriptions": [amlo]}, False, refer=True)
        _visit(conn, "v3", "p1", "2026-10", {"treatment_plan": "腰椎CT检查"}, True)
        _visit(conn, "v4", "p1", "2026-11", {"prescriptions": [amox, amlo]}, None)
        conn.execute(
            "INSERT INTO followup_plan (id, patient_id, condition, rule, interval_days, next_due,"
            " created_at) VALUES ('f1','p1','hypertension','r',90,'2026-12-01','2026-01-01')"
        )
        for i, (due, done) in enumerate([("2026-10-05", True), ("2026-10-20", False)]):
            conn.execute(
                "INSERT INTO followup_event (id, plan_id, patient_id, due_date, done_at, outcome)"
                " VALUES (?, 'f1', 'p1', ?, ?, ?)",
                (f"e{i}", due, due if done else None, "done" if done else "missed"),
            )

    store.write_raw(seed)
    out = quality_indicators(store, months=3, today=date(2026, 11, 26))
    assert out["months"] == ["2026-09", "2026-10", "2026-11"]
    ind = out["indicators"]
    assert ind["antibiotic_rate"] == [None, 0.5, 1.0]  # 1 of 2 visits with Rx; then 1 of 1
    assert ind["exam_referral_rate"] == [None, round(1 / 3, 4), 0.0]
    assert ind["qc_pass_rate"] == [None, round(2 / 3, 4), None]  # no QC result in November
    assert ind["followup_completion"] == [None, 0.5, None]
    assert ind["referral_rate"] == [None, round(1 / 3, 4), 0.0]
    assert out["visits"] == [0, 3, 1]


def test_antibiotic_detection_and_month_keys() -> None:
    assert is_antibiotic("阿莫西林") and is_antibiotic("头孢克肟") and is_antibiotic("levofloxacin")
    assert not is_antibiotic("氨氯地平") and not is_antibiotic("二甲双胍")
    assert month_keys(3, date(2026, 1, 15)) == ["2025-11", "2025-12", "2026-01"]
