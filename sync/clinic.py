"""Clinic-side use cases behind ``clinicbox sync …`` and ``clinicbox consent …``: enrolment
with the hub (certificate pinned by fingerprint), referring a finalized record, and the agent
with its HTTPS transport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from appliance.errors import ConfigError, HubRequestRejected, InputError, NotFoundError
from appliance.services.visits import referral_case
from sync import outbox
from sync.agent import SyncAgent
from sync.hub._tls import cert_fingerprint, fetch_server_cert, normalize_fingerprint
from sync.keys import KeyPair, box_keys
from sync.transport import HttpTransport

HUB_CERT = "hub-cert.pem"


def enrol(
    store: outbox.StoreLike, data_dir: Path, url: str, token: str, fingerprint: str
) -> dict[str, str]:
    """Pin the hub's certificate (must match ``fingerprint``), send our public keys, keep the
    credentials in the store."""
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise InputError(
            "帮扶医院地址必须是 https://主机:端口。", "The hub URL must be https://host:port."
        )
    from appliance.errors import HubUnavailable

    try:
        pem = fetch_server_cert(parsed.hostname, parsed.port or 443)
    except OSError:
        raise HubUnavailable() from None
    if normalize_fingerprint(fingerprint) != cert_fingerprint(pem):
        raise HubRequestRejected(
            "帮扶医院证书指纹不符，可能连到了假冒的服务器，已停止登记。",
            "The hub's certificate fingerprint does not match; enrolment stopped (possible impostor).",
        )
    cert_path = data_dir / "sync" / HUB_CERT
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.write_text(pem)
    keys = box_keys(data_dir)
    transport = HttpTransport(url, None, str(cert_path))
    try:
        creds = transport.enrol(token, keys.public())
    finally:
        transport.close()
    outbox.set_state(
        store,
        hub_url=url,
        clinic_id=creds["clinic_id"],
        api_token=creds["api_token"],
        hub_sign_key=creds["hub_sign_key"],
        hub_enc_key=creds["hub_enc_key"],
    )
    return {"clinic_id": creds["clinic_id"], "hub_url": url}


def open_agent(
    store: outbox.StoreLike, data_dir: Path, timeout: float = 30.0
) -> tuple[SyncAgent, HttpTransport]:
    state = outbox.enrolment(store)
    cert = data_dir / "sync" / HUB_CERT
    transport = HttpTransport(
        state["hub_url"], state["api_token"], str(cert) if cert.exists() else None, timeout=timeout
    )
    return SyncAgent(store, box_keys(data_dir), transport, data_dir), transport


def refer_record(
    store: Any, keys: KeyPair, record_id: str, question: str, *, fhir: bool = True
) -> dict[str, Any]:
    """Queue the latest finalized version of a record for mentor review (consent required).

    Same case as the visit use case (``appliance.services.visits.refer_visit``): the case id is
    the visit id (one hub case per visit) and the bundle carries the record itself and the box's
    QC verdict, never the stored wrapper."""
    with store.read() as db:
        rows = list(
            db.query(
                "SELECT record_id, version, status, content_json, patient_id, visit_id FROM record"
                " WHERE record_id = ?"
                " ORDER BY version DESC LIMIT 1",
                (record_id,),
            )
        )
        if not rows:
            raise NotFoundError("找不到该病历。", "No such record.")
        rec = rows[0]
        patients = list(db.query("SELECT * FROM patient WHERE id = ?", (rec["patient_id"],)))
    if rec["status"] not in ("signed", "amended"):
        raise InputError(
            "病历尚未签名定稿，不能发送。", "The record is not signed (finalized) yet."
        )
    if not patients:
        raise NotFoundError("找不到该病历的患者。", "The record's patient was not found.")
    try:
        content = json.loads(rec["content_json"])
    except ValueError:
        raise ConfigError("病历内容无法读取。", "The record content cannot be read.") from None
    case = referral_case(
        str(rec["visit_id"] or record_id),
        int(rec["version"]),
        rec["patient_id"],
        patients[0],
        content if isinstance(content, dict) else {},
        question,
    )
    return outbox.queue_case(store, keys, **case, fhir=fhir)


def seal_pending_referrals(store: Any, keys: KeyPair) -> dict[str, int]:
    """Referral requests the UI left in the core outbox (box not enrolled then, or no sealer)
    become sealed case bundles now; those without consent stay pending."""
    from appliance.errors import ConsentRequired

    with store.read() as db:
        tables = {
            r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "outbox" not in tables:
            return {"sealed": 0, "waiting": 0}
        rows = list(
            db.query(
                "SELECT id, patient_id, payload_json FROM outbox WHERE kind = 'referral' AND state = 'pending'"
            )
        )
    sealed = waiting = 0
    for row in rows:
        req = json.loads(row["payload_json"])
        with store.read() as db:
            recs = list(
                db.query(
                    "SELECT content_json FROM record WHERE record_id = ? AND version = ?",
                    (req["record_id"], int(req["version"])),
                )
            )
            pats = list(db.query("SELECT * FROM patient WHERE id = ?", (row["patient_id"],)))
        if not recs or not pats:
            continue
        content = json.loads(recs[0]["content_json"])
        case = referral_case(
            req["visit_id"],
            int(req["version"]),
            row["patient_id"],
            pats[0],
            content if isinstance(content, dict) else {},
            str(req.get("question", "")),
        )
        try:
            outbox.queue_case(store, keys, **case)
        except ConsentRequired:
            waiting += 1
            continue
        store.write(
            lambda db, rid=row["id"]: db.execute(
                "UPDATE outbox SET state = 'sent', updated_at = ? WHERE id = ?", (outbox.now(), rid)
            )
        )
        sealed += 1
    return {"sealed": sealed, "waiting": waiting}
