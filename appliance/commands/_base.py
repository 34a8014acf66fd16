"""Shared pieces for command modules: bilingual help, common options, JSON in and out.

A command module looks like::

    def register(cli: click.Group) -> None:
        @cli.command("triage", help=t("分诊…", "Triage…"))
        @json_input_argument
        @common_options
        @no_llm_option
        @pass_state
        def triage(state: CliState, source: str | None, no_llm: bool) -> None:
            data = read_json_input(source)
            req = validate_input(TriageRequest, data)
            state.emit(result, human=format_triage)

Import heavy libraries (llama_cpp, faster_whisper, textual…) inside the command function so
``clinicbox --help`` stays fast.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError

from appliance.config import Settings, load_settings
from appliance.errors import InputError
from appliance.i18n import get_lang, t
from appliance.logsafe import configure_logging

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=BaseModel)

_HEADINGS_ZH = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=t("用法：", "Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        if get_lang() == "zh":
            heading = _HEADINGS_ZH.get(heading, heading)
        super().write_heading(heading)


class _Context(click.Context):
    formatter_class = _Formatter


class BilingualCommand(click.Command):
    context_class = _Context

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = t("显示此帮助并退出。", "Show this message and exit.")
        return option


class BilingualGroup(click.Group):
    context_class = _Context
    command_class = BilingualCommand
    group_class = type  # subgroups are BilingualGroups too

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = t("显示此帮助并退出。", "Show this message and exit.")
        return option


@dataclass
class CliState:
    """Per-invocation state shared by the group and its subcommands."""

    as_json: bool = False
    data_dir: str | None = None
    _settings: Settings | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.data_dir)
            configure_logging(self._settings.resolved("log_file"), self._settings.log_level)
        return self._settings

    def log_file(self) -> Path | None:
        try:
            return self.settings().resolved("log_file")
        except Exception:
            return None

    def emit(self, result: Any, human: Callable[[Any], str] | None = None) -> None:
        """Print ``result``: one JSON document with --json, else ``human(result)`` or pretty JSON."""
        if isinstance(result, BaseModel):
            result = result.model_dump(mode="json")
        if self.as_json or human is None:
            indent = None if self.as_json else 2
            click.echo(json.dumps(result, ensure_ascii=False, indent=indent))
        else:
            click.echo(human(result))


pass_state = click.make_pass_decorator(CliState, ensure=True)


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.ensure_object(CliState).as_json = True
    return value


def _set_data_dir(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        ctx.ensure_object(CliState).data_dir = value
    return value


def common_options(func: F) -> F:
    """``--json`` and ``--data-dir`` on a subcommand (they also work before the subcommand)."""
    func = click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=False,
        callback=_set_json,
        help=t("以 JSON 输出结果和错误。", "Print results and errors as JSON."),
    )(func)
    func = click.option(
        "--data-dir",
        type=click.Path(file_okay=False),
        expose_value=False,
        callback=_set_data_dir,
        help=t("诊所数据目录。", "Clinic data folder."),
    )(func)
    func = click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        expose_value=False,
        help=t("界面语言。", "Language of messages."),
    )(func)
    return func


def no_llm_option(func: F) -> F:
    return click.option(
        "--no-llm",
        is_flag=True,
        default=False,
        help=t(
            "只用规则（确定、快速，不调用模型）。", "Rules only: deterministic, fast, no model."
        ),
    )(func)


def json_input_argument(func: F) -> F:
    """An optional FILE argument; JSON is read from it, or from stdin when absent or '-'."""
    return click.argument("source", required=False, metavar="[FILE]")(func)


def _reject_non_finite(name: str) -> Any:
    """NaN/Infinity are not JSON (RFC 8259); accepting them would put invalid JSON on stdout."""
    raise InputError(
        f"JSON 中不能出现 {name}：请填写数值，或用 null 表示未测。",
        f"JSON may not contain {name}: give a number, or null when not measured.",
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # e.g. 1e400 overflows to Infinity
        _reject_non_finite(text)
    return value


#: The deepest nesting of objects/arrays accepted on the command line (a record nests 4 deep).
#: Python's parser recurses, so a 200k-deep document would otherwise crash it (the LAN API
#: answers such a body with 400 in the same way).
MAX_JSON_DEPTH = 100
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``text`` nests arrays/objects deeper than ``limit`` (strings are skipped)."""
    depth = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if m.group(0) in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def read_json_input(source: str | None) -> Any:
    """Read one JSON document from ``source`` (a path) or stdin, with clear zh/en errors."""
    if source and source != "-":
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError(
                f"找不到输入文件：{source}", f"Input file not found: {source}"
            ) from None
        except UnicodeDecodeError:
            raise InputError(
                f"输入文件 {source} 不是 UTF-8 编码：请把 JSON 存为 UTF-8 后再试。",
                f"Input file {source} is not UTF-8: save the JSON as UTF-8 and try again.",
            ) from None
        except OSError as exc:
            raise InputError(
                f"无法读取输入文件 {source}：{exc.__class__.__name__}",
                f"Cannot read input file {source}: {exc.__class__.__name__}",
            ) from None
    else:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError(
                "没有输入：请通过标准输入或文件参数提供 JSON。",
                "No input: give JSON on stdin or as a file argument.",
            )
        text = sys.stdin.read().removeprefix("\ufeff")  # a BOM from Windows tools is not an error
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes (e.g. GBK) came through as surrogates
            raise InputError(
                "输入不是 UTF-8 编码：请把 JSON 存为 UTF-8 后再试。",
                "The input is not UTF-8: save the JSON as UTF-8 and try again.",
            ) from None
    if not text.strip():
        raise InputError(
            "输入为空：需要一个 JSON 对象。", "Empty input: a JSON object is expected."
        )
    return parse_json_text(text)


def parse_json_text(text: str) -> Any:
    """Parse one JSON document with the clear zh/en errors of :func:`read_json_input`."""
    if json_too_deep(text):
        raise InputError(
            f"JSON 嵌套层数过多（上限 {MAX_JSON_DEPTH} 层）：这不是一份病历或请求。",
            f"The JSON is nested too deeply (limit {MAX_JSON_DEPTH} levels): "
            "it is not a record or a request.",
            details={"limit": MAX_JSON_DEPTH},
        )
    try:
        return json.loads(text, parse_constant=_reject_non_finite, parse_float=_finite_float)
    except RecursionError:  # belt and braces: the depth check above should catch it first
        raise InputError("JSON 嵌套层数过多。", "The JSON is nested too deeply.") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列附近。",
            f"Malformed JSON near line {exc.lineno}, column {exc.colno}.",
            hint_zh="请检查括号、引号和逗号。",
            hint_en="Check brackets, quotes and commas.",
        ) from None


def validate_input(model: type[M], data: Any) -> M:
    """Validate ``data`` against a pydantic model; errors name the fields, never echo values."""
    if not isinstance(data, dict):
        raise InputError("输入必须是一个 JSON 对象。", "The input must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:8]:
            where = ".".join(str(p) for p in err["loc"]) or "(root)"
            problems.append(f"{where} ({err['type']})")
        listing = "; ".join(problems)
        raise InputError(
            f"输入字段有误：{listing}",
            f"Invalid input field(s): {listing}",
            details={"fields": [".".join(str(p) for p in e["loc"]) for e in exc.errors()]},
        ) from None


def subgroup(cli: click.Group, name: str, help_text: str) -> click.Group:
    """Get or create the subcommand group ``name`` so several areas can add to one group
    (e.g. ``bench``, ``patient``, ``audit``): the first to register creates it."""
    existing = cli.commands.get(name)
    if isinstance(existing, click.Group):
        return existing
    group = BilingualGroup(name=name, help=help_text)
    cli.add_command(group)
    return group


def display_width(text: str) -> int:
    """Terminal columns of ``text``: Chinese (wide) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def text_table(
    headers: list[str], rows: list[list[str]], right: frozenset[int] = frozenset()
) -> str:
    """Rows as aligned columns (by display width, so Chinese lines up); ``right``: the indexes of
    right-aligned (number) columns. The last column is not padded."""
    table = [headers, *rows]
    widths = [max(display_width(r[i]) for r in table) for i in range(len(headers))]
    lines = []
    for row in table:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - display_width(cell))
            if i == len(row) - 1:
                cells.append(cell)
            else:
                cells.append(pad + cell if i in right else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
