"""The ``clinicbox`` command.

Subcommands live in ``appliance/commands/<area>.py``; each module exposes
``register(cli: click.Group) -> None`` and is listed in :data:`COMMAND_AREAS` (imported, not
looked up by name; the modules import their heavy parts only when a command runs). Help texts are written with ``t(zh, en)``: the language is fixed before
the command tree is built (``--lang`` anywhere on the line, else ``CLINICBOX_LANG``, else zh).

Errors: a :class:`ClinicBoxError` becomes ``{"error": {"code", "message"}}`` on stderr (``--json``)
or one readable line, with its exit code; usage errors exit 2; anything unexpected is logged
(redacted) with a reference id and reported without a traceback.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Sequence

import click

from appliance import __version__
from appliance.commands import (
    api,
    assistant,
    bench_visit,
    compute,
    consent,
    deid,
    devices,
    doctor,
    emr,
    exams,
    followup,
    hub,
    kb,
    meds,
    models,
    qc,
    speech,
    store,
    sync,
    triage,
    tui,
    visit,
)
from appliance.commands._base import BilingualGroup, CliState
from appliance.errors import ClinicBoxError, InternalError, UsageError
from appliance.i18n import get_lang, lang_from_env, set_lang, t
from appliance.logsafe import configure_logging, log_unexpected

log = logging.getLogger("clinicbox.cli")

#: Every command area, in help order.
COMMAND_AREAS = (
    api,
    assistant,
    bench_visit,
    compute,
    consent,
    deid,
    devices,
    doctor,
    emr,
    exams,
    followup,
    hub,
    kb,
    meds,
    models,
    qc,
    speech,
    store,
    sync,
    triage,
    tui,
    visit,
)


#: the command tree per language (help texts are chosen when it is built); building it costs
#: ~20 ms, which in-process callers (tests, the held-out reports) paid on every call
_BUILT: dict[str, click.Group] = {}


def build_cli() -> click.Group:
    """The ``clinicbox`` command tree for the current language, built once per process."""
    lang = get_lang()
    if lang not in _BUILT:
        _BUILT[lang] = _build_cli()
    return _BUILT[lang]


def _build_cli() -> click.Group:
    @click.group(
        cls=BilingualGroup,
        name="clinicbox",
        help=t(
            "ClinicBox 乡镇卫生院智能助手：分诊、用药安全、语音病历与质控、健康助手，全部在本机离线运行。",
            "ClinicBox, the township clinic AI box: triage, medication safety, voice records and "
            "QC, a health assistant — all offline on this box.",
        ),
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    @click.version_option(
        __version__,
        "--version",
        prog_name="clinicbox",
        message="%(prog)s %(version)s",
        help=t("显示版本并退出。", "Show the version and exit."),
    )
    @click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        help=t("界面语言（默认中文）。", "Language of messages (default: zh)."),
    )
    @click.option(
        "--json",
        "as_json",
        is_flag=True,
        default=False,
        help=t("以 JSON 输出结果和错误。", "Print results and errors as JSON."),
    )
    @click.option(
        "--data-dir",
        type=click.Path(file_okay=False),
        default=None,
        help=t("诊所数据目录。", "Clinic data folder."),
    )
    @click.pass_context
    def cli(ctx: click.Context, lang: str | None, as_json: bool, data_dir: str | None) -> None:
        state = ctx.ensure_object(CliState)
        state.as_json = state.as_json or as_json
        if data_dir:
            state.data_dir = data_dir

    for area in COMMAND_AREAS:
        area.register(cli)
    return cli


def _prescan(argv: Sequence[str]) -> tuple[str | None, bool]:
    lang: str | None = None
    as_json = False
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--json":
            as_json = True
        elif arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return lang, as_json


_USAGE_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"No such option:? '?([^\s']+)'?"), "没有这个选项：{0}"),
    (re.compile(r"No such command:? '?([^\s']+?)'?\.?$"), "没有这个命令：{0}"),
    (re.compile(r"Missing argument '(.+?)'\."), "缺少参数：{0}"),
    (re.compile(r"Missing option '(.+?)'\."), "缺少选项：{0}"),
    (re.compile(r"Option '(.+?)' requires an argument\."), "选项 {0} 需要一个值"),
    (re.compile(r"Invalid value for (.+?): (.*)", re.S), "参数 {0} 的值无效：{1}"),
    (re.compile(r"Got unexpected extra arguments? \((.+?)\)"), "多余的参数：{0}"),
)


# click's reasons inside "Invalid value for X: <reason>", in Chinese.
_REASON_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(.+?) is not in the range (.+?)<=x<=(.+?)\.?$"), "{0} 不在 {1} 到 {2} 之间"),
    (re.compile(r"(.+?) is not in the range x>=(.+?)\.?$"), "{0} 应不小于 {1}"),
    (re.compile(r"(.+?) is not in the range x<=(.+?)\.?$"), "{0} 应不大于 {1}"),
    (re.compile(r"'(.+?)' is not a valid (?:integer|integer range)\.?$"), "“{0}”不是有效的整数"),
    (re.compile(r"'(.+?)' is not a valid (?:float|float range)\.?$"), "“{0}”不是有效的数字"),
    (re.compile(r"'(.+?)' is not one of (.+?)\.?$"), "“{0}”不是可选值之一（{1}）"),
    (re.compile(r"'(.+?)' is not a valid boolean\.?$"), "“{0}”不是有效的是/否值"),
    (re.compile(r"(?:File|Path|Directory) '(.+?)' does not exist\.?$"), "找不到“{0}”"),
    (
        re.compile(r"(?:File|Path|Directory) '(.+?)' is a (?:directory|file)\.?$"),
        "“{0}”的类型不对（文件/目录）",
    ),
)


def _reason_zh(reason: str) -> str:
    for pattern, template in _REASON_ZH:
        match = pattern.match(reason.strip())
        if match:
            return template.format(*match.groups())
    return reason


def _usage_error(exc: click.UsageError) -> UsageError:
    detail = exc.format_message()
    zh = f"命令用法有误：{detail}"
    for pattern, template in _USAGE_ZH:
        match = pattern.match(detail)
        if match:
            parts = [_reason_zh(g.rstrip(".")) for g in match.groups()]  # no ".。"
            zh = template.format(*parts)
            break
    where = exc.ctx.command_path if exc.ctx is not None else "clinicbox"
    return UsageError(
        zh,
        f"Usage error: {detail}",
        hint_zh=f"请运行 {where} --help 查看用法。",
        hint_en=f"Run {where} --help to see how to use it.",
    )


def report_error(error: ClinicBoxError, as_json: bool) -> int:
    if as_json:
        sys.stderr.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stderr.write(t("错误：", "Error: ") + error.message() + "\n")
    return error.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (never raises, never prints a traceback)."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang, as_json = _prescan(args)
    set_lang(lang or lang_from_env())
    state = CliState(as_json=as_json)
    try:
        cli = build_cli()
        result = cli.main(args=args, prog_name="clinicbox", standalone_mode=False, obj=state)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write(t("已取消。\n", "Cancelled.\n"))
        return 130
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx is not None else "")
        return 0
    except click.UsageError as exc:
        return report_error(_usage_error(exc), as_json)
    except ClinicBoxError as exc:
        return report_error(exc, as_json)
    except BrokenPipeError:
        return 141
    except Exception as exc:
        configure_logging(state.log_file(), "INFO")
        ref = log_unexpected(log, exc)
        return report_error(InternalError(ref), as_json)


def entrypoint() -> None:
    sys.exit(main())
