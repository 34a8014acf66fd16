"""The in-process backend: one resident llama.cpp model (llama-cpp-python).

Not thread-safe by itself: only the scheduler's worker thread calls :meth:`LocalBackend.generate`.
Prefix reuse: llama.cpp keeps the KV cache of the last prompt (a shared system prompt is not
evaluated again), and a RAM cache of saved states lets alternating tasks each find their own
prefix (``llm_prefix_cache_mb``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appliance.llm._template import PromptFormatter

log = logging.getLogger("clinicbox.llm")


@dataclass
class Generation:
    text: str
    finish_reason: str  # stop | length | cancelled
    prompt_tokens: int
    reused_prompt_tokens: int
    completion_tokens: int
    ttft_s: float
    generation_s: float


_PARAMS_LOCK = threading.Lock()


def _extra_buffers_safe(setting: str = "auto") -> bool:
    """Whether llama.cpp may use its extra CPU buffer types (AMX tiles, repacked weights).

    On CPUs with Intel AMX, ggml's AMX matmul runs ``ldtilecfg``; where the kernel or the
    hypervisor has not enabled AMX tile state for the process (containers, some VMs) that
    instruction faults and the whole process dies with SIGSEGV on the first prompt longer than a
    few tokens (seen with the packaged Qwen2.5 Q4_K_M). So on an AMX CPU the plain CPU kernels
    are used unless the ``llm_extra_buffers`` setting is ``on`` (``off`` forces them off).
    """
    if setting in {"on", "off"}:
        return setting == "on"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            return " amx_tile" not in info.read()
    except OSError:
        return True


@contextlib.contextmanager
def _plain_cpu_buffers(active: bool) -> Iterator[None]:
    """While loading a model, ask llama.cpp for plain CPU buffers (``use_extra_bufts=False``).

    llama-cpp-python builds the model parameters from ``llama_model_default_params()`` and has no
    argument for this field, so the default is wrapped for the duration of the load.
    """
    if not active:
        yield
        return
    import llama_cpp.llama_cpp as low

    with _PARAMS_LOCK:
        original = low.llama_model_default_params

        def without_extra_buffers() -> Any:
            params = original()
            params.use_extra_bufts = False
            return params

        low.llama_model_default_params = without_extra_buffers
        try:
            yield
        finally:
            low.llama_model_default_params = original


class LocalBackend:
    kind = "local"

    def __init__(
        self,
        model_path: Path,
        *,
        name: str,
        n_ctx: int,
        n_threads: int,
        n_gpu_layers: int = 0,
        prefix_cache_mb: int = 256,
        use_mmap: bool = True,
        seed: int = 0,
        extra_buffers: str = "auto",
    ) -> None:
        import llama_cpp

        self.name = name
        self.path = model_path
        self.n_threads = n_threads
        self.n_gpu_layers = n_gpu_layers
        with _plain_cpu_buffers(not _extra_buffers_safe(extra_buffers)):
            self.llm = llama_cpp.Llama(
                str(model_path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_gpu_layers=n_gpu_layers,
                use_mmap=use_mmap,
                seed=seed,
                verbose=False,
            )
        self.n_ctx = self.llm.n_ctx()
        self._good_grammars: set[str] = set()
        # Our own prefix cache: llama-cpp-python's LlamaRAMCache copies the whole logits buffer
        # (n_batch x vocab floats, ~300 MB for a 152k vocabulary) with every saved state.
        self.prefix_cache = PrefixCache(prefix_cache_mb << 20) if prefix_cache_mb > 0 else None
        vocab = self.llm._model
        bos, eos = self.llm.token_bos(), self.llm.token_eos()
        self.formatter = PromptFormatter(
            self.llm.metadata.get("tokenizer.chat_template"),
            bos_token=vocab.token_get_text(bos) if bos >= 0 else "",
            eos_token=vocab.token_get_text(eos) if eos >= 0 else "",
        )

    def check_grammar(self, grammar: Any) -> None:
        """Parse ``grammar`` with llama.cpp once; a bad one raises instead of crashing the
        sampler (llama-cpp-python 0.3.36 dereferences the NULL a failed parse returns)."""
        import llama_cpp

        from appliance.errors import LLMSchemaError

        text = grammar._grammar
        if text in self._good_grammars:
            return
        sampler = llama_cpp.llama_sampler_init_grammar(
            self.llm._model.vocab,
            text.encode("utf-8"),
            grammar._root.encode("utf-8"),
        )
        if not sampler:
            raise LLMSchemaError(
                "无法把该 JSON Schema 转成 llama.cpp 语法（例如 pattern 中的 \\. 请写成 [.]）。",
                "llama.cpp cannot parse the grammar made from this schema (e.g. write \\. in a pattern as [.]).",
            )
        llama_cpp.llama_sampler_free(sampler)
        self._good_grammars.add(text)

    @property
    def reasoning(self) -> bool:
        return self.formatter.reasoning

    def prompt_tokens(self, messages: Sequence[dict[str, Any]], *, no_think: bool) -> list[int]:
        prompt = self.formatter.render(messages, no_think=no_think)
        tokens: list[int] = self.llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        return tokens

    def _reusable_prefix(self, tokens: list[int]) -> int:
        """Prompt tokens whose KV is already in the context or in the prefix cache."""
        internal = _common_prefix(self.llm._input_ids.tolist(), tokens)
        cached = self.prefix_cache.best(tokens)[1] if self.prefix_cache is not None else 0
        return max(0, min(max(internal, cached), len(tokens) - 1))

    def _restore_prefix(self, tokens: list[int]) -> None:
        """Load the cached state sharing the longest prefix with ``tokens`` when it beats what
        the context already holds (e.g. triage's system prompt after an assistant chat)."""
        import ctypes

        import llama_cpp

        if self.prefix_cache is None:
            return
        key, n = self.prefix_cache.best(tokens)
        llm = self.llm
        if key is None or n <= _common_prefix(llm._input_ids.tolist(), tokens) + 8:
            return
        data = self.prefix_cache.states[key]
        buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        if llama_cpp.llama_state_set_data(llm._ctx.ctx, buf, len(data)) != len(data):
            self.prefix_cache.drop(key)
            llm.n_tokens = 0  # unknown state: start afresh
            return
        llm.input_ids[: len(key)] = key
        llm.n_tokens = len(key)
        llm._requires_eval = True

    def _save_prefix(self) -> None:
        import ctypes

        import llama_cpp

        llm = self.llm
        if self.prefix_cache is None or llm.n_tokens < 32:
            return
        ctx = llm._ctx.ctx
        size = llama_cpp.llama_state_get_size(ctx)
        buf = (ctypes.c_uint8 * int(size))()
        n = llama_cpp.llama_state_get_data(ctx, buf, size)
        key = tuple(int(t) for t in llm.input_ids[: llm.n_tokens])
        self.prefix_cache.put(key, bytes(buf[: int(n)]))

    def generate(
        self,
        tokens: list[int],
        *,
        max_tokens: int,
        grammar: Any = None,
        temperature: float = 0.2,
        stop: Sequence[str] = (),
        should_stop: Callable[[], bool] = lambda: False,
        on_text: Callable[[str], None] = lambda _t: None,
    ) -> Generation:
        import llama_cpp

        if grammar is not None:
            self.check_grammar(grammar)
        reused = self._reusable_prefix(tokens)
        started = time.perf_counter()
        self._restore_prefix(tokens)
        first_token_at: list[float] = []
        stopped = [False]

        def stopping(_ids: Any, _logits: Any) -> bool:
            if not first_token_at:
                first_token_at.append(time.perf_counter())
            count[0] += 1
            if should_stop():
                stopped[0] = True
                return True
            return False

        count = [0]
        parts: list[str] = []
        finish = "length"
        stream = self.llm.create_completion(
            tokens,
            max_tokens=max_tokens,
            temperature=temperature,
            top_p=0.95,
            repeat_penalty=1.05,
            stop=list(stop),
            grammar=grammar,
            stream=True,
            stopping_criteria=llama_cpp.StoppingCriteriaList([stopping]),
        )
        for chunk in stream:
            choice: Any = chunk["choices"][0]  # type: ignore[index]
            text = str(choice["text"] or "")
            if text:
                parts.append(text)
                on_text(text)
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
        ended = time.perf_counter()
        if not stopped[0]:
            self._save_prefix()
        ttft = (first_token_at[0] - started) if first_token_at else ended - started
        gen_s = (ended - first_token_at[0]) if first_token_at else 0.0
        return Generation(
            text="".join(parts),
            finish_reason="cancelled" if stopped[0] else finish,
            prompt_tokens=len(tokens),
            reused_prompt_tokens=max(reused, 0),
            completion_tokens=count[0],
            ttft_s=ttft,
            generation_s=gen_s,
        )

    def close(self) -> None:
        llm = getattr(self, "llm", None)
        if llm is not None:
            llm.close()


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class PrefixCache:
    """LRU of llama.cpp context states (KV of the used cells only) keyed by their tokens."""

    def __init__(self, capacity_bytes: int) -> None:
        self.capacity = capacity_bytes
        self.states: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self.size = 0

    def best(self, tokens: Sequence[int]) -> tuple[tuple[int, ...] | None, int]:
        best_key, best_n = None, 0
        for key in self.states:
            n = _common_prefix(key, tokens)
            if n > best_n:
                best_key, best_n = key, n
        if best_key is not None:
            self.states.move_to_end(best_key)
        return best_key, best_n

    def put(self, key: tuple[int, ...], data: bytes) -> None:
        if len(data) > self.capacity:
            return
        self.drop(key)
        # a state whose tokens extend another's supersedes it (same prefix, more reuse)
        for old in [k for k in self.states if _common_prefix(k, key) == len(k)]:
            self.drop(old)
        self.states[key] = data
        self.size += len(data)
        while self.size > self.capacity and self.states:
            _k, dropped = self.states.popitem(last=False)
            self.size -= len(dropped)

    def drop(self, key: tuple[int, ...]) -> None:
        data = self.states.pop(key, None)
        if data is not None:
            self.size -= len(data)
