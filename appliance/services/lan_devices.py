"""What the LAN API keeps in the clinic store: devices, pairing codes, security events, the
access log and idempotency records (tables from migration 0300_api_devices.sql).

All writes go through ``store.write`` (the store's one writer thread) and are durable on return.
It sits in the service layer so the box's own TUI (LocalClinicService) can make pairing codes
and list/revoke devices, not only the LAN API and the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from appliance.errors import NotFoundError, PairingFailed
from appliance.services import lan_pairing as pairing
from appliance.services.ports import StorePort
from appliance.store import audit
from appliance.store import devices as repo

MAX_CODE_FAILURES = 5


def certificate_fingerprint(data_dir: Path) -> str:
    """SHA-256 (hex) of the box's server certificate in ``<data_dir>/tls/server.crt``; empty
    when the box has no TLS material yet."""
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    path = data_dir / "tls" / "server.crt"
    if not path.is_file():
        return ""
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


_TOUCH_EVERY_S = 60.0


def _iso(ts: float | None = None) -> str:
    return dt.datetime.fromtimestamp(ts or time.time(), dt.UTC).isoformat(timespec="seconds")


class Registry:
    """Device and security bookkeeping over one open store."""

    def __init__(self, store: StorePort) -> None:
        self.store = store
        self._touched: dict[str, float] = {}
        self._pair_lock = threading.Lock()

    # --- pairing codes -------------------------------------------------------------------
    def create_code(self, created_by: str = "", ttl_s: int = pairing.CODE_TTL_S) -> dict[str, Any]:
        code = pairing.new_code()
        expires = time.time() + ttl_s
        row = {
            "code_id": secrets.token_hex(8),
            "code_key": pairing.code_key(code).hex(),
            "created_at": _iso(),
            "created_by": created_by,
            "expires_at": expires,
            "failures": 0,
        }
        self.store.write(lambda db: repo.insert_code(db, row))
        return {"code": code, "expires_at": _iso(expires), "ttl_s": ttl_s}

    def _active_codes(self) -> list[dict[str, Any]]:
        with self.store.read() as db:
            return repo.active_codes(db, time.time(), MAX_CODE_FAILURES)

    def pair(
        self, *, fingerprint: str, public_key: str, proof: str, name: str, ip: str
    ) -> dict[str, str]:
        """Check a pairing proof; on success register the device and burn the code."""
        try:
            pairing.load_public_key(public_key)
        except ValueError:
            raise PairingFailed() from None
        with self._pair_lock:
            match = None
            for row in self._active_codes():
                key = bytes.fromhex(row["code_key"])
                expected = pairing.client_proof(key, fingerprint, public_key)
                if pairing.proofs_equal(expected, proof):
                    match = (row, key)
                    break
            if match is None:
                self._fail_codes(ip)
                raise PairingFailed()
            row, key = match
            device_id = "dev_" + secrets.token_hex(8)
            now = _iso()

            def register(db: Any) -> None:
                repo.use_code(db, row["code_id"], device_id, now)
                repo.replace_device(
                    db,
                    {
                        "device_id": device_id,
                        "name": name,
                        "public_key": public_key,
                        "fingerprint": pairing.key_id(public_key),
                        "paired_at": now,
                        "paired_by": row.get("created_by") or "",
                        "last_seen": now,
                        "last_ip": ip,
                    },
                )

            self.store.write(register)
        self.record_event("device_paired", device_id=device_id, ip=ip, detail=name)
        return {
            "device_id": device_id,
            "server_proof": pairing.server_proof(key, fingerprint, public_key, device_id),
        }

    def _fail_codes(self, ip: str) -> None:
        now = time.time()
        self.store.write(lambda db: repo.count_code_failure(db, now))
        self.record_event("pairing_failed", ip=ip)

    # --- devices -------------------------------------------------------------------------
    def get_device(self, device_id: str) -> dict[str, Any] | None:
        with self.store.read() as db:
            return repo.device(db, device_id)

    def touch_due(self, device_id: str) -> bool:
        return time.monotonic() - self._touched.get(device_id, 0.0) >= _TOUCH_EVERY_S

    def touch(self, device_id: str, ip: str) -> None:
        """Record when and from where a device was last seen (at most once a minute)."""
        if not self.touch_due(device_id):
            return
        self._touched[device_id] = time.monotonic()
        seen = {"last_seen": _iso(), "last_ip": ip}
        self.store.write(lambda db: repo.update_device(db, device_id, seen))

    def list_devices(self) -> list[dict[str, Any]]:
        with self.store.read() as db:
            rows = repo.devices(db)
        for row in rows:
            row.pop("public_key", None)
            row["revoked"] = row.get("revoked_at") is not None
        return rows

    def revoke(self, device_id: str, by: str = "") -> dict[str, Any]:
        if self.get_device(device_id) is None:
            raise NotFoundError("没有这台设备。", "No such device.")
        revoked = {"revoked_at": _iso(), "revoked_by": by}
        self.store.write(lambda db: repo.update_device(db, device_id, revoked))
        self.record_event("device_revoked", device_id=device_id, username=by)
        device = self.get_device(device_id) or {}
        device.pop("public_key", None)
        device["revoked"] = True
        return device

    # --- security events and access log --------------------------------------------------
    def record_event(
        self,
        kind: str,
        *,
        username: str | None = None,
        device_id: str | None = None,
        ip: str | None = None,
        detail: str | None = None,
    ) -> None:
        row = {
            "ts": time.time(),
            "kind": kind,
            "username": username,
            "device_id": device_id,
            "ip": ip,
            "detail": (detail or "")[:200],
        }
        self.store.write(lambda db: repo.insert_event(db, row))

    def log_access(
        self,
        *,
        username: str,
        role: str,
        device_id: str,
        action: str,
        patient_id: str | None,
        status: int,
    ) -> None:
        """One patient-data call: a row in ``api_access_log`` (for the alerts) and an ``api.*``
        row in the store's HMAC audit chain with the device — one transaction, one fsync."""
        row = {
            "ts": time.time(),
            "username": username,
            "role": role,
            "device_id": device_id,
            "action": action,
            "patient_id": patient_id,
            "status": status,
        }
        append = getattr(self.store, "audit_key", None) is not None

        def record(conn: Any) -> None:
            repo.log_access(conn, row)
            if append:
                audit.append(
                    conn,
                    self.store.audit_key,
                    actor=username,
                    role=role,
                    action=f"api.{action}",
                    outcome="ok" if status < 400 else "denied",
                    patient_id=patient_id,
                    detail={"device_id": device_id, "status": status},
                )

        self.store.write_raw(record)

    # --- idempotency ---------------------------------------------------------------------
    def idempotent_result(self, device_id: str, key: str) -> dict[str, Any] | None:
        with self.store.read() as db:
            return repo.idempotent_result(db, device_id, key)

    def remember_result(
        self, device_id: str, key: str, request_hash: str, status: int, body: Any
    ) -> None:
        row = {
            "device_id": device_id,
            "idem_key": key,
            "request_hash": request_hash,
            "status": status,
            "body": json.dumps(body, ensure_ascii=False),
            "created_at": time.time(),
        }
        cutoff = time.time() - 7 * 86400

        self.store.write(lambda db: repo.remember_result(db, row, cutoff))
