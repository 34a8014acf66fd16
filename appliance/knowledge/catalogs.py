"""Loaders for the bundled clinical reference data (cached, read once per process).

Files live in ``appliance/knowledge/data/`` and every row names its source (keys expanded from
``sources.toml``). The loaders return the pure dataclasses of ``appliance.clinical`` so the rules
stay free of I/O. An institution may override antibiotic tiers with a small TOML file::

    institution = "某某镇卫生院"
    source = "本院抗菌药物分级管理目录（2024）"
    [tiers]
    ceftriaxone = "non_restricted"
"""

from __future__ import annotations

import csv
import dataclasses
import tomllib
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from appliance.clinical.exams import ExamKnowledge, ExamType
from appliance.clinical.followup import FollowupKnowledge
from appliance.clinical.meds_model import (
    AllergyRule,
    CountRule,
    Drug,
    InteractionRule,
    MedsKnowledge,
    PatientRule,
    Tier,
)
from appliance.clinical.meds_recommend import RecommendEntry, RecommendOption
from appliance.clinical.meds_resolve import build_index, resolve_in
from appliance.errors import ConfigError

_TIERS = ("non_restricted", "restricted", "special")


def _data_text(name: str) -> str:
    return resources.files("appliance.knowledge").joinpath("data", name).read_text("utf-8")


@cache
def load_toml(name: str) -> dict[str, Any]:
    """A bundled TOML data file, parsed (cached)."""
    return tomllib.loads(_data_text(name))


@lru_cache(maxsize=1)
def sources() -> dict[str, str]:
    return dict(load_toml("sources.toml")["sources"])


def data_version() -> str:
    return str(load_toml("sources.toml").get("version", ""))


def cite(keys: str) -> str:
    """Expand ``"KEY1;KEY2"`` to full citations."""
    table = sources()
    return "；".join(table.get(k.strip(), k.strip()) for k in keys.split(";") if k.strip())


def _num(value: str) -> float | None:
    value = value.strip()
    return float(value) if value else None


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split("|") if p.strip())


def _tier(value: str) -> Tier | None:
    value = value.strip()
    if not value:
        return None
    if value not in _TIERS:
        raise ValueError(f"bad antibiotic tier {value!r}")
    return cast(Tier, value)


@lru_cache(maxsize=1)
def formulary() -> tuple[Drug, ...]:
    """The bundled formulary (国家基本药物目录 2018 based), one Drug per row."""
    rows = csv.DictReader(_data_text("formulary.csv").splitlines())
    drugs = []
    for row in rows:
        drugs.append(
            Drug(
                id=row["id"],
                name_zh=row["name_zh"],
                inn=row["inn"],
                brands=_split(row["brands"]),
                aliases=_split(row["aliases"]),
                atc=row["atc"],
                classes=_split(row["classes"]),
                forms=_split(row["forms"]),
                adult_dose_min_mg=_num(row["adult_min_mg"]),
                adult_dose_max_mg=_num(row["adult_max_mg"]),
                adult_max_daily_mg=_num(row["adult_max_daily_mg"]),
                ped_dose_mg_per_kg=_num(row["ped_mg_per_kg"]),
                ped_max_daily_mg_per_kg=_num(row["ped_max_daily_mg_per_kg"]),
                max_freq_per_day=_num(row["max_freq_per_day"]),
                antibiotic_tier=_tier(row["antibiotic_tier"]),
                antibiotic_tier_parenteral=_tier(row["tier_parenteral"]),
                essential=row["essential"].strip() == "1",
                source=row["source"],
                release=(row.get("release") or "").strip(),
                parent=(row.get("parent") or "").strip(),
            )
        )
    return tuple(drugs)


_PREG_TEXT = {
    "contraindicated": ("妊娠期禁用。", "contraindicated in pregnancy."),
    "major": (
        "妊娠期应避免使用，除非获益明显大于风险。",
        "avoid in pregnancy unless the benefit clearly outweighs the risk.",
    ),
    "moderate": ("妊娠期慎用，请权衡利弊。", "use with caution in pregnancy."),
}


def _caution_rules() -> tuple[PatientRule, ...]:
    """Per-drug renal, pregnancy and older-adult cautions from the formulary columns
    (``renal_adjust_egfr``, ``renal_avoid_egfr``, ``pregnancy``, ``older_adult``), cited by the
    row's ``caution_source``."""
    out: list[PatientRule] = []
    for row in csv.DictReader(_data_text("formulary.csv").splitlines()):
        did, zh, inn = row["id"], row["name_zh"], row["inn"]
        src = (row.get("caution_source") or "").strip() or row["source"]
        up = did.upper()
        avoid = _num(row.get("renal_avoid_egfr") or "")
        adjust = _num(row.get("renal_adjust_egfr") or "")
        if avoid is not None:
            out.append(PatientRule(
                f"RENAL-AVOID-{up}", "renal", "=" + did, "major",
                f"eGFR <{avoid:g}：{zh}应避免使用（蓄积中毒或疗效不足），请换药。",
                f"eGFR <{avoid:g}: avoid {inn} (accumulation/toxicity or loss of effect).",
                src, egfr_below=avoid))  # fmt: skip
        if adjust is not None:
            out.append(PatientRule(
                f"RENAL-ADJUST-{up}", "renal", "=" + did, "moderate",
                f"eGFR <{adjust:g}：{zh}需按说明书减量或延长给药间隔。",
                f"eGFR <{adjust:g}: reduce the {inn} dose or lengthen the interval per label.",
                src, egfr_below=adjust))  # fmt: skip
        preg = (row.get("pregnancy") or "").strip()
        if preg in _PREG_TEXT:
            zh_t, en_t = _PREG_TEXT[preg]
            out.append(PatientRule(
                f"PREG-{up}", "pregnancy", "=" + did, cast(Any, preg),
                f"{zh}：{zh_t}", f"{inn}: {en_t}", src))  # fmt: skip
        older = (row.get("older_adult") or "").strip()
        if older in ("major", "moderate", "minor"):
            out.append(PatientRule(
                f"OLDER-{up}", "age", "=" + did, cast(Any, older),
                f"{zh}属老年人潜在不适当用药（≥65 岁宜避免，换用更安全的替代药）。",
                f"{inn} is potentially inappropriate in adults >= 65 (avoid; use a safer "
                "alternative).",
                src, min_age_years=65))  # fmt: skip
    return tuple(out)


def _rules() -> dict[str, Any]:
    return load_toml("meds_rules.toml")


def _interactions() -> tuple[InteractionRule, ...]:
    return tuple(
        InteractionRule(
            r["id"],
            r["a"],
            r["b"],
            r["severity"],
            r["zh"],
            r["en"],
            r["source"],
            c=r.get("c", ""),
            min_age=r.get("min_age"),
            egfr_below=r.get("egfr_below"),
            sex=r.get("sex", ""),
        )
        for r in _rules().get("interaction", [])
    )


def _count_rules() -> tuple[CountRule, ...]:
    return tuple(
        CountRule(
            r["id"],
            r["target"],
            int(r["min_count"]),
            r["severity"],
            r["zh"],
            r["en"],
            r["source"],
            min_age=r.get("min_age"),
        )
        for r in _rules().get("count", [])
    )


def _allergies() -> tuple[AllergyRule, ...]:
    return tuple(
        AllergyRule(
            r["id"], tuple(r["allergen"]), r["target"], r["severity"], r["zh"], r["en"], r["source"]
        )
        for r in _rules().get("allergy", [])
    )


def _patient_rules() -> tuple[PatientRule, ...]:
    return tuple(
        PatientRule(
            id=r["id"],
            kind=r["kind"],
            target=r["target"],
            severity=r["severity"],
            message_zh=r["zh"],
            message_en=r["en"],
            source=r["source"],
            below_age_years=r.get("below_age_years"),
            min_age_years=r.get("min_age_years"),
            egfr_below=r.get("egfr_below"),
        )
        for r in _rules().get("patient_rule", [])
    )


def read_tier_overrides(path: Path) -> dict[str, Tier]:
    """Parse an institution's antibiotic tier file (see module docstring)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"抗菌药物分级文件无法读取：{path}（{exc.__class__.__name__}）",
            f"Cannot read the antibiotic tier file {path} ({exc.__class__.__name__})",
        ) from None
    out: dict[str, Tier] = {}
    index = _base_index()
    for name, tier in dict(data.get("tiers", {})).items():
        drug = resolve_in(index, str(name))
        if drug is None or tier not in _TIERS:
            raise ConfigError(
                f"抗菌药物分级文件 {path} 中的条目无效：{name} = {tier}",
                f"Invalid entry in the antibiotic tier file {path}: {name} = {tier}",
                hint_zh="药名须在处方集中，级别为 non_restricted/restricted/special。",
                hint_en="Use a formulary drug name and non_restricted/restricted/special.",
            )
        out[drug.id] = cast(Tier, tier)
    return out


@lru_cache(maxsize=1)
def _base_index() -> dict[str, Drug]:
    return build_index(formulary())


@lru_cache(maxsize=8)
def _knowledge(overrides: tuple[tuple[str, str], ...]) -> MedsKnowledge:
    table = dict(overrides)
    drugs = tuple(
        dataclasses.replace(
            d,
            antibiotic_tier=cast(Tier, table[d.id]),
            antibiotic_tier_parenteral=cast(Tier, table[d.id]),
        )
        if d.id in table
        else d
        for d in formulary()
    )
    rules = _rules()
    return MedsKnowledge(
        drugs=drugs,
        index=build_index(drugs),
        interactions=_interactions(),
        allergy_rules=_allergies(),
        patient_rules=_patient_rules() + _caution_rules(),
        count_rules=_count_rules(),
        infection_terms=tuple(rules["infection_terms"]),
        non_bacterial_terms=tuple(rules["non_bacterial_terms"]),
        bacterial_terms=tuple(rules["bacterial_terms"]),
        condition_groups={k: tuple(v) for k, v in rules["condition_groups"].items()},
        duplicate_classes=frozenset(rules["duplicate_classes"]),
        duplicate_major_classes=frozenset(rules.get("duplicate_major", [])),
        duplicate_source=rules["duplicate_source"],
        sources=sources(),
        version=data_version(),
    )


def meds_knowledge(tier_file: Path | None = None) -> MedsKnowledge:
    """Everything the medication checks need; ``tier_file`` applies an institution's tiers."""
    overrides = read_tier_overrides(tier_file) if tier_file is not None else {}
    return _knowledge(tuple(sorted(overrides.items())))


def resolve_drug(name: str) -> Drug | None:
    """Resolve a Chinese generic name, English INN, brand or alias to a formulary drug."""
    return resolve_in(_base_index(), name)


# ------------------------------------------------------------------------------- triage
@lru_cache(maxsize=1)
def followup_knowledge() -> FollowupKnowledge:
    """Hypertension and type 2 diabetes follow-up rules (国家基本公共卫生服务规范 第三版)."""
    data = load_toml("followup.toml")
    return FollowupKnowledge(conditions={k: dict(v) for k, v in data.items()}, sources=sources())


# ------------------------------------------------------------------------------ exams
@lru_cache(maxsize=1)
def exam_knowledge() -> ExamKnowledge:
    """Exam catalog and the ordering-hint rules."""
    data = load_toml("exams.toml")
    exams = tuple(
        ExamType(
            id=e["id"],
            name_zh=e["name_zh"],
            name_en=e["name_en"],
            terms=tuple(e["terms"]),
            imaging=bool(e.get("imaging", False)),
            lumbar=bool(e.get("lumbar", False)),
            repeat_window_days=e.get("repeat_window_days"),
        )
        for e in data["exam"]
    )
    rules = {k: dict(v) for k, v in data.items() if k != "exam"}
    return ExamKnowledge(exams=exams, rules=rules, sources=sources())


# ------------------------------------------------------------------------------ recommendations
@lru_cache(maxsize=1)
def recommend_entries() -> tuple[RecommendEntry, ...]:
    """First-line options per diagnosis, with the guideline they come from."""
    data = load_toml("recommend.toml")
    entries = []
    for key, e in data.items():
        options = tuple(
            RecommendOption(
                drug=o["drug"],
                regimen=o["regimen"],
                adult_dose_mg=o.get("adult_dose_mg"),
                ped_mg_per_kg=o.get("ped_mg_per_kg"),
                frequency_per_day=o.get("frequency_per_day"),
            )
            for o in e.get("option", [])
        )
        entries.append(
            RecommendEntry(
                key,
                e["name_zh"],
                e["name_en"],
                tuple(e["terms"]),
                tuple(e["icd10"]),
                e["source"],
                e.get("note", ""),
                options,
            )
        )
    return tuple(entries)
