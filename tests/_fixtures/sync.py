"""Sync fixtures (auto-loaded).

- ``hub``: a real HubService on SQLite in tmp (closed after the test).
- ``postgres_url``: a throwaway PostgreSQL cluster (initdb + pg_ctl on 127.0.0.1, in tmp) for the
  session; as root it runs as the ``postgres`` system user. Skips only when PostgreSQL is not
  installed (CI installs it from firmware_scripts/apt-packages.txt).
- ``make_clinic(hub, name)``: an enrolled clinic (PlainStore, keys, in-process transport, agent).
- ``https_hub`` / ``https_pg_hub``: a hub served over HTTPS on 127.0.0.1 (SQLite / PostgreSQL).
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Any]:
    from sync.hub.service import HubService

    service = HubService(tmp_path / "hub")
    try:
        yield service
    finally:
        service.close()


@dataclass
class Clinic:
    name: str
    store: Any
    keys: Any
    transport: Any
    agent: Any
    clinic_id: str


@pytest.fixture
def make_clinic(tmp_path: Path) -> Iterator[Callable[..., Clinic]]:
    from sync import outbox
    from sync.agent import SyncAgent
    from sync.keys import KeyPair
    from sync.plainstore import PlainStore
    from sync.transport import InProcessTransport

    made: list[Clinic] = []

    def make(
        hub: Any,
        name: str = "clinic",
        transport_wrapper: Callable[[Any], Any] | None = None,
        **agent_kwargs: Any,
    ) -> Clinic:
        folder = tmp_path / f"clinic-{name}-{len(made)}"
        folder.mkdir()
        store = PlainStore(folder / "sync.db")
        keys = KeyPair.generate()
        creds = hub.enrol(hub.create_enrol_token(name), **keys.public())
        outbox.set_state(
            store,
            clinic_id=creds["clinic_id"],
            api_token=creds["api_token"],
            hub_sign_key=creds["hub_sign_key"],
            hub_enc_key=creds["hub_enc_key"],
            hub_url="inprocess",
        )
        transport: Any = InProcessTransport(hub, creds["api_token"])
        if transport_wrapper is not None:
            transport = transport_wrapper(transport)
        agent = SyncAgent(store, keys, transport, folder, **agent_kwargs)
        clinic = Clinic(name, store, keys, transport, agent, creds["clinic_id"])
        made.append(clinic)
        return clinic

    yield make
    for c in made:
        c.store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    from sync._pgcluster import pg_bindir, throwaway_cluster

    if pg_bindir() is None:
        pytest.skip("PostgreSQL is not installed (apt package postgresql)")
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def fresh_pg_database(postgres_url: str) -> Iterator[str]:
    """A new empty database in the session's cluster."""
    import uuid

    import psycopg

    name = "hub_" + uuid.uuid4().hex[:10]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres_url.rsplit("/", 1)[0] + "/" + name


@dataclass
class RunningHub:
    url: str
    fingerprint: str
    service: Any


@contextlib.contextmanager
def serve_hub(service: Any) -> Iterator[RunningHub]:
    """Serve ``service`` over HTTPS (uvicorn + its self-signed certificate) on 127.0.0.1."""
    import threading

    import uvicorn

    from sync.hub._tls import ensure_hub_cert, server_config
    from sync.hub.app import create_hub_app

    cert, key, fp = ensure_hub_cert(service.dir, ["127.0.0.1"])
    port = _free_port()
    config = server_config(create_hub_app(service), "127.0.0.1", port, cert, key, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="test-hub", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # starting is fast; a loaded box only makes it slower
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test hub did not start"
    try:
        yield RunningHub(f"https://127.0.0.1:{port}", fp, service)
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def https_hub(tmp_path: Path) -> Iterator[RunningHub]:
    """A real hub over HTTPS on 127.0.0.1, its database SQLite."""
    from sync.hub.service import HubService

    service = HubService(tmp_path / "https-hub")
    try:
        with serve_hub(service) as running:
            yield running
    finally:
        service.close()


@pytest.fixture
def https_pg_hub(tmp_path: Path, fresh_pg_database: str) -> Iterator[RunningHub]:
    """A real hub over HTTPS on 127.0.0.1 with its database on PostgreSQL (a fresh database)."""
    from sync.hub.service import HubService

    service = HubService(tmp_path / "https-pg-hub", database_url=fresh_pg_database)
    try:
        assert service.db.postgres
        with serve_hub(service) as running:
            yield running
    finally:
        service.close()
