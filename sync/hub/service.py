"""What the hub does, independent of HTTP: enrol clinics, ingest bundles idempotently, let
mentors review cases and reply, hand replies back to each clinic, publish updates, and compute
aggregate indicators per clinic."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from pathlib import Path
from typing import Any

from appliance.errors import BundleRejected, HubRequestRejected, NotFoundError, PermissionDenied
from sync.bundle import Header, content_hash, open_bundle, read_header, seal_bundle
from sync.hub._db import HubDB
from sync.keys import KeyPair, b64, load_or_create, unb64
from sync.updates import verify_update

HUB_KEY_FILE = "hub-keys.json"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        expected = hashlib.scrypt(password.encode(), salt=unb64(salt), n=2**14, r=8, p=1)
    except ValueError:
        return False
    return hmac.compare_digest(expected, unb64(digest))


class HubService:
    def __init__(self, hub_dir: Path, database_url: str | None = None) -> None:
        self.dir = hub_dir
        hub_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.keys: KeyPair = load_or_create(hub_dir, HUB_KEY_FILE)
        self.db = HubDB(database_url or hub_dir / "hub.db")
        (hub_dir / "uploads").mkdir(exist_ok=True, mode=0o700)
        (hub_dir / "updates").mkdir(exist_ok=True)

    def close(self) -> None:
        self.db.close()

    # --- enrolment -------------------------------------------------------------------------

    def public_info(self) -> dict[str, str]:
        return {
            "hub_sign_key": b64(self.keys.signing_public),
            "hub_enc_key": b64(self.keys.encryption_public),
        }

    def create_enrol_token(self, clinic_name: str) -> str:
        token = "enr_" + secrets.token_urlsafe(24)
        self.db.execute(
            "INSERT INTO enrol_tokens (token_hash, clinic_name, created_at) VALUES (?, ?, ?)",
            (_token_hash(token), clinic_name, _now()),
        )
        return token

    def enrol(self, token: str, sign_key: str, enc_key: str) -> dict[str, str]:
        """Exchange a one-time enrolment token and the box's public keys for credentials."""
        for key in (sign_key, enc_key):
            try:
                if len(unb64(key)) != 32:
                    raise ValueError
            except ValueError:
                raise HubRequestRejected("公钥格式无效。", "Invalid public key.") from None
        th = _token_hash(token)
        api_token = "cbx_" + secrets.token_urlsafe(32)
        clinic_id = "c_" + secrets.token_hex(8)
        with self.db.transaction() as tx:
            rows = tx.query(
                "SELECT clinic_name, used_by FROM enrol_tokens WHERE token_hash = ?", (th,)
            )
            if not rows:
                raise PermissionDenied("登记令牌无效。", "The enrolment token is not valid.")
            if rows[0]["used_by"]:
                prior = tx.query(
                    "SELECT clinic_id, sign_key FROM clinics WHERE clinic_id = ?",
                    (rows[0]["used_by"],),
                )
                if not prior or prior[0]["sign_key"] != sign_key:
                    raise PermissionDenied(
                        "登记令牌已被使用。", "The enrolment token was already used."
                    )
                clinic_id = prior[0]["clinic_id"]  # the same box retrying: rotate its API token
                tx.execute(
                    "UPDATE clinics SET token_hash = ? WHERE clinic_id = ?",
                    (_token_hash(api_token), clinic_id),
                )
            else:
                tx.execute(
                    "INSERT INTO clinics (clinic_id, name, sign_key, enc_key, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        clinic_id,
                        rows[0]["clinic_name"],
                        sign_key,
                        enc_key,
                        _token_hash(api_token),
                        _now(),
                    ),
                )
                tx.execute(
                    "UPDATE enrol_tokens SET used_by = ? WHERE token_hash = ?", (clinic_id, th)
                )
        return {"clinic_id": clinic_id, "api_token": api_token, **self.public_info()}

    def authenticate(self, api_token: str) -> str:
        row = self.db.one(
            "SELECT clinic_id FROM clinics WHERE token_hash = ? AND revoked = 0",
            (_token_hash(api_token),),
        )
        if row is None:
            raise PermissionDenied("诊所凭据无效。", "The clinic credentials are not valid.")
        return str(row["clinic_id"])

    def revoke_clinic(self, clinic_id: str) -> None:
        """Stop accepting a clinic (lost or stolen box): its token and key no longer work."""
        if not self.db.execute("UPDATE clinics SET revoked = 1 WHERE clinic_id = ?", (clinic_id,)):
            raise NotFoundError("没有这个诊所。", "No such clinic.")

    def list_clinics(self) -> list[dict[str, Any]]:
        return self.db.query(
            "SELECT clinic_id, name, enrolled_at, revoked FROM clinics ORDER BY enrolled_at"
        )

    def _clinic_sign_key(self, clinic_id: str) -> bytes | None:
        row = self.db.one(
            "SELECT sign_key FROM clinics WHERE clinic_id = ? AND revoked = 0", (clinic_id,)
        )
        return unb64(row["sign_key"]) if row else None

    # --- ingest ----------------------------------------------------------------------------

    def ingest(self, clinic_id: str, blob: bytes) -> dict[str, Any]:
        """Verify and store one bundle. Idempotent by (clinic, case id, version)."""
        header = read_header(blob)
        if header.sender != clinic_id or header.recipient != "hub":
            raise BundleRejected(
                "病例包的发送方与登记的诊所不符。",
                "The bundle's sender does not match the clinic.",
                details={"reason": "sender"},
            )
        if header.kind not in ("case", "aggregate"):
            raise BundleRejected(details={"reason": "kind"})
        _, payload = open_bundle(blob, self.keys, self._clinic_sign_key)
        digest = content_hash(payload)
        with self.db.transaction() as tx:
            inserted = tx.execute(
                "INSERT INTO cases (clinic_id, case_id, version, kind, content_hash, payload, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    clinic_id,
                    header.case_id,
                    header.version,
                    header.kind,
                    digest,
                    json.dumps(payload, ensure_ascii=False),
                    _now(),
                ),
            )
            if not inserted:
                row = tx.query(
                    "SELECT content_hash FROM cases WHERE clinic_id = ? AND case_id = ? AND version = ?",
                    (clinic_id, header.case_id, header.version),
                )
                if row and row[0]["content_hash"] != digest:
                    raise HubRequestRejected(
                        "同一病例同一版本的内容不同，已拒收。",
                        "Different content for the same case version; refused.",
                        details={"reason": "conflict"},
                    )
        status = "stored" if inserted else "duplicate"
        return {
            "status": status,
            "case_id": header.case_id,
            "version": header.version,
            "hash": digest,
        }

    def ingest_many(self, clinic_id: str, blobs: list[bytes]) -> list[dict[str, Any]]:
        """Ingest several bundles; each gets its own receipt (a bad one does not spoil the rest)."""
        receipts: list[dict[str, Any]] = []
        for blob in blobs:
            try:
                receipts.append(self.ingest(clinic_id, blob))
            except (BundleRejected, HubRequestRejected) as exc:
                receipts.append({"status": "rejected", "code": exc.code, **exc.details})
        return receipts

    # --- mentor review ---------------------------------------------------------------------

    def add_mentor(self, username: str, password: str, display_name: str = "") -> None:
        self.db.execute(
            "INSERT INTO mentors (username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,"
            " display_name = excluded.display_name",
            (username, display_name or username, hash_password(password), _now()),
        )

    def check_mentor(self, username: str, password: str) -> bool:
        row = self.db.one("SELECT password_hash FROM mentors WHERE username = ?", (username,))
        return bool(row) and check_password(password, str(row["password_hash"]))  # type: ignore[index]

    def list_cases(self, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        sql = (
            "SELECT c.clinic_id, k.name AS clinic_name, c.case_id, c.version, c.status, c.received_at,"
            " c.payload FROM cases c JOIN clinics k ON k.clinic_id = c.clinic_id WHERE c.kind = 'case'"
        )
        params: list[Any] = []
        if status:
            sql += " AND c.status = ?"
            params.append(status)
        sql += " ORDER BY c.received_at DESC, c.case_id LIMIT ?"
        params.append(limit)
        out = []
        for row in self.db.query(sql, params):
            payload = json.loads(row.pop("payload"))
            record = payload.get("record") or {}
            row["chief_complaint"] = record.get("chief_complaint", "")
            row["question"] = payload.get("question", "")
            out.append(row)
        return out

    def get_case(self, clinic_id: str, case_id: str, version: int) -> dict[str, Any]:
        row = self.db.one(
            "SELECT payload, status FROM cases WHERE clinic_id = ? AND case_id = ? AND version = ?",
            (clinic_id, case_id, version),
        )
        if row is None:
            raise NotFoundError("找不到该病例。", "No such case.")
        replies = self.db.query(
            "SELECT reply_id, mentor, advice, created_at FROM replies WHERE clinic_id = ? AND case_id = ?"
            " ORDER BY seq",
            (clinic_id, case_id),
        )
        return {"payload": json.loads(row["payload"]), "status": row["status"], "replies": replies}

    def advise(
        self, clinic_id: str, case_id: str, version: int, mentor: str, advice: str
    ) -> dict[str, Any]:
        """Store the mentor's advice as a reply sealed to the clinic; it flows back on next sync."""
        advice = advice.strip()
        if not advice:
            raise HubRequestRejected("指导意见不能为空。", "The advice is empty.")
        case = self.get_case(clinic_id, case_id, version)["payload"]
        clinic = self.db.one("SELECT enc_key FROM clinics WHERE clinic_id = ?", (clinic_id,))
        assert clinic is not None
        reply_id = "r_" + secrets.token_hex(8)
        payload = {
            "reply_id": reply_id,
            "case_id": case_id,
            "case_version": version,
            "pseudonym": case.get("pseudonym"),
            "mentor": mentor,
            "advice": advice,
            "created_at": _now(),
        }
        header = Header(
            sender="hub", kind="reply", case_id=case_id, version=version, recipient=clinic_id
        )
        blob = seal_bundle(header, payload, self.keys, unb64(clinic["enc_key"]))
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO replies (clinic_id, reply_id, case_id, case_version, mentor, advice, bundle, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    clinic_id,
                    reply_id,
                    case_id,
                    version,
                    mentor,
                    advice,
                    blob.decode(),
                    payload["created_at"],
                ),
            )
            tx.execute(
                "UPDATE cases SET status = 'reviewed' WHERE clinic_id = ? AND case_id = ? AND version = ?",
                (clinic_id, case_id, version),
            )
        return payload

    def replies_after(self, clinic_id: str, after: int, limit: int = 100) -> list[dict[str, Any]]:
        return self.db.query(
            "SELECT seq, bundle FROM replies WHERE clinic_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (clinic_id, after, limit),
        )

    def ack_replies(self, clinic_id: str, upto: int) -> None:
        self.db.execute(
            "UPDATE replies SET acked_at = ? WHERE clinic_id = ? AND seq <= ? AND acked_at IS NULL",
            (_now(), clinic_id, upto),
        )

    # --- updates ---------------------------------------------------------------------------

    def publish_update(self, source: Path) -> dict[str, Any]:
        """Register a signed update zip (verified with the hub's own key before it is offered)."""
        manifest, _ = verify_update(source, self.keys.signing_public)
        data = source.read_bytes()
        target = self.dir / "updates" / f"{manifest['kind']}-{manifest['version']}.zip"
        target.write_bytes(data)
        self.db.execute(
            "INSERT INTO updates (kind, version, path, sha256, size, note, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (kind, version) DO NOTHING",
            (
                manifest["kind"],
                str(manifest["version"]),
                str(target),
                hashlib.sha256(data).hexdigest(),
                len(data),
                manifest.get("note", ""),
                _now(),
            ),
        )
        return manifest

    def list_updates(self) -> list[dict[str, Any]]:
        return self.db.query(
            "SELECT kind, version, sha256, size, note, published_at FROM updates ORDER BY published_at"
        )

    def update_path(self, kind: str, version: str) -> Path:
        row = self.db.one(
            "SELECT path FROM updates WHERE kind = ? AND version = ?", (kind, version)
        )
        if row is None:
            raise NotFoundError("没有这个更新包。", "No such update.")
        return Path(row["path"])

    # --- indicators ------------------------------------------------------------------------

    def indicators(self) -> list[dict[str, Any]]:
        from sync.hub._indicators import clinic_indicators

        return clinic_indicators(self.db)
