"""What Whisper is told before it listens: a clinic-dictation prompt and hotwords.

faster-whisper puts both into the decoder's "previous text": ``initial_prompt`` sets the
register (Simplified Chinese, 病历 headings, punctuation), ``hotwords`` biases it towards words
this visit is likely to contain. Both are measured on their own (``clinicbox bench speech``).

- The prompt is made of **section headings only**: a prompt with example findings or drugs is
  copied into the transcript when the audio is unclear (measured: "阿莫西林" appeared in a
  dictation that never said it), and a record must never contain what was not said.
- Hotwords are the current patient's context (complaint, known diagnoses, current drugs) and
  the clinic's most used words, at most :data:`MAX_HOTWORD_CHARS` characters, joined with "、"
  (measured: joined with "，" the dev CER after correction was 11.4 % against 6.0 %). Whisper
  then writes "、" at pauses too; :func:`appliance.speech.normalize.clean_segment_text` makes
  them commas so the structurer still sees clauses.
- :data:`DEFAULT` is what the product decodes with: chosen on measured CER after correction
  (docs/accuracy.md); the patient's words always join the lexicon for that dictation.
- :func:`is_prompt_echo` drops a segment that only repeats the prompt or the hotwords (what
  Whisper prints on near-silence when it was given a prompt).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

#: Headings of a 门诊病历 (病历书写基本规范 第十八条), the register of a dictation.
CLINIC_PROMPT = "门诊病历：主诉，现病史，既往史，过敏史，查体，诊断，处理。"
MAX_HOTWORD_CHARS = 80
#: (prompt, hotwords) the product decodes with (see the module docstring)
DEFAULT = (False, False)
_HAN = re.compile(r"[\u4e00-\u9fff]{2,12}")
_DROP = re.compile(r"[\s，。、；：,.;:!?！？]")


@dataclass(frozen=True)
class DecodeContext:
    """Decoder options for one dictation; ``words`` are this patient's terms for correction."""

    prompt: str | None = None
    hotwords: str | None = None
    words: tuple[str, ...] = field(default_factory=tuple)


def hotword_text(*groups: Iterable[str], limit: int = MAX_HOTWORD_CHARS) -> str | None:
    """Distinct Chinese words from ``groups`` in order, joined with "、", within ``limit``."""
    seen: list[str] = []
    size = 0
    for group in groups:
        for word in group:
            word = word.strip()
            if not _HAN.fullmatch(word) or word in seen:
                continue
            if size + len(word) + 1 > limit:
                return "、".join(seen) or None
            seen.append(word)
            size += len(word) + 1
    return "、".join(seen) or None


def patient_words(
    complaint: str = "", diagnoses: Iterable[str] = (), drugs: Iterable[str] = ()
) -> tuple[str, ...]:
    """The words of a patient's context worth listening for (Chinese words of 2–12 characters)."""
    words = _HAN.findall(complaint or "")
    return tuple(dict.fromkeys([*words, *diagnoses, *drugs]))


def make_context(
    *,
    prompt: bool = True,
    hotwords: bool = True,
    patient: Iterable[str] = (),
    clinic: Iterable[str] = (),
) -> DecodeContext:
    """The decoder context: the clinic prompt and/or hotwords (patient words first)."""
    patient = tuple(patient)
    hot = hotword_text(patient, clinic) if hotwords else None
    return DecodeContext(CLINIC_PROMPT if prompt else None, hot, patient)


def is_prompt_echo(text: str, context: DecodeContext | None) -> bool:
    """A segment that only repeats the prompt (6+ characters of it) or lists two or more of the
    hotwords and nothing else — not a dictation that happens to say one of them."""
    if context is None:
        return False
    plain = _DROP.sub("", text)
    if context.prompt and len(plain) >= 6 and plain in _DROP.sub("", context.prompt):
        return True
    if not context.hotwords:
        return False
    pieces = [p for p in re.split(r"[\s，。、；：,.;:]+", text) if p]
    listed = set(context.hotwords.split("、"))
    return len(pieces) >= 2 and all(p in listed for p in pieces)
