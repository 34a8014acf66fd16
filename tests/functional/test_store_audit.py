"""The audit chain: every access is recorded; any edited, deleted or reordered row is found."""

from __future__ import annotations

import pytest

from tests._fixtures.store import PASSPHRASE

COLUMNS = ["ts", "actor", "role", "action", "outcome", "patient_id", "target", "detail_json"]


@pytest.fixture
def chain(store, admin_session):
    from appliance.services.patients import add_patient, get_patient, list_patients

    pid = add_patient(admin_session, {"name": "王小明"})["patient_id"]
    get_patient(admin_session, pid)
    list_patients(admin_session)
    for i in range(6):
        admin_session.audit("record.read", patient_id=pid, detail={"i": i})
    return store


def _rows(store):
    with store.read_raw() as conn:
        return [r[0] for r in conn.execute("SELECT seq FROM audit_log ORDER BY seq")]


def _tamper(store, sql, params=()):
    """Edit the file behind the store's back, as someone with the database key could."""
    store.maintenance(lambda conn: conn.execute(sql, params))


def _verify(store):
    from appliance.store import verify_audit

    return verify_audit(store)


def test_intact_chain_verifies(chain):
    result = _verify(chain)
    assert result["ok"] and result["rows"] == len(_rows(chain)) >= 10


@pytest.mark.parametrize("column", COLUMNS)
def test_any_edited_row_is_found(chain, column):
    seqs = _rows(chain)
    for seq in (seqs[0], seqs[len(seqs) // 2], seqs[-1]):
        with chain.read_raw() as conn:
            (old,) = conn.execute(
                f"SELECT {column} FROM audit_log WHERE seq = ?", (seq,)
            ).fetchone()
        _tamper(chain, f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (f"{old}x", seq))
        result = _verify(chain)
        assert not result["ok"] and result["broken_seq"] == seq and result["problem"] == "edited"
        _tamper(chain, f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (old, seq))
        assert _verify(chain)["ok"]


def test_each_deleted_row_is_found(chain):
    seqs = _rows(chain)
    with chain.read_raw() as conn:
        saved = conn.execute("SELECT * FROM audit_log").fetchall()
    for seq in seqs:
        _tamper(chain, "DELETE FROM audit_log WHERE seq = ?", (seq,))
        result = _verify(chain)
        assert not result["ok"]
        if seq == seqs[-1]:
            assert result["problem"] == "truncated" and result["broken_seq"] == seq
        else:
            assert result["problem"] == "missing" and result["broken_seq"] == seq + 1
        row = next(r for r in saved if r[0] == seq)
        _tamper(chain, f"INSERT INTO audit_log VALUES ({','.join('?' * len(row))})", row)
        assert _verify(chain)["ok"]


def test_reordered_rows_are_found(chain):
    seqs = _rows(chain)
    a, b = seqs[3], seqs[4]
    _tamper(chain, "UPDATE audit_log SET seq = -1 WHERE seq = ?", (a,))
    _tamper(chain, "UPDATE audit_log SET seq = ? WHERE seq = ?", (a, b))
    _tamper(chain, "UPDATE audit_log SET seq = ? WHERE seq = -1", (b,))
    result = _verify(chain)
    assert not result["ok"] and result["broken_seq"] == a


def test_forged_head_is_found(chain):
    _tamper(chain, "UPDATE audit_head SET seq = seq - 1")
    assert _verify(chain)["problem"] == "head"


def test_cli_audit_verify_exit_codes(cli, store_env, chain):
    r = cli("audit", "verify", "--json")
    assert r.rc == 0 and r.json()["ok"]
    seq = _rows(chain)[5]
    _tamper(chain, "UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (seq,))
    r = cli("audit", "verify", "--json")
    assert r.rc == 6
    assert r.error()["code"] == "audit_broken"
    assert f"第 {seq} 条" in r.error()["message"]
    assert r.json()["broken_seq"] == seq
    r = cli("--lang", "en", "audit", "verify")
    assert f"Audit row {seq} was edited" in r.err


def test_audit_show_lists_who_touched_a_patient(cli, store_env, chain):
    with chain.read_raw() as conn:
        (pid,) = conn.execute("SELECT id FROM patient").fetchone()
    r = cli("audit", "show", "--patient", pid, "--json")
    assert r.rc == 0, r.err
    actions = [row["action"] for row in r.json()]
    assert actions[:2] == ["patient.add", "patient.read"]
    assert actions.count("record.read") == 6
    assert {row["actor"] for row in r.json()} == {"admin"}
    # showing the log is itself audited
    r = cli("audit", "show", "--patient", pid, "--json")
    assert r.json()[-1]["action"] == "audit.show"


def test_audit_rows_hold_no_names(chain):
    with chain.read_raw() as conn:
        text = " ".join(str(v) for row in conn.execute("SELECT * FROM audit_log") for v in row)
    assert "王小明" not in text


def test_audit_key_survives_reopen(store_settings, chain):
    from appliance.store import open_store

    chain.close()
    with open_store(store_settings, PASSPHRASE) as again:
        assert _verify(again)["ok"]
