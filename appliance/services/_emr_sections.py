"""The model's structuring pass, one dictation section at a time.

The sections come from the doctor's spoken cues (:mod:`appliance.clinical.extract_sections`).
Each is one small model step with its own time budget from this box's measured speed
(``emr_section`` in :mod:`appliance.llm.budget`). Progress counts sections done of N, with the
seconds left for the section being written plus the sections still to come (scaled by how
fast the sections so far really went). As each section finishes, the fields it filled are
reported as a :class:`Progress` ``piece``, so a screen shows them at once. A section whose
answer is invalid is skipped; a timeout, a busy queue or a cancel stops the pass: the sections
done so far stand, the rest is the rules' record.

While the doctor is still speaking, a *live* pass (``settled_only``) structures only the
sections already closed by a later cue (the last one may still grow). Its answers go into a
:class:`SectionMemo` keyed by the section's exact words, so the pass at the end of the dictation
reuses them and only the sections said last go to the model: that is what brings "all fields"
close to the end of speech on a slow box. A section being written by one pass is waited for by
another, never written twice. The memo lives in memory only (never on disk) and keeps the last
:data:`~appliance.services._section_memo.MEMO_SIZE` answers.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from appliance.clinical.extract_llm import LLM_TEXT_FIELDS, merge
from appliance.clinical.extract_sections import (
    Section,
    dictation_sections,
    ground_section,
    section_messages,
    section_schema,
    section_tokens,
)
from appliance.clinical.icd10 import Icd10Table
from appliance.clinical.record import OutpatientRecord
from appliance.errors import Cancelled, ClinicBoxError
from appliance.i18n import t
from appliance.llm.budget import STEPS
from appliance.services._clinic_types import CancelToken, Progress, ProgressCallback, report
from appliance.services._model_step import engine_speed, model_step
from appliance.services._section_memo import SectionMemo, SectionMemoKey
from appliance.services.ports import EnginePort

_COMPARED = (*LLM_TEXT_FIELDS, "diagnoses")
#: A section that fails with this is skipped and the next one tried; anything else stops.
_SKIP_SECTION = "llm_invalid_output"


def _memo_key(part: Section, text: str, visit_type: str, model: str) -> SectionMemoKey:
    return (visit_type, part.cue, part.words(text), part.fields, model)


def _ask_model(
    engine: EnginePort,
    part: Section,
    text: str,
    visit_type: str,
    *,
    memo: SectionMemo | None,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    max_tokens: int,
    budget_s: float | None,
) -> tuple[Any, bool]:
    """The model's answer for one section → (answer, reused from the memo)."""
    expected, most = section_tokens(part, text)
    key = _memo_key(part, text, visit_type, str(getattr(engine, "model", "")))
    if memo is not None:
        speed = engine_speed(engine)
        wait = budget_s or speed.seconds(STEPS["emr_section"].prompt_tokens, most)
        hit, answer = memo.claim(key, wait)
        if hit:
            return answer, True
    try:
        res = model_step(
            engine,
            section_messages(part, text, visit_type),
            step="emr_section",
            schema=section_schema(part, text),
            max_tokens=min(max_tokens, most),
            expected_tokens=expected,
            progress=progress,
            cancel=cancel,
            budget_s=budget_s,
        )
    except BaseException:
        if memo is not None:
            memo.drop(key)
        raise
    if memo is not None:
        memo.keep(key, res.data)
    return res.data, False


def refine_by_sections(
    record: OutpatientRecord,
    text: str,
    visit_type: str,
    engine: EnginePort,
    *,
    icd: Icd10Table,
    drug_names: Sequence[str],
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    max_tokens: int,
    budget_s: float | None,
    memo: SectionMemo | None = None,
    settled_only: bool = False,
) -> tuple[OutpatientRecord, dict[str, Any]]:
    """The rules' ``record`` refined by the model section by section → (record, meta).

    ``settled_only``: the dictation is still going on; the last section is left for later.
    ``memo``: answers kept from an earlier pass over the same words are reused."""
    parts = dictation_sections(text)
    if settled_only:
        parts = parts[:-1]
    status = ["pending"] * len(parts)
    meta: dict[str, Any] = {"method": "rules", "cross_check": [], "rejected": []}
    speed = engine_speed(engine)
    prompt = STEPS["emr_section"].prompt_tokens
    pace = _Pace([speed.seconds(prompt, section_tokens(p, text)[0]) for p in parts])
    filled: list[str] = []
    errors: list[str] = []
    reused = 0
    for n, part in enumerate(parts):
        try:
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            answer, hit = _ask_model(
                engine,
                part,
                text,
                visit_type,
                memo=memo,
                progress=_section_progress(progress, n, parts, pace),
                cancel=cancel,
                max_tokens=max_tokens,
                budget_s=budget_s,
            )
        except ClinicBoxError as exc:
            status[n] = exc.code
            errors.append(exc.code)
            if exc.code == _SKIP_SECTION:
                continue
            break
        pace.finished(n, reused=hit)
        reused += hit
        grounded = ground_section(answer, part, text)
        before = record.contract_dict()
        record, cross = merge(record, grounded, icd, drug_names)
        after = record.contract_dict()
        changed = [f for f in _COMPARED if after.get(f) != before.get(f)]
        filled.extend(f for f in changed if f not in filled)
        meta["cross_check"].extend(cross)
        meta["rejected"].extend(grounded.rejected)
        meta["model"] = str(getattr(engine, "model", ""))
        status[n] = "done"
        report(
            progress,
            fraction=min(0.99, (n + 1) / len(parts)),
            message=_where(n, parts, t("完成", "done")),
            eta_s=max(1.0, pace.left_after(n)) if n + 1 < len(parts) else None,
            piece={
                "section": n,
                "of": len(parts),
                "cue": part.cue,
                "record": {f: after.get(f) for f in changed},
            },
        )
    done = status.count("done")
    if done:
        meta["method"] = "rules+llm"
        meta["fields"] = filled
    if errors:
        meta["llm_error"] = errors[-1]
    meta["sections"] = [
        {**p.as_dict(), "status": s if s != "pending" else "skipped"}
        for p, s in zip(parts, status, strict=True)
    ]
    meta["sections_done"] = done
    meta["sections_reused"] = reused
    meta["model_s"] = round(time.monotonic() - pace.started, 2)
    return record, meta


def _where(n: int, parts: Sequence[Section], what: str) -> str:
    cue = parts[n].cue
    zh_cue, en_cue = (f"（{cue}）", f" ({cue})") if cue else ("", "")
    return t(
        f"第 {n + 1}/{len(parts)} 段{zh_cue} · {what}",
        f"section {n + 1}/{len(parts)}{en_cue} · {what}",
    )


class _Pace:
    """Seconds left for the sections still to come: their estimates at the measured speed,
    scaled by how long the finished sections really took against theirs."""

    def __init__(self, estimates: list[float]) -> None:
        self.estimates = estimates
        self.started = time.monotonic()
        self._mark = self.started  # when the last section finished
        self._done_s = 0.0  # model time spent on the sections finished so far
        self._done_estimate = 0.0

    def finished(self, n: int, *, reused: bool = False) -> None:
        """Section ``n`` is done; a reused answer took no model time and teaches no pace."""
        now = time.monotonic()
        took, self._mark = now - self._mark, now
        if reused:
            self.estimates[n] = 0.0
            return
        self._done_s += took
        self._done_estimate += self.estimates[n]

    def left_after(self, n: int) -> float:
        rest = sum(self.estimates[n + 1 :])
        if self._done_estimate > 0:
            rest *= self._done_s / self._done_estimate
        return rest


def _section_progress(
    progress: ProgressCallback | None,
    n: int,
    parts: Sequence[Section],
    pace: _Pace,
) -> ProgressCallback | None:
    """One section's token progress → the whole pass's: sections done of N, ETA of the rest."""
    if progress is None:
        return None

    def sub(p: Progress) -> None:
        current = p.eta_s if p.eta_s is not None else pace.estimates[n]
        later = pace.left_after(n)
        report(
            progress,
            fraction=min(0.99, (n + (p.fraction or 0.0)) / len(parts)),
            message=_where(n, parts, p.message),
            eta_s=max(1.0, current + later),
        )

    return sub
