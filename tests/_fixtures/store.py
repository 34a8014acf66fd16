"""Store fixtures (auto-loaded): a real SQLCipher store in the test's tmp folder.

- ``store_settings``: Settings for ``data_dir`` with test-speed KDF costs.
- ``store``: an initialised, open store (passphrase "test-passphrase", admin "admin" /
  "Admin-pass-123"); closed after the test.
- ``store_env``: the environment (CLINICBOX_PASSPHRASE, CLINICBOX_DATA_DIR, cheap KDF) so that
  ``clinicbox … --data-dir`` commands unlock that same store; yields the data dir.
- ``admin_session``: a logged-in admin :class:`~appliance.services.session.Session`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PASSPHRASE = "test-passphrase"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "Admin-pass-123"
CLINIC_NAME = "测试乡镇卫生院"
FAST_KDF = {"store_kdf_log2_n": 12, "password_hash_memory_kib": 1024}
FAST_KDF_ENV = {
    "CLINICBOX_STORE_KDF_LOG2_N": "12",
    "CLINICBOX_PASSWORD_HASH_MEMORY_KIB": "1024",
}


@pytest.fixture
def store_settings(data_dir: Path) -> Any:
    from appliance.config import load_settings

    return load_settings(data_dir, **FAST_KDF)


@pytest.fixture
def initialised_store(store_settings: Any) -> Any:
    """The data dir holds an initialised store (closed); returns the init result."""
    from appliance.store import init_store

    return init_store(
        store_settings,
        clinic_name=CLINIC_NAME,
        admin_user=ADMIN_USER,
        admin_password=ADMIN_PASSWORD,
        passphrase=PASSPHRASE,
    )


@pytest.fixture
def store(store_settings: Any, initialised_store: Any) -> Iterator[Any]:
    from appliance.store import open_store

    opened = open_store(store_settings, PASSPHRASE)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def store_env(
    data_dir: Path, initialised_store: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(data_dir))
    for key, value in FAST_KDF_ENV.items():
        monkeypatch.setenv(key, value)
    yield data_dir


@pytest.fixture
def admin_session(store: Any) -> Iterator[Any]:
    from appliance.services.session import login

    session = login(store, ADMIN_USER, ADMIN_PASSWORD)
    yield session
