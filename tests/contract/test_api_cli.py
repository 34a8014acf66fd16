"""CLI contracts of the LAN commands: clear zh/en errors, never a traceback."""

from __future__ import annotations

import socket


def test_serve_on_a_busy_port_says_so(lan_box, cli, monkeypatch) -> None:
    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(lan_box.settings.data_dir))
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "test-passphrase")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = cli("serve", "--host", "127.0.0.1", "--port", str(port), "--no-mdns", "--json")
    assert result.rc != 0
    err = result.error()
    assert err["code"] == "config" and str(port) in err["message"]
    assert "Traceback" not in result.err


def test_serve_without_a_store_explains_what_to_do(cli) -> None:
    result = cli("serve", "--port", "0", "--no-mdns", "--json")
    assert result.rc != 0
    assert result.error()["code"] == "store_missing", result.error()  # the data dir is empty
    assert "clinicbox init" in result.error()["message"]  # and says what to run


def test_pair_with_a_malformed_target_and_without_a_box(cli, monkeypatch) -> None:
    result = cli("pair", "--json", "--code", "AAAAA-AAAAA", "--connect", "no-port-here")
    assert result.rc == 2 and result.error()["code"] == "bad_input"
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = cli("pair", "--json", "--code", "AAAAA-AAAAA", "--connect", f"127.0.0.1:{port}")
    assert result.rc != 0 and result.error()["code"] == "server_unreachable"
    # no box on the LAN: a service type of its own, as other test processes advertise boxes
    # on 127.0.0.1 under the real one
    import secrets

    import appliance.api.discovery as discovery

    monkeypatch.setattr(discovery, "SERVICE_TYPE", f"_cbx{secrets.token_hex(4)}._tcp.local.")
    monkeypatch.setenv("CLINICBOX_MDNS_INTERFACES", "127.0.0.1")
    result = cli("--lang", "en", "pair", "--json", "--code", "AAAAA-AAAAA", "--timeout", "0.3")
    assert result.rc != 0 and result.error()["code"] == "server_unreachable"
    assert "No clinic box" in result.error()["message"]


def test_tui_connect_without_pairing_asks_to_pair(cli) -> None:
    from appliance.api.client import connect
    from appliance.config import load_settings
    from appliance.errors import DeviceNotPaired

    try:
        connect(load_settings(None), "auto")
    except DeviceNotPaired as exc:
        assert "clinicbox pair" in exc.message("zh")
    else:  # pragma: no cover - would mean a paired box leaked into the test's data dir
        raise AssertionError("expected DeviceNotPaired")


def test_lan_commands_have_bilingual_help(cli) -> None:
    for args in (
        ["serve"],
        ["discover"],
        ["pair"],
        ["devices", "list"],
        ["audit", "alerts"],
        ["bench", "lan"],
    ):
        zh = cli(*args, "--help")
        en = cli("--lang", "en", *args, "--help")
        assert zh.rc == 0 and en.rc == 0
        assert zh.out != en.out
