"""The packaged model must not crash on CPUs whose AMX tiles the OS has not enabled.

ggml's AMX matmul faults (SIGSEGV in ``ldtilecfg``) inside containers and some VMs; the box
loads models with plain CPU buffers on AMX CPUs unless the admin turns extra buffers on.
"""

from __future__ import annotations

import pytest

from appliance.llm import _local


def test_setting_on_and_off_win_over_detection() -> None:
    assert _local._extra_buffers_safe("on") is True
    assert _local._extra_buffers_safe("off") is False


def test_auto_follows_the_cpu_amx_flag(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import builtins

    real_open = builtins.open

    def fake_cpuinfo(flags: str):
        def opener(path, *args, **kwargs):
            if str(path) == "/proc/cpuinfo":
                target = tmp_path / "cpuinfo"
                target.write_text(f"flags\t\t: fpu avx2{flags}\n")
                return real_open(target, *args, **kwargs)
            return real_open(path, *args, **kwargs)

        return opener

    monkeypatch.setattr(builtins, "open", fake_cpuinfo(" amx_tile amx_int8"))
    assert _local._extra_buffers_safe("auto") is False
    monkeypatch.setattr(builtins, "open", fake_cpuinfo(""))
    assert _local._extra_buffers_safe("auto") is True


def test_plain_buffers_only_while_loading() -> None:
    import llama_cpp.llama_cpp as low

    assert low.llama_model_default_params().use_extra_bufts is True
    with _local._plain_cpu_buffers(True):
        assert low.llama_model_default_params().use_extra_bufts is False
    assert low.llama_model_default_params().use_extra_bufts is True
    with _local._plain_cpu_buffers(False):
        assert low.llama_model_default_params().use_extra_bufts is True


def test_tiny_model_loads_and_generates_with_plain_buffers(tiny_gguf) -> None:
    backend = _local.LocalBackend(
        tiny_gguf, name="tiny", n_ctx=256, n_threads=1, prefix_cache_mb=0, extra_buffers="off"
    )
    tokens = backend.prompt_tokens([{"role": "user", "content": "头痛三天" * 8}], no_think=True)
    out = backend.generate(tokens, max_tokens=4)
    assert out.prompt_tokens == len(tokens) and out.completion_tokens >= 1
