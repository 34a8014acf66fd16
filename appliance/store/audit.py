"""Tamper-evident audit chain (HMAC-SHA256 with the audit key from the key envelope).

Each row's ``hash`` is ``HMAC(audit_key, prev_hash || canonical(row))`` where ``canonical`` covers
seq, time, actor, role, action, outcome, patient id, target and detail. ``audit_head`` keeps the
last (seq, hash) with its own MAC, so deleting rows at the end is detected too. Rows never hold
names or identifiers: only opaque ids. Appends must run on the writer thread (``Store.write``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _canonical(row: dict[str, Any]) -> bytes:
    fields = [
        str(row["seq"]),
        row["ts"],
        row["actor"],
        row["role"],
        row["action"],
        row["outcome"],
        row["patient_id"],  # None stays null: an empty string is a different value
        row["target"],
        row["detail_json"],
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def row_hash(key: bytes, prev_hash: str, row: dict[str, Any]) -> str:
    return hmac.new(key, prev_hash.encode("ascii") + _canonical(row), hashlib.sha256).hexdigest()


def _head_mac(key: bytes, seq: int, hash_: str) -> str:
    return hmac.new(key, f"head|{seq}|{hash_}".encode("ascii"), hashlib.sha256).hexdigest()


def append(
    conn: Any,
    key: bytes,
    *,
    actor: str,
    role: str,
    action: str,
    outcome: str = "ok",
    patient_id: str | None = None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one row inside the caller's write transaction; returns its sequence number."""
    head = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    prev_seq, prev_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS)
    row: dict[str, Any] = {
        "seq": prev_seq + 1,
        "ts": now_iso(),
        "actor": actor,
        "role": role,
        "action": action,
        "outcome": outcome,
        "patient_id": patient_id,
        "target": target,
        "detail_json": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    }
    digest = row_hash(key, prev_hash, row)
    conn.execute(
        "INSERT INTO audit_log (seq, ts, actor, role, action, outcome, patient_id, target,"
        " detail_json, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            row["seq"],
            row["ts"],
            actor,
            role,
            action,
            outcome,
            patient_id,
            target,
            row["detail_json"],
            prev_hash,
            digest,
        ),
    )
    conn.execute(
        "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,"
        " mac = excluded.mac",
        (row["seq"], digest, _head_mac(key, row["seq"], digest)),
    )
    return int(row["seq"])


@dataclass
class VerifyResult:
    ok: bool
    rows: int
    broken_seq: int | None = None
    problem: str | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "broken_seq": self.broken_seq,
            "problem": self.problem,
            "problems": self.problems[:20],
        }


_COLUMNS = "seq, ts, actor, role, action, outcome, patient_id, target, detail_json, prev_hash, hash"


def verify(conn: Any, key: bytes) -> VerifyResult:
    """Walk the chain in storage order; report the first row that was edited, removed or moved.

    Problems: ``edited`` (a row's content no longer matches its MAC), ``missing`` (a sequence gap:
    rows deleted), ``reordered`` (a row's predecessor link points elsewhere), ``truncated`` (the
    signed head is past the last row), ``head`` (the head itself was forged).
    """
    problems: list[dict[str, Any]] = []
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    cursor = conn.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY rowid")  # noqa: S608
    names = [c.strip() for c in _COLUMNS.split(",")]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        count += 1
        seq = int(row["seq"])
        if seq != expected_seq:
            kind = "missing" if seq > expected_seq else "reordered"
            problems.append({"seq": seq, "problem": kind, "expected_seq": expected_seq})
        if row["prev_hash"] != prev_hash and (not problems or problems[-1]["seq"] != seq):
            problems.append({"seq": seq, "problem": "reordered"})
        if not hmac.compare_digest(row_hash(key, row["prev_hash"], row), row["hash"]):
            problems.append({"seq": seq, "problem": "edited"})
        prev_hash = row["hash"]
        expected_seq = seq + 1
    head = conn.execute("SELECT seq, hash, mac FROM audit_head WHERE id = 1").fetchone()
    last_seq = expected_seq - 1
    if head is not None:
        head_seq, head_hash, mac = int(head[0]), str(head[1]), str(head[2])
        if not hmac.compare_digest(_head_mac(key, head_seq, head_hash), mac):
            problems.append({"seq": head_seq, "problem": "head"})
        elif head_seq != last_seq or head_hash != prev_hash:
            problems.append({"seq": last_seq + 1, "problem": "truncated", "head_seq": head_seq})
    elif count:
        problems.append({"seq": 1, "problem": "head"})
    if problems:
        first = problems[0]
        return VerifyResult(False, count, int(first["seq"]), str(first["problem"]), problems)
    return VerifyResult(True, count)
