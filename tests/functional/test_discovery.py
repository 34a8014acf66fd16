"""mDNS on 127.0.0.1: the box advertises itself and its fingerprint; ``clinicbox discover`` finds it."""

from __future__ import annotations

from pathlib import Path

from appliance.api.discovery import Advertiser, discover, txt_properties
from appliance.config import load_settings


def test_discover_finds_the_box_and_its_fingerprint_and_nothing_else(
    tmp_path: Path, cli, monkeypatch
) -> None:
    settings = load_settings(tmp_path / "box", mdns_interfaces="127.0.0.1")
    fp = "3f" * 32
    with Advertiser(
        settings, clinic_name="青山镇卫生院", fingerprint=fp, host="127.0.0.1", port=18443
    ) as adv:
        # the TXT record carries exactly the clinic name, API version and fingerprint
        published = {k.decode(): (v or b"").decode() for k, v in adv.info.properties.items()}
        assert published == txt_properties("青山镇卫生院", fp)
        assert set(published) == {"txtvers", "name", "api", "fp"}

        # (filter by our fingerprint: another test process may advertise a box on 127.0.0.1 too)
        found = [b for b in discover(settings, timeout=3) if b.fingerprint == fp]
        assert [(b.name, b.host, b.port, b.fingerprint) for b in found] == [
            ("青山镇卫生院", "127.0.0.1", 18443, fp)
        ]

        monkeypatch.setenv("CLINICBOX_MDNS_INTERFACES", "127.0.0.1")
        result = cli("discover", "--json", "--timeout", "3")
        assert result.rc == 0, result.err
        assert [b for b in result.json() if b["fingerprint"] == fp] == [
            {"name": "青山镇卫生院", "host": "127.0.0.1", "port": 18443, "fingerprint": fp}
        ]


def test_discover_without_a_box_says_so(cli, monkeypatch) -> None:
    """No box of this service type on the LAN: an empty JSON list, and the plain output says
    so. (A service type of its own: other test processes advertise boxes on 127.0.0.1.)"""
    import secrets

    import appliance.api.discovery as discovery

    monkeypatch.setattr(discovery, "SERVICE_TYPE", f"_cbx{secrets.token_hex(4)}._tcp.local.")
    monkeypatch.setenv("CLINICBOX_MDNS_INTERFACES", "127.0.0.1")
    result = cli("discover", "--json", "--timeout", "0.5")
    assert result.rc == 0, result.err
    assert result.json() == []
    human = cli("discover", "--timeout", "0.5")
    assert human.rc == 0 and "没有找到诊所服务器" in human.out


def test_served_box_is_advertised_and_a_moved_box_is_found_again_by_fingerprint(
    lan_box, tmp_path
) -> None:
    """``clinicbox serve`` advertises itself; ``--connect auto`` finds the paired box again
    over mDNS (by its pinned fingerprint) after its address changed."""
    from appliance.api._transport import load_paired, pair_with_box, save_paired
    from appliance.api.client import connect
    from appliance.api.server import ApiServer

    server = ApiServer(lan_box.settings, lan_box.runtime, host="127.0.0.1", port=0, advertise=True)
    server.start()
    try:
        found = [b for b in discover(lan_box.settings, timeout=3) if b.port == server.port]
        assert [(b.name, b.fingerprint) for b in found] == [("青山镇卫生院", server.fingerprint)]

        pc = load_settings(tmp_path / "pc", mdns_interfaces="127.0.0.1")
        box = pair_with_box(pc, "127.0.0.1", server.port, lan_box.new_code(), "诊室二")
        box.port = lan_box.port + 1 if lan_box.port + 1 != server.port else lan_box.port + 2
        save_paired(pc, box)  # as if the box had moved
        service = connect(pc, "auto", timeout=3)
        try:
            assert service.box.port == server.port
            assert service.info()["clinic_name"] == "青山镇卫生院"
        finally:
            service.close()
        assert load_paired(pc).port == server.port  # remembered for next time
    finally:
        server.stop()
