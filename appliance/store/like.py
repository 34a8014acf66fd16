"""SQL ``LIKE`` patterns built from what a user typed."""

from __future__ import annotations

LIKE_ESCAPE = "\\"


def like_escape(text: str) -> str:
    """``text`` for a ``LIKE ? ESCAPE '\\'`` pattern: ``%``, ``_`` and the escape character
    itself match only themselves (else a search for ``%`` lists every patient)."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
