"""Property: whatever mix of succeeding and failing writes several threads send at once, the
database ends up exactly as if the successful ones had run alone (group commit is invisible)."""

from __future__ import annotations

import secrets
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.store import _driver
from appliance.store._writer import Writer

job = st.tuples(st.integers(0, 30), st.sampled_from(["ok", "constraint", "raise", "kill_tx"]))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(job, min_size=1, max_size=8), min_size=2, max_size=4))
def test_group_commit_matches_running_alone(tmp_path_factory, plans):
    path = tmp_path_factory.mktemp("w") / "w.db"
    conn = _driver.connect(path, secrets.token_bytes(32))
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER)")
    conn.execute("CREATE TABLE log (thread INTEGER, step INTEGER)")
    conn.execute(
        "CREATE TRIGGER kill BEFORE INSERT ON t WHEN NEW.n < 0"
        " BEGIN SELECT RAISE(ROLLBACK, 'boom'); END"
    )
    conn.execute("INSERT INTO t VALUES (-1, 0)")  # for the constraint case
    writer = Writer(conn, _driver.database)
    outcomes: dict[tuple[int, int], bool] = {}
    gate = threading.Barrier(len(plans))

    def run(thread: int, plan: list[tuple[int, str]]) -> None:
        gate.wait()
        for step, (value, kind) in enumerate(plan):

            def work(db, thread=thread, step=step, value=value, kind=kind):
                db.execute("INSERT INTO log VALUES (?, ?)", [thread, step])
                if kind == "constraint":
                    db.execute("INSERT INTO t VALUES (-1, 1)")
                elif kind == "raise":
                    raise ValueError("application error")
                elif kind == "kill_tx":
                    db.execute("INSERT INTO t VALUES (NULL, -5)")
                else:
                    db.execute("INSERT INTO t (n) VALUES (?)", [value])

            try:
                writer.submit(work)
                outcomes[(thread, step)] = True
            except Exception:
                outcomes[(thread, step)] = False

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(plans)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.close()
    logged = {tuple(r) for r in conn.execute("SELECT thread, step FROM log")}
    conn.close()
    expected = {key for key, ok in outcomes.items() if ok}
    assert logged == expected
    for (thread, step), ok in outcomes.items():
        assert ok == (plans[thread][step][1] == "ok")
