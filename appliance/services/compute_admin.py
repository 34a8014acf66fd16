"""The compute monitor and compute sharing for ``clinicbox compute …``: machine samples and the
engine's series, whether a host is on the LAN, and serving this box's model to peers (OpenAI
API). The commands reach the engine only through the services (an import-linter contract)."""

from __future__ import annotations

from appliance.llm.monitor import machine_sample, read_series, summary
from appliance.llm.remote import is_lan_host
from appliance.llm.serve import serve_openai

__all__ = ["is_lan_host", "machine_sample", "read_series", "serve_openai", "summary"]
