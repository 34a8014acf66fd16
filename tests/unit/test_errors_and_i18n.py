from __future__ import annotations

import pytest

from appliance.errors import ClinicBoxError, InputError, InternalError
from appliance.i18n import normalize_lang, set_lang, t


def test_error_messages_in_both_languages():
    e = InputError("输入错误", "Bad input", hint_zh="请重试。", hint_en="Try again.")
    assert e.message("zh") == "输入错误。请重试。"
    assert e.message("en") == "Bad input. Try again."
    assert e.to_dict("en") == {"error": {"code": "bad_input", "message": "Bad input. Try again."}}
    assert e.exit_code == 2


def test_current_language_drives_default():
    set_lang("en")
    assert InputError().message() == "The input is not valid."
    set_lang("zh")
    assert InputError().message() == "输入内容无效。"


def test_internal_error_carries_only_reference():
    e = InternalError("abc123")
    assert "abc123" in e.message("zh") and "abc123" in e.message("en")
    assert e.exit_code == 70


def test_every_error_subclass_has_code_and_both_texts():
    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    for cls in walk(ClinicBoxError):
        if cls is InternalError:
            continue
        err = cls()
        assert cls.code and cls.code != "internal", cls
        assert err.message("zh") and err.message("en"), cls
        assert err.message("zh") != err.message("en"), cls


@pytest.mark.parametrize(
    ("raw", "lang"),
    [("en_US.UTF-8", "en"), ("EN", "en"), ("zh_CN", "zh"), (None, "zh"), ("fr", "zh")],
)
def test_normalize_lang(raw, lang):
    assert normalize_lang(raw) == lang


def test_t_picks_language():
    assert t("中", "en", "en") == "en"
    assert t("中", "en", "zh") == "中"
