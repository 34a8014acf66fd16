"""How the patient assistant answers: emergency first, then retrieval, then (optionally) the model.

Order of checks for every question, before any generation:
1. Emergency (kb_safety.toml phrases + the clinical triage rules): "call 120 / come now".
2. Diagnosis or prescription requests: declined, pointed to a doctor (education may be cited).
3. Retrieval; nothing relevant → "I don't know, please ask the staff" (escalate).
4. Answer: the passages themselves (``--no-llm`` or no model) or a model answer that keeps only
   sentences supported by the cited chunks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from appliance.i18n import t
from appliance.knowledge.kb import KnowledgeBase
from appliance.knowledge.kb_safety import SafetyRule, matching_rules
from appliance.knowledge.retrieval import Hit
from appliance.services._assistant_grounding import grounded_sentences, split_sentences
from appliance.services.ports import EnginePort

log = logging.getLogger("clinicbox.assistant")

TOP_K = 5
MAX_ANSWER_TOKENS = 256
# A grounded answer shorter than this ("可以。") says too little to check against its source;
# the passages are shown instead.
MIN_ANSWER_CHARS = 12
ANSWER_PASSAGES = 2
EMERGENCY_DOC = "patient/emergency"


@dataclass
class AskResult:
    answer: str
    citations: list[dict[str, str]]
    escalate: bool
    kind: str = "answer"  # answer | passages | emergency | refusal | declined
    rules: list[str] = field(default_factory=list)
    model: str | None = None

    def to_contract(self) -> dict[str, Any]:
        """Exactly the ``clinicbox ask --json`` contract."""
        return {"answer": self.answer, "citations": self.citations, "escalate": self.escalate}

    def to_dict(self) -> dict[str, Any]:
        return {**self.to_contract(), "kind": self.kind, "rules": self.rules, "model": self.model}


def triage_level(question: str) -> int | None:
    """Level (1-4) from the clinical triage rules for ``question`` as a complaint, if available."""
    try:
        from appliance.services import safety  # the clinical helper's service (issue 6)
    except ImportError:
        return None
    try:
        triage_rules: Any = getattr(safety, "triage", None)
        if triage_rules is None:
            return None
        result: Any = triage_rules({"complaint": question}, engine=None)
    except Exception as exc:  # a rules error must never block the emergency floor below
        log.warning("triage rules unavailable for the assistant: %s", exc.__class__.__name__)
        return None
    level = result.get("level") if isinstance(result, dict) else getattr(result, "level", None)
    return int(level) if level is not None else None


def emergency_rules(question: str) -> list[SafetyRule]:
    return matching_rules(question, "emergency")


def is_emergency(question: str) -> tuple[bool, list[str]]:
    """Emergency when a patient-language red flag matches or triage says level 1-2."""
    rules = [r.id for r in emergency_rules(question)]
    level = triage_level(question)
    if level is not None and level <= 2:
        rules.append(f"TRIAGE-L{level}")
    return bool(rules), rules


_QUESTION_WORDS = {"怎么", "么办", "什么", "如何", "为什", "需要", "可以"}


def _bigrams(text: str) -> set[str]:
    han = [c if "\u4e00" <= c <= "\u9fff" else " " for c in text]
    joined = "".join(han)
    return {joined[i : i + 2] for i in range(len(joined) - 1) if " " not in joined[i : i + 2]}


def _shares_topic(question: str, section: str) -> bool:
    """The passage's heading names what the question is about (a shared word, not "怎么办")."""
    return bool((_bigrams(question) & _bigrams(section)) - _QUESTION_WORDS)


def _emergency_answer(kb: KnowledgeBase, question: str, rule_ids: list[str]) -> AskResult:
    labels = [t(r.label_zh, r.label_en) for r in emergency_rules(question)]
    what = "、".join(labels) if labels else t("急症表现", "signs of an emergency")
    answer = t(
        f"您描述的情况（{what}）可能是急症。请立即拨打120急救电话，或马上到最近医院的急诊；"
        "如果您就在本院，请立刻告诉身边的医护人员。不要等待，不要自己开车。",
        f"What you describe ({what}) may be an emergency. Call 120 now or go to the nearest "
        "emergency department; if you are in the clinic, tell a member of staff right away. "
        "Do not wait and do not drive yourself.",
    )
    citations = [
        {"doc": t("急症识别与120", "Emergencies and 120"), "section": section, "text": text}
        for section, text in kb.chunks_of(EMERGENCY_DOC)[:2]
    ]
    # What the patient asked about (e.g. "低血糖怎么办") still gets its first-aid passage, after
    # the call to act and never instead of it; it is cited first because it answers the question.
    emergency_sections = {c["section"] for c in citations}
    topical = [
        h
        for h in kb.search(question, k=TOP_K, audience="patient")
        if h.relevant()
        and h.section not in emergency_sections
        and _shares_topic(question, h.section)
    ][:1]
    if topical:
        answer += "\n" + t("等待急救时可参考：", "While help is on the way:") + "\n"
        answer += passages_answer(topical)
        citations = [h.citation() for h in topical] + citations
    return AskResult(answer, citations, True, kind="emergency", rules=rule_ids)


def _refusal(extra: str = "") -> AskResult:
    answer = t(
        "抱歉，本院的健康知识库里没有找到能回答这个问题的内容，我不能随便回答。"
        "请咨询前台或医护人员。",
        "Sorry, the clinic's knowledge base has nothing that answers this, so I will not guess. "
        "Please ask the front desk or a member of staff.",
    )
    return AskResult(extra + answer, [], True, kind="refusal")


def _decline_note(rules: list[SafetyRule]) -> str:
    if any(r.kind == "no_diagnosis" for r in rules):
        return t(
            "我不能为您诊断疾病，是否患病需要医生当面检查后判断，请到门诊就诊。",
            "I cannot diagnose you; only a doctor who examines you can. Please see a doctor.",
        )
    return t(
        "我不能为您开药或推荐用药剂量，用药请遵医嘱，请到门诊请医生开具。",
        "I cannot prescribe or suggest doses; please ask a doctor at the clinic.",
    )


def passages_answer(hits: list[Hit]) -> str:
    return "\n".join(f"【{h.title} · {h.section}】{h.text}" for h in hits)


def _messages(question: str, hits: list[Hit]) -> list[dict[str, str]]:
    numbered = "\n\n".join(
        f"[{i}] {h.title} · {h.section}\n{h.text}" for i, h in enumerate(hits, start=1)
    )
    system = (
        "你是乡镇卫生院的健康助手，面对的是患者。只能根据下面编号的资料回答，用简短、通俗的中文，"
        "最多4句话，每句话后面用[编号]标出依据。资料里没有的内容就说“资料中没有”，请患者咨询工作人员。"
        "不要诊断疾病，不要开药，不要给出资料以外的用药剂量。"
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"资料：\n{numbered}\n\n问题：{question}"},
    ]


def _model_answer(engine: EnginePort, question: str, hits: list[Hit]) -> AskResult | None:
    """A model answer keeping only grounded sentences; None when nothing survives."""
    try:
        res = engine.chat(_messages(question, hits), task="assistant", max_tokens=MAX_ANSWER_TOKENS)
    except Exception as exc:  # model busy/timeout/broken: fall back to the passages
        log.warning("assistant model answer failed: %s", exc.__class__.__name__)
        return None
    kept, used = grounded_sentences(res.text, [h.text for h in hits])
    if len("".join(kept)) < MIN_ANSWER_CHARS:  # "可以。" alone cannot be checked: show passages
        return None
    cited = [hits[n - 1] for n in sorted(used)]
    return AskResult(
        "".join(kept), [h.citation() for h in cited], False, kind="answer", model=res.model
    )


def answer_question(
    kb: KnowledgeBase, question: str, engine: EnginePort | None = None, no_llm: bool = False
) -> AskResult:
    """The full, safe answer to a patient's question (see the module docstring for the order)."""
    question = question.strip()
    emergency, rule_ids = is_emergency(question)
    if emergency:
        return _emergency_answer(kb, question, rule_ids)
    declined = matching_rules(question, "no_diagnosis") + matching_rules(
        question, "no_prescription"
    )
    hits = [h for h in kb.search(question, k=TOP_K, audience="patient") if h.relevant()]
    if declined:
        note = _decline_note(declined)
        best = hits[:ANSWER_PASSAGES]
        body = (
            ("\n" + t("以下资料供参考：", "For reference:") + "\n" + passages_answer(best))
            if best
            else ""
        )
        return AskResult(
            note + body, [h.citation() for h in best], True, kind="declined",
            rules=[r.id for r in declined],
        )  # fmt: skip
    if not hits:
        return _refusal()
    best = hits[:ANSWER_PASSAGES]
    if engine is not None and not no_llm:
        generated = _model_answer(engine, question, hits[:3])
        if generated is not None:
            return generated
    return AskResult(passages_answer(best), [h.citation() for h in best], False, kind="passages")


def stream_answer(
    kb: KnowledgeBase, question: str, engine: EnginePort | None = None, no_llm: bool = False
) -> Iterator[dict[str, Any]]:
    """Events for a streaming front end: ``{"event": "delta", "text"}`` pieces, then
    ``{"event": "final", "result": {...}}``. Safety checks run before anything is streamed;
    model text is streamed as a draft and the final event carries the grounded answer."""
    question = question.strip()
    emergency, _ = is_emergency(question)
    declined = matching_rules(question, "no_diagnosis") + matching_rules(
        question, "no_prescription"
    )
    hits = [] if emergency or declined else [
        h for h in kb.search(question, k=TOP_K, audience="patient") if h.relevant()
    ]  # fmt: skip
    if engine is not None and not no_llm and hits:
        drafted = ""
        try:
            for piece in engine.stream(
                _messages(question, hits[:3]), task="assistant", max_tokens=MAX_ANSWER_TOKENS
            ):
                drafted += piece.text
                yield {"event": "draft", "text": piece.text}
        except Exception as exc:
            log.warning("assistant stream failed: %s", exc.__class__.__name__)
        kept, used = grounded_sentences(drafted, [h.text for h in hits[:3]])
        if len("".join(kept)) >= MIN_ANSWER_CHARS:
            cited = [hits[n - 1] for n in sorted(used)]
            result = AskResult("".join(kept), [h.citation() for h in cited], False)
            yield {"event": "final", "result": result.to_dict()}
            return
    result = answer_question(kb, question, engine=None, no_llm=True)
    for sentence in split_sentences(result.answer) or [result.answer]:
        yield {"event": "delta", "text": sentence}
    yield {"event": "final", "result": result.to_dict()}
