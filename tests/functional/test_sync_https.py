"""The real thing end to end: a hub over HTTPS on 127.0.0.1, a clinic with the real encrypted
store, enrolment with a pinned certificate, a resumable upload of a large bundle, mentor advice
through the web page, and the CLI's status."""

from __future__ import annotations

import ssl

import httpx
import pytest

from appliance.errors import HubRequestRejected, HubUnavailable
from sync import outbox
from sync.clinic import enrol, open_agent
from sync.keys import box_keys
from sync.synthetic import corpus


def test_enrol_refer_reply_over_https(https_hub, store, store_settings):
    data_dir = store_settings.data_dir
    token = https_hub.service.create_enrol_token("测试乡镇卫生院")
    with pytest.raises(HubRequestRejected):
        enrol(store, data_dir, https_hub.url, token, "00" * 32)  # wrong fingerprint: stop
    info = enrol(store, data_dir, https_hub.url, token, https_hub.fingerprint)
    assert info["clinic_id"].startswith("c_")

    keys = box_keys(data_dir)
    cases = corpus(2, seed=9)
    big = dict(cases[1].record, auxiliary_exams="超声所见：" + "肝脏形态正常，" * 40000)
    for i, (case, record) in enumerate([(cases[0], cases[0].record), (cases[1], big)]):
        outbox.record_consent(store, f"p{i}", True, "admin")
        outbox.queue_case(
            store,
            keys,
            case_id=f"v{i}",
            version=1,
            patient_id=f"p{i}",
            patient=case.patient,
            record=record,
            question="请指导用药",
        )
    agent, transport = open_agent(store, data_dir)
    transport.chunk = 64 * 1024
    try:
        # interrupt the large upload after two chunks, then resume from the hub's offset
        sent = {"n": 0}
        real_call = transport._call

        def flaky(method, path, **kw):
            if method == "PUT":
                sent["n"] += 1
                if sent["n"] == 3:
                    raise HubUnavailable()
            return real_call(method, path, **kw)

        transport._call = flaky
        first = agent.run_once()
        assert first.uploaded == 1 and first.remaining == 1  # the small one went first
        assert outbox.pending(store)[0]["upload_id"]  # resumption point kept in the store
        transport._call = real_call
        second = agent.run_once()
        assert second.uploaded == 1 and second.remaining == 0
        assert sent["n"] < 40  # resumed, not restarted from zero

        https_hub.service.add_mentor("li", "Mentor-pass-9", "李主任")
        cases_on_hub = https_hub.service.list_cases()
        assert {c["case_id"] for c in cases_on_hub} == {"v0", "v1"}
        ca = ssl.create_default_context(cafile=str(https_hub.service.dir / "tls" / "hub-cert.pem"))
        with httpx.Client(verify=ca, auth=("li", "Mentor-pass-9")) as web:
            page = web.get(f"{https_hub.url}/mentor")
            assert page.status_code == 200 and "v0" in page.text
            assert cases[0].patient["name"] not in page.text
            c = cases_on_hub[0]
            r = web.post(
                f"{https_hub.url}/mentor/{c['clinic_id']}/{c['case_id']}/{c['version']}",
                data={"advice": "建议加用二甲双胍并两周后复查"},
                follow_redirects=True,
            )
            assert r.status_code == 200 and "二甲双胍" in r.text
            assert web.get(f"{https_hub.url}/mentor", auth=("li", "wrong")).status_code == 403
        assert agent.run_once().replies == 1
        got = outbox.replies(store)
        assert got[0]["patient_id"] == f"p{c['case_id'][-1]}" and "二甲双胍" in got[0]["advice"]
    finally:
        transport.close()


def test_sync_status_cli(cli, store_env):
    r = cli("sync", "status", "--json")
    assert r.rc == 0, r.err
    assert r.json()["enrolled"] is False and r.json()["pending"] == 0
    r = cli("sync", "run", "--once", "--json")
    assert r.rc != 0 and r.error()["code"] == "not_enrolled"


def test_small_bundles_go_in_batches_over_https(https_hub, store, store_settings):
    data_dir = store_settings.data_dir
    enrol(
        store,
        data_dir,
        https_hub.url,
        https_hub.service.create_enrol_token("b"),
        https_hub.fingerprint,
    )
    keys = box_keys(data_dir)
    case = corpus(1, seed=2)[0]
    for i in range(7):
        outbox.queue_case(
            store,
            keys,
            case_id=f"s{i}",
            version=1,
            patient_id="p",
            patient=case.patient,
            record=case.record,
            question="?",
            check_consent=False,
        )
    agent, transport = open_agent(store, data_dir)
    agent.batch_items = 3
    calls = []
    real = transport.upload_batch
    transport.upload_batch = lambda blobs: calls.append(len(blobs)) or real(blobs)
    try:
        result = agent.run_once()
    finally:
        transport.close()
    assert result.uploaded == 7 and calls == [3, 3]  # 3 + 3 batched, the last one alone
    assert len(https_hub.service.list_cases()) == 7


def test_hub_http_refuses_tampered_and_unauthenticated(https_hub, tmp_path):
    from sync.keys import KeyPair

    keys = KeyPair.generate()
    creds = https_hub.service.enrol(https_hub.service.create_enrol_token("t"), **keys.public())
    ca = ssl.create_default_context(cafile=str(https_hub.service.dir / "tls" / "hub-cert.pem"))
    with httpx.Client(base_url=https_hub.url, verify=ca) as client:
        assert client.post("/v1/bundles", content=b"{}").status_code == 403
        auth = {"Authorization": f"Bearer {creds['api_token']}"}
        r = client.post("/v1/bundles", content=b'{"v":1,"h":{"sender":"x"}}', headers=auth)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bundle_rejected"
        forged = KeyPair.generate()  # right format and recipient, wrong signer
        from sync.bundle import Header, seal_bundle
        from sync.keys import unb64

        blob = seal_bundle(
            Header(sender=creds["clinic_id"], kind="case", case_id="f", version=1),
            {"x": 1},
            forged,
            unb64(creds["hub_enc_key"]),
        )
        r = client.post("/v1/bundles", content=blob, headers=auth)
        assert r.status_code == 400 and r.json()["error"]["details"]["reason"] == "signature"
        assert "签名" in r.json()["error"]["message"]
        r = client.post("/v1/bundles/batch", json={"bundles": [blob.decode()]}, headers=auth)
        assert r.json()["receipts"][0]["status"] == "rejected"
    assert https_hub.service.list_cases() == []


def test_encrypted_clinic_store_to_postgres_hub_over_https_and_back(
    https_pg_hub, store, store_settings, fresh_pg_database
):
    """The full stack at once: the clinic's SQLCipher store → its agent over HTTPS with a
    pinned certificate → the hub on PostgreSQL → the mentor's advice over HTTPS → back into
    the encrypted store, where the doctor sees it for the right patient."""
    import psycopg

    data_dir = store_settings.data_dir
    db_file = next(data_dir.glob("clinic.db"))
    assert not db_file.read_bytes()[:16].startswith(b"SQLite format 3")  # encrypted at rest
    hub = https_pg_hub.service
    info = enrol(
        store,
        data_dir,
        https_pg_hub.url,
        hub.create_enrol_token("青山镇卫生院"),
        https_pg_hub.fingerprint,
    )
    case = corpus(1, seed=5)[0]
    name = case.patient["name"]
    outbox.record_consent(store, "pg1", True, "admin")
    outbox.queue_case(
        store,
        box_keys(data_dir),
        case_id="pgv1",
        version=1,
        patient_id="pg1",
        patient=case.patient,
        record=case.record,
        question="血压控制不佳，请指导用药",
    )
    agent, transport = open_agent(store, data_dir)
    try:
        sent = agent.run_once()
        assert sent.uploaded == 1 and sent.remaining == 0
        assert outbox.pending(store) == []

        # on the hub: the case is in PostgreSQL, de-identified
        [on_hub] = hub.list_cases()
        assert (on_hub["clinic_id"], on_hub["case_id"]) == (info["clinic_id"], "pgv1")
        assert on_hub["question"] == "血压控制不佳，请指导用药"
        with psycopg.connect(fresh_pg_database) as conn:
            payload = conn.execute("SELECT payload FROM cases WHERE case_id = 'pgv1'").fetchone()[0]
        assert name not in payload and case.patient["id_number"] not in payload

        # the mentor answers through the hub's HTTPS page
        hub.add_mentor("wang", "Mentor-pass-9", "王主任")
        ca = ssl.create_default_context(cafile=str(hub.dir / "tls" / "hub-cert.pem"))
        with httpx.Client(verify=ca, auth=("wang", "Mentor-pass-9")) as web:
            r = web.post(
                f"{https_pg_hub.url}/mentor/{info['clinic_id']}/pgv1/1",
                data={"advice": "建议氨氯地平加量至10mg，两周后复诊"},
                follow_redirects=True,
            )
            assert r.status_code == 200 and "氨氯地平" in r.text
        with psycopg.connect(fresh_pg_database) as conn:
            status = conn.execute("SELECT status FROM cases WHERE case_id = 'pgv1'").fetchone()[0]
        assert status == "reviewed"

        # back at the clinic: the reply arrives over HTTPS into the encrypted store
        back = agent.run_once()
        assert back.replies == 1
        [reply] = outbox.replies(store)
        assert reply["patient_id"] == "pg1" and "氨氯地平加量" in reply["advice"]
        assert agent.run_once().replies == 0  # once only
    finally:
        transport.close()
    for part in data_dir.glob("clinic.db*"):  # the advice is encrypted at rest too (WAL included)
        assert "氨氯地平加量".encode() not in part.read_bytes(), part.name
