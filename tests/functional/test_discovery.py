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
    monkeypatch.setenv("CLINICBOX_MDNS_INTERFACES", "127.0.0.1")
    result = cli("discover", "--json", "--timeout", "0.5")
    assert result.rc == 0
    assert all(set(b) == {"name", "host", "port", "fingerprint"} for b in result.json())
    if not result.json():
        human = cli("discover", "--timeout", "0.5")
        assert "没有找到诊所服务器" in human.out
