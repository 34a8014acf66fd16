"""The engine on a real llama.cpp model (tiny qwen2, DeepSeek-R1 tokenizer + template)."""

from __future__ import annotations

import threading
import time

import pytest

from appliance.errors import LLMCancelled, LLMSchemaError, LLMTimeout

pytestmark = pytest.mark.model

MSGS = [
    {"role": "system", "content": "你是乡镇卫生院的分诊助手，只输出 JSON。"},
    {"role": "user", "content": "65岁男性，胸痛两小时，伴大汗。"},
]

TRIAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "level": {"type": "integer", "enum": [1, 2, 3, 4]},
        "department": {"type": "string", "maxLength": 12},
        "refer": {"type": "boolean"},
        "reasons": {
            "type": "array",
            "maxItems": 3,
            "items": {"type": "string", "maxLength": 20},
        },
    },
    "required": ["level", "department", "refer", "reasons"],
    "additionalProperties": False,
}

RECORD_SCHEMA = {
    "type": "object",
    "properties": {
        "chief_complaint": {"type": "string", "maxLength": 20},
        "diagnoses": {
            "type": "array",
            "maxItems": 2,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 10},
                    "icd10": {"type": "string", "pattern": "^[A-Z][0-9]{2}([.][0-9])?$"},
                },
                "required": ["name", "icd10"],
                "additionalProperties": False,
            },
        },
        "vitals": {
            "type": "object",
            "properties": {"temp": {"type": "number"}, "hr": {"type": "integer"}},
            "additionalProperties": False,
        },
    },
    "required": ["chief_complaint", "diagnoses"],
    "additionalProperties": False,
}


@pytest.mark.parametrize("schema", [TRIAGE_SCHEMA, RECORD_SCHEMA], ids=["triage", "record"])
def test_structured_output_always_parses_against_its_schema(tiny_engine, schema):
    for i in range(3):
        res = tiny_engine.chat(
            MSGS, task="triage", schema=schema, max_tokens=300, temperature=0.9 if i else 0.0
        )
        assert isinstance(res.data, dict)
        assert set(schema["required"]) <= set(res.data)
        assert res.model == "tiny-r1-qwen2-test"
        assert res.timings.prompt_tokens > 10 and res.timings.completion_tokens > 0
    if schema is TRIAGE_SCHEMA:
        assert res.data["level"] in (1, 2, 3, 4)
        assert len(res.data["reasons"]) <= 3


def test_unbounded_schema_is_refused_before_the_model_runs(tiny_engine):
    bad = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"type": "string"}}},
    }
    with pytest.raises(LLMSchemaError) as info:
        tiny_engine.chat(MSGS, task="qc", schema=bad)
    assert "$.items" in info.value.message_en
    assert info.value.details["paths"] == [
        "$.items (array without maxItems)",
        "$.items[] (string without maxLength)",
    ]


def test_schema_whose_grammar_llama_cpp_cannot_parse_raises_instead_of_crashing(tiny_engine):
    schema = {
        "type": "object",
        "properties": {"icd10": {"type": "string", "pattern": "^A\\.1$"}},
        "required": ["icd10"],
        "additionalProperties": False,
    }
    with pytest.raises(LLMSchemaError):
        tiny_engine.chat(MSGS, task="emr", schema=schema, max_tokens=20)
    res = tiny_engine.chat(MSGS, task="triage", schema=TRIAGE_SCHEMA, max_tokens=200)
    assert res.data is not None


def test_prompt_uses_the_real_r1_template_and_special_tokens(tiny_engine):
    backend = tiny_engine.backend
    assert backend.reasoning
    prompt = backend.formatter.render(MSGS, no_think=True)
    assert prompt.startswith("<｜begin▁of▁sentence｜>你是乡镇卫生院")
    assert prompt.endswith(
        "<｜User｜>65岁男性，胸痛两小时，伴大汗。<｜Assistant｜><think>\n\n</think>\n\n"
    )
    tokens = backend.prompt_tokens(MSGS, no_think=True)
    # BOS, <｜User｜>, <｜Assistant｜>, <think>, </think> are single special tokens of the real vocab
    assert tokens[0] == 151646
    for special in (151644, 151645, 151648, 151649):
        assert special in tokens
    thinking = backend.prompt_tokens(MSGS, no_think=False)
    assert 151648 not in thinking and thinking[-1] == 151645


def test_no_think_mode_strips_reasoning_from_real_generation(tiny_engine):
    # Force the real model to "reason" first, as an R1 distill does, with a grammar.
    grammar = 'root ::= "<think>" [a-z ]{8,20} "</think>" "\\n\\n" [a-z]{4,12}'
    res = tiny_engine.chat(MSGS, task="assistant", grammar=grammar, no_think=False, max_tokens=80)
    assert "<think>" not in res.text and "</think>" not in res.text
    assert res.text and res.text.isalpha()
    assert res.reasoning and len(res.reasoning.strip()) >= 1
    pieces = [
        p.text
        for p in tiny_engine.stream(
            MSGS, task="assistant", grammar=grammar, no_think=False, max_tokens=80
        )
    ]
    joined = "".join(pieces)
    assert "think>" not in joined and joined.strip().isalpha()


def test_cancel_mid_stream_stops_generation(tiny_engine):
    from appliance.llm.monitor import read_series

    stream = tiny_engine.stream(
        MSGS, task="assistant", max_tokens=1900, no_think=True, temperature=1.0
    )
    received = 0
    with pytest.raises(LLMCancelled):
        for _piece in stream:
            received += 1
            if received == 5:
                stream.cancel()
    assert stream.job.done and received >= 5
    done = [r for r in read_series(tiny_engine.settings) if r["kind"] == "request"][-1]
    assert 5 <= done["completion_tokens"] < 1900  # stopped after the cancel, long before the end
    # the model did far fewer than 1500 tokens, and the engine is free for the next job
    res = tiny_engine.chat(MSGS, task="triage", schema=TRIAGE_SCHEMA, max_tokens=200)
    assert res.data["level"] in (1, 2, 3, 4)
    assert tiny_engine.scheduler.stats().cancelled >= 1


def test_leaving_a_stream_early_cancels_it(tiny_engine):
    stream = tiny_engine.stream(MSGS, task="assistant", max_tokens=1900, temperature=1.0)
    for i, _piece in enumerate(stream):
        if i == 3:
            break
    assert stream.job.wait(60)
    assert isinstance(stream.job.error, LLMCancelled)


def test_timeout_raises_and_frees_the_engine(tiny_engine):
    with pytest.raises(LLMTimeout):
        tiny_engine.chat(MSGS, task="batch", max_tokens=1900, timeout_s=0.05)
    res = tiny_engine.chat(MSGS, task="triage", schema=TRIAGE_SCHEMA, max_tokens=200)
    assert res.data is not None


def test_priority_scheduler_orders_concurrent_requests(tiny_engine):
    from appliance.llm.scheduler import Job

    gate = threading.Event()
    blocker = tiny_engine.scheduler.submit(Job(task="batch", work=lambda _j: gate.wait(10)))
    # a job an earlier test left finishing (a timed-out answer stops at its next token) runs
    # first on a loaded box; the scenario starts once the blocker holds the engine
    deadline = time.monotonic() + 30
    while tiny_engine.scheduler.stats().running != "batch" and time.monotonic() < deadline:
        time.sleep(0.005)
    started: list[str] = []
    lock = threading.Lock()

    def ask(task: str) -> None:
        res = tiny_engine.chat(MSGS, task=task, schema=TRIAGE_SCHEMA, max_tokens=200)
        with lock:
            started.append((res.task, res.timings.queue_wait_s))

    tasks = ["batch", "assistant", "meds", "qc", "triage"]
    threads = []
    for task in tasks:  # submitted lowest priority first
        th = threading.Thread(target=ask, args=(task,), name=f"ask-{task}")
        th.start()
        threads.append(th)
        deadline = time.monotonic() + 30
        while tiny_engine.scheduler.stats().depth < len(threads) and time.monotonic() < deadline:
            time.sleep(0.005)
    stats = tiny_engine.scheduler.stats()
    assert stats.depth == 5 and stats.running == "batch"
    assert stats.depth_by_task == {t: 1 for t in tasks}
    assert stats.oldest_wait_s > 0
    gate.set()
    for th in threads:
        th.join(120)
    assert blocker.done
    order = [task for task, _wait in started]
    assert order == ["triage", "qc", "meds", "assistant", "batch"]
    waits = dict(started)
    assert waits["triage"] < waits["batch"]


def test_prefix_cache_reuses_the_shared_system_prompt(tiny_engine):
    system = {"role": "system", "content": "你是乡镇卫生院的分诊助手。" * 20}
    first = tiny_engine.chat(
        [system, {"role": "user", "content": "发热三天"}], task="triage", max_tokens=4
    )
    other = tiny_engine.chat(
        [{"role": "system", "content": "请解释用药。"}, {"role": "user", "content": "阿莫西林"}],
        task="meds",
        max_tokens=4,
    )
    again = tiny_engine.chat(
        [system, {"role": "user", "content": "咳嗽一周"}], task="triage", max_tokens=4
    )
    sys_tokens = len(tiny_engine.backend.llm.tokenize(system["content"].encode(), add_bos=False))
    assert first.timings.reused_prompt_tokens <= 1
    assert other.timings.reused_prompt_tokens <= 1
    assert again.timings.reused_prompt_tokens >= sys_tokens
    assert again.timings.prompt_tokens > again.timings.reused_prompt_tokens


def test_compute_monitor_records_each_request(tiny_engine, tiny_settings):
    from appliance.llm.monitor import read_series, summary

    tiny_engine.chat(MSGS, task="triage", schema=TRIAGE_SCHEMA, max_tokens=200)
    tiny_engine.monitor.sample_now()
    rows = read_series(tiny_settings)
    req = [r for r in rows if r["kind"] == "request"]
    assert req and req[-1]["task"] == "triage" and req[-1]["model"] == "tiny-r1-qwen2-test"
    assert req[-1]["completion_tokens"] > 0 and "queue_wait_s" in req[-1]
    sample = [r for r in rows if r["kind"] == "sample"][-1]
    assert sample["ram_total_mb"] > 0 and sample["rss_mb"] > 0 and "queue" in sample
    s = summary(tiny_settings)
    assert s["requests"] >= 1 and s["tasks"]["triage"]["requests"] >= 1


def test_stop_strings_end_the_answer(tiny_engine):
    grammar = 'root ::= "abc" " " "STOP" " " "def"'
    res = tiny_engine.chat(MSGS, task="assistant", grammar=grammar, stop=["STOP"], max_tokens=20)
    assert res.text == "abc" and "def" not in res.text


def test_input_longer_than_the_context_is_a_clear_error(tiny_engine):
    from appliance.errors import InputError

    long = [{"role": "user", "content": "胸痛伴大汗，" * 1500}]
    with pytest.raises(InputError) as info:
        tiny_engine.chat(long, task="emr", max_tokens=20)
    assert info.value.details["ctx"] == 2048
    assert tiny_engine.chat(MSGS, task="triage", max_tokens=4).model == "tiny-r1-qwen2-test"


def test_urgent_work_preempts_a_running_batch_job_which_then_finishes(tiny_engine, monkeypatch):
    results: dict[str, object] = {}
    generating = threading.Event()  # set once the batch job asks, per token, whether to yield
    real_should_yield = tiny_engine.scheduler.should_yield

    def should_yield(job):
        if job.task == "batch":
            generating.set()
        return real_should_yield(job)

    monkeypatch.setattr(tiny_engine.scheduler, "should_yield", should_yield)

    def batch() -> None:
        results["batch"] = tiny_engine.chat(MSGS, task="batch", max_tokens=1900, temperature=1.0)

    th = threading.Thread(target=batch, name="batch-job")
    th.start()
    assert generating.wait(120), "the batch job never started generating"
    triage = tiny_engine.chat(MSGS, task="triage", schema=TRIAGE_SCHEMA, max_tokens=200)
    th.join(120)
    assert triage.data["level"] in (1, 2, 3, 4)
    stats = tiny_engine.scheduler.stats()
    assert stats.preempted == 1
    batch_result = results["batch"]
    assert batch_result.task == "batch" and batch_result.timings.completion_tokens > 0
    # the triage answer did not wait for the whole batch generation
    assert triage.timings.queue_wait_s < batch_result.timings.total_s


def test_streams_and_urgent_jobs_are_never_preempted(tiny_engine):
    from appliance.llm.scheduler import Job

    assert not tiny_engine.scheduler.should_yield(Job(task="triage", work=lambda _j: None))
    streamed = tiny_engine.stream(MSGS, task="batch", max_tokens=5)
    assert not streamed.job.preemptible
    list(streamed)
