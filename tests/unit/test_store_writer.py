"""The one writer with group commit: each caller gets its own result or error, a failing job
rolls back only itself, and a job that kills the whole transaction does not take others along."""

from __future__ import annotations

import secrets
import threading
import time

import pytest

from appliance.store import _driver
from appliance.store._writer import Writer


@pytest.fixture
def writer(tmp_path):
    conn = _driver.connect(tmp_path / "w.db", secrets.token_bytes(32))
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
    conn.execute(
        "CREATE TRIGGER no_bad BEFORE INSERT ON t WHEN NEW.v = -1"
        " BEGIN SELECT RAISE(ROLLBACK, 'kills the transaction'); END"
    )
    w = Writer(conn, _driver.database)
    yield w, conn
    w.close()
    conn.close()


def _keys(conn):
    return {r[0] for r in conn.execute("SELECT k FROM t")}


def _insert(k, v=1):
    return lambda db: db.execute("INSERT INTO t VALUES (?, ?)", [k, v]) and k


def _until(condition, timeout=60.0):
    """Wait for a state of the writer (not for a guessed time): fail if it never comes."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the writer never reached the expected state"
        time.sleep(0.001)


def _queued(w):
    return w._queue.qsize()


def test_concurrent_writers_each_get_their_outcome(writer):
    w, conn = writer
    results, errors = {}, {}
    gate, started = threading.Event(), threading.Event()

    def slow(db):
        started.set()
        assert gate.wait(60)
        db.execute("INSERT INTO t VALUES ('slow', 0)")
        return "slow"

    def client(n):
        for i in range(20):
            key = f"c{n}-{i}"
            try:
                # every 7th write collides with an existing key: only that one must fail
                results[key] = w.submit(_insert(key if i % 7 else "slow"))
            except Exception as exc:
                errors[key] = exc

    first = threading.Thread(target=lambda: results.setdefault("slow", w.submit(slow)))
    first.start()
    assert started.wait(60)  # the writer is busy with the slow job
    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    _until(lambda: _queued(w) == 6)  # every client's first write waits behind it
    gate.set()
    for t in [first, *threads]:
        t.join()
    committed = _keys(conn)
    assert {k for k, v in results.items() if v} <= committed
    assert all("UNIQUE" in str(e) for e in errors.values())
    assert len(errors) == 6 * 3  # i = 0, 7, 14 for each client
    assert len(committed) == 1 + 6 * 17
    assert w.batches >= 1  # the waiting writes shared commits


def test_transaction_killing_job_in_a_batch_spares_the_others(writer):
    w, conn = writer
    gate, started = threading.Event(), threading.Event()
    outcome = {}

    def slow(db):
        started.set()
        assert gate.wait(60)
        db.execute("INSERT INTO t VALUES ('first', 0)")

    def submit(key, value):
        try:
            outcome[key] = w.submit(_insert(key, value))
        except Exception as exc:
            outcome[key] = exc

    threads = [threading.Thread(target=w.submit, args=(slow,))]
    threads[0].start()
    assert started.wait(60)
    for n, (key, value) in enumerate([("a", 1), ("bad", -1), ("b", 1)], start=1):
        t = threading.Thread(target=submit, args=(key, value))
        t.start()
        threads.append(t)
        _until(lambda n=n: _queued(w) == n)  # queued in this order behind the slow job
    gate.set()
    for t in threads:
        t.join()
    assert isinstance(outcome["bad"], Exception)
    assert outcome["a"] == "a" and outcome["b"] == "b"
    assert _keys(conn) == {"first", "a", "b"}
    assert w.batches == 1


def test_write_from_inside_a_write_is_refused(writer):
    w, _ = writer
    with pytest.raises(RuntimeError, match="inside a write"):
        w.submit(lambda db: w.submit(lambda d: None))
