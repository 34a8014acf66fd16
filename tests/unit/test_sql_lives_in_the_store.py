"""SQL lives in the store (issue 15): no SQL statement in a string outside ``appliance/store``.

Allowed elsewhere: the mentor hub server's own database layer (``sync/hub``: a different
database on a different machine), the plain-SQLite stand-in of the store used by sync
simulations, and the benchmarks. ``NOT_YET_MOVED`` lists the modules whose SQL still has to move
into store repositories; it may only shrink (a module that no longer has SQL must leave it).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("appliance", "sync", "tui", "models")
ALLOWED = ("appliance/store/", "appliance/bench/", "sync/hub/", "sync/plainstore.py")
NOT_YET_MOVED: set[str] = set()
SQL = re.compile(  # a string that starts a SQL statement (upper-case keywords, as we write SQL)
    r"""["'](?:SELECT\s|INSERT\s+(?:OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|"""
    r"""DELETE\s+FROM\s|(?:CREATE|DROP|ALTER)\s+(?:TABLE|INDEX|VIEW|TRIGGER|VIRTUAL)|PRAGMA\s+\w)"""
)


def _with_sql() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            if name.startswith(ALLOWED):
                continue
            if SQL.search(path.read_text(encoding="utf-8")):
                found.add(name)
    return found


def test_no_new_sql_outside_the_store() -> None:
    new = _with_sql() - NOT_YET_MOVED
    assert new == set(), f"move these queries into an appliance/store repository: {sorted(new)}"


def test_the_list_of_modules_still_to_move_only_shrinks() -> None:
    moved = NOT_YET_MOVED - _with_sql()
    assert moved == set(), f"no SQL left in {sorted(moved)}: remove them from NOT_YET_MOVED"
