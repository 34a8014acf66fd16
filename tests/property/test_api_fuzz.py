"""Fuzz the LAN API's inputs (hypothesis) against a real TLS server: no server fault (5xx other
than a declared "not installed" answer), never a traceback, and a rejected request changes no data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.api._transport import Transport

DATA_TABLES = (
    "patient",
    "visit",
    "record",
    "vitals",
    "prescription",
    "user",
    "triage",
    "followup_plan",
    "consent",
    "api_devices",
)
NOT_INSTALLED = {"feature_unavailable", "model_missing", "dependency_missing"}

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "",
            "张三",
            "M",
            "1960-01-01",
            "阿莫西林",
            "11010519491231002X",
            "'; DROP TABLE patient;--",
            "\x00",
            "../../etc/passwd",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)
FIELDS = {
    "/api/v1/patients": ["name", "sex", "birth_date", "id_number", "phone", "address", "allergies"],
    "/api/v1/visits": ["patient_id", "record", "visit_type", "sign", "overrides", "visit_id"],
    "/api/v1/triage": ["complaint", "age", "sex", "vitals", "use_llm"],
    "/api/v1/meds/check": ["patient", "prescriptions", "prescriber"],
    "/api/v1/qc": ["record"],
    "/api/v1/admin/users": ["username", "password", "role", "display_name"],
    "/api/v1/auth/login": ["username", "password"],
    "/api/v1/pair": ["device_name", "public_key", "proof", "fingerprint"],
    "/api/v1/followup/plan": ["patient", "record"],
}
bodies = st.sampled_from(sorted(FIELDS)).flatmap(
    lambda path: st.tuples(
        st.just(path),
        st.fixed_dictionaries({}, optional={k: json_values for k in FIELDS[path]}) | json_values,
    )
)


def _snapshot(lan_box) -> dict[str, int]:
    with lan_box.runtime.store.read() as db:
        names = set(db.table_names())
        return {
            t: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in DATA_TABLES
            if t in names
        }


@pytest.fixture(scope="module")
def admin_transport(lan_box, tmp_path_factory) -> Any:
    from appliance.api._transport import pair_with_box
    from appliance.config import load_settings

    pc = load_settings(tmp_path_factory.mktemp("fuzzpc"))
    box = pair_with_box(pc, "127.0.0.1", lan_box.port, lan_box.new_code(), "fuzz")
    transport = Transport(box)
    login = transport.raw(
        "POST", "/api/v1/auth/login", json_body={"username": "admin", "password": "Admin-pass-123"}
    )
    transport.token = login.json()["token"]
    yield transport
    transport.close()


def _check(response, before: dict[str, int], lan_box) -> None:
    body = response.json()  # always JSON, never a traceback page
    if response.status_code >= 500:
        assert body["error"]["code"] in NOT_INSTALLED, response.text
    if response.status_code >= 400:
        assert (
            set(body) == {"error"} and body["error"]["message_zh"] and body["error"]["message_en"]
        )
        assert "Traceback" not in response.text
        assert _snapshot(lan_box) == before


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=bodies)
def test_fuzzed_json_bodies(lan_box, admin_transport, case) -> None:
    path, body = case
    before = _snapshot(lan_box)
    response = admin_transport.raw("POST", path, json_body=body)
    _check(response, before, lan_box)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(
        ["/api/v1/patients/{}", "/api/v1/visits/{}", "/api/v1/patients/{}/visits"]
    ),
    ident=st.text(min_size=1, max_size=80).map(
        lambda s: s.replace("/", "_").replace("?", "_").replace("#", "_")
    ),
    query=st.text(max_size=120),
    limit=st.one_of(st.integers(), st.text(max_size=6)),
)
def test_fuzzed_paths_and_queries(lan_box, admin_transport, path, ident, query, limit) -> None:
    import urllib.parse

    before = _snapshot(lan_box)
    quoted = urllib.parse.quote(ident, safe="")
    response = admin_transport.raw("GET", path.format(quoted))
    _check(response, before, lan_box)
    response = admin_transport.raw(
        "GET", "/api/v1/patients", params={"query": query, "limit": limit}
    )
    _check(response, before, lan_box)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    raw=st.binary(max_size=300),
    ctype=st.sampled_from(
        ["application/json", "text/plain", "multipart/form-data; boundary=x", ""]
    ),
)
def test_fuzzed_raw_bytes(lan_box, admin_transport, raw, ctype) -> None:
    before = _snapshot(lan_box)
    request = admin_transport.client.build_request(
        "POST", "/api/v1/patients", content=raw, headers={"content-type": ctype} if ctype else {}
    )
    from appliance.api import pairing

    target = request.url.raw_path.decode("ascii")
    request.headers.update(
        pairing.sign_request(
            admin_transport.key, admin_transport.box.device_id, "POST", target, raw
        )
    )
    request.headers["authorization"] = f"Bearer {admin_transport.token}"
    response = admin_transport.client.send(request)
    assert response.status_code < 500, response.text
    _check(response, before, lan_box)
    json.dumps(response.json())
