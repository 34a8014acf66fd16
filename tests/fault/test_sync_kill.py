"""kill -9 of a real `clinicbox sync run` process mid-upload, then a restart: every queued case
reaches the HTTPS hub exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT


def test_kill_9_mid_sync_then_restart(https_hub, store_env):
    from appliance.config import load_settings
    from appliance.store import open_store
    from sync import outbox
    from sync.clinic import enrol
    from sync.keys import box_keys
    from sync.synthetic import corpus

    settings = load_settings(store_env)
    store = open_store(settings)
    try:
        enrol(
            store,
            store_env,
            https_hub.url,
            https_hub.service.create_enrol_token("k"),
            https_hub.fingerprint,
        )
        keys = box_keys(store_env)
        cases = corpus(10, seed=4)
        for i in range(150):
            c = cases[i % 10]
            outbox.queue_case(
                store,
                keys,
                case_id=f"k{i:03d}",
                version=1,
                patient_id=f"p{i % 10}",
                patient=c.patient,
                record=c.record,
                question="?",
                fhir=False,
                check_consent=False,
            )
    finally:
        store.close()

    cmd = [sys.executable, "-m", "appliance", "sync", "run", "--once", "--json"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until uploads have started, then kill -9
        n = https_hub.service.db.one("SELECT COUNT(*) AS n FROM cases")["n"]
        if n >= 5 or proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    at_kill = https_hub.service.db.one("SELECT COUNT(*) AS n FROM cases")["n"]

    done = subprocess.run(
        cmd, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    rows = https_hub.service.db.query("SELECT case_id, COUNT(*) AS n FROM cases GROUP BY case_id")
    assert len(rows) == 150 and all(r["n"] == 1 for r in rows)
    assert proc.returncode == -signal.SIGKILL, "the first run finished before it could be killed"
    assert at_kill >= 5, at_kill
