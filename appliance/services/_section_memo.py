"""The model's answers per dictation section, kept in memory for the next pass (no imports of
the clinical core: the runtime holds one from the start)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

#: Sections' answers kept in memory (a dictation has ~3-8 sections; a few visits' worth).
MEMO_SIZE = 64

SectionMemoKey = tuple[str, str, str, tuple[str, ...], str]


class SectionMemo:
    """The model's answers per section, by (visit type, cue, exact words, fields, model).

    :meth:`claim` returns a kept answer, or waits while another pass is writing the same
    section, or hands the caller the right to write it (then :meth:`keep` or :meth:`drop`)."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self._answers: OrderedDict[SectionMemoKey, Any] = OrderedDict()
        self._writing: dict[SectionMemoKey, threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = 0

    def claim(self, key: SectionMemoKey, wait_s: float) -> tuple[bool, Any]:
        """(True, answer) when kept (or written meanwhile by another pass, waited for up to
        ``wait_s``); (False, None) when the caller is now the one to write it."""
        deadline = time.monotonic() + max(0.0, wait_s)
        while True:
            with self._lock:
                if key in self._answers:
                    self._answers.move_to_end(key)
                    self.hits += 1
                    return True, self._answers[key]
                writing = self._writing.get(key)
                if writing is None or time.monotonic() >= deadline:
                    self._writing[key] = threading.Event()
                    return False, None
            writing.wait(max(0.05, deadline - time.monotonic()))

    def keep(self, key: SectionMemoKey, answer: Any) -> None:
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
            self._release(key)

    def drop(self, key: SectionMemoKey) -> None:
        with self._lock:
            self._release(key)

    def _release(self, key: SectionMemoKey) -> None:
        event = self._writing.pop(key, None)
        if event is not None:
            event.set()

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
