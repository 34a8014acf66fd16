"""Pure pieces of the LAN API: pairing codes and proofs, signatures, limiters, alert rules,
the model-thread priority."""

from __future__ import annotations

import os
import threading
import time

from appliance.api import pairing
from appliance.api._context import deprioritise_model_threads
from appliance.api._security import NonceCache, RateLimiter
from appliance.api.alerts import outside_hours
from appliance.services.lan_alerts import _max_distinct_per_hour


def test_codes_are_readable_and_typing_mistakes_are_forgiven() -> None:
    code = pairing.new_code()
    assert len(code) == 11 and code[5] == "-"
    assert set(code.replace("-", "")) <= set(pairing.CODE_ALPHABET)
    assert pairing.code_key(code.lower().replace("-", " ")) == pairing.code_key(code)
    assert pairing.normalize_code("o1l-i") == "0111"
    assert pairing.code_key("AAAAA-AAAAA") != pairing.code_key("AAAAA-AAAAB")


def test_proofs_bind_code_fingerprint_key_and_device() -> None:
    key = pairing.code_key("7K3QD-M9XAB")
    proof = pairing.client_proof(key, "aa" * 32, "PUB")
    assert pairing.proofs_equal(proof, pairing.client_proof(key, "aa" * 32, "PUB"))
    assert not pairing.proofs_equal(proof, pairing.client_proof(key, "bb" * 32, "PUB"))
    assert not pairing.proofs_equal(proof, pairing.client_proof(key, "aa" * 32, "OTHER"))
    server = pairing.server_proof(key, "aa" * 32, "PUB", "dev_1")
    assert server != pairing.server_proof(key, "aa" * 32, "PUB", "dev_2") != proof


def test_signatures_cover_method_target_time_nonce_and_body() -> None:
    key = pairing.new_device_key()
    public = pairing.public_key_b64(key)
    h = pairing.sign_request(key, "dev_1", "POST", "/api/v1/patients?x=1", b'{"a":1}')
    args = (h[pairing.HEADER_TIME], h[pairing.HEADER_NONCE])
    sig = h[pairing.HEADER_SIGNATURE]
    assert pairing.verify_signature(public, "POST", "/api/v1/patients?x=1", *args, b'{"a":1}', sig)
    assert not pairing.verify_signature(
        public, "GET", "/api/v1/patients?x=1", *args, b'{"a":1}', sig
    )
    assert not pairing.verify_signature(
        public, "POST", "/api/v1/patients?x=2", *args, b'{"a":1}', sig
    )
    assert not pairing.verify_signature(
        public, "POST", "/api/v1/patients?x=1", *args, b'{"a":2}', sig
    )
    assert not pairing.verify_signature("not-a-key", "POST", "/", *args, b"", sig)
    assert pairing.fresh_time(str(int(time.time())))
    assert not pairing.fresh_time(str(int(time.time()) - 3600))
    assert not pairing.fresh_time("soon")
    assert pairing.load_private_key(pairing.private_key_b64(key)).public_key() is not None


def test_rate_limiter_and_nonce_cache() -> None:
    limiter = RateLimiter(2, 60)
    assert [limiter.hit("a"), limiter.hit("a"), limiter.hit("a"), limiter.hit("b")] == [
        True,
        True,
        False,
        True,
    ]
    nonces = NonceCache(600)
    assert nonces.use("n1") and not nonces.use("n1") and nonces.use("n2")


def test_office_hours_including_a_window_over_midnight() -> None:
    day = time.mktime((2026, 11, 26, 12, 0, 0, 0, 0, -1))
    night = time.mktime((2026, 11, 26, 23, 30, 0, 0, 0, -1))
    assert not outside_hours(day, "07:00-20:00") and outside_hours(night, "07:00-20:00")
    assert outside_hours(day, "20:00-08:00") and not outside_hours(night, "20:00-08:00")


def test_distinct_patients_per_hour_uses_a_sliding_window() -> None:
    reads = [(0.0, "a"), (10.0, "b"), (20.0, "a"), (3000.0, "c"), (3700.0, "d"), (3800.0, "e")]
    assert _max_distinct_per_hour(reads) == 3  # {a, b, c} within [0, 3000]; d, e come too late
    assert _max_distinct_per_hour([]) == 0
    assert _max_distinct_per_hour([(float(i), f"p{i}") for i in range(50)]) == 50


def test_model_worker_thread_runs_below_the_api_priority() -> None:
    ready, stop = threading.Event(), threading.Event()
    seen: dict[str, int] = {}

    def worker() -> None:
        ready.set()
        stop.wait(5)
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=worker, name="clinicbox-llm-test")
    thread.start()
    ready.wait(5)
    before = os.getpriority(os.PRIO_PROCESS, 0)
    deprioritise_model_threads(nice=before + 5)
    stop.set()
    thread.join(5)
    assert seen["nice"] == before + 5
    assert os.getpriority(os.PRIO_PROCESS, 0) == before  # the API's own threads are untouched


def test_remote_service_speaks_the_whole_clinic_service_protocol() -> None:
    import inspect

    from appliance.api.client import RemoteClinicService
    from appliance.services.interface import ClinicService

    for name, member in inspect.getmembers(ClinicService, inspect.isfunction):
        if name.startswith("_"):
            continue
        remote = getattr(RemoteClinicService, name, None)
        assert remote is not None, f"RemoteClinicService lacks {name}"
        want = [p for p in inspect.signature(member).parameters if p != "self"]
        have = [p for p in inspect.signature(remote).parameters if p != "self"]
        assert have == want, (name, have, want)
