"""Chinese resident identity numbers (GB 11643-1999): checksum and embedded birth date."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """True for an 18-character resident ID whose checksum and birth date are valid."""
    v = value.strip().upper()
    if not _SHAPE.match(v):
        return False
    if id_check_char(v[:17]) != v[17]:
        return False
    return birth_date_from_id(v) is not None


def birth_date_from_id(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
