"""Numbered migrations: discovery, order, ranges per area, applied exactly once."""

from __future__ import annotations

import re
import secrets

import pytest

from appliance.store import _driver, _migrate

RANGES = {
    "store": (1, 99), "llm": (100, 199), "knowledge": (200, 299), "api": (300, 399),
    "sync": (400, 499), "clinical": (500, 599), "tui": (600, 699),
}  # fmt: skip


def test_bundled_migrations_are_numbered_uniquely_in_known_ranges():
    found = _migrate.discover()
    numbers = [m.number for m in found]
    assert numbers == sorted(set(numbers))
    assert numbers[:2] == [1, 2]
    for number in numbers:
        assert any(lo <= number <= hi for lo, hi in RANGES.values()), number
    for m in found:
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+\.(sql|py)", m.path.name)


@pytest.fixture
def conn(tmp_path):
    c = _driver.connect(tmp_path / "m.db", secrets.token_bytes(32))
    yield c
    c.close()


def test_sql_and_python_migrations_apply_once_in_order(conn, tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0002_second.py").write_text(
        "def migrate(conn):\n    conn.execute(\"INSERT INTO t VALUES ('second')\")\n"
    )
    (folder / "0001_first.sql").write_text(
        "CREATE TABLE t (x TEXT);\nINSERT INTO t VALUES ('first; with semicolon');\n"
    )
    (folder / "README.md").write_text("not a migration")
    assert _migrate.apply_pending(conn, folder) == ["0001_first.sql", "0002_second.py"]
    assert _migrate.apply_pending(conn, folder) == []
    assert [r[0] for r in conn.execute("SELECT x FROM t")] == ["first; with semicolon", "second"]
    assert _migrate.applied(conn) == {1, 2}


def test_failing_migration_rolls_back_and_stops(conn, tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE a (x);")
    (folder / "0002_bad.sql").write_text("CREATE TABLE b (x); INSERT INTO nowhere VALUES (1);")
    (folder / "0003_later.sql").write_text("CREATE TABLE c (x);")
    with pytest.raises(_driver.OperationalError):
        _migrate.apply_pending(conn, folder)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "a" in tables and "b" not in tables and "c" not in tables
    assert _migrate.applied(conn) == {1}


def test_duplicate_numbers_are_refused(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_a.sql").write_text("")
    (folder / "0001_b.sql").write_text("")
    with pytest.raises(RuntimeError, match="share number"):
        _migrate.discover(folder)
