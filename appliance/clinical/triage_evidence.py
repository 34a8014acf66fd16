"""Model-proposed triage findings, checked against the complaint before they may count (pure).

The model is an extractor, not a judge (issue #16): it proposes finding ids from the vocabulary,
each with the words of the complaint that show it (``quote``). A proposal counts toward the level
only when all of these hold; otherwise it stays an unconfirmed hint for the nurse:

1. the id is a finding of the vocabulary that applies at this age;
2. the quote is written in the complaint (after the same folding as the rules: width, case), is
   not inside one of the finding's ``unless`` phrases ("心梗病史") and is not negated in its
   clause ("否认胸痛", "no fever") — the same negation cues as the rules;
3. a finding that needs a co-finding (``with``: pregnancy + bleeding) has one affirmed in the
   complaint — and, since such findings have no rows in the semantic bank, whose meaning cannot be
   checked, they stay hints (the rules read them lexically);
4. the quote *means* the finding: the packaged embedder puts the finding among the quote's
   ``top_k`` nearest findings with a similarity of at least ``bank.threshold - slack``. Without
   an embedder nothing a model proposes counts (only step 3's findings could be checked, and a
   similarity-free check would let a model count any word of the complaint as any finding).

Measured on the packaged 1.5B model: ids without a quote over-triaged 39 of 95 held-out vignettes
(docs/accuracy.md); the quote and its meaning are what ground a proposal in the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from appliance.clinical.findings import Concept, Finding, Vocabulary, extract_findings
from appliance.clinical.findings_text import fold
from appliance.clinical.triage_model import ComplaintRule
from appliance.clinical.triage_semantic import ClauseEmbedder, SemanticBank


@dataclass(frozen=True)
class Proposal:
    """One finding the model proposed, with the complaint's words it quoted."""

    id: str
    quote: str


@dataclass(frozen=True)
class Support:
    """How close a quote must be to the proposed finding (see module doc, step 4)."""

    slack: float = 0.12
    top_k: int = 3


@dataclass(frozen=True)
class Checked:
    """A proposal after the checks: ``finding`` when it counts, else ``why`` it does not."""

    proposal: Proposal
    finding: Finding | None
    why: str = ""
    similarity: float | None = None


def _applies(rule: ComplaintRule, age: float | None) -> bool:
    if age is None:
        return rule.min_age is None
    if rule.min_age is not None and age < rule.min_age:
        return False
    return rule.max_age is None or age <= rule.max_age


def _in_text(text: str, proposal: Proposal, rule: ComplaintRule) -> Finding | None:
    """The quote as an affirmed finding of ``rule`` in ``text`` (steps 2 and 3), else None."""
    quote = fold(proposal.quote).strip(" ，,。；;、:：\"'“”")
    long_enough = len(quote) >= 4 if quote.isascii() else len(quote) >= 2
    if not long_enough:
        return None
    concept = Concept(rule.id, (quote,), rule.unless, rule.with_terms)
    found = extract_findings(text, vocabulary=Vocabulary((concept,)))
    return found[0] if found else None


def _similarity(
    quote: str, finding_id: str, bank: SemanticBank, embedder: ClauseEmbedder, top_k: int
) -> tuple[float, bool]:
    """The quote's best similarity to ``finding_id`` and whether that finding is among the
    quote's ``top_k`` nearest findings of the bank."""
    query = np.asarray(embedder.embed_queries([quote]), dtype=np.float32)
    scores = bank.scores(query)[0]
    best: dict[str, float] = {}
    for fid, score in zip(bank.ids, scores, strict=True):
        if score > best.get(fid, -1.0):
            best[fid] = float(score)
    if finding_id not in best:
        return 0.0, False
    ranked = sorted(best, key=best.__getitem__, reverse=True)
    return best[finding_id], finding_id in ranked[:top_k]


def check_proposals(
    text: str,
    proposals: Sequence[Proposal],
    rules: Sequence[ComplaintRule],
    *,
    age: float | None,
    bank: SemanticBank | None,
    embedder: ClauseEmbedder | None,
    support: Support = Support(),
) -> list[Checked]:
    """Each proposal with the finding it grounds (counts) or why it does not (see module doc)."""
    by_id = {r.id: r for r in rules}
    in_bank = set(bank.ids) if bank is not None else set()
    out: list[Checked] = []
    seen: set[str] = set()
    for proposal in proposals:
        if proposal.id in seen:
            continue
        seen.add(proposal.id)
        rule = by_id.get(proposal.id)
        if rule is None or not _applies(rule, age):
            out.append(Checked(proposal, None, "not_applicable"))
            continue
        hit = _in_text(text, proposal, rule)
        if hit is None:
            out.append(Checked(proposal, None, "quote_not_affirmed"))
            continue
        if bank is None or embedder is None:
            out.append(Checked(proposal, None, "no_embedder"))
            continue
        if proposal.id not in in_bank:
            # findings with a co-finding have no bank rows: the quote's meaning cannot be
            # checked, so the proposal stays a hint (the rules read these lexically)
            out.append(Checked(proposal, None, "not_checkable"))
            continue
        score, near = _similarity(hit.text, proposal.id, bank, embedder, support.top_k)
        if not near or score < bank.threshold - support.slack:
            out.append(Checked(proposal, None, "quote_means_something_else", score))
            continue
        found = Finding(rule.id, hit.text, hit.span, "model", False, score)
        out.append(Checked(proposal, found, "", score))
    return out


__all__ = ["Checked", "Proposal", "Support", "check_proposals"]
