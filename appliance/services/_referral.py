"""The process-wide default referral sealer, for front ends that build a runtime without one.

The sealer belongs to the runtime (:class:`~appliance.services.runtime.ClinicRuntime`, built by
``appliance.commands._runtime.build_runtime`` with sync's sealer); this default is only the
fallback of a runtime that has none (``set_referral_sealer`` is kept for older callers).
"""

from __future__ import annotations

from appliance.services.ports import ReferralSealer

_sealer: ReferralSealer | None = None


def set_referral_sealer(sealer: ReferralSealer | None) -> None:
    global _sealer
    _sealer = sealer


def current() -> ReferralSealer | None:
    return _sealer
