"""Compute sharing against a real OpenAI-compatible server process on 127.0.0.1
(``clinicbox compute serve`` = llama-cpp-python's server on this box's model)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import load_settings
from appliance.llm.remote import RemoteBackend, is_lan_host

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]

MSGS = [
    {"role": "system", "content": "只输出 JSON。"},
    {"role": "user", "content": "发热三天，咳嗽。"},
]
SCHEMA = {
    "type": "object",
    "properties": {
        "level": {"type": "integer", "enum": [1, 2, 3, 4]},
        "department": {"type": "string", "maxLength": 10},
    },
    "required": ["level", "department"],
    "additionalProperties": False,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def peer(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Another box serving its model: a real server process on 127.0.0.1 (plain http)."""
    yield from _serve(tiny_gguf, tmp_path_factory.mktemp("peer"), tls=False)


@pytest.fixture(scope="module")
def tls_peer(
    tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A peer serving over TLS with its clinic certificate; yields (url, fingerprint)."""
    import hashlib
    import ssl

    from appliance.api.tls import make_tls_material, tls_paths

    data = tmp_path_factory.mktemp("tls-peer")
    settings = load_settings(data)
    make_tls_material(settings, "测试卫生院")
    pem = tls_paths(settings).server_cert.read_text()  # leaf certificate first, then the CA
    end = "-----END CERTIFICATE-----"
    leaf = pem[: pem.index(end) + len(end)]
    fingerprint = hashlib.sha256(ssl.PEM_cert_to_DER_cert(leaf)).hexdigest()
    for url in _serve(tiny_gguf, data, tls=True):
        yield url, fingerprint


def _serve(tiny_gguf: Path, data: Path, *, tls: bool) -> Iterator[str]:
    import httpx

    port = _free_port()
    env = {
        **os.environ,
        "CLINICBOX_DATA_DIR": str(data),
        "CLINICBOX_MODEL": str(tiny_gguf),
        "CLINICBOX_LLM_CTX": "2048",
        "CLINICBOX_LLM_THREADS": "1",
        "CLINICBOX_LLM_REMOTE_API_KEY": "peer-key-123",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "appliance", "compute", "serve", "--port", str(port)]
        + (["--tls"] if tls else []),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                r = httpx.get(
                    f"{url}/v1/models",
                    headers={"Authorization": "Bearer peer-key-123"},
                    timeout=2,
                    verify=False,
                )
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"peer server did not start: {err[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def _engine(tiny_gguf, data_dir, **kw):
    from appliance.llm import open_engine

    settings = load_settings(
        data_dir, model=str(tiny_gguf), llm_ctx=2048, llm_threads=1, llm_offload_queue=0, **kw
    )
    return open_engine(settings)


def test_long_queue_offloads_to_a_lan_peer_and_validates_its_json(peer, tiny_gguf, data_dir):
    with _engine(
        tiny_gguf,
        data_dir,
        llm_remote_url=peer,
        llm_offload="lan",
        llm_remote_api_key="peer-key-123",
    ) as engine:
        res = engine.chat(MSGS, task="assistant", schema=SCHEMA, max_tokens=80)
        assert res.backend == "remote:127.0.0.1"
        assert res.data["level"] in (1, 2, 3, 4)
        assert res.model  # the peer names its model: the UI can say which model answered
        assert engine.stats()["remote"]["calls"] == 1


def test_unreachable_peer_falls_back_to_local(tiny_gguf, data_dir):
    dead = f"http://127.0.0.1:{_free_port()}"
    with _engine(tiny_gguf, data_dir, llm_remote_url=dead, llm_offload="lan") as engine:
        t0 = time.monotonic()
        res = engine.chat(MSGS, task="triage", schema=SCHEMA, max_tokens=80)
        assert res.backend == "local" and res.data["level"] in (1, 2, 3, 4)
        # the dead peer cost no waiting: time beyond the local job itself (which a loaded box
        # makes slow, and `clinicbox bench llm` measures) stays far below the 3 s connect
        # timeout and the 120 s read timeout a hang would show
        assert time.monotonic() - t0 - res.timings.total_s < 10
        remote = engine.stats()["remote"]
        assert remote["failures"] == 1 and remote["in_backoff"]
        engine.chat(MSGS, task="triage", schema=SCHEMA, max_tokens=80)
        assert engine.stats()["remote"]["calls"] == 1  # skipped while backing off


def test_wrong_key_is_refused_by_the_peer_and_work_stays_local(peer, tiny_gguf, data_dir):
    with _engine(
        tiny_gguf, data_dir, llm_remote_url=peer, llm_offload="lan", llm_remote_api_key="wrong"
    ) as engine:
        res = engine.chat(MSGS, task="qc", schema=SCHEMA, max_tokens=80)
        assert res.backend == "local"
        assert engine.stats()["remote"]["failures"] == 1


def test_deidentified_policy_sends_only_deidentified_work(peer, tiny_gguf, data_dir):
    with _engine(
        tiny_gguf,
        data_dir,
        llm_remote_url=peer,
        llm_offload="deidentified",
        llm_remote_api_key="peer-key-123",
    ) as engine:
        assert engine.chat(MSGS, task="batch", schema=SCHEMA, max_tokens=60).backend == "local"
        res = engine.chat(MSGS, task="batch", schema=SCHEMA, max_tokens=60, deidentified=True)
        assert res.backend == "remote:127.0.0.1"


def test_never_policy_keeps_everything_local(peer, tiny_gguf, data_dir):
    with _engine(tiny_gguf, data_dir, llm_remote_url=peer, llm_offload="never") as engine:
        assert engine.remote is None
        assert engine.chat(MSGS, task="batch", max_tokens=5).backend == "local"


@pytest.mark.parametrize(
    ("host", "lan"),
    [
        ("192.168.1.20", True),
        ("10.0.0.5", True),
        ("127.0.0.1", True),
        ("fe80::1", True),
        ("clinic-box.local", True),
        ("clinicbox2", True),
        ("hub.mentor-hospital.cn", False),
        ("8.8.8.8", False),
    ],
)
def test_lan_detection_needs_no_dns(host, lan):
    assert is_lan_host(host) is lan


def test_lan_policy_sends_only_deidentified_work_off_site():
    remote = RemoteBackend("https://hub.mentor-hospital.cn/v1", policy="lan", offload_queue=0)
    assert not remote.allowed(deidentified=False)
    assert remote.allowed(deidentified=True)
    assert remote.url == "https://hub.mentor-hospital.cn"
    peer = RemoteBackend("http://192.168.1.20:8081", policy="lan", offload_queue=2)
    assert peer.allowed(deidentified=False)
    assert not peer.should_offload(None, "assistant", False)  # queue shorter than 2


def test_tls_peer_is_used_only_with_the_pinned_certificate(tls_peer, tiny_gguf, data_dir):
    url, fingerprint = tls_peer
    common = {"llm_remote_url": url, "llm_offload": "lan", "llm_remote_api_key": "peer-key-123"}
    with _engine(tiny_gguf, data_dir, llm_remote_fingerprint=fingerprint, **common) as engine:
        res = engine.chat(MSGS, task="assistant", schema=SCHEMA, max_tokens=80)
        assert res.backend == "remote:127.0.0.1" and res.data["level"] in (1, 2, 3, 4)
    with _engine(tiny_gguf, data_dir, llm_remote_fingerprint="ab" * 32, **common) as engine:
        res = engine.chat(MSGS, task="assistant", schema=SCHEMA, max_tokens=80)
        assert res.backend == "local"  # wrong pin: nothing was sent, local answered
        assert engine.stats()["remote"]["failures"] == 1


def test_serving_beyond_loopback_needs_tls_and_a_key(cli_proc):
    r = cli_proc("compute", "serve", "--host", "0.0.0.0", "--no-tls", "--json", timeout=60)
    assert r.rc == 2 and "llm_remote_api_key" in r.err


def test_off_site_peer_over_plain_http_gets_nothing():
    remote = RemoteBackend("http://hub.mentor-hospital.cn", policy="deidentified", offload_queue=0)
    assert not remote.allowed(deidentified=True)
