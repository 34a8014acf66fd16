"""Referral from the visit workspace with the sync area installed: the case is sealed right away
into a signed, encrypted, de-identified bundle in the sync outbox (real crypto), or — when the
box is not enrolled with a hub — stays a pending referral request with a clear note."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def sealer_installed(demo_service: Any) -> Iterator[None]:
    from appliance.commands.tui import install_referral_sealer
    from appliance.services.interface import set_referral_sealer

    assert install_referral_sealer(demo_service.settings)
    try:
        yield
    finally:
        set_referral_sealer(None)


def _signed_visit(service: Any, initials: str, complaint: str) -> tuple[str, str]:
    service.login("doctor", "demo1234")
    patient = service.search_patients(initials)[0]
    saved = service.save_visit(
        {
            "patient_id": patient["patient_id"],
            "record": {
                "chief_complaint": complaint,
                "present_illness": f"{patient['name']}，{complaint}",
                "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],  # needed to sign
            },
            "sign": True,
        }
    )
    return saved["visit_id"], patient["name"]


def test_not_enrolled_keeps_a_pending_request(demo_service: Any, sealer_installed: None) -> None:
    visit_id, _ = _signed_visit(demo_service, "lxy", "多饮多尿1月")
    pending_before = demo_service.sync_status()["referrals"].get("pending", 0)
    result = demo_service.refer_to_mentor(visit_id, "血糖控制方案？")
    assert result["queued"] and not result["sealed"]
    assert "尚未登记" in result["note"]  # says why: not enrolled with a mentor hub yet
    assert demo_service.sync_status()["referrals"].get("pending", 0) == pending_before + 1


def test_enrolled_box_seals_a_deidentified_bundle(
    demo_service: Any, sealer_installed: None
) -> None:
    from sync.bundle import open_bundle
    from sync.keys import KeyPair, b64, box_keys
    from sync.outbox import set_state

    hub = KeyPair.generate()
    store = demo_service.runtime.store
    set_state(store, clinic_id="demo-clinic", hub_enc_key=b64(hub.encryption_public))
    visit_id, name = _signed_visit(demo_service, "zjg", "反复头晕2周")
    result = demo_service.refer_to_mentor(visit_id, f"{name}的血压怎么调整？")
    assert result["sealed"] and result["bundle"]["state"] == "pending"
    with store.read_raw() as conn:
        blob = conn.execute("SELECT bundle FROM outbox WHERE case_id = ?", (visit_id,)).fetchone()[
            0
        ]
    assert name.encode() not in blob  # encrypted on disk and in transit
    box = box_keys(demo_service.settings.data_dir)
    header, payload = open_bundle(blob, hub, lambda sender: box.signing_public)
    assert header.sender == "demo-clinic"
    text = str(payload)
    assert name not in text and "反复头晕" in text  # de-identified, clinical content kept
    again = demo_service.refer_to_mentor(visit_id, "再问一次")
    assert again["duplicate"]  # idempotent per record version
