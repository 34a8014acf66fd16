"""Voice EMR and record QC use cases: transcribe → structure → QC, single and batch.

- :func:`transcribe` (in ``_emr_speech``, re-exported) — an audio file to ``{"text", "language", "segments", …}`` (faster-whisper,
  VAD, t2s, lexicon correction, numbers; optional LLM post-pass marking every change).
- :func:`dictate` — the microphone in chunks with a live transcript (sounddevice/PortAudio).
- :func:`structure` — dictated text to an :class:`OutpatientRecord` (deterministic extraction,
  refined by the LLM section by section when one is given; numbers and drugs always from the
  rules).
- :func:`run_qc` — the rule catalog (+ the model's contradiction pass when asked) → score,
  passed, findings. :func:`batch_qc` / :func:`batch_qc_store` — a clinic's 病历合格率.

Reference data (QC catalog, ICD-10 table, lexicon, formulary names) is read once from
``appliance/knowledge/data`` and handed to the pure clinical code.
"""

from __future__ import annotations

import csv
import json
import logging
import time
import tomllib
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from appliance.clinical.extract import extract_record
from appliance.clinical.icd10 import Icd10Table, entry_from_row
from appliance.clinical.qc import Hit, MedAlert, QcCatalog, QcContext, catalog_from_data
from appliance.clinical.qc import run_qc as run_rules
from appliance.clinical.qc_llm import (
    contradiction_messages,
    contradiction_schema,
    ground_contradictions,
)
from appliance.clinical.record import OutpatientRecord
from appliance.clinical.vocabulary import is_antibiotic, parse_allergies
from appliance.errors import Cancelled, ClinicBoxError, InputError
from appliance.i18n import get_lang
from appliance.knowledge.catalogs import resolve_drug
from appliance.llm.budget import STEPS
from appliance.services._clinic_types import CancelToken, ProgressCallback, report
from appliance.services._emr_sections import refine_by_sections
from appliance.services._emr_speech import dictate, transcribe, transcriber
from appliance.services._model_step import model_step
from appliance.services._section_memo import SectionMemo
from appliance.services.ports import EnginePort, StorePort
from appliance.store import reports

log = logging.getLogger("clinicbox.emr")
DATA = Path(__file__).resolve().parents[1] / "knowledge" / "data"
#: A model pass that takes longer than its budget is dropped and the rules result stands. The
#: budget comes from this box's measured tokens/s (appliance.llm.budget, ``models plan``);
#: ``llm_timeout_s`` overrides it. This is the old fixed budget, kept for callers that name it.
LLM_TIMEOUT_S = 45.0


# --- reference data ---------------------------------------------------------------------------
@lru_cache(maxsize=1)
def qc_catalog() -> QcCatalog:
    return catalog_from_data(tomllib.loads((DATA / "qc_rules.toml").read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def icd_table() -> Icd10Table:
    with (DATA / "icd10_primary_care.csv").open(encoding="utf-8") as handle:
        return Icd10Table(entry_from_row(row) for row in csv.DictReader(handle))


@lru_cache(maxsize=1)
def _formulary_rows() -> tuple[dict[str, str], ...]:
    path = DATA / "formulary.csv"
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@lru_cache(maxsize=1)
def drug_names() -> tuple[str, ...]:
    """Drug names for extraction: lexicon drugs + formulary generic names, brands, aliases."""
    names: set[str] = set()
    with (DATA / "medical_lexicon.csv").open(encoding="utf-8") as handle:
        names.update(r["term"] for r in csv.DictReader(handle) if r["category"] == "drug")
    for row in _formulary_rows():
        for key in ("name_zh", "brands", "aliases"):
            names.update(n.strip() for n in (row.get(key) or "").split("|") if n.strip())
    return tuple(sorted(n for n in names if len(n) >= 2 and not n.isascii()))


def _is_antibiotic(name: str) -> bool:
    """The one antibiotic vocabulary (formulary first, then stems), as the dashboard uses."""
    return is_antibiotic(name, resolve_drug)


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise Cancelled()


def _record(data: Any) -> OutpatientRecord:
    if isinstance(data, OutpatientRecord):
        return data
    if not isinstance(data, dict):
        raise InputError("病历必须是一个 JSON 对象。", "A record must be a JSON object.")
    try:
        return OutpatientRecord.model_validate(data)
    except ValidationError as exc:
        where = "; ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:8])
        raise InputError(
            f"病历字段有误：{where}",
            f"Invalid record field(s): {where}",
            details={"fields": [".".join(str(p) for p in e["loc"]) for e in exc.errors()]},
        ) from None


# --- structuring ------------------------------------------------------------------------------
def structure(
    text: str,
    *,
    visit_type: str | None = "initial",
    engine: EnginePort | None = None,
    use_llm: bool = True,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    max_tokens: int = 900,
    llm_timeout_s: float | None = None,
    memo: SectionMemo | None = None,
    live: bool = False,
) -> dict[str, Any]:
    """Dictated text → a structured record (contract fields + ``sources`` + ``structuring``).

    The rules' record comes first; with an ``engine`` the model refines it section by section
    (``_emr_sections``: progress in sections done of N, each finished section's fields sent as
    a progress ``piece``, ``llm_timeout_s`` a per-section budget overriding this box's).
    ``live``: the doctor is still speaking — the model takes only the sections a later cue has
    closed; with a ``memo`` their answers are kept for the pass at the end."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            "没有可结构化的文字（text 为空）。", "Nothing to structure: text is empty."
        )
    if len(text) > 20000:
        raise InputError(
            "口述文字过长（超过 2 万字）。", "The dictation is too long (> 20,000 chars)."
        )
    vt = "followup" if visit_type in ("followup", "复诊") else "initial"
    started = time.monotonic()
    names = drug_names()
    record = extract_record(text, visit_type=vt, icd=icd_table(), drug_names=names)  # type: ignore[arg-type]
    meta: dict[str, Any] = {"method": "rules", "cross_check": [], "rejected": []}
    if use_llm and engine is not None:  # section by section: the first fields come early
        _check(cancel)
        record, meta = refine_by_sections(
            record,
            text,
            vt,
            engine,
            icd=icd_table(),
            drug_names=names,
            progress=progress,
            cancel=cancel,
            max_tokens=max_tokens,
            budget_s=llm_timeout_s,
            memo=memo,
            settled_only=live,
        )
        if meta.get("llm_error"):
            log.warning("emr structuring: model pass stopped (%s)", meta["llm_error"])
    meta["elapsed_s"] = round(time.monotonic() - started, 3)
    out = record.contract_dict()
    out["structuring"] = meta
    return out


# --- QC -------------------------------------------------------------------------------------
def _med_alerts(record: OutpatientRecord) -> list[MedAlert]:
    from appliance.services.safety import check_meds

    if not record.prescriptions:
        return []
    patient: dict[str, Any] = {
        "allergies": parse_allergies(record.allergy_history),
        "conditions": [d.name for d in record.diagnoses],
    }
    if record.patient:
        patient |= {k: v for k, v in record.patient.model_dump().items() if v is not None}
    request = {
        "patient": patient,
        "prescriptions": [
            {k: v for k, v in p.model_dump().items() if k != "dose_text" and v is not None}
            for p in record.prescriptions
        ],
    }
    try:
        result = check_meds(request)
    except ClinicBoxError as exc:
        log.warning("qc: medication checks unavailable (%s)", exc.code)
        return []
    data = result.model_dump() if hasattr(result, "model_dump") else result
    return [
        MedAlert(
            type=str(a.get("type", "")),
            severity=str(a.get("severity", "")),
            drugs=tuple(a.get("drugs") or ()),
            message=str(a.get("message", "")),
            source=str(a.get("source", "")),
        )
        for a in (data or {}).get("alerts", [])
    ]


def run_qc(
    record: Any,
    *,
    engine: EnginePort | None = None,
    use_llm: bool = False,
    lang: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    task: str = "qc",
    llm_timeout_s: float | None = None,
    max_tokens: int = 500,
) -> dict[str, Any]:
    """QC one record → ``{"score", "passed", "grade", "findings": [...]}``."""
    rec = _record(record)
    ctx = QcContext(
        icd=icd_table(),
        med_alerts=_med_alerts(rec),
        is_antibiotic=_is_antibiotic,
        lang=lang or get_lang(),
    )
    model_hits: list[Hit] = []
    model_error = None
    if use_llm and engine is not None:
        _check(cancel)
        try:
            res = model_step(
                engine,
                contradiction_messages(rec),
                step="qc",
                schema=contradiction_schema(),
                max_tokens=max_tokens,
                expected_tokens=STEPS["qc"].output_tokens,
                progress=progress,
                cancel=cancel,
                budget_s=llm_timeout_s,
            )
            model_hits = ground_contradictions(res.data, rec)
        except ClinicBoxError as exc:
            model_error = exc.code
    out = run_rules(rec, qc_catalog(), ctx, model_hits).as_dict()
    if model_error:
        out["model_error"] = model_error
    return out


def batch_qc(
    records: Iterable[Any],
    progress: ProgressCallback | None = None,
    total: int | None = None,
    *,
    engine: EnginePort | None = None,
    use_llm: bool = False,
) -> dict[str, Any]:
    """QC many records → the clinic's 病历合格率 (pass rate), grades and the most common rules."""
    summary, _full = _run_batch(records, progress, total, engine, use_llm)
    return summary


def _run_batch(
    records: Iterable[Any],
    progress: ProgressCallback | None,
    total: int | None,
    engine: EnginePort | None,
    use_llm: bool,
) -> tuple[dict[str, Any], list[dict[str, Any] | None]]:
    results: list[dict[str, Any]] = []
    full: list[dict[str, Any] | None] = []
    rules: Counter[str] = Counter()
    grades: Counter[str] = Counter()
    invalid = 0
    started = time.monotonic()
    for i, item in enumerate(records, 1):
        ident = item.get("id") if isinstance(item, dict) else None
        body = item.get("record", item) if isinstance(item, dict) else item
        try:
            out = run_qc(body, engine=engine, use_llm=use_llm, task="batch")
        except InputError:
            invalid += 1
            results.append({"id": ident, "error": "bad_input"})
            full.append(None)
            continue
        full.append(out)
        grades[out["grade"]] += 1
        rules.update({f["rule"] for f in out["findings"] if f["origin"] == "rule"})
        results.append({"id": ident, "score": out["score"], "passed": out["passed"]})
        if total:
            rate = (time.monotonic() - started) / i
            report(progress, fraction=i / total, message="qc", eta_s=rate * (total - i))
    checked = [r for r in results if "error" not in r]
    passed = sum(1 for r in checked if r["passed"])
    return {
        "total": len(results),
        "checked": len(checked),
        "invalid": invalid,
        "passed": passed,
        "pass_rate": round(passed / len(checked), 4) if checked else None,
        "mean_score": round(sum(r["score"] for r in checked) / len(checked), 1)
        if checked
        else None,
        "grades": dict(grades),
        "top_rules": [{"rule": r, "count": n} for r, n in rules.most_common(10)],
        "records": results,
    }, full


def batch_qc_store(
    store: StorePort,
    *,
    engine: EnginePort | None = None,
    use_llm: bool = False,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """QC every current record in the clinic's store (the overnight job) and keep the results
    in ``qc_result``. Model passes, when asked, run at the scheduler's ``batch`` priority so
    they never delay a doctor's request; the write happens after all model work."""
    with store.read() as db:
        rows = reports.current_records(db)
    items = []
    for row in rows:
        content = json.loads(row["content_json"] or "{}")
        record = dict(content.get("record", content))
        record.setdefault("visit_type", content.get("visit_type"))
        items.append({"id": row["record_id"], "record": record})
    summary, full = _run_batch(items, progress, len(items), engine, use_llm)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    version = qc_catalog().version
    stored = [
        {
            "record_id": row["record_id"],
            "version": row["version"],
            "catalog_version": version,
            "visit_id": row["visit_id"],
            "checked_at": now,
            "score": result["score"],
            "passed": int(result["passed"]),
            "grade": result["grade"],
            "findings_json": json.dumps(result["findings"], ensure_ascii=False),
        }
        for row, result in zip(rows, full, strict=True)
        if result is not None
    ]
    if stored:
        store.write(lambda db: db.table("qc_result").insert_all(stored, replace=True))
    summary["stored"] = len(stored)
    return summary


def qc_pass_rate_history(store: StorePort, days: int = 90) -> list[dict[str, Any]]:
    """The stored nightly results per day: checked, passed, pass rate (for the dashboard)."""
    with store.read() as db:
        return reports.qc_pass_rate_by_day(db, days)


__all__ = [
    "batch_qc",
    "batch_qc_store",
    "dictate",
    "drug_names",
    "icd_table",
    "qc_catalog",
    "qc_pass_rate_history",
    "run_qc",
    "structure",
    "transcribe",
    "transcriber",
]
