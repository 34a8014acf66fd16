"""Clinic-side use cases behind ``clinicbox sync …`` and ``clinicbox consent …``: enrolment
with the hub (certificate pinned by fingerprint), referring a finalized record, and the agent
with its HTTPS transport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from appliance.errors import ConfigError, HubRequestRejected, InputError, NotFoundError
from appliance.services.referrals import referral_case
from appliance.store import visits as records
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

    Same case as the visit use case (``appliance.services.referrals.refer_visit``): the case id is
    the visit id (one hub case per visit) and the bundle carries the record itself and the box's
    QC verdict, never the stored wrapper."""
    with store.read() as db:
        rec = records.latest_record(db, record_id)
        if rec is None:
            raise NotFoundError("找不到该病历。", "No such record.")
        patient = records.patient(db, rec["patient_id"])
    if rec["status"] not in ("signed", "amended"):
        raise InputError(
            "病历尚未签名定稿，不能发送。", "The record is not signed (finalized) yet."
        )
    if patient is None:
        raise NotFoundError("找不到该病历的患者。", "The record's patient was not found.")
    try:
        content = json.loads(rec["content_json"])
    except ValueError:
        raise ConfigError("病历内容无法读取。", "The record content cannot be read.") from None
    case = referral_case(
        str(rec["visit_id"] or record_id),
        int(rec["version"]),
        rec["patient_id"],
        patient,
        content if isinstance(content, dict) else {},
        question,
    )
    return outbox.queue_case(store, keys, **case, fhir=fhir)


def seal_pending_referrals(store: Any, keys: KeyPair) -> dict[str, int]:
    """Referrals requested from a visit before the box could seal them (not enrolled yet, no
    sealer) become sealed case bundles now; those without consent stay requested."""
    from appliance.errors import ConsentRequired
    from appliance.store import outbox as outbox_repo

    with store.read() as db:
        rows = outbox_repo.requested_cases(db)
    sealed = waiting = 0
    for row in rows:
        req = json.loads(row["payload_json"] or "{}")
        with store.read() as db:
            content_json = records.record_content(
                db, str(req.get("record_id")), int(row["version"])
            )
            patient = records.patient(db, str(row["patient_id"]))
        if content_json is None or patient is None:
            continue
        content = json.loads(content_json)
        case = referral_case(
            str(row["case_id"]),
            int(row["version"]),
            str(row["patient_id"]),
            patient,
            content if isinstance(content, dict) else {},
            str(req.get("question", "")),
        )
        try:
            outbox.queue_case(store, keys, **case)
        except ConsentRequired:
            waiting += 1
            continue
        sealed += 1
    return {"sealed": sealed, "waiting": waiting}
