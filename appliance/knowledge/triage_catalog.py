"""Loader of the triage (智能导诊) knowledge: vital-sign criteria, paediatric bands, the findings
vocabulary with its composites, measures, self-care and routing, from ``triage_vitals.toml``,
``triage_complaints.toml`` and ``triage_findings.toml`` (cached)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from appliance.clinical.findings import Concept, Vocabulary
from appliance.clinical.triage_composites import COMPOSITE_FACTS, MODIFIER_FACTS, RESOURCE_KINDS
from appliance.clinical.triage_lowrisk import LowRisk
from appliance.clinical.triage_model import (
    ChildBand,
    ComplaintRule,
    Composite,
    MeasureRule,
    ResourceModifier,
    RoutingRule,
    TriageKnowledge,
    VitalRule,
)
from appliance.clinical.triage_pain import PainSites
from appliance.knowledge.catalogs import load_toml, sources
from appliance.knowledge.findings_data import lab_analytes


def _phrases(items: Iterable[str], groups: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """``items`` with each ``"@name"`` replaced by the phrases of ``[phrase_groups] name``
    (one list that several rows share); an unknown name is an error, never silently empty."""
    out: list[str] = []
    for item in items:
        if item.startswith("@"):
            if item[1:] not in groups:
                raise ValueError(f"triage_findings.toml: unknown phrase group {item}")
            out.extend(groups[item[1:]])
        else:
            out.append(item)
    return tuple(out)


def _vital_rule(r: dict[str, Any]) -> VitalRule:
    return VitalRule(
        r["id"],
        r["vital"],
        r["op"],
        float(r["value"]),
        int(r["level"]),
        r["source"],
        r["zh"],
        r["en"],
        bool(r.get("central_only", False)),
        int(r["peripheral_level"]) if "peripheral_level" in r else None,
        int(r["recurrent_level"]) if "recurrent_level" in r else None,
    )


@lru_cache(maxsize=1)
def triage_knowledge() -> TriageKnowledge:
    """Vital-sign criteria, paediatric bands, red-flag complaints and department routing."""
    v = load_toml("triage_vitals.toml")
    c = load_toml("triage_complaints.toml")
    f = load_toml("triage_findings.toml")
    fever = v.get("infant_fever")
    infant = (
        VitalRule(
            fever["id"],
            "temp",
            ">=",
            float(fever["temp"]),
            int(fever["level"]),
            fever["source"],
            fever["zh"],
            fever["en"],
        )
        if fever
        else None
    )
    bands = tuple(
        ChildBand(
            b["name"],
            b["name_en"],
            float(b["min_age"]),
            float(b["max_age"]),
            b["hr_high_3"],
            b["hr_high_2"],
            b["hr_low_3"],
            b["hr_low_2"],
            b["hr_low_1"],
            b["rr_high_3"],
            b["rr_high_2"],
            b["rr_low_2"],
            b["sbp_low"],
            b["source"],
        )
        for b in v["child_band"]
    )
    # one list of words several rows share, named once: "@name" in terms, with, unless, near,
    # measure unless and low-risk lists (the bank embeds the expanded terms)
    groups: dict[str, list[str]] = f.get("phrase_groups", {})
    complaints = tuple(
        ComplaintRule(
            id=r["id"],
            level=int(r["level"]),
            department=r["department"],
            terms=_phrases(r["terms"], groups),
            source=r["source"],
            text_zh=r["zh"],
            text_en=r["en"],
            call_120=bool(r.get("call_120", False)),
            refer=bool(r.get("refer", False)),
            with_terms=_phrases(r.get("with", ()), groups),
            unless=_phrases(r.get("unless", ()), groups),
            min_age=r.get("min_age"),
            max_age=r.get("max_age"),
            criterion=r.get("criterion", ""),
            resources=r.get("resources"),
            resource_kind=str(r.get("resource_kind", "")),
            adult_only=bool(r.get("adult_only", False)),
            context=bool(r.get("context", False)),
            absent=tuple(r.get("absent", ())),
            absent_site=tuple(r.get("absent_site", ())),
            absent_not_site=tuple(r.get("absent_not_site", ())),
            cancelled_by=tuple(r.get("cancelled_by", ())),
            near_sites=_phrases(r.get("near", {}).get("sites", ()), groups),
            near_signs=_phrases(r.get("near", {}).get("signs", ()), groups),
            near_sentence=bool(r.get("near", {}).get("sentence", False)),
            near_clause=bool(r.get("near", {}).get("clause", False)),
            pain_min=r.get("pain_min"),
            supersedes=tuple(r.get("supersedes", ())),
            recent=bool(r.get("recent", False)),
            semantic=bool(r.get("semantic", True)),
        )
        for r in f["finding"]
    )
    misspelt = sorted({s for r in complaints for s in r.supersedes} - {r.id for r in complaints})
    if misspelt:  # a misspelt id would silently supersede nothing
        raise ValueError(f"triage_findings.toml: supersedes names unknown findings: {misspelt}")
    twice = sorted({r.id for r in complaints if sum(c.id == r.id for c in complaints) > 1})
    if twice:  # a later row would silently replace the earlier one's words
        raise ValueError(f"triage_findings.toml: finding ids defined twice: {twice}")
    vocabulary = Vocabulary(
        tuple(
            Concept(
                r.id,
                r.terms,
                r.unless,
                r.with_terms,
                absent=r.absent,
                absent_site=r.absent_site,
                absent_not_site=r.absent_not_site,
                cancelled_by=r.cancelled_by,
                near_sites=r.near_sites,
                near_signs=r.near_signs,
                near_sentence=r.near_sentence,
                near_clause=r.near_clause,
            )
            for r in complaints
        )
    )
    measures = tuple(
        MeasureRule(
            m["id"],
            m["measure"],
            m["op"],
            float(m["value"]),
            int(m["level"]),
            m["source"],
            m["zh"],
            m["en"],
            m.get("min_age"),
            m.get("max_age"),
            m.get("department", "emergency"),
            tuple(m.get("with", ())),
            _phrases(m.get("unless", ()), groups),
        )
        for m in v.get("measure", [])
    )
    composites = tuple(
        Composite(x["id"], tuple(tuple(g) for g in x["all"]), x["source"])
        for x in f.get("composite", [])
    )
    for rule in complaints:  # a misspelt kind would silently never count
        if rule.resource_kind and rule.resource_kind not in RESOURCE_KINDS:
            raise ValueError(f"triage_findings.toml {rule.id}: resource_kind {rule.resource_kind}")
    known = {r.id for r in complaints} | COMPOSITE_FACTS
    for comp in composites:  # a misspelt member would silently never hold
        unknown = {m for g in comp.groups for m in g} - known
        if comp.id not in known or unknown:
            raise ValueError(f"triage_findings.toml composite {comp.id}: unknown {unknown}")
    modifiers = tuple(
        ResourceModifier(
            x["id"], x["fact"], tuple(x["findings"]), int(x["adds"]), x["source"], x["zh"], x["en"]
        )
        for x in f.get("resource_modifier", [])
    )
    known = {r.id for r in complaints}
    for mod in modifiers:
        # the fact is a request fact or a finding found (a known diabetes: a diabetic's skin
        # infection needs a glucose and a closer look)
        unknown = set(mod.findings) - known
        if mod.fact not in MODIFIER_FACTS and mod.fact not in known:
            unknown.add(mod.fact)
        if unknown:
            raise ValueError(f"triage_findings.toml resource_modifier {mod.id}: unknown {unknown}")
    # a row may clear several findings told of one episode (``id`` a list: a breath-holding
    # spell read as an arrest, as cyanosis or as limpness): one rule, one row per finding here
    low_risk = tuple(
        LowRisk(
            finding,
            x["to"],
            tuple(_phrases(g, groups) for g in x.get("all", ())),
            x["source"],
            x.get("min_age"),
            x.get("max_age"),
            _phrases(x.get("none", ()), groups),
            x.get("vital"),
            float(x["vital_min"]) if "vital_min" in x else None,
            float(x["lasted_days"]) if "lasted_days" in x else None,
        )
        for x in f.get("low_risk", [])
        for finding in ([x["id"]] if isinstance(x["id"], str) else x["id"])
    )
    for low in low_risk:  # a misspelt id would silently never clear
        if not {low.id, low.to} <= {r.id for r in complaints}:
            raise ValueError(f"triage_findings.toml low_risk {low.id} -> {low.to}: unknown id")
    self_care = c["self_care"][0]
    return TriageKnowledge(
        low_risk=low_risk,
        composites=composites,
        resource_modifiers=modifiers,
        adult_vitals=tuple(_vital_rule(r) for r in v["adult"]),
        any_age_vitals=tuple(_vital_rule(r) for r in v["any_age"]),
        child_bands=bands,
        infant_fever=infant,
        infant_fever_max_age=float(fever["max_age"]) if fever else 0.0,
        complaints=complaints,
        routing=tuple(RoutingRule(r["department"], tuple(r["terms"])) for r in c["routing"]),
        self_care_terms=tuple(self_care["terms"]),
        self_care_source=self_care["source"],
        self_care_ages=(float(self_care["min_age"]), float(self_care["max_age"])),
        departments={k: (d["zh"], d["en"]) for k, d in c["departments"].items()},
        sources=sources(),
        pregnancy_vitals=tuple(_vital_rule(r) for r in v.get("pregnancy", [])),
        measure_rules=measures,
        lab_analytes=lab_analytes(),
        self_care_normal={
            k: (float(lo), float(hi)) for k, (lo, hi) in self_care.get("normal", {}).items()
        },
        vocabulary=vocabulary,
        supersedes={r.id: r.supersedes for r in complaints if r.supersedes},
        pain_sites=PainSites(
            tuple(v["pain_sites"]["central"]),
            tuple(v["pain_sites"]["peripheral"]),
            v["pain_sites"]["source"],
            tuple(v["pain_sites"].get("not_sites", ())),
            tuple(v["pain_sites"].get("axial", ())),
            tuple(v["pain_sites"].get("strain", ())),
            tuple(v["pain_sites"].get("organ", ())),
            tuple(v["pain_sites"].get("recurrent", ())),
            tuple(v["pain_sites"].get("not_recurrent", ())),
            tuple(v["pain_sites"].get("lesion", ())),
        ),
    )


# ------------------------------------------------------------------------------ follow-up
