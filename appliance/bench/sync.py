"""``clinicbox bench sync``: (1) N cases through a throttled, lossy link to a real HTTPS hub on
127.0.0.1; (2) hub ingest throughput with many simulated clinics (SQLite, then PostgreSQL)."""

from __future__ import annotations

import contextlib
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from appliance.errors import HubUnavailable
from sync import outbox
from sync.agent import SyncAgent
from sync.bundle import Header, seal_bundle
from sync.hub.service import HubService
from sync.keys import KeyPair, unb64
from sync.plainstore import PlainStore
from sync.synthetic import corpus
from sync.transport import HttpTransport

Report = Callable[[str], None]


@contextlib.contextmanager
def serve_hub(service: HubService) -> Iterator[str]:
    import socket

    import uvicorn

    from sync.hub._tls import ensure_hub_cert
    from sync.hub.app import create_hub_app

    cert, key, _ = ensure_hub_cert(service.dir, ["127.0.0.1"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_hub_app(service),
            host="127.0.0.1",
            port=port,
            log_level="error",
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            limit_concurrency=1000,
            backlog=2048,
        )
    )
    thread = threading.Thread(target=server.run, name="bench-hub", daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class ThrottledLink:
    """Wraps a transport: ``rate`` bytes/s up and down, ``loss`` chance that a request is lost."""

    def __init__(self, inner: HttpTransport, rate: float, loss: float, rng: random.Random) -> None:
        self.inner, self.rate, self.loss, self.rng = inner, rate, loss, rng

    def _wire(self, n: int) -> None:
        time.sleep(n / self.rate)
        if self.rng.random() < self.loss:
            raise HubUnavailable()

    def health(self) -> dict[str, Any]:
        self._wire(200)
        return self.inner.health()

    def upload(self, blob: bytes, upload_id: Any, remember: Any) -> dict[str, Any]:
        self._wire(len(blob))
        return self.inner.upload(blob, upload_id, remember)

    def upload_batch(self, blobs: list[bytes]) -> list[dict[str, Any]]:
        self._wire(sum(len(b) for b in blobs))
        return self.inner.upload_batch(blobs)

    def replies(self, after: int) -> list[dict[str, Any]]:
        return self.inner.replies(after)

    def ack(self, upto: int) -> None:
        self.inner.ack(upto)

    def updates(self) -> list[dict[str, Any]]:
        return []

    def fetch_update(self, kind: str, version: str) -> bytes:
        raise NotImplementedError


def throttled_link(
    n: int = 10_000,
    rate_kbps: float = 2000.0,
    loss: float = 0.02,
    report: Report = print,
    batch: bool = True,
) -> dict[str, Any]:
    """Queue ``n`` de-identified cases and sync them through a ``rate_kbps`` kbit/s link."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        service = HubService(root / "hub")
        store = PlainStore(root / "clinic.db")
        keys = KeyPair.generate()
        creds = service.enrol(service.create_enrol_token("bench"), **keys.public())
        outbox.set_state(
            store,
            **{k: creds[k] for k in ("clinic_id", "api_token", "hub_sign_key", "hub_enc_key")},
        )
        cases = corpus(50, seed=1)
        t0 = time.perf_counter()
        for i in range(n):
            c = cases[i % len(cases)]
            outbox.queue_case(
                store,
                keys,
                case_id=f"case{i:05d}",
                version=1,
                patient_id=f"p{i % len(cases)}",
                patient=c.patient,
                record=c.record,
                question="请指导",
                check_consent=False,
            )
        queue_s = time.perf_counter() - t0
        total_bytes = outbox.summary(store)["pending_bytes"]
        report(f"queued {n} cases ({total_bytes / 1e6:.1f} MB) in {queue_s:.1f}s")
        try:
            with serve_hub(service) as url:
                http = HttpTransport(
                    url, creds["api_token"], str(service.dir / "tls" / "hub-cert.pem")
                )
                link = ThrottledLink(http, rate_kbps * 1000 / 8, loss, random.Random(7))
                agent = SyncAgent(
                    store,
                    keys,
                    link,
                    root,
                    base_delay=0.05,
                    max_delay=1.0,
                    install_updates=False,
                    batch_items=64 if batch else 1,
                )
                t1 = time.perf_counter()
                passes = 0
                while outbox.summary(store)["pending"]:
                    if not agent.due():
                        time.sleep(max(0.0, agent.next_attempt - agent.clock()))
                    agent.run_once(max_items=200)
                    passes += 1
                sync_s = time.perf_counter() - t1
                http.close()
            on_hub = service.db.one("SELECT COUNT(*) AS n, COUNT(DISTINCT case_id) AS d FROM cases")
        finally:
            service.close()
            store.close()
        assert on_hub is not None
        result = {
            "cases": n,
            "batched": batch,
            "bytes": total_bytes,
            "link_kbps": rate_kbps,
            "loss": loss,
            "queue_s": round(queue_s, 1),
            "sync_s": round(sync_s, 1),
            "passes": passes,
            "cases_per_s": round(n / sync_s, 1),
            "link_utilisation": round(total_bytes * 8 / 1000 / rate_kbps / sync_s, 3),
            "on_hub": on_hub["n"],
            "distinct_on_hub": on_hub["d"],
        }
        report(str(result))
        return result


def hub_ingest(
    clinics: int = 100,
    per_clinic: int = 20,
    workers: int = 32,
    database_url: str | None = None,
    report: Report = print,
) -> dict[str, Any]:
    """``clinics`` enrolled boxes each upload ``per_clinic`` bundles concurrently over HTTPS."""
    with tempfile.TemporaryDirectory() as tmp:
        service = HubService(Path(tmp) / "hub", database_url)
        template = corpus(1, seed=3)[0]
        payload = outbox.build_case_payload(
            KeyPair.generate(), "x", 1, template.patient, template.record, "?"
        )
        jobs: list[tuple[str, bytes]] = []
        for c in range(clinics):
            keys = KeyPair.generate()
            creds = service.enrol(service.create_enrol_token(f"clinic{c}"), **keys.public())
            for i in range(per_clinic):
                header = Header(sender=creds["clinic_id"], kind="case", case_id=f"k{i}", version=1)
                jobs.append(
                    (
                        creds["api_token"],
                        seal_bundle(header, payload, keys, unb64(creds["hub_enc_key"])),
                    )
                )
        random.Random(1).shuffle(jobs)
        try:
            with serve_hub(service) as url:
                cafile = str(service.dir / "tls" / "hub-cert.pem")
                local = threading.local()
                latencies: list[float] = []

                def send(job: tuple[str, bytes]) -> None:
                    client = getattr(local, "client", None)
                    if client is None:
                        client = local.client = HttpTransport(url, None, cafile)
                    t = time.perf_counter()
                    r = client.client.post(
                        "/v1/bundles", content=job[1], headers={"Authorization": f"Bearer {job[0]}"}
                    )
                    r.raise_for_status()
                    latencies.append(time.perf_counter() - t)

                t0 = time.perf_counter()
                with ThreadPoolExecutor(workers) as pool:
                    list(pool.map(send, jobs))
                elapsed = time.perf_counter() - t0
            row = service.db.one("SELECT COUNT(*) AS n FROM cases")
        finally:
            service.close()
        lat = sorted(latencies)
        result = {
            "backend": "postgresql" if database_url else "sqlite",
            "clinics": clinics,
            "bundles": len(jobs),
            "bundle_bytes": len(jobs[0][1]),
            "workers": workers,
            "seconds": round(elapsed, 2),
            "bundles_per_s": round(len(jobs) / elapsed, 1),
            "p50_ms": round(statistics.median(lat) * 1000, 1),
            "p95_ms": round(lat[int(len(lat) * 0.95)] * 1000, 1),
            "stored": row["n"] if row else 0,
        }
        report(str(result))
        return result
