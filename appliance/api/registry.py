"""Devices, pairing codes, security events, access log, idempotency records: see
:mod:`appliance.services.lan_devices`; re-exported for the API and the CLI."""

from appliance.services.lan_devices import MAX_CODE_FAILURES, Registry, certificate_fingerprint

__all__ = ["MAX_CODE_FAILURES", "Registry", "certificate_fingerprint"]
