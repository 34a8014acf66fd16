"""Agent + hub through random disconnects, lost responses (duplicates), reordered deliveries,
kills of the agent and the hub, and clock jumps. At the end every finalized case is on the hub
exactly once and every mentor reply is back at its clinic, once, linked to its patient."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from appliance.errors import HubUnavailable
from sync import outbox
from sync.agent import SyncAgent
from sync.hub.service import HubService
from sync.keys import KeyPair
from sync.plainstore import PlainStore
from sync.synthetic import corpus

CASES = corpus(12, seed=42)


class Crash(BaseException):
    """The agent's process dies here (kill -9): nothing after this line runs."""


class FlakyLink:
    def __init__(self, world: SyncWorld, token: str) -> None:
        self.world = world
        self.token = token
        self.online = True
        self.lose_next_response = False
        self.lose_next_request = False
        self.crash_next = False
        self.reorder = False

    def _hub(self) -> HubService:
        if not self.online:
            raise HubUnavailable()
        return self.world.hub

    def health(self) -> dict[str, Any]:
        return {"ok": True, **self._hub().public_info()}

    def upload(self, blob: bytes, upload_id: Any, remember: Any) -> dict[str, Any]:
        hub = self._hub()
        if self.lose_next_request:  # the link drops mid-pass, before the hub sees the bundle
            self.lose_next_request = False
            raise HubUnavailable()
        receipt = dict(hub.ingest(hub.authenticate(self.token), blob))
        if self.crash_next:
            self.crash_next = False
            raise Crash()
        if self.lose_next_response:
            self.lose_next_response = False
            raise HubUnavailable()
        return receipt

    def upload_batch(self, blobs: list[bytes]) -> list[dict[str, Any]]:
        hub = self._hub()
        if self.lose_next_request:
            self.lose_next_request = False
            raise HubUnavailable()
        receipts = list(hub.ingest_many(hub.authenticate(self.token), blobs))
        if self.crash_next:
            self.crash_next = False
            raise Crash()
        if self.lose_next_response:
            self.lose_next_response = False
            raise HubUnavailable()
        return receipts

    def replies(self, after: int) -> list[dict[str, Any]]:
        hub = self._hub()
        batch = list(hub.replies_after(hub.authenticate(self.token), after, limit=3))
        if self.reorder:
            random.Random(after).shuffle(batch)
        return batch

    def ack(self, upto: int) -> None:
        hub = self._hub()
        if self.crash_next:
            self.crash_next = False
            raise Crash()
        hub.ack_replies(hub.authenticate(self.token), upto)

    def updates(self) -> list[dict[str, Any]]:
        return []

    def fetch_update(self, kind: str, version: str) -> bytes:
        raise AssertionError("no updates in this test")


class SyncWorld(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.root = Path(tempfile.mkdtemp(prefix="syncsm-"))
        self.hub = HubService(self.root / "hub")
        self.hub.add_mentor("m", "pw-123456")
        self.now = 1000.0
        self.batch_items = 3  # small batches so single and batched uploads both happen
        self.clinics: list[dict[str, Any]] = []
        for i in range(2):
            store = PlainStore(self.root / f"c{i}.db")
            keys = KeyPair.generate()
            creds = self.hub.enrol(self.hub.create_enrol_token(f"c{i}"), **keys.public())
            outbox.set_state(
                store,
                **{k: creds[k] for k in ("clinic_id", "api_token", "hub_sign_key", "hub_enc_key")},
            )
            link = FlakyLink(self, creds["api_token"])
            c = {
                "store": store,
                "keys": keys,
                "link": link,
                "id": creds["clinic_id"],
                "finalized": set(),
                "versions": {},
            }
            c["agent"] = self._agent(c)
            self.clinics.append(c)
        self.advised: dict[str, tuple[str, str]] = {}  # reply advice -> (clinic id, patient id)

    def _agent(self, c: dict[str, Any]) -> SyncAgent:
        return SyncAgent(
            c["store"],
            c["keys"],
            c["link"],
            self.root,
            clock=lambda: self.now,
            rng=random.Random(0),
            base_delay=1.0,
            max_delay=60.0,
            install_updates=False,
            batch_items=self.batch_items,
        )

    @rule(ci=st.integers(0, 1), n=st.integers(0, 11), new_version=st.booleans())
    def finalize_case(self, ci: int, n: int, new_version: bool) -> None:
        c = self.clinics[ci]
        case_id = f"case{n}"
        version = c["versions"].get(case_id, 0) + (
            1 if new_version or case_id not in c["versions"] else 0
        )
        c["versions"][case_id] = version
        pid = f"{c['id']}-p{n}"
        outbox.record_consent(c["store"], pid, True, "dr")
        case = CASES[n]
        outbox.queue_case(
            c["store"],
            c["keys"],
            case_id=case_id,
            version=version,
            patient_id=pid,
            patient=case.patient,
            record=case.record,
            question="?",
            fhir=False,
        )
        c["finalized"].add((case_id, version))

    @rule(ci=st.integers(0, 1), online=st.booleans())
    def set_link(self, ci: int, online: bool) -> None:
        self.clinics[ci]["link"].online = online

    @rule(ci=st.integers(0, 1))
    def lose_a_response(self, ci: int) -> None:
        self.clinics[ci]["link"].lose_next_response = True

    @rule(ci=st.integers(0, 1))
    def lose_a_request(self, ci: int) -> None:
        self.clinics[ci]["link"].lose_next_request = True

    @rule(ci=st.integers(0, 1))
    def crash_soon(self, ci: int) -> None:
        self.clinics[ci]["link"].crash_next = True

    @rule(ci=st.integers(0, 1), on=st.booleans())
    def reorder_replies(self, ci: int, on: bool) -> None:
        self.clinics[ci]["link"].reorder = on

    @rule(jump=st.sampled_from([-86400.0, -3600.0, 5.0, 30.0, 3600.0, 86400.0 * 30]))
    def clock_jump(self, jump: float) -> None:
        self.now += jump

    @rule()
    def restart_hub(self) -> None:
        self.hub.close()
        self.hub = HubService(self.root / "hub")

    @rule(ci=st.integers(0, 1))
    def sync_pass(self, ci: int) -> None:
        c = self.clinics[ci]
        self.now += 1.0
        if not c["agent"].due():
            return
        try:
            c["agent"].run_once()
        except Crash:
            c["agent"] = self._agent(c)  # the process restarts with a fresh agent

    @precondition(lambda self: bool(self.hub.list_cases(status="new")))
    @rule(pick=st.integers(0, 50))
    def mentor_replies(self, pick: int) -> None:
        new = self.hub.list_cases(status="new")
        case = new[pick % len(new)]
        advice = f"advice-{len(self.advised)}"
        n = case["case_id"].removeprefix("case")
        self.hub.advise(case["clinic_id"], case["case_id"], case["version"], "m", advice)
        self.advised[advice] = (case["clinic_id"], f"{case['clinic_id']}-p{n}")

    @invariant()
    def never_duplicated_on_hub(self) -> None:
        rows = self.hub.db.query("SELECT clinic_id, case_id, version FROM cases")
        assert len(rows) == len({(r["clinic_id"], r["case_id"], r["version"]) for r in rows})

    def teardown(self) -> None:
        try:
            for c in self.clinics:
                c["link"].online = True
                c["link"].lose_next_response = c["link"].crash_next = False
                c["link"].lose_next_request = False
                c["agent"] = self._agent(c)
            for _ in range(30):
                for c in self.clinics:
                    self.now += 120.0
                    c["agent"].run_once()
            for c in self.clinics:
                on_hub = {
                    (r["case_id"], r["version"])
                    for r in self.hub.db.query(
                        "SELECT case_id, version FROM cases WHERE clinic_id = ?", (c["id"],)
                    )
                }
                assert on_hub == c["finalized"]
                assert outbox.summary(c["store"])["pending"] == 0
            got: dict[str, tuple[str, str]] = {}
            for c in self.clinics:
                for r in outbox.replies(c["store"]):
                    assert r["advice"] not in got, "reply delivered twice"
                    got[r["advice"]] = (c["id"], r["patient_id"])
            assert got == self.advised
        finally:
            self.hub.close()
            for c in self.clinics:
                c["store"].close()


SyncWorld.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)
TestSyncStateMachine = SyncWorld.TestCase
