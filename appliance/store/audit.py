"""Tamper-evident audit chain (HMAC-SHA256 with the audit key from the key envelope).

Each row's ``hash`` is ``HMAC(audit_key, prev_hash || canonical(row))`` where ``canonical`` covers
seq, time, actor, role, action, outcome, patient id, target and detail. ``audit_head`` keeps the
last (seq, hash) with its own MAC, so deleting rows at the end is detected too. Rows never hold
names or identifiers: only opaque ids. Appends must run on the writer thread (``Store.write``).

The head lives in the same file as the rows, so whoever can rewrite the file could delete every
row *and* the head. An **anchor** outside the database closes that: the key envelope keeps the
(seq, hash) of a recent head under its own MAC (``anchor``), moved forward at close, after each
verification and backup and every few dozen writes. The verifier requires the anchored row to
be present with that hash, and a chain is never empty (``store.init`` is row 1).
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


def anchor_mac(key: bytes, clinic_id: str, seq: int, hash_: str) -> str:
    return hmac.new(
        key, f"anchor|{clinic_id}|{seq}|{hash_}".encode("ascii"), hashlib.sha256
    ).hexdigest()


def make_anchor(key: bytes, clinic_id: str, seq: int, hash_: str) -> dict[str, Any]:
    """The envelope's anchor for head (``seq``, ``hash_``)."""
    return {"seq": seq, "hash": hash_, "mac": anchor_mac(key, clinic_id, seq, hash_)}


def head(conn: Any) -> tuple[int, str] | None:
    """The (seq, hash) of the newest row per ``audit_head``; ``None`` before the first row."""
    row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


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


def verify(
    conn: Any,
    key: bytes,
    *,
    anchor: dict[str, Any] | None = None,
    clinic_id: str | None = None,
) -> VerifyResult:
    """Walk the chain in storage order; report the first row that was edited, removed or moved.

    Problems: ``edited`` (a row's content no longer matches its MAC), ``missing`` (a sequence gap:
    rows deleted), ``reordered`` (a row's predecessor link points elsewhere), ``truncated`` (the
    signed head is past the last row), ``head`` (the head itself was forged), ``empty`` (no rows
    at all: every store starts with ``store.init``). With ``clinic_id`` given the envelope's
    ``anchor`` is required: ``anchor_missing`` / ``anchor_forged`` when it is absent or its MAC is
    wrong, ``truncated`` when its row is gone, ``rewritten`` when that row's hash differs.
    """
    problems: list[dict[str, Any]] = []
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    cursor = conn.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY rowid")  # noqa: S608
    names = [c.strip() for c in _COLUMNS.split(",")]
    anchored_hash: str | None = None
    anchored_seq = int(anchor["seq"]) if anchor and str(anchor.get("seq", "")).isdigit() else -1
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        if int(row["seq"]) == anchored_seq:
            anchored_hash = str(row["hash"])
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
    if count == 0:
        problems.append({"seq": 1, "problem": "empty"})
    if clinic_id is not None:
        problems += _anchor_problems(key, clinic_id, anchor, anchored_hash, last_seq)
    if problems:
        first = problems[0]
        return VerifyResult(False, count, int(first["seq"]), str(first["problem"]), problems)
    return VerifyResult(True, count)


def _anchor_problems(
    key: bytes,
    clinic_id: str,
    anchor: dict[str, Any] | None,
    anchored_hash: str | None,
    last_seq: int,
) -> list[dict[str, Any]]:
    if not anchor:
        return [{"seq": 1, "problem": "anchor_missing"}]
    try:
        seq, hash_, mac = int(anchor["seq"]), str(anchor["hash"]), str(anchor["mac"])
    except (KeyError, TypeError, ValueError):
        return [{"seq": 1, "problem": "anchor_forged"}]
    if not hmac.compare_digest(anchor_mac(key, clinic_id, seq, hash_), mac):
        return [{"seq": seq, "problem": "anchor_forged"}]
    if anchored_hash is None:
        return [{"seq": min(seq, last_seq + 1), "problem": "truncated", "anchor_seq": seq}]
    if not hmac.compare_digest(anchored_hash, hash_):
        return [{"seq": seq, "problem": "rewritten", "anchor_seq": seq}]
    return []
