"""Intrusion signals: the rules live in :mod:`appliance.services.lan_alerts` (the TUI reaches them
through the clinic service); re-exported here for the API and the CLI."""

from appliance.services.lan_alerts import outside_hours, security_alerts

__all__ = ["outside_hours", "security_alerts"]
