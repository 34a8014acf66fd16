"""``clinicbox bench lan``: latency of the LAN API under typical visit traffic from several PCs,
with the model idle and then busy (another PC keeps dictated records structuring on the LLM).

A throw-away box is made in a temp folder (real SQLCipher store, real TLS server process via
``clinicbox serve``); clients are threads in this process, each a paired device with its own
signed, pinned HTTPS connection. The busy-model phase keeps ``/emr/structure`` (LLM) streaming
the whole time.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from appliance.config import Settings, load_settings

# a throw-away box: fresh secrets per run
PASSPHRASE = secrets.token_urlsafe(16)
PASSWORD = "Bx-" + secrets.token_urlsafe(12)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
RECORD = {
    "chief_complaint": "咳嗽、咳痰3天",
    "present_illness": "3天前受凉后咳嗽，咳白痰，无发热。",
    "allergy_history": "否认药物过敏史",
    "physical_exam": "T 36.8℃，咽部充血，双肺呼吸音清。",
    "diagnoses": [{"name": "急性上呼吸道感染", "icd10": "J06.9"}],
    "treatment_plan": "多饮水，对症治疗，3天后复诊。",
}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def _summary(samples: dict[str, list[float]]) -> dict[str, Any]:
    every = [v for vs in samples.values() for v in vs]
    out: dict[str, Any] = {
        "requests": len(every),
        "p50_ms": round(_percentile(every, 50), 1),
        "p95_ms": round(_percentile(every, 95), 1),
        "p99_ms": round(_percentile(every, 99), 1),
        "mean_ms": round(statistics.fmean(every), 1) if every else 0.0,
        "by_call": {},
    }
    for name, vs in sorted(samples.items()):
        out["by_call"][name] = {
            "n": len(vs),
            "p50_ms": round(_percentile(vs, 50), 1),
            "p95_ms": round(_percentile(vs, 95), 1),
        }
    return out


def _make_box(root: Path, model: str | None) -> Settings:
    from appliance.store import init_store, open_store
    from appliance.store.accounts import add_user

    settings = load_settings(
        root / "box", passphrase=PASSPHRASE, password_hash_memory_kib=4096, model=model
    )
    init_store(
        settings,
        clinic_name="基准测试卫生院",
        admin_user="admin",
        admin_password=PASSWORD,
        passphrase=PASSPHRASE,
    )
    store = open_store(settings, passphrase=PASSPHRASE)
    try:
        for role in ("doctor", "nurse", "front_desk"):
            add_user(
                store,
                actor=("admin", "admin"),
                username=role.replace("_", ""),
                role=role,
                password=PASSWORD,
            )
    finally:
        store.close()
    return settings


class _Server:
    def __init__(self, settings: Settings) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLINICBOX_")}
        env.update(
            CLINICBOX_DATA_DIR=str(settings.data_dir),
            CLINICBOX_PASSPHRASE=PASSPHRASE,
            CLINICBOX_PASSWORD_HASH_MEMORY_KIB="4096",  # noqa: S106 - a cost, not a secret
            CLINICBOX_API_RATE_PER_MINUTE="100000",
        )
        if settings.model:
            env["CLINICBOX_MODEL"] = str(settings.model)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "appliance",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-mdns",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            self.stop()
            raise RuntimeError("the API server did not start")
        info = json.loads(line)
        self.port = int(info["url"].rsplit(":", 1)[1])
        self.settings = settings

    def cpu_seconds(self) -> float:
        import psutil

        times = psutil.Process(self.proc.pid).cpu_times()
        return float(times.user + times.system)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


def _register_devices(settings: Settings, root: Path, names: list[str]) -> dict[str, Any]:
    """Pair the bench's PCs before the server starts (the real protocol, run in-process so the
    pairing rate limit, meant for people, does not slow the set-up)."""
    from appliance.api import pairing, tls
    from appliance.api._transport import PairedBox
    from appliance.api.registry import Registry
    from appliance.store import open_store

    fingerprint = tls.ensure_tls_material(settings, "基准测试卫生院")
    boxes: dict[str, Any] = {}
    store = open_store(settings, passphrase=PASSPHRASE)
    try:
        registry = Registry(store)
        for name in names:
            code = registry.create_code("bench")["code"]
            key = pairing.new_device_key()
            public = pairing.public_key_b64(key)
            proof = pairing.client_proof(pairing.code_key(code), fingerprint, public)
            result = registry.pair(
                fingerprint=fingerprint, public_key=public, proof=proof, name=name, ip="127.0.0.1"
            )
            boxes[name] = PairedBox(
                device_id=result["device_id"],
                private_key=pairing.private_key_b64(key),
                host="127.0.0.1",
                port=0,
                fingerprint=fingerprint,
            )
    finally:
        store.close()
    return boxes


def _client(server: _Server, box: Any, user: str) -> Any:
    from appliance.api._transport import Transport

    box.port = server.port
    transport = Transport(box, timeout=600)
    transport.token = transport.request(
        "POST", "/api/v1/auth/login", json_body={"username": user, "password": PASSWORD}
    )["token"]
    return transport


def _visit_calls(rng: random.Random, patient_ids: list[str]) -> list[tuple[str, str, str, Any]]:
    pid = rng.choice(patient_ids)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return [
        ("search", "GET", "/api/v1/patients", {"query": rng.choice(SURNAMES)}),
        ("get_patient", "GET", f"/api/v1/patients/{pid}", None),
        ("visits", "GET", f"/api/v1/patients/{pid}/visits", None),
        ("qc", "POST", "/api/v1/qc", {"record": RECORD}),
        (
            "meds",
            "POST",
            "/api/v1/meds/check",
            {
                "patient": {"age": 60},
                "prescriptions": [{"drug": "阿莫西林", "dose_mg": 500, "frequency_per_day": 3}],
            },
        ),
        ("triage", "POST", "/api/v1/triage", {"complaint": "咳嗽3天", "age": 60}),
        ("followup_due", "GET", "/api/v1/followup/due", None),
        ("add_patient", "POST", "/api/v1/patients", {"name": name, "sex": rng.choice("MF")}),
    ]


def _usable_calls(transport: Any, patient_ids: list[str]) -> set[str]:
    """Calls this box answers (parts not installed answer 503 and are left out)."""
    usable = set()
    for name, method, path, body in _visit_calls(random.Random(0), patient_ids):
        params = body if method == "GET" else None
        r = transport.raw(method, path, json_body=None if method == "GET" else body, params=params)
        if r.status_code < 400:
            usable.add(name)
    return usable


def _traffic(
    clients: list[tuple[Any, set[str]]], patient_ids: list[str], seconds: float, think_s: float
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(index: int, transport: Any, usable: set[str]) -> None:
        rng = random.Random(index)
        while time.monotonic() < stop_at:
            for name, method, path, body in _visit_calls(rng, patient_ids):
                if name not in usable or time.monotonic() >= stop_at:
                    continue
                params = body if method == "GET" else None
                started = time.perf_counter()
                r = transport.raw(
                    method,
                    path,
                    json_body=None if method == "GET" else body,
                    params=params,
                    idem_key=os.urandom(8).hex() if method == "POST" else None,
                )
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if r.status_code >= 400:
                        errors.append(f"{name}:{r.status_code}")
                    samples[name].append(elapsed)
                time.sleep(rng.uniform(0.5, 1.5) * think_s)

    threads = [threading.Thread(target=run, args=(i, c, u)) for i, (c, u) in enumerate(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        samples["_errors"] = [float(len(errors))]
    return samples


class _ModelLoad:
    """Keeps the box's model busy: dictated records structured with the LLM, back to back."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport
        self.stop = threading.Event()
        self.completed = 0
        self.progress_events = 0
        self.error: str | None = None
        self.response: Any = None
        self.thread = threading.Thread(target=self._run, name="bench-model-load")

    def _run(self) -> None:
        text = "患者男，62岁，咳嗽咳痰3天，伴发热，体温38.2℃，既往高血压10年，口服氨氯地平。" * 3
        while not self.stop.is_set():
            try:
                response = self.transport.stream(
                    "POST",
                    "/api/v1/emr/structure",
                    json_body={"text": text, "use_llm": True},
                    params={"stream": "true"},
                )
                try:
                    for line in response.iter_lines():
                        if self.stop.is_set():
                            break
                        if '"progress"' in line:
                            self.progress_events += 1
                        elif '"error"' in line:
                            self.error = json.loads(line)["error"]["code"]
                finally:
                    response.close()
                self.completed += 1
            except Exception as exc:
                if self.stop.is_set():
                    return
                self.error = exc.__class__.__name__
                time.sleep(0.5)

    def __enter__(self) -> _ModelLoad:
        self.thread.start()
        time.sleep(1.0)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.response is not None:  # unblock the reader; the box cancels the model work
            with contextlib.suppress(Exception):
                self.response.close()
        self.thread.join(timeout=60)


def _compute(transport: Any) -> dict[str, Any]:
    try:
        status = transport.request("GET", "/api/v1/compute", retries=0)
    except Exception:
        return {}
    return {k: status.get(k) for k in ("model", "queue", "tokens_per_s") if k in status}


def run_lan_bench(
    settings: Settings,
    *,
    clients: int = 10,
    seconds: float = 20.0,
    think_ms: float = 100.0,
    model: str | None = None,
    patients: int = 200,
) -> dict[str, Any]:
    model = model or (str(settings.model) if settings.model else None)
    with tempfile.TemporaryDirectory(prefix="clinicbox-bench-lan-") as tmp:
        root = Path(tmp)
        box = _make_box(root, model)
        names = ["admin-pc", "model-pc", *[f"pc{i}" for i in range(clients)]]
        devices = _register_devices(box, root, names)
        server = _Server(box)
        opened: list[Any] = []
        try:
            admin = _client(server, devices["admin-pc"], "admin")
            opened.append(admin)
            ids = [
                admin.request(
                    "POST",
                    "/api/v1/patients",
                    json_body={"name": random.choice(SURNAMES) + random.choice(GIVEN) + str(i)},
                )["patient_id"]
                for i in range(patients)
            ]
            users = ["doctor", "nurse", "frontdesk"]
            pcs = [_client(server, devices[f"pc{i}"], users[i % 3]) for i in range(clients)]
            opened.extend(pcs)
            by_role = {u: _usable_calls(pcs[i], ids) for i, u in enumerate(users[: len(pcs)])}
            mix = [(pc, by_role[users[i % 3]]) for i, pc in enumerate(pcs)]
            usable = set().union(*by_role.values())
            cpu = server.cpu_seconds()
            idle = _traffic(mix, ids, seconds, think_ms / 1000)
            idle_cpu = server.cpu_seconds() - cpu
            model_pc = _client(server, devices["model-pc"], "doctor")
            opened.append(model_pc)
            with _ModelLoad(model_pc) as load:
                cpu = server.cpu_seconds()
                busy = _traffic(mix, ids, seconds, think_ms / 1000)
                busy_cpu = server.cpu_seconds() - cpu
                compute = _compute(admin)
            busy_summary = _summary({k: v for k, v in busy.items() if not k.startswith("_")})
            errors = int(idle.get("_errors", [0])[0] + busy.get("_errors", [0])[0])
            report: dict[str, Any] = {
                "clients": clients,
                "seconds_per_phase": seconds,
                "think_ms": think_ms,
                "model": Path(model).name if model else None,
                "calls": sorted(usable),
                "idle": _summary({k: v for k, v in idle.items() if not k.startswith("_")}),
                "model_busy": busy_summary,
                "errors": errors,
                "server_cpu_percent": {
                    "idle": round(100 * idle_cpu / seconds),
                    "model_busy": round(100 * busy_cpu / seconds),
                },
                "model_load": {
                    "structure_calls_completed": load.completed,
                    "progress_events": load.progress_events,
                    "error": load.error,
                    "compute_status": compute,
                },
                "target_p95_ms": 100,
            }
            report["passed"] = busy_summary["p95_ms"] < 100 and errors == 0
            return report
        finally:
            for transport in opened:
                transport.close()
            server.stop()


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"LAN API: {report['clients']} clients, {report['seconds_per_phase']} s per phase, "
        f"think {report['think_ms']} ms, model {report['model']}",
    ]
    for phase in ("idle", "model_busy"):
        s = report[phase]
        lines.append(
            f"  {phase:<10} n={s['requests']:<5} p50={s['p50_ms']} ms  p95={s['p95_ms']} ms  "
            f"p99={s['p99_ms']} ms"
        )
        for name, c in s["by_call"].items():
            lines.append(f"      {name:<13} n={c['n']:<5} p50={c['p50_ms']:<7} p95={c['p95_ms']}")
    lines.append(f"  server CPU %: {report['server_cpu_percent']}")
    lines.append(f"  model load: {report['model_load']}")
    lines.append(f"  errors: {report['errors']}  passed (p95 < 100 ms): {report['passed']}")
    return "\n".join(lines)
