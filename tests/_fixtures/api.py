"""LAN API fixtures: a real box (SQCipher store, TLS 1.3 server on 127.0.0.1) and paired PCs.

- ``lan_box``: one running API server per test session, with a user of every role
  (``<role>`` / ``Role-pass-123!``, admin ``admin`` / ``Admin-pass-123``).
- ``pair_pc(name)``: pair a fresh PC (its own data dir) and return its settings and PairedBox.
- ``remote(role)``: a RemoteClinicService on a paired PC, logged in as that role.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PASSPHRASE = "test-passphrase"
ADMIN = ("admin", "Admin-pass-123")
ROLE_PASSWORD = "Role-pass-123!"
STAFF_ROLES = ("doctor", "nurse", "front_desk", "kiosk")


def box_settings(root: Path, **extra: Any) -> Any:
    from appliance.config import load_settings

    return load_settings(
        root,
        passphrase=PASSPHRASE,
        mdns_interfaces="127.0.0.1",
        password_hash_memory_kib=1024,
        **extra,
    )


def make_box_store(settings: Any) -> None:
    from appliance.store import init_store
    from appliance.store.accounts import add_user

    init_store(
        settings,
        clinic_name="青山镇卫生院",
        admin_user=ADMIN[0],
        admin_password=ADMIN[1],
        passphrase=PASSPHRASE,
    )
    from appliance.store import open_store

    store = open_store(settings, passphrase=PASSPHRASE)
    try:
        for role in STAFF_ROLES:
            add_user(
                store,
                actor=("admin", "admin"),
                username=role.replace("_", ""),
                role=role,
                password=ROLE_PASSWORD,
            )
    finally:
        store.close()


@dataclass
class LanBox:
    settings: Any
    runtime: Any
    server: Any
    root: Path
    pcs: list[Any] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.server.port)

    @property
    def fingerprint(self) -> str:
        return str(self.server.fingerprint)

    def registry(self) -> Any:
        from appliance.api.registry import Registry

        return Registry(self.runtime.store)

    def new_code(self) -> str:
        return str(self.registry().create_code("admin")["code"])


def username_for(role: str) -> tuple[str, str]:
    return ADMIN if role == "admin" else (role.replace("_", ""), ROLE_PASSWORD)


@pytest.fixture(scope="session")
def lan_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanBox]:
    from appliance.api.server import ApiServer
    from appliance.services.interface import ClinicRuntime

    root = tmp_path_factory.mktemp("lanbox")
    settings = box_settings(root / "box")
    make_box_store(settings)
    runtime = ClinicRuntime(settings)
    runtime.open(PASSPHRASE)
    server = ApiServer(settings, runtime, host="127.0.0.1", port=0, advertise=False)
    server.start(daemon=True)
    from appliance.api._security import RateLimiter

    # Tests pair and log in far more often than a clinic does; rate limits get their own tests.
    server.ctx.gate.pair_limit = RateLimiter(10_000, 60)
    server.ctx.gate.login_limit = RateLimiter(10_000, 60)
    box = LanBox(settings, runtime, server, root)
    try:
        yield box
    finally:
        server.stop()
        runtime.close()


@pytest.fixture
def pair_pc(lan_box: LanBox, tmp_path: Path) -> Callable[..., tuple[Any, Any]]:
    from appliance.api._transport import pair_with_box
    from appliance.config import load_settings

    counter = iter(range(1000))

    def pair(name: str = "护士站") -> tuple[Any, Any]:
        pc = load_settings(tmp_path / f"pc{next(counter)}", mdns_interfaces="127.0.0.1")
        box = pair_with_box(pc, "127.0.0.1", lan_box.port, lan_box.new_code(), name)
        return pc, box

    return pair


@pytest.fixture
def remote(pair_pc: Callable[..., tuple[Any, Any]]) -> Iterator[Callable[[str], Any]]:
    from appliance.api.client import RemoteClinicService

    opened: list[Any] = []

    def make(role: str) -> Any:
        pc, box = pair_pc(f"pc-{role}")
        service = RemoteClinicService(pc, box)
        opened.append(service)
        service.login(*username_for(role))
        return service

    yield make
    for service in opened:
        with contextlib.suppress(Exception):
            service.close()
