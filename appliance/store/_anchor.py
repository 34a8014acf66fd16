"""Keeping the audit anchor in the key envelope up to date (see ``audit.py`` for why)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from appliance.store import audit
from appliance.store.envelope import Envelope, update_envelope

if TYPE_CHECKING:
    from appliance.store.db import Store

log = logging.getLogger("clinicbox.store")


def move_anchor(store: Store, *, force: bool = False) -> dict[str, Any] | None:
    """Set the envelope's anchor to the store's committed audit head, never backwards unless
    ``force`` (a restore). A failure (disk full) is logged, never raised: the anchor trails the
    head a little more, and the write the user made stands."""
    try:
        with store.read_raw() as conn:
            current = audit.head(conn)
        if current is None:
            return None
        anchor = audit.make_anchor(store.audit_key, store.envelope.clinic_id, *current)

        def move(envelope: Envelope) -> None:
            old = envelope.audit_anchor or {}
            if force or int(old.get("seq", 0)) < current[0]:
                envelope.audit_anchor = anchor

        store.envelope = update_envelope(store.paths.envelope, move)
    except Exception as exc:  # anchoring must never fail a user's write
        log.warning("audit anchor not moved: %s", exc.__class__.__name__)
        return None
    return store.envelope.audit_anchor
