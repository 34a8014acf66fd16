"""Property: changing any single field of any single audit row is detected at that row."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.store.audit import GENESIS, row_hash, verify

KEY = b"k" * 32
FIELDS = ["ts", "actor", "role", "action", "outcome", "patient_id", "target", "detail_json"]


class FakeConn:
    """A tiny in-memory stand-in for the two audit tables (the SQL paths are tested elsewhere)."""

    def __init__(self, rows, head):
        self.rows, self.head = rows, head

    def execute(self, sql, params=()):
        if "FROM audit_head" in sql:
            return _Cursor([self.head] if self.head else [])
        return _Cursor(
            [tuple(r[c] for c in ["seq", *FIELDS, "prev_hash", "hash"]) for r in self.rows]
        )


class _Cursor(list):
    def fetchone(self):
        return self[0] if self else None


def _chain(n):
    import hashlib
    import hmac

    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        row = {
            "seq": i,
            "ts": f"2026-01-01T00:00:{i:02d}",
            "actor": "doc",
            "role": "doctor",
            "action": "record.read",
            "outcome": "ok",
            "patient_id": f"p{i % 3}",
            "target": None,
            "detail_json": json.dumps({"i": i}),
        }
        row["prev_hash"] = prev
        row["hash"] = prev = row_hash(KEY, prev, row)
        rows.append(row)
    mac = hmac.new(KEY, f"head|{n}|{prev}".encode(), hashlib.sha256).hexdigest()
    return rows, (n, prev, mac)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 12), data=st.data())
def test_single_field_change_is_found(n, data):
    rows, head = _chain(n)
    assert verify(FakeConn(rows, head), KEY).ok
    index = data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(FIELDS))
    new = data.draw(st.text(min_size=0, max_size=8))
    if rows[index][field] == new:
        new += "!"
    rows[index][field] = new
    result = verify(FakeConn(rows, head), KEY)
    assert not result.ok and result.broken_seq == index + 1
