"""kill -9 of a writer process during 200 random commits loses no acknowledged commit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests._fixtures.store import PASSPHRASE

CHILD = r"""
import json, random, sys
from appliance.config import load_settings
from appliance.store import open_store
settings = load_settings(sys.argv[1], store_kdf_log2_n=12, password_hash_memory_kib=1024)
store = open_store(settings, sys.argv[2])
rng = random.Random(int(sys.argv[3]))
for i in range(200):
    pid = f"k{i:04d}"
    blob = "x" * rng.randint(10, 3000)
    def work(db, pid=pid, blob=blob, i=i):
        db["patient"].insert({"id": pid, "name": f"n{i}", "address": blob,
                              "created_at": "t", "updated_at": "t"})
        if i % 3 == 0 and i:
            db.execute("DELETE FROM patient WHERE id = ?", [f"k{i - 1:04d}"])
        if i % 5 == 0:
            db.execute("UPDATE patient SET phone = ? WHERE id = ?", [str(i), pid])
    store.write(work)
    sys.stdout.write(json.dumps({"ack": i}) + "\n")
    sys.stdout.flush()
print("done", flush=True)
"""


def _expected(acked: int) -> dict[str, str | None]:
    """The rows every acknowledged commit 0..acked must have left behind."""
    rows: dict[str, str | None] = {}
    for i in range(acked + 1):
        rows[f"k{i:04d}"] = str(i) if i % 5 == 0 else None
        if i % 3 == 0 and i:
            rows.pop(f"k{i - 1:04d}", None)
    return rows


def test_kill9_during_commits_loses_no_acknowledged_commit(store_settings, initialised_store):
    from appliance.store import open_store

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store_settings.data_dir), PASSPHRASE, "7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    kill_after = 120
    last = -1
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("{"):
            last = int(line.split(":")[1].strip(" }\n"))
            if last >= kill_after:
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    # a commit may have landed after the last ack we read: the store has at least what was acked
    store = open_store(store_settings, PASSPHRASE)
    try:
        assert store.damaged is None
        assert store.integrity_check() == []
        with store.read_raw() as conn:
            got = dict(conn.execute("SELECT id, phone FROM patient WHERE id LIKE 'k%'").fetchall())
        # Every acknowledged commit is there. The writer may have committed a few more before
        # the kill landed (its acks were still in the pipe), so the file must hold exactly the
        # state after some commit n >= last: all of 0..n, nothing torn.
        states = [n for n in range(last, 200) if got == _expected(n)]
        assert states, (last, len(got))
    finally:
        store.close()
