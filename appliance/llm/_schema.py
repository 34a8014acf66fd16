"""JSON-schema-constrained output: bounds check, llama.cpp grammar, parse and validate.

Every array needs ``maxItems`` and every free string ``maxLength`` (or ``enum``/``const``/
``pattern``): an open-ended array let the model fill it until max_tokens and return invalid JSON.
llama-cpp-python's converter ignores integer ``minimum``/``maximum``, so results are always
validated in code (jsonschema) before they are returned.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from appliance.errors import LLMOutputInvalid, LLMSchemaError

_grammar_cache: dict[str, Any] = {}
_grammar_lock = threading.Lock()


def schema_problems(schema: Any, path: str = "$") -> list[str]:
    """Paths in ``schema`` that are unbounded (empty list when the schema is fine)."""
    problems: list[str] = []
    if not isinstance(schema, dict):
        return problems
    if "enum" in schema or "const" in schema:
        return problems
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "array" in kinds and "maxItems" not in schema and "prefixItems" not in schema:
        problems.append(f"{path} (array without maxItems)")
    if "string" in kinds and not ({"maxLength", "pattern", "format"} & set(schema)):
        problems.append(f"{path} (string without maxLength)")
    if schema.get("additionalProperties") not in (None, False):
        problems.append(f"{path} (additionalProperties must be false)")
    for key, sub in (schema.get("properties") or {}).items():
        problems += schema_problems(sub, f"{path}.{key}")
    if isinstance(schema.get("items"), dict):
        problems += schema_problems(schema["items"], f"{path}[]")
    for combo in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for i, sub in enumerate(schema.get(combo) or []):
            problems += schema_problems(sub, f"{path}.{combo}[{i}]")
    for name, sub in (schema.get("$defs") or schema.get("definitions") or {}).items():
        problems += schema_problems(sub, f"$defs.{name}")
    return problems


def check_schema(schema: dict[str, Any]) -> None:
    """Raise :class:`LLMSchemaError` naming the unbounded parts of ``schema``."""
    problems = schema_problems(schema)
    if problems:
        listing = "; ".join(problems[:6])
        raise LLMSchemaError(
            f"JSON Schema 未限定长度：{listing}",
            f"Unbounded JSON schema: {listing}",
            details={"paths": problems},
        )
    try:
        import jsonschema

        jsonschema.Draft202012Validator.check_schema(schema)
    except ImportError:  # pragma: no cover - jsonschema is in the llm extra
        pass
    except Exception as exc:
        raise LLMSchemaError(
            "JSON Schema 本身无效。", f"The JSON schema itself is invalid: {type(exc).__name__}"
        ) from None


def grammar_for(schema: dict[str, Any]) -> Any:
    """The llama.cpp grammar for ``schema`` (cached; building one takes milliseconds)."""
    key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    with _grammar_lock:
        cached = _grammar_cache.get(key)
        if cached is not None:
            return cached
    from llama_cpp.llama_grammar import LlamaGrammar

    grammar = LlamaGrammar.from_json_schema(key, verbose=False)
    with _grammar_lock:
        _grammar_cache[key] = grammar
    return grammar


def gbnf(text: str | None) -> Any:
    """A llama.cpp grammar from GBNF text (None passes through)."""
    if text is None:
        return None
    from llama_cpp.llama_grammar import LlamaGrammar

    try:
        return LlamaGrammar.from_string(text, verbose=False)
    except Exception:
        raise LLMSchemaError("GBNF 语法无效。", "The GBNF grammar is invalid.") from None


def parse_and_validate(text: str, schema: dict[str, Any]) -> Any:
    """Parse the model's JSON and validate it; raise :class:`LLMOutputInvalid` otherwise."""
    try:
        data = json.loads(text, strict=False)  # the grammar lets raw control chars into strings
    except json.JSONDecodeError:
        raise LLMOutputInvalid(
            "模型输出不是完整的 JSON（可能达到了长度上限）。",
            "The model's output is not complete JSON (it may have hit the length limit).",
        ) from None
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = ", ".join("/".join(str(p) for p in e.absolute_path) or "$" for e in errors[:5])
        raise LLMOutputInvalid(
            f"模型输出不符合格式要求：{where}",
            f"The model's output does not match the schema at: {where}",
            details={"paths": [list(e.absolute_path) for e in errors[:20]]},
        )
    return data
