"""Every endpoint refuses a request without a paired device and a logged-in user, and enforces
roles: the table below is what a clinic expects (a kiosk only asks the health assistant, the
front desk never opens a record, only admins manage users, devices and security)."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.api._auth import ROLE_TABLE
from appliance.api._transport import Transport

ROLES = ("admin", "doctor", "nurse", "front_desk", "kiosk")
A, D, N, F, K = ROLES

#: endpoint → roles that may call it (the product's access policy, spelled out).
EXPECTED: dict[str, set[str]] = {
    "me": {A, D, N, F, K},
    "logout": {A, D, N, F, K},
    "features": {A, D, N, F, K},
    "assistant.ask": {A, D, N, F, K},
    "patients.search": {A, D, N, F},
    "patients.get": {A, D, N, F},
    "patients.add": {A, D, N, F},
    "patients.visits": {A, D, N, F},
    "followup.due": {A, D, N, F},
    "followup.plan": {A, D, N, F},
    "triage": {A, D, N, F},
    # the visit workspace's autosave: whoever may write a visit keeps their own typing
    "visits.autosave.get": {A, D, N, F},
    "visits.autosave.put": {A, D, N, F},
    "visits.autosave.delete": {A, D, N, F},
    "visits.get": {A, D, N},
    "meds.check": {A, D, N},
    "qc": {A, D, N},
    "emr.structure": {A, D, N},
    "transcribe": {A, D, N},
    "compute.status": {A, D, N},
    "visits.save": {A, D},
    "visits.refer": {A, D},
    "visits.amend": {A, D},
    "assistant.advise": {A, D},
    "quality": {A, D},
    **{
        name: {A}
        for name in (
            "admin.users.list",
            "admin.users.add",
            "admin.users.lock",
            "admin.backup",
            "admin.audit.verify",
            "admin.models",
            "admin.settings",
            "admin.sync",
            "devices.list",
            "devices.revoke",
            "devices.code",
            "security.alerts",
        )
    },
}

#: a valid request for each endpoint (so a refusal can only come from auth or role)
RECORD = {
    "chief_complaint": "咳嗽3天",
    "diagnoses": [{"name": "急性上呼吸道感染", "icd10": "J06.9"}],
}
BODIES: dict[str, Any] = {
    "patients.add": {"name": "测试", "sex": "F"},
    "visits.save": {"patient_id": "p0", "record": RECORD},
    "visits.refer": {"question": "请会诊"},
    "visits.amend": {"record": RECORD, "reason": "更正"},
    "visits.autosave.put": {"payload": {"chief_complaint": "咳嗽"}},
    "triage": {"complaint": "头痛"},
    "meds.check": {"prescriptions": [{"drug": "阿莫西林"}]},
    "qc": {"record": RECORD},
    "emr.structure": {"text": "咳嗽三天", "use_llm": False},
    "followup.plan": {"patient": {"age": 60}, "record": RECORD},
    # too long on purpose: a 422 still proves the role passed (auth is checked first), and the
    # knowledge base's cold start (~30 s on 2 cores) stays out of this test
    "assistant.ask": {"question": "问" * 2001, "use_llm": False},
    "assistant.advise": {"record": "not-a-record", "use_llm": False},  # 422: same reason
    "admin.users.add": {"username": "newnurse", "password": "Nurse-pass-123!", "role": "nurse"},
    "admin.users.lock": {"locked": False},
    "admin.backup": {},
    "devices.code": {"ttl_s": 60},
}


NOT_INSTALLED = {"feature_unavailable", "model_missing", "dependency_missing"}


def _operations(app) -> list[tuple[str | None, str, str]]:
    """(endpoint name or None when public, METHOD, path) for every operation in the OpenAPI."""
    out = []
    for path, ops in app.openapi()["paths"].items():
        for method, op in ops.items():
            out.append((op.get("x-endpoint"), method.upper(), path))
    return out


def _routes(app) -> list[tuple[str, str, str]]:
    return [(n, m, p) for n, m, p in _operations(app) if n is not None]


def _fill(path: str) -> str:
    return (
        path.replace("{patient_id}", "p0")
        .replace("{visit_id}", "v0")
        .replace("{device_id}", "dev_none")
        .replace("{username}", "nobody")
    )


def test_the_role_table_is_the_expected_policy_and_covers_every_route(lan_box) -> None:
    assert {k: set(v) for k, v in ROLE_TABLE.items()} == EXPECTED
    covered = {name for name, _, _ in _routes(lan_box.server.app)}
    assert covered == set(ROLE_TABLE)
    public = {p for n, _, p in _operations(lan_box.server.app) if n is None}
    # only these work without a user: box info, pairing, login (device-signed); the patient
    # assistant's own pages (kiosk/phone) apply their own checks
    assert {p for p in public if not p.startswith(("/assistant", "/api/assistant/"))} <= {
        "/api/v1/hello",
        "/api/v1/pair",
        "/api/v1/auth/login",
    }


def test_no_endpoint_answers_without_a_paired_device_or_a_user(lan_box, pair_pc) -> None:
    import httpx

    from appliance.api import tls

    _pc, box = pair_pc("no-user")
    ctx, _ = tls.pinned_client_context(lan_box.fingerprint)
    signed = Transport(box)
    try:
        with httpx.Client(verify=ctx, trust_env=False) as bare:
            for name, method, path in _routes(lan_box.server.app):
                url = f"https://127.0.0.1:{lan_box.port}{_fill(path)}"
                r = bare.request(method, url, json=BODIES.get(name))
                assert r.status_code == 401, (name, r.status_code)
                assert r.json()["error"]["code"] == "device_not_paired"
                r = signed.raw(method, _fill(path), json_body=BODIES.get(name))
                assert r.status_code == 401, (name, r.status_code)
                assert r.json()["error"]["code"] == "auth_required"
    finally:
        signed.close()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_endpoints(lan_box, pair_pc, role) -> None:
    from tests._fixtures.api import username_for

    _pc, box = pair_pc(f"roles-{role}")
    transport = Transport(box)
    try:
        login = transport.raw(
            "POST",
            "/api/v1/auth/login",
            json_body=dict(zip(("username", "password"), username_for(role), strict=True)),
        )
        assert login.status_code == 200, login.text
        transport.token = login.json()["token"]
        for name, method, path in sorted(
            _routes(lan_box.server.app), key=lambda x: x[0] == "logout"
        ):
            r = transport.raw(method, _fill(path), json_body=BODIES.get(name))
            if role in EXPECTED[name]:
                assert r.status_code not in (401, 403), (role, name, r.status_code, r.text)
                # allowed: anything but a server fault ("not installed" parts answer 503 + code)
                assert r.status_code < 500 or r.json()["error"]["code"] in NOT_INSTALLED, (
                    role,
                    name,
                    r.status_code,
                    r.text,
                )
            else:
                assert r.status_code == 403, (role, name, r.status_code)
                assert r.json()["error"]["code"] == "permission_denied"
    finally:
        transport.close()
