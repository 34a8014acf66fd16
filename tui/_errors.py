"""Unexpected errors in the UI: logged (redacted) with a reference, shown without a traceback."""

from __future__ import annotations

import logging

from appliance.logsafe import log_unexpected

log = logging.getLogger("clinicbox.tui")


def log_unexpected_ui(exc: BaseException) -> str:
    return str(log_unexpected(log, exc))
