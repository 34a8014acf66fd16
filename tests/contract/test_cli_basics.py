"""The CLI's universal contract: version, bilingual help, clean usage errors, JSON errors."""

from __future__ import annotations

import pytest

from appliance import __version__


def test_version(cli):
    r = cli("--version")
    assert r.rc == 0
    assert __version__ in r.out


def test_help_is_chinese_by_default(cli):
    r = cli("--help")
    assert r.rc == 0
    assert "用法" in r.out and "选项" in r.out
    assert "Show this message" not in r.out


def test_help_in_english(cli):
    r = cli("--lang", "en", "--help")
    assert r.rc == 0
    assert "Usage:" in r.out and "Options" in r.out
    assert "用法" not in r.out


def test_help_language_from_env(cli, monkeypatch):
    monkeypatch.setenv("CLINICBOX_LANG", "en")
    assert "Usage:" in cli("--help").out


@pytest.mark.parametrize("args", [("--no-such-option",), ("no-such-command",)])
def test_usage_error_exit_2_no_traceback(cli, args):
    r = cli(*args)
    assert r.rc == 2
    assert "Traceback" not in r.err
    assert r.err.startswith("错误：")
    assert "--help" in r.err


def test_usage_error_json_on_stderr(cli):
    r = cli("--json", "--no-such-option")
    assert r.rc == 2
    err = r.error()
    assert err["code"] == "usage"
    assert "没有这个选项" in err["message"]
    assert r.out == ""


def test_usage_error_english(cli):
    r = cli("--lang", "en", "--json", "no-such-command")
    assert r.rc == 2
    assert "No such command" in r.error()["message"]


def test_subprocess_entry_point(cli_proc):
    r = cli_proc("--version")
    assert r.rc == 0 and __version__ in r.out
    r = cli_proc("--bogus")
    assert r.rc == 2 and "Traceback" not in r.err


def test_invalid_option_values_are_explained_in_chinese(cli):
    r = cli("followup", "due", "--within", "9999")
    assert r.rc == 2
    assert "9999 不在 0 到 365 之间" in r.err and "is not in the range" not in r.err
    r = cli("followup", "due", "--within", "abc")
    assert r.rc == 2 and "不是有效的整数" in r.err
    r = cli("--lang", "en", "followup", "due", "--within", "abc")
    assert r.rc == 2 and "is not a valid integer" in r.err
