"""The LAN section of the README and docs/lan.md name only commands and options that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lan_commands() -> list[list[str]]:
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    section = readme.split("## Clinic LAN", 1)[1].split("\n## ", 1)[0]
    docs = ROOT.joinpath("docs", "lan.md").read_text(encoding="utf-8")
    lines = []
    for text in (section, docs):
        for block in re.findall(r"```bash\n(.*?)```", text, re.S):
            for line in block.splitlines():
                line = line.split("#", 1)[0].strip()
                if line.startswith("clinicbox "):
                    lines.append(shlex.split(line)[1:])
    return lines


def test_documented_lan_commands_exist_with_their_options() -> None:
    import click

    from appliance.cli import build_cli

    root = build_cli()
    commands = _lan_commands()
    assert len(commands) >= 8
    for argv in commands:
        command: click.Command = root
        for word in argv:
            if not isinstance(command, click.Group) or word.startswith("-"):
                break
            assert word in command.commands, argv
            command = command.commands[word]
        assert not isinstance(command, click.Group), argv
        known = {opt for p in command.params for opt in getattr(p, "opts", [])}
        known |= {"--json", "--data-dir", "--lang", "--help"}
        for option in (w.split("=", 1)[0] for w in argv if w.startswith("--")):
            assert option in known, (argv, option)
