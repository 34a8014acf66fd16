from __future__ import annotations

import pytest

from appliance.config import load_settings
from appliance.errors import ConfigError


def test_defaults_live_in_data_dir(tmp_path):
    s = load_settings(tmp_path)
    assert s.data_dir == tmp_path
    assert s.resolved("models_dir") == tmp_path / "models"
    assert s.resolved("log_file") == tmp_path / "logs" / "clinicbox.log"
    assert s.lang == "zh"


def test_toml_file_then_env_then_arguments(tmp_path, monkeypatch):
    (tmp_path / "clinicbox.toml").write_text('lang = "en"\nllm_ctx = 2048\napi_port = 9000\n')
    s = load_settings(tmp_path)
    assert (s.lang, s.llm_ctx, s.api_port) == ("en", 2048, 9000)
    monkeypatch.setenv("CLINICBOX_LLM_CTX", "8192")
    s = load_settings(tmp_path)
    assert s.llm_ctx == 8192 and s.lang == "en"
    s = load_settings(tmp_path, llm_ctx=1024)
    assert s.llm_ctx == 1024


def test_invalid_value_is_a_clear_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINICBOX_API_PORT", "not-a-port")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert "api_port" in info.value.message("en")
    assert "CLINICBOX_" in info.value.message("zh")


def test_passphrase_is_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINICBOX_PASSPHRASE", "s3cret-pass")
    s = load_settings(tmp_path)
    assert s.passphrase is not None and s.passphrase.get_secret_value() == "s3cret-pass"
    assert "s3cret-pass" not in repr(s)
