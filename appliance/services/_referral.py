"""Where referred cases go to be sealed (de-identified, signed, encrypted) for the mentor hub.

The sync area's ``queue_case`` does the sealing; a front end that has sync installs it with
:func:`set_referral_sealer` (``clinicbox tui``/``demo`` do). Without one, a referral stays a
pending request in the store's outbox until the sync agent picks it up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: ``sealer(store, case) -> {"case_id", "version", "state", "size", ...}``; ``case`` has
#: case_id, version, patient_id, patient, record, question, qc_passed.
ReferralSealer = Callable[[Any, dict[str, Any]], dict[str, Any]]
_sealer: ReferralSealer | None = None


def set_referral_sealer(sealer: ReferralSealer | None) -> None:
    global _sealer
    _sealer = sealer


def current() -> ReferralSealer | None:
    return _sealer
