"""The sync agent: when the hub is reachable, send pending case bundles (smallest first), bring
back the mentors' replies and the hub's signed updates; when it is not, back off exponentially.

Never lose, never duplicate:
- a bundle is sealed and committed to the outbox before any upload; it is marked sent only after
  the hub's receipt, and the hub ingests idempotently by (clinic, case id, version) — so a crash
  between upload and mark re-sends, and the hub answers "duplicate";
- a reply is stored (unique reply id) and the reply cursor advanced in one transaction; the hub
  is acknowledged afterwards, and re-delivered replies are ignored;
- backoff uses the monotonic clock, so wall-clock jumps neither stall nor hammer the hub.
"""

from __future__ import annotations

import logging
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.errors import BundleRejected, ClinicBoxError, HubRequestRejected, UpdateRejected
from appliance.store import outbox as outbox_repo
from sync import outbox
from sync.bundle import open_bundle
from sync.keys import KeyPair, unb64
from sync.transport import HubTransport, is_transient
from sync.updates import install_update

log = logging.getLogger("clinicbox.sync")
Progress = Callable[[int, int, int], None]  # done, total, bytes sent


@dataclass
class PassResult:
    online: bool = False
    uploaded: int = 0
    duplicates: int = 0
    rejected: int = 0
    replies: int = 0
    updates: list[str] = field(default_factory=list)
    error: str | None = None
    remaining: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class SyncAgent:
    def __init__(
        self,
        store: outbox.StoreLike,
        keys: KeyPair,
        transport: HubTransport,
        data_dir: Path,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        base_delay: float = 2.0,
        max_delay: float = 900.0,
        install_updates: bool = True,
        batch_bytes: int = 256 * 1024,
        batch_items: int = 64,
    ) -> None:
        self.batch_bytes = batch_bytes
        self.batch_items = batch_items
        self.store = store
        self.keys = keys
        self.transport = transport
        self.data_dir = data_dir
        self.clock = clock
        self.rng = rng or random.Random()
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.install_updates = install_updates
        self.failures = 0
        self.next_attempt = 0.0

    # --- backoff ---------------------------------------------------------------------------

    def delay(self) -> float:
        """Exponential backoff with jitter: base·2^failures, capped, times 0.5–1.0."""
        if self.failures == 0:
            return 0.0
        raw = min(self.max_delay, self.base_delay * 2 ** min(self.failures - 1, 20))
        return float(raw * (0.5 + self.rng.random() / 2))

    def _failed(self, exc: BaseException) -> None:
        self.failures += 1
        self.next_attempt = self.clock() + self.delay()
        log.info("sync: hub unreachable (%s), retry in %.0fs", exc.__class__.__name__, self.delay())

    def due(self) -> bool:
        now = self.clock()
        if self.next_attempt - now > self.max_delay:  # the clock went backwards: do not stall
            self.next_attempt = now
        return now >= self.next_attempt

    # --- one pass --------------------------------------------------------------------------

    def run_once(self, progress: Progress | None = None, max_items: int = 1000) -> PassResult:
        result = PassResult()
        try:
            self.transport.health()
            result.online = True
            self._upload(result, progress, max_items)
            self._replies(result)
            if self.install_updates:
                self._updates(result)
        except ClinicBoxError as exc:
            self._failed(exc)
            result.error = exc.code if not is_transient(exc) else "hub_unavailable"
        except Exception as exc:  # a flaky link can surface as anything: treat as transient
            self._failed(exc)
            result.error = "hub_unavailable"
        else:
            self.failures = 0
            self.next_attempt = 0.0
        result.remaining = outbox.summary(self.store)["pending"]
        return result

    def _batches(self, items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Small bundles grouped up to ``batch_bytes``/``batch_items`` per request (when the
        transport can); large ones alone (they may need the resumable upload)."""
        can_batch = hasattr(self.transport, "upload_batch") and self.batch_items > 1
        groups: list[list[dict[str, Any]]] = []
        current: list[dict[str, Any]] = []
        size = 0
        for item in items:
            small = can_batch and int(item["size"]) <= self.batch_bytes // 4
            if not small:
                if current:
                    groups.append(current)
                    current, size = [], 0
                groups.append([item])
                continue
            if current and (
                size + int(item["size"]) > self.batch_bytes or len(current) >= self.batch_items
            ):
                groups.append(current)
                current, size = [], 0
            current.append(item)
            size += int(item["size"])
        if current:
            groups.append(current)
        return groups

    def _send_group(
        self, group: list[dict[str, Any]]
    ) -> list[tuple[dict[str, Any], dict[str, Any], int]]:
        """Send one group; returns (item, receipt, bytes) per item."""
        blobs = [outbox.bundle_of(self.store, g["case_id"], int(g["version"])) for g in group]
        if len(group) > 1:
            receipts = self.transport.upload_batch(blobs)  # type: ignore[attr-defined]
            return [(g, dict(r), len(b)) for g, r, b in zip(group, receipts, blobs, strict=True)]
        item, blob = group[0], blobs[0]

        def remember(upload_id: str) -> None:
            outbox.note_attempt(
                self.store, item["case_id"], int(item["version"]), "uploading", upload_id
            )

        try:
            receipt = self.transport.upload(blob, item.get("upload_id"), remember)
        except (BundleRejected, HubRequestRejected) as exc:
            receipt = {"status": "rejected", "code": exc.code}
        return [(item, receipt, len(blob))]

    def _upload(self, result: PassResult, progress: Progress | None, max_items: int) -> None:
        items = outbox.pending(self.store, limit=max_items)
        done = sent_bytes = 0
        for group in self._batches(items):
            outcome = self._send_group(group)
            marks: list[tuple[str, int, str, str | None]] = []
            for item, receipt, nbytes in outcome:
                status = receipt.get("status")
                if status == "rejected":
                    result.rejected += 1
                    marks.append(
                        (
                            item["case_id"],
                            int(item["version"]),
                            "rejected",
                            str(receipt.get("code")),
                        )
                    )
                    continue
                marks.append((item["case_id"], int(item["version"]), "sent", None))
                if status == "duplicate":
                    result.duplicates += 1
                else:
                    result.uploaded += 1
                sent_bytes += nbytes
            outbox.mark_many(self.store, marks)
            done += len(group)
            if progress:
                progress(done, len(items), sent_bytes)

    def _hub_sign_key(self) -> bytes:
        return unb64(outbox.enrolment(self.store)["hub_sign_key"])

    def _replies(self, result: PassResult) -> None:
        hub_key = self._hub_sign_key()
        clinic_id = outbox.enrolment(self.store)["clinic_id"]
        while True:
            cursor = int(outbox.get_state(self.store).get("reply_cursor", "0"))
            batch = self.transport.replies(cursor)
            if not batch:
                return
            batch = sorted(batch, key=lambda r: int(r["seq"]))  # a reordered batch is still safe
            for item in batch:
                header, payload = open_bundle(
                    item["bundle"].encode() if isinstance(item["bundle"], str) else item["bundle"],
                    self.keys,
                    lambda sender: hub_key if sender == "hub" else None,
                )
                if header.kind != "reply" or header.recipient != clinic_id:
                    continue
                if outbox.save_reply(self.store, int(item["seq"]), payload):
                    result.replies += 1
            self.transport.ack(int(batch[-1]["seq"]))

    def _updates(self, result: PassResult) -> None:
        with self.store.read() as db:
            have = outbox_repo.installed_updates(db)
        for upd in self.transport.updates():
            key = (str(upd["kind"]), str(upd["version"]))
            if key in have:
                continue
            data = self.transport.fetch_update(*key)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "update.zip"
                path.write_bytes(data)
                try:
                    install_update(path, self._hub_sign_key(), self.data_dir)
                except UpdateRejected:
                    log.warning("sync: refused an update with a bad signature: %s %s", *key)
                    continue
            self.store.write(_record_update(key))
            result.updates.append(f"{key[0]}:{key[1]}")

    # --- the loop --------------------------------------------------------------------------

    def run(
        self,
        stop: threading.Event,
        idle_interval: float = 60.0,
        on_pass: Callable[[PassResult], None] | None = None,
    ) -> None:
        """Loop until ``stop`` is set: a pass when due, then wait (backoff or idle interval)."""
        while not stop.is_set():
            if self.due():
                res = self.run_once()
                if on_pass:
                    on_pass(res)
                wait = self.delay() if self.failures else idle_interval
            else:
                wait = max(0.0, self.next_attempt - self.clock())
            stop.wait(min(wait, idle_interval))


def _record_update(key: tuple[str, str]) -> Callable[[Any], None]:
    def run(db: Any) -> None:
        outbox_repo.record_update(db, key[0], key[1], outbox.now())

    return run
