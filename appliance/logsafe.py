"""Logging that never writes patient data.

A :class:`RedactingFilter` sits on every handler ClinicBox installs. It scrubs resident ID
numbers, phone numbers, e-mail addresses, bank/insurance-like digit runs, labelled names and
addresses, and any value registered at run time with :func:`register_sensitive` (the store
registers the names of patients it loads). The filter rewrites the final message, including
arguments and exception text, before any handler formats it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import threading
import uuid
from pathlib import Path
from typing import Any

REDACTED = "[已脱敏]"

_PATTERNS: tuple[re.Pattern[str], ...] = (
    # e-mail
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # 18-digit resident ID (last may be X) and old 15-digit IDs
    re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])"),
    re.compile(r"(?<!\d)\d{15}(?!\d)"),
    # mainland mobile numbers, optionally +86 / spaced / dashed
    re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"),
    # landlines like 0571-87654321 / (010)12345678
    re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[- ]?)\d{7,8}(?!\d)"),
    # long digit runs (card, insurance, hospital numbers)
    re.compile(r"(?<!\d)\d{10,}(?!\d)"),
    # labelled names / addresses / IDs in Chinese or English: 姓名：张三, name=Li Lei
    re.compile(
        r"(?i)(姓名|患者姓名|name|patient_name|住址|地址|address|身份证号?|id_number|电话|phone)"
        r"(\s*[:：=]\s*)([^\s,，;；\"'}]+)"
    ),
)

_sensitive: set[str] = set()
_sensitive_lock = threading.Lock()
_sensitive_re: re.Pattern[str] | None = None


def register_sensitive(*values: str | None) -> None:
    """Add exact values (patient names, addresses…) that must never appear in a log line."""
    global _sensitive_re
    with _sensitive_lock:
        for value in values:
            if value and len(value.strip()) >= 2:
                _sensitive.add(value.strip())
        if _sensitive:
            ordered = sorted(_sensitive, key=len, reverse=True)
            _sensitive_re = re.compile("|".join(re.escape(v) for v in ordered))


def redact(text: str) -> str:
    """Return ``text`` with every known identifier pattern replaced by a marker."""
    for pattern in _PATTERNS:
        if pattern.groups == 3:
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
        else:
            text = pattern.sub(REDACTED, text)
    current = _sensitive_re
    if current is not None:
        text = current.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (args and exception text included) through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        if record.exc_info:
            formatter = logging.Formatter()
            message = f"{message}\n{formatter.formatException(record.exc_info)}"
            record.exc_info = None
            record.exc_text = None
        if record.stack_info:
            message = f"{message}\n{record.stack_info}"
            record.stack_info = None
        record.msg = redact(message)
        record.args = None
        return True


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files (the current one and each rotated one) are mode 0600."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)  # a file made earlier with the default mode is tightened too
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        """A log line that cannot be written (disk full) is dropped: the user still gets the
        product's own zh/en error, never logging's traceback on stderr."""


def configure_logging(log_file: Path | None, level: str = "INFO") -> None:
    """Install redacting handlers on the ``clinicbox`` root logger (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_clinicbox", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    handlers: list[logging.Handler] = []
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handlers.append(
                PrivateRotatingFileHandler(
                    log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
                )
            )
        except OSError:
            handlers.append(logging.NullHandler())
    for handler in handlers:
        handler._clinicbox = True  # type: ignore[attr-defined]
        handler.addFilter(RedactingFilter())
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)


def log_unexpected(logger: logging.Logger, exc: BaseException) -> str:
    """Log an unexpected exception (redacted) and return a short reference id for the user."""
    ref = uuid.uuid4().hex[:10]
    logger.error("unexpected error ref=%s", ref, exc_info=(type(exc), exc, exc.__traceback__))
    return ref
