"""Where a pain is: CTAS 2016 reads a pain score by its site (pure).

CTAS first-order modifier "pain": a pain thought to come from a body cavity or organ (head,
chest, abdomen, pelvis, eye, ear, throat, testis) is *central*; one from skin, soft tissue or a
limb, or the axial skeleton is *peripheral*. Moderate pain (4–7) is CTAS 3 when central and
CTAS 4 when peripheral; severe pain (≥ 7 here) is level 2 when central and level 3 when peripheral.

:func:`pain_is_peripheral` says the pain of a complaint is peripheral only when the complaint
names a limb or a skin lesion and affirms no central site with a pain word in the same clause
("膝盖扭了…疼痛5分" is peripheral; "右下腹隐隐作痛" or "chest pain" is central; a complaint
that names no site at all is not peripheral: the score keeps its level 3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from appliance.clinical._text import AS_USUAL, NEG_CHARS, _clause_bounds
from appliance.clinical.findings_match import spans
from appliance.clinical.findings_text import fold


@dataclass(frozen=True)
class PainSites:
    """Site words of the CTAS pain modifier (``triage_vitals.toml`` ``[pain_sites]``)."""

    central: tuple[str, ...]
    peripheral: tuple[str, ...]
    source: str = ""
    not_sites: tuple[str, ...] = ()
    #: back and neck: the axial skeleton, peripheral by CTAS when a strain is told ("扛化肥扛猛了，
    #: 腰疼") and nothing of an organ (colic, urine, fever) is; else central (a loin is a kidney)
    axial: tuple[str, ...] = ()
    strain: tuple[str, ...] = ()
    organ: tuple[str, ...] = ()
    #: a known, recurring pain told as the same as always (CTAS "chronic"): one level lower
    recurrent: tuple[str, ...] = ()
    #: ... unless it escalated this time (vomiting, the usual medicine failing)
    not_recurrent: tuple[str, ...] = ()
    #: skin lesions: a pain site only with a pain word in their clause
    lesion: tuple[str, ...] = ()


# a pain word after a central site in its clause (Chinese: within eight characters)
_PAIN_ZH = re.compile(r"[痛疼闷胀绞]|难受|不舒服")
# beside a central site, dizziness counts too ("头晕"): a pain score told with a head symptom is not
# read as a toothache's alone (the property "adding a finding never lowers urgency")
_CENTRAL_SYMPTOM_ZH = re.compile(r"[痛疼闷胀绞晕]|难受|不舒服")
_PAIN_EN = re.compile(r"\b(?:pain\w*|ache\w*|hurt\w*|sore|tender\w*|cramp\w*)\b")
_WINDOW = 8
# a function said to be normal ("小便正常") tells no sign either (the shared AS_USUAL reads
# "跟平常一样")
_NORMAL = re.compile(r"正常|照常|如常|\bnormal(?:ly)?\b")
_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?:\s|$)")
# where a pain spreads to is not where it is: "痛到背心和左手杆" names the back and an arm as the
# radiation of a chest pain (CTAS reads the pain at its origin), so a limb after a radiation
# verb in its clause is no peripheral site (疼 is folded to 痛)
_RADIATES = re.compile(
    r"痛到|痛至|放射|窜到|串到|扯到|牵扯|牵到|连到|连着|带到|传到|"
    r"\bradiat\w*|\bspread\w*\s+(?:to|into|down)|\bgo(?:es|ing)\s+(?:to|into|down)"
)
_RADIATION_REACH = 8


def _inside(start: int, end: int, words: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e and (s, e) != (start, end) for s, e in words)


def _word_spans(folded: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for word in words:
        at = folded.find(word)
        while at >= 0:
            out.append((at, at + len(word)))
            at = folded.find(word, at + 1)
    return out


def _affirmed_pain(folded: str, start: int, end: int, words: re.Pattern[str] = _PAIN_ZH) -> bool:
    """A pain word in ``folded[start:end]`` not denied right before it ("咽口水不疼" is none)."""
    for m in words.finditer(folded, start, end):
        if m.start() == 0 or folded[m.start() - 1] not in NEG_CHARS:
            return True
    return False


def _central_pain(folded: str, sites: tuple[str, ...], words: list[tuple[int, int]]) -> bool:
    for site in sites:
        for start, end, negated in spans(folded, site):
            if negated or _inside(start, end, words):
                continue
            c_start, c_end = _clause_bounds(folded, start)
            if site.isascii():
                if site.endswith("ache") or _PAIN_EN.search(folded, c_start, c_end):
                    return True
            elif site[-1] in "痛疼" or _affirmed_pain(
                folded, end, min(end + _WINDOW, c_end), _CENTRAL_SYMPTOM_ZH
            ):
                return True
    return False


def _pain_after_in_sentence(folded: str, at: int) -> bool:
    """A pain word affirmed after ``at`` in its sentence ("一串小水泡，沿着一条线排，火烧火燎地
    疼"), or in its clause."""
    c_start, _ = _clause_bounds(folded, at)
    stop = _SENTENCE_END.search(folded, at)
    end = stop.start() if stop else len(folded)
    return _affirmed_pain(folded, c_start, end) or bool(_PAIN_EN.search(folded, c_start, end))


def _strained_axis(folded: str, sites: PainSites) -> bool:
    """A back or neck pain told with a strain and no organ sign: the axial skeleton."""
    if not any(w in folded for w in sites.strain):
        return False
    for word in sites.organ:
        for start, _, negated in spans(folded, word):
            # an organ sign told, not denied ("腿不麻", "没发烧") nor said to be as usual
            # ("屙尿解手都跟平常一样")
            bounds = _clause_bounds(folded, start)
            usual = AS_USUAL.search(folded, *bounds) or _NORMAL.search(folded, *bounds)
            if not negated and not usual:
                return False
    return any(not hit[2] for site in sites.axial for hit in spans(folded, site))


def _radiation_target(folded: str, start: int) -> bool:
    """Is the site at ``start`` named as where a pain spreads to ("痛到…左手杆")?"""
    c_start, _ = _clause_bounds(folded, start)
    return bool(_RADIATES.search(folded, max(c_start, start - _RADIATION_REACH), start))


def pain_is_recurrent(text: str, sites: PainSites) -> bool:
    """Is the pain of ``text`` the patient's known, recurring one (CTAS 2016 "chronic")?"""
    folded = fold(text)
    if any(not hit[2] for word in sites.not_recurrent for hit in spans(folded, word)):
        return False  # "跟以前一样…吐了好几回，止痛片不管用": escalated, IV treatment
    return any(not hit[2] for word in sites.recurrent for hit in spans(folded, word))


def pain_is_peripheral(text: str, sites: PainSites) -> bool:
    """Is the pain of ``text`` peripheral (limb, skin, strained back) by CTAS 2016? False when
    unsure."""
    folded = fold(text)
    # a site inside a longer word is not that site: 头 in 骨头 or 指头, 手 in 手术
    words = _word_spans(folded, sites.not_sites)
    axial = _strained_axis(folded, sites)
    named = axial or any(
        not hit[2]
        and not _inside(hit[0], hit[1], words)
        and not _radiation_target(folded, hit[0])
        and (site not in sites.lesion or _pain_after_in_sentence(folded, hit[0]))
        for site in sites.peripheral
        for hit in spans(folded, site)
    )
    words += _word_spans(folded, tuple(p for p in sites.peripheral if not p.isascii()))
    central = tuple(c for c in sites.central if not (axial and c in sites.axial))
    return named and not _central_pain(folded, central, words)
