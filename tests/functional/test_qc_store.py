"""Nightly batch QC over a real SQLCipher store: every current record checked, results kept in
``qc_result``, the clinic's 病历合格率; ``clinicbox qc batch`` does the same from the CLI."""

from __future__ import annotations

from typing import Any

from tests.unit.test_qc_rules import GOOD


def _visit(session: Any, pid: str, record: dict[str, Any]) -> str:
    from appliance.services._visit_records import save_visit

    saved = save_visit(
        session, {"patient_id": pid, "visit_type": "initial", "record": record, "sign": False}
    )
    return str(saved["record_id"])


def test_batch_qc_of_the_store_keeps_results_and_gives_the_pass_rate(admin_session: Any) -> None:
    from appliance.services.emr import batch_qc_store, qc_pass_rate_history
    from appliance.services.patients import add_patient

    pid = add_patient(admin_session, {"name": "测试患者", "sex": "M", "birth_date": "1980-01-01"})[
        "patient_id"
    ]
    good_id = _visit(admin_session, pid, GOOD)
    _visit(admin_session, pid, {**GOOD, "allergy_history": "", "chief_complaint": ""})
    store = admin_session.store
    out = batch_qc_store(store)
    assert out["checked"] == 2 and out["passed"] == 1 and out["pass_rate"] == 0.5
    assert out["stored"] == 2
    with store.read() as db:
        rows = {r["record_id"]: r for r in db.query("SELECT * FROM qc_result")}
    assert rows[good_id]["passed"] == 1 and rows[good_id]["score"] == 100
    again = batch_qc_store(store)  # re-running replaces, never duplicates
    assert again["stored"] == 2
    with store.read() as db:
        assert db.execute("SELECT count(*) FROM qc_result").fetchone()[0] == 2
    history = qc_pass_rate_history(store)
    assert history[-1]["checked"] == 2 and history[-1]["pass_rate"] == 0.5


def test_qc_batch_cli_on_an_empty_store(cli: Any, store_env: Any) -> None:
    res = cli("qc", "batch", "--json", "--no-llm")
    assert res.rc == 0, res.err
    out = res.json()
    assert out["checked"] == 0 and out["pass_rate"] is None and out["stored"] == 0
