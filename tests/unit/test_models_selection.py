"""Hardware-aware selection with made-up hardware: model, context, threads, GPU layers, why."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.config import load_settings
from appliance.errors import ModelNotInstalled
from models.catalog import get_entry, load_catalog
from models.hardware import GPU, Hardware
from models.selection import Candidate, plan_from

R1 = get_entry("deepseek-r1-distill-qwen-7b-q4_k_m")
Q15 = get_entry("qwen2.5-coder-1.5b-instruct-q4_k_m")
TINY = get_entry("tiny-r1-qwen2-test")


def cand(entry, n_layers, kv_per_token):
    return Candidate(
        entry.name,
        Path(entry.file),
        entry,
        entry.size or 25 << 20,
        n_layers,
        kv_per_token,
        entry.ctx_train,
    )


SEVEN_B = cand(R1, 28, 28 * 2 * 512 * 2)  # 57 KiB per token (GQA 4 kv heads x 128)
ONE_5B = cand(Q15, 28, 28 * 2 * 256 * 2)
TEST = cand(TINY, 2, 2 * 2 * 32 * 2)


def hw(ram_gb, cores=2, gpus=(), flags=("avx2", "avx512f")):
    return Hardware(
        arch="x86_64", cpu_model="test", logical_cores=cores, physical_cores=cores,
        flags=list(flags), ram_total_mb=ram_gb * 1024, ram_available_mb=ram_gb * 900,
        disk_free_mb=100_000, gpus=list(gpus), gpu_offload_supported=bool(gpus),
    )  # fmt: skip


@pytest.fixture
def settings(tmp_path):
    return load_settings(tmp_path)


def test_8gb_cpu_box_runs_the_7b_with_full_context(settings):
    p = plan_from([ONE_5B, SEVEN_B], None, hw(8), settings)
    assert p.name == R1.name and p.ctx == 4096 and p.gpu_layers == 0 and p.threads == 2
    assert not p.use_mmap
    assert any("No usable GPU" in en for _zh, en in p.reasons)


def test_6gb_box_falls_back_to_the_1_5b(settings):
    p = plan_from([ONE_5B, SEVEN_B], None, hw(6), settings)
    assert p.name == Q15.name
    assert [c["model"] for c in p.considered] == [R1.name, Q15.name]
    assert p.considered[0]["fits"] is False


def test_gpu_with_enough_vram_takes_every_layer(settings):
    p = plan_from(
        [SEVEN_B], None, hw(16, cores=8, gpus=[GPU("nvidia", "RTX 3060", 12288)]), settings
    )
    assert p.gpu_layers == -1 and p.threads == 8 and p.use_mmap


def test_small_gpu_gets_part_of_the_layers(settings):
    p = plan_from([SEVEN_B], None, hw(16, gpus=[GPU("nvidia", "GTX 1650", 4096)]), settings)
    assert 0 < p.gpu_layers < 28
    assert any("holds" in en for _zh, en in p.reasons)


def test_tight_ram_shrinks_the_context(tmp_path):
    s = load_settings(tmp_path, llm_ctx=32768)
    p = plan_from([SEVEN_B], None, hw(8), s)
    assert 1024 <= p.ctx < 32768


def test_test_models_are_never_chosen_automatically(settings):
    with pytest.raises(ModelNotInstalled) as info:
        plan_from([TEST], None, hw(8), settings)
    assert info.value.code == "model_missing"
    assert plan_from([TEST], TEST, hw(8), settings).name == TINY.name


def test_settings_override_threads_and_gpu_layers(tmp_path):
    s = load_settings(tmp_path, llm_threads=3, llm_gpu_layers=10)
    p = plan_from([ONE_5B], None, hw(8, gpus=[GPU("amd", "card0", 8192)]), s)
    assert (p.threads, p.gpu_layers) == (3, 10)
    assert len(p.explain("zh")) == len(p.explain("en")) == len(p.reasons)


def test_catalog_rows_are_complete():
    names = [e.name for e in load_catalog()]
    assert len(names) == len(set(names))
    for e in load_catalog():
        assert e.role in ("chat", "reasoning", "base", "test", "embedding", "speech")
        assert e.license and e.sources and e.min_ram_mb > 0
        if e.sha256:
            assert len(e.sha256) == 64 and e.size > 0
    assert R1.size == 4_683_073_248 and R1.tensors == 339
    assert Q15.packages is not None and len(Q15.packages.requirements()) == 22


def test_gpu_without_a_gpu_build_of_llama_cpp_is_explained(settings):
    box = hw(16, gpus=[GPU("nvidia", "RTX 4060", 8192)])
    box.gpu_offload_supported = False
    p = plan_from([SEVEN_B], None, box, settings)
    assert p.gpu_layers == 0
    assert any("GGML_CUDA" in en for _zh, en in p.reasons)
