"""Case bundles: Ed25519-signed, X25519+AES-GCM encrypted; tampering and wrong keys refused."""

from __future__ import annotations

import base64
import json

import pytest

from appliance.errors import BundleRejected, UpdateRejected
from sync.bundle import Header, open_bundle, read_header, seal_bundle
from sync.fhir import case_to_fhir
from sync.keys import KeyPair
from sync.outbox import build_case_payload
from sync.synthetic import corpus
from sync.updates import build_update, install_update, verify_update

CLINIC, HUB, OTHER = KeyPair.generate(), KeyPair.generate(), KeyPair.generate()
HEADER = Header(sender="c_1", kind="case", case_id="rec-1", version=2)
PAYLOAD = {"record": {"chief_complaint": "头痛"}, "question": "请指导"}


def lookup(sender: str):
    return CLINIC.signing_public if sender == "c_1" else None


def sealed() -> bytes:
    return seal_bundle(HEADER, PAYLOAD, CLINIC, HUB.encryption_public)


def test_round_trip():
    header, payload = open_bundle(sealed(), HUB, lookup)
    assert header == HEADER and payload == PAYLOAD
    assert "头痛" not in sealed().decode()  # encrypted, not just signed


def _mutate(blob: bytes, fn) -> bytes:
    doc = json.loads(blob)
    fn(doc)
    return json.dumps(doc).encode()


def _flip_ct(doc):
    ct = bytearray(base64.b64decode(doc["ct"]))
    ct[5] ^= 1
    doc["ct"] = base64.b64encode(bytes(ct)).decode()


@pytest.mark.parametrize(
    "tamper",
    [
        _flip_ct,
        lambda d: d["h"].update(version=3),
        lambda d: d["h"].update(case_id="rec-2"),
        lambda d: d.update(nonce=base64.b64encode(b"\0" * 12).decode()),
        lambda d: d.update(v=9),
    ],
)
def test_tampered_bundle_rejected(tamper):
    with pytest.raises(BundleRejected):
        open_bundle(_mutate(sealed(), tamper), HUB, lookup)


def test_mis_signed_bundle_rejected():
    forged = seal_bundle(HEADER, PAYLOAD, OTHER, HUB.encryption_public)  # right format, wrong key
    with pytest.raises(BundleRejected) as info:
        open_bundle(forged, HUB, lookup)
    assert info.value.details["reason"] == "signature"


def test_unknown_sender_and_wrong_recipient_rejected():
    with pytest.raises(BundleRejected):
        open_bundle(sealed(), HUB, lambda s: None)
    with pytest.raises(BundleRejected):
        open_bundle(sealed(), OTHER, lookup)


def test_garbage_is_a_clear_rejection():
    for blob in (b"", b"{}", b"not json", b'{"v":1,"h":{}}'):
        with pytest.raises(BundleRejected):
            read_header(blob)


def test_case_payload_is_deidentified_and_has_fhir():
    case = corpus(1, seed=3)[0]
    payload = build_case_payload(CLINIC, "rec-9", 1, case.patient, case.record, "张三怎么办")
    text = json.dumps(payload, ensure_ascii=False)
    for kind, value in case.identifiers:
        if kind in ("resident_id", "email", "license_plate"):
            assert value not in text
    assert case.patient["name"] not in text
    fhir = payload["fhir"]
    assert fhir["resourceType"] == "Bundle" and fhir["type"] == "collection"
    types = {e["resource"]["resourceType"] for e in fhir["entry"]}
    assert {
        "Patient",
        "Encounter",
        "Condition",
        "Observation",
        "MedicationRequest",
        "Communication",
    } <= types
    assert case_to_fhir(payload) == fhir


def test_update_verified_then_installed(tmp_path):
    upd = build_update(
        tmp_path / "kb.zip", "knowledge", "2026.06", {"kb/a.md": "高血压随访".encode()}, HUB
    )
    manifest = install_update(upd, HUB.signing_public, tmp_path / "data")
    assert manifest["version"] == "2026.06"
    assert (tmp_path / "data/updates/knowledge/2026.06/kb/a.md").read_text() == "高血压随访"


def test_update_bad_signature_refused(tmp_path):
    upd = build_update(tmp_path / "kb.zip", "formulary", "1", {"f.csv": b"x"}, OTHER)
    with pytest.raises(UpdateRejected) as info:
        install_update(upd, HUB.signing_public, tmp_path / "data")
    assert "签名" in info.value.message("zh") and "signature" in info.value.message("en")
    assert not (tmp_path / "data/updates/formulary/1").exists()


def test_update_altered_file_refused(tmp_path):
    import zipfile

    upd = build_update(tmp_path / "m.zip", "qc_rules", "1", {"rules.toml": b"a = 1"}, HUB)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(upd) as src, zipfile.ZipFile(bad, "w") as dst:
        for n in src.namelist():
            dst.writestr(n, b"a = 2" if n == "files/rules.toml" else src.read(n))
    with pytest.raises(UpdateRejected) as info:
        verify_update(bad, HUB.signing_public)
    assert info.value.details["reason"] == "checksum"
