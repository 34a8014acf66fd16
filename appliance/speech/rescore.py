"""N-best rescoring: Whisper's beam keeps several hypotheses; a clinical-text prior picks one.

Whisper base's beam often holds the right words one or two places down ("双肺" under "双费").
With ``DecodeOptions.nbest`` > 1 every beam-search call of the decoder returns that many
hypotheses, and :class:`RescoringModel` reorders them by

    acoustic score (Whisper's length-normalised log probability per token)
    + ``weight`` × prior (mean log probability per Chinese character under :class:`CharLM`)

so faster-whisper's own segmenting, thresholds and fallback then read the chosen one first. The
acoustic score kept with the hypothesis is its own (fallback thresholds stay acoustic).

The prior is a character trigram model (interpolated absolute discounting) of the product's own
text: the speech lexicon and expanded phrase templates, the formulary and ICD-10 names, the
condition, triage and QC catalogs and the knowledge-base documents under
``appliance/knowledge`` — never dictation sets. Text is made Simplified first, so a hypothesis
in traditional characters is judged by its words, not its script.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_SUFFIXES = (".md", ".toml", ".csv")
#: absolute discount of the trigram and bigram estimates
DISCOUNT = 0.75
_BOS = "^"


class CharLM:
    """Character trigram model with interpolated absolute discounting over a fixed text."""

    def __init__(self, runs: Iterable[str]) -> None:
        self.uni: Counter[str] = Counter()
        self.bi: Counter[str] = Counter()
        self.tri: Counter[str] = Counter()
        for run in runs:
            chars = _BOS * 2 + run
            self.uni.update(run)
            self.bi.update(chars[i : i + 2] for i in range(1, len(chars) - 1))
            self.tri.update(chars[i : i + 3] for i in range(len(chars) - 2))
        self.total = sum(self.uni.values())
        self.vocab = len(self.uni) + 1
        self.ctx1: Counter[str] = Counter()  # count of bigrams starting with c
        self.fan1: Counter[str] = Counter()  # distinct followers of c
        for pair, count in self.bi.items():
            self.ctx1[pair[0]] += count
            self.fan1[pair[0]] += 1
        self.ctx2: Counter[str] = Counter()
        self.fan2: Counter[str] = Counter()
        for triple, count in self.tri.items():
            self.ctx2[triple[:2]] += count
            self.fan2[triple[:2]] += 1

    def _p_uni(self, char: str) -> float:
        return (self.uni[char] + 0.5) / (self.total + 0.5 * self.vocab)

    def _p_bi(self, prev: str, char: str) -> float:
        lower = self._p_uni(char)
        seen = self.ctx1[prev]
        if not seen:
            return lower
        found = max(self.bi[prev + char] - DISCOUNT, 0.0) / seen
        return found + DISCOUNT * self.fan1[prev] / seen * lower

    def _p_tri(self, history: str, char: str) -> float:
        lower = self._p_bi(history[1], char)
        seen = self.ctx2[history]
        if not seen:
            return lower
        found = max(self.tri[history + char] - DISCOUNT, 0.0) / seen
        return found + DISCOUNT * self.fan2[history] / seen * lower

    def logprob(self, text: str) -> float:
        """Total natural-log probability of the Chinese characters of ``text`` (each run of
        them starts afresh)."""
        total = 0.0
        for run in _HAN_RUN.findall(text):
            chars = _BOS * 2 + run
            for i in range(2, len(chars)):
                total += math.log(self._p_tri(chars[i - 2 : i], chars[i]))
        return total

    def mean_logprob(self, text: str) -> float | None:
        """Mean natural-log probability per Chinese character of ``text`` (None: no Chinese)."""
        total, count = 0.0, 0
        for run in _HAN_RUN.findall(text):
            chars = _BOS * 2 + run
            for i in range(2, len(chars)):
                total += math.log(self._p_tri(chars[i - 2 : i], chars[i]))
                count += 1
        return total / count if count else None


def knowledge_runs(root: Path = KNOWLEDGE) -> list[str]:
    """Runs of Chinese characters in the product's knowledge files and lexicon terms."""
    from appliance.speech.lexicon import KB_WORDS_FILE, load_lexicon

    runs: list[str] = [t.text for t in load_lexicon() if t.category != "kb"]
    for path in sorted(root.rglob("*")):
        if path.suffix in _SUFFIXES and path.is_file() and path.name != KB_WORDS_FILE:
            runs += _HAN_RUN.findall(path.read_text(encoding="utf-8", errors="ignore"))
    return runs


@lru_cache(maxsize=1)
def clinical_prior() -> CharLM:
    """The prior the product rescores with (built once per process, ~1 s)."""
    return CharLM(knowledge_runs())


@dataclass
class _Ranked:
    """What faster-whisper reads of a generation result, best hypothesis first."""

    sequences_ids: list[list[int]]
    scores: list[float]
    no_speech_prob: float


class RescoringModel:
    """Wraps a CTranslate2 Whisper model: beam searches return ``nbest`` hypotheses, reordered
    by acoustic score + ``weight`` × prior; sampling (temperature fallback) is left alone."""

    def __init__(
        self, model: Any, decode: Any, eot: int, nbest: int, weight: float, prior: CharLM
    ) -> None:
        self._model = model
        self._decode = decode
        self._eot = eot
        self.nbest = nbest
        self.weight = weight
        self.prior = prior

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def generate(self, features: Any, prompts: Any, **kwargs: Any) -> list[Any]:
        beam = int(kwargs.get("beam_size", 1))
        if kwargs.get("sampling_temperature") or beam < 2 or self.nbest < 2:
            return list(self._model.generate(features, prompts, **kwargs))
        kwargs["num_hypotheses"] = min(self.nbest, beam)
        return [self.rank(r) for r in self._model.generate(features, prompts, **kwargs)]

    def text(self, ids: list[int]) -> str:
        from appliance.speech.normalize import to_simplified

        return to_simplified(str(self._decode([t for t in ids if t < self._eot])))

    def rank(self, result: Any) -> _Ranked:
        ids = [list(s) for s in result.sequences_ids]
        scores = [float(s) for s in result.scores]
        priors = [self.prior.mean_logprob(self.text(s)) for s in ids]
        known = [p for p in priors if p is not None]
        floor = min(known) if known else 0.0
        total = [
            a + self.weight * (p if p is not None else floor)
            for a, p in zip(scores, priors, strict=True)
        ]
        order = sorted(range(len(ids)), key=lambda i: -total[i])
        return _Ranked(
            [ids[i] for i in order], [scores[i] for i in order], float(result.no_speech_prob)
        )


def with_rescoring(whisper: Any, nbest: int, weight: float) -> Any:
    """A shallow copy of a faster-whisper ``WhisperModel`` whose decoder rescores its n-best
    (the loaded weights are shared, nothing is loaded again)."""
    import copy

    clone = copy.copy(whisper)
    tokenizer = whisper.hf_tokenizer
    eot = int(tokenizer.token_to_id("<|endoftext|>"))
    clone.model = RescoringModel(
        whisper.model, tokenizer.decode, eot, nbest, weight, clinical_prior()
    )
    return clone
