"""``clinicbox bench store``: SQLCipher vs plain SQLite on the same schema, in the same run.

Both databases get the ClinicBox migrations and the same pragmas (WAL, synchronous=FULL,
secure_delete, foreign keys, the same page cache). Workloads, each timed on both:

- ``visit_commits``: one visit + its outpatient record + vitals per transaction (durable commit
  each, as the writer thread does for every acknowledged write);
- ``concurrent_commits``: the same from 4 client threads through the one writer (group commit);
- ``record_batch``: record versions inserted 500 per transaction (imports, sync);
- ``point_reads``: a visit by id with its current record (random ids);
- ``patient_history``: a patient's visits with records, newest first;
- ``reads_after_writes``: the same point reads on a separate, reused read-only connection (the
  store's reader pool) while the writer commits a visit every 10 reads. Only the reads are
  timed. Each commit makes SQLite drop that reader's page cache (WAL: the database changed), so
  the pages are read and, on the encrypted side, decrypted and HMAC-checked again.

The baseline is the same SQLite library (``sqlcipher3`` opened without a key: no codec), so both
sides run the same SQLite version with the same pragmas; only the encryption differs.

The machine a clinic box shares is noisy, so the two databases are measured in paired rounds:
each round runs a chunk of a workload on one then the other (alternating which goes first), and
the ratio reported is the median over rounds of encrypted time / plain time (1.0 = no overhead).
Targets from issue 4: writes ≤ 1.5×, reads ≤ 1.3×.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from appliance.store import _driver, _migrate

WRITE_TARGET = 1.5
READ_TARGET = 1.3
_RECORD = {
    "chief_complaint": "头晕、头痛3天",
    "present_illness": "患者3天前无明显诱因出现头晕、头痛，伴恶心，无呕吐，血压最高170/100mmHg。",
    "past_history": "高血压病史5年，规律服用氨氯地平。",
    "allergy_history": "否认药物过敏史",
    "physical_exam": "BP 165/98mmHg，HR 82次/分，神清，心肺未见异常。",
    "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],
    "treatment_plan": "调整降压方案，监测血压，2周复诊。",
}


class _Side:
    """One database under test (``key=None``: the plain baseline) and the ids made so far."""

    def __init__(
        self, path: Path, key: bytes | None, cache_kib: int, patients: int, seed: int
    ) -> None:
        conn = _driver.connect(path, key, cache_kib=cache_kib)
        self.path, self.key, self.cache_kib = path, key, cache_kib
        self._reader: Any = None
        self.conn = conn
        self.rng = random.Random(seed)
        self.counter = 0
        _migrate.apply_pending(conn)
        self.patients = [f"p{i:06d}" for i in range(patients)]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO patient (id, name, sex, birth_date, created_at, updated_at)"
            " VALUES (?, ?, 'F', '1960-01-01', 't', 't')",
            [(pid, f"患者{i}") for i, pid in enumerate(self.patients)],
        )
        conn.execute("COMMIT")
        self.visits: list[str] = []
        conn.execute("BEGIN IMMEDIATE")
        for _ in range(patients):
            self._visit(self.rng.choice(self.patients))
        conn.execute("COMMIT")

    @property
    def reader(self) -> Any:
        """A read-only connection kept open and reused, as the store's reader pool does."""
        if self._reader is None:
            self._reader = _driver.connect(
                self.path, self.key, read_only=True, cache_kib=self.cache_kib
            )
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self.conn.close()

    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def _visit(self, pid: str, execute: Callable[..., Any] | None = None) -> str:
        run = execute or self.conn.execute
        n = self.next_id()
        vid = f"v{n:08d}"
        run(
            "INSERT INTO visit (id, patient_id, started_at, fee_fen) VALUES (?, ?, ?, 1500)",
            [vid, pid, f"2026-01-01T08:{n % 60:02d}:00"],
        )
        run(
            "INSERT INTO record (record_id, version, visit_id, patient_id, content_json,"
            " created_at) VALUES (?, 1, ?, ?, ?, 't')",
            [f"r{n:08d}", vid, pid, _CONTENT],
        )
        run(
            "INSERT INTO vitals (id, patient_id, visit_id, measured_at, sbp, dbp, hr)"
            " VALUES (?, ?, ?, 't', 150, 95, 80)",
            [f"vt{n:08d}", pid, vid],
        )
        self.visits.append(vid)
        return vid


_CONTENT = json.dumps(_RECORD, ensure_ascii=False)


def _visit_commits(side: _Side, n: int) -> None:
    for _ in range(n):
        side.conn.execute("BEGIN IMMEDIATE")
        side._visit(side.rng.choice(side.patients))
        side.conn.execute("COMMIT")


def _concurrent_commits(side: _Side, n: int, clients: int = 4) -> None:
    """``clients`` threads each making visits through the one writer (group commit)."""
    from appliance.store._writer import Writer

    writer = Writer(side.conn, _driver.database, name="bench-writer")
    lock = threading.Lock()

    def client(c: int) -> None:
        for i in range(n // clients):
            pid = side.patients[(c * 7919 + i) % len(side.patients)]

            def job(db: Any, pid: str = pid) -> None:
                with lock:
                    side._visit(pid, db.execute)

            writer.submit(job)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        writer.close()


def _record_batch(side: _Side, n: int, batch: int = 500) -> None:
    for start in range(0, n, batch):
        rows = []
        for _ in range(min(batch, n - start)):
            vid = side.rng.choice(side.visits)
            rows.append((f"b{side.next_id():08d}", _CONTENT, vid))
        side.conn.execute("BEGIN IMMEDIATE")
        side.conn.executemany(
            "INSERT INTO record (record_id, version, visit_id, patient_id, content_json,"
            " created_at) SELECT ?, 1, id, patient_id, ?, 't' FROM visit WHERE id = ?",
            rows,
        )
        side.conn.execute("COMMIT")


def _point_reads(side: _Side, n: int) -> None:
    for _ in range(n):
        vid = side.rng.choice(side.visits)
        side.conn.execute("SELECT * FROM visit WHERE id = ?", (vid,)).fetchone()
        side.conn.execute(
            "SELECT content_json FROM record WHERE visit_id = ? ORDER BY version DESC LIMIT 1",
            (vid,),
        ).fetchone()


def _reads_after_writes(side: _Side, n: int, every: int = 10) -> float:
    """Point reads on the pooled reader with a commit every ``every`` reads; returns the
    seconds spent reading (the commits are not timed)."""
    reader = side.reader
    spent = 0.0
    for i in range(n):
        if i % every == 0:
            side.conn.execute("BEGIN IMMEDIATE")
            side._visit(side.rng.choice(side.patients))
            side.conn.execute("COMMIT")
        vid = side.rng.choice(side.visits)
        start = time.perf_counter()
        reader.execute("BEGIN")
        reader.execute("SELECT * FROM visit WHERE id = ?", (vid,)).fetchone()
        reader.execute(
            "SELECT content_json FROM record WHERE visit_id = ? ORDER BY version DESC LIMIT 1",
            (vid,),
        ).fetchone()
        reader.execute("ROLLBACK")
        spent += time.perf_counter() - start
    return spent


def _patient_history(side: _Side, n: int) -> None:
    for _ in range(n):
        side.conn.execute(
            "SELECT v.id, v.started_at, r.content_json FROM visit v JOIN record r"
            " ON r.visit_id = v.id WHERE v.patient_id = ? ORDER BY v.started_at DESC",
            (side.rng.choice(side.patients),),
        ).fetchall()


#: a workload returns the seconds to count, or None to count its whole run
WORKLOADS: dict[str, Callable[[_Side, int], float | None]] = {
    "visit_commits": _visit_commits,
    "concurrent_commits": _concurrent_commits,
    "record_batch": _record_batch,
    "point_reads": _point_reads,
    "patient_history": _patient_history,
    "reads_after_writes": _reads_after_writes,
}
WRITES = ("visit_commits", "concurrent_commits", "record_batch")
READS = ("point_reads", "patient_history")
COLD_READS = ("reads_after_writes",)
SIZES: dict[str, dict[str, int]] = {
    "smoke": {"patients": 30, "rounds": 1, "visit_commits": 5, "concurrent_commits": 4,
              "record_batch": 50, "point_reads": 50, "patient_history": 10,
              "reads_after_writes": 50},
    "quick": {"patients": 200, "rounds": 5, "visit_commits": 40, "concurrent_commits": 40,
              "record_batch": 1000, "point_reads": 500, "patient_history": 100,
              "reads_after_writes": 500},
    "full": {"patients": 2000, "rounds": 11, "visit_commits": 100, "concurrent_commits": 100,
             "record_batch": 2000, "point_reads": 2000, "patient_history": 300,
             "reads_after_writes": 2000},
}  # fmt: skip


def fsync_latency_ms(folder: Path, rounds: int = 50) -> float:
    """Median time of a 4 KiB write + fsync in ``folder`` (what a durable commit waits for)."""
    path = folder / "fsync-probe"
    samples = []
    with open(path, "wb") as handle:
        for _ in range(rounds):
            start = time.perf_counter()
            handle.write(b"\0" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
            samples.append(time.perf_counter() - start)
    path.unlink()
    return round(statistics.median(samples) * 1000, 3)


def run_bench(
    size: str = "full",
    cache_kib: int = 32768,
    folder: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Paired rounds of every workload on SQLCipher and plain SQLite; rates, ratios, verdict."""
    counts = SIZES[size]
    rounds = counts["rounds"]
    times: dict[str, dict[str, list[float]]] = {"sqlite": {}, "sqlcipher": {}}
    ratios: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        base = Path(tmp)
        fsync_ms = fsync_latency_ms(base)
        sides = {
            "sqlite": _Side(base / "plain.db", None, cache_kib, counts["patients"], 1),
            "sqlcipher": _Side(
                base / "enc.db", secrets.token_bytes(32), cache_kib, counts["patients"], 1
            ),
        }
        try:
            step, total = 0, rounds * len(WORKLOADS)
            for rnd in range(rounds):
                order = ("sqlite", "sqlcipher") if rnd % 2 == 0 else ("sqlcipher", "sqlite")
                for name, workload in WORKLOADS.items():
                    took: dict[str, float] = {}
                    for label in order:
                        side = sides[label]
                        start = time.perf_counter()
                        counted = workload(side, counts[name])
                        took[label] = (
                            counted if counted is not None else time.perf_counter() - start
                        )
                        times[label].setdefault(name, []).append(took[label])
                    ratios.setdefault(name, []).append(took["sqlcipher"] / took["sqlite"])
                    step += 1
                    if progress:
                        progress(step, total)
        finally:
            for side in sides.values():
                side.close()
    workloads = {}
    for name in WORKLOADS:
        ops = counts[name] * rounds
        workloads[name] = {
            "operations": ops,
            "sqlite_per_s": round(ops / sum(times["sqlite"][name]), 1),
            "sqlcipher_per_s": round(ops / sum(times["sqlcipher"][name]), 1),
            "ratio": round(statistics.median(ratios[name]), 3),
        }
    write_ratio = max(workloads[n]["ratio"] for n in WRITES)
    read_ratio = max(workloads[n]["ratio"] for n in READS)
    cold_ratio = max(workloads[n]["ratio"] for n in COLD_READS)
    return {
        "size": size,
        "rounds": rounds,
        "cache_kib": cache_kib,
        "fsync_ms": fsync_ms,
        "baseline": "sqlcipher3 without a key (no codec): the same SQLite library",
        "sqlite_version": _driver.SQLITE_VERSION,
        "sqlcipher_sqlite_version": _driver.SQLITE_VERSION,
        "workloads": workloads,
        "write_ratio": write_ratio,
        "read_ratio": read_ratio,
        "read_after_write_ratio": cold_ratio,
        "write_target": WRITE_TARGET,
        "read_target": READ_TARGET,
        "passed": write_ratio <= WRITE_TARGET
        and read_ratio <= READ_TARGET
        and cold_ratio <= READ_TARGET,
    }
