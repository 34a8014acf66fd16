"""``clinicbox serve``, ``clinicbox discover`` and ``clinicbox pair`` (the box on the clinic LAN)."""

from __future__ import annotations

import socket
import sys
from typing import Any

import click

from appliance.commands._base import CliState, common_options, pass_state, subgroup
from appliance.errors import InputError, ServerUnreachable
from appliance.i18n import t


def open_runtime(settings: Any) -> Any:
    """The clinic runtime with its store unlocked (passphrase from the settings or a prompt)."""
    from appliance.runtime import build_runtime

    runtime = build_runtime(settings)
    passphrase = None
    if settings.passphrase is None and settings.key_file is None and sys.stdin.isatty():
        passphrase = click.prompt(t("开机口令", "Passphrase"), hide_input=True)
    runtime.open(passphrase)
    return runtime


def _format_found(found: list[dict[str, Any]]) -> str:
    if not found:
        return t(
            "没有找到诊所服务器。请检查网络，或用 --timeout 等待更久。",
            "No clinic box found. Check the network, or wait longer with --timeout.",
        )
    from appliance.api.tls import format_fingerprint

    lines = []
    for box in found:
        lines.append(f"{box['name'] or '?'}  https://{box['host']}:{box['port']}")
        lines.append(t("  指纹 ", "  fingerprint ") + format_fingerprint(box["fingerprint"]))
    return "\n".join(lines)


def _format_code(result: dict[str, Any]) -> str:
    from appliance.api.tls import format_fingerprint

    return "\n".join(
        [
            t("配对码（一次有效）：", "Pairing code (single use): ") + result["code"],
            t("有效期至：", "Valid until: ") + result["expires_at"],
            t("服务器指纹：", "Box fingerprint: ") + format_fingerprint(result["fingerprint"]),
            t(
                "在诊所电脑上运行：clinicbox pair --code " + result["code"],
                "On the clinic PC run: clinicbox pair --code " + result["code"],
            ),
        ]
    )


def _format_paired(result: dict[str, Any]) -> str:
    return t(
        f"已与“{result['name']}”配对（{result['host']}:{result['port']}），设备编号 {result['device_id']}。",
        f"Paired with “{result['name']}” ({result['host']}:{result['port']}), "
        f"device id {result['device_id']}.",
    )


def register(cli: click.Group) -> None:
    @cli.command(
        "serve",
        help=t(
            "在诊所局域网上提供 HTTPS 接口（TLS 1.3），并通过 mDNS 广播本机。",
            "Serve the HTTPS API (TLS 1.3) on the clinic LAN and advertise the box over mDNS.",
        ),
    )
    @click.option("--host", default=None, help=t("监听地址。", "Address to listen on."))
    @click.option("--port", type=click.IntRange(0, 65535), default=None, help=t("端口。", "Port."))
    @click.option(
        "--no-mdns", is_flag=True, help=t("不做 mDNS 广播。", "Do not advertise over mDNS.")
    )
    @common_options
    @pass_state
    def serve(state: CliState, host: str | None, port: int | None, no_mdns: bool) -> None:
        from appliance.api.server import ApiServer
        from appliance.api.tls import format_fingerprint

        settings = state.settings()
        runtime = open_runtime(settings)
        try:
            server = ApiServer(settings, runtime, host=host, port=port, advertise=not no_mdns)
            info = {
                "url": f"https://{server.host}:{server.port}",
                "fingerprint": server.fingerprint,
                "name": server.clinic_name,
            }
            if state.as_json:
                state.emit(info)
            else:
                click.echo(
                    t("诊所服务器已启动：", "Clinic box serving at ")
                    + info["url"]
                    + "\n"
                    + t("证书指纹：", "Certificate fingerprint: ")
                    + format_fingerprint(server.fingerprint)
                )
            sys.stdout.flush()
            server.run()
        finally:
            runtime.close()

    @cli.command(
        "discover",
        help=t(
            "在局域网上查找诊所服务器（mDNS），列出名称、地址、端口和证书指纹。",
            "Find clinic boxes on the LAN (mDNS): name, address, port, certificate fingerprint.",
        ),
    )
    @click.option(
        "--timeout",
        type=click.FloatRange(0.2, 60.0),
        default=3.0,
        show_default=True,
        help=t("等待秒数。", "Seconds to listen."),
    )
    @common_options
    @pass_state
    def discover_cmd(state: CliState, timeout: float) -> None:
        from appliance.api.discovery import discover

        found = [
            {"name": b.name, "host": b.host, "port": b.port, "fingerprint": b.fingerprint}
            for b in discover(state.settings(), timeout=timeout)
        ]
        state.emit(found, human=_format_found)

    @cli.command(
        "pair",
        help=t(
            "配对：在服务器上不带参数运行，生成一次性配对码；在诊所电脑上用 --code 输入配对码加入。",
            "Pairing: on the box, run without options to show a one-time code; on a clinic PC, "
            "join with --code.",
        ),
    )
    @click.option("--code", default=None, help=t("服务器显示的配对码。", "The code the box shows."))
    @click.option(
        "--connect",
        "target",
        default="auto",
        show_default=True,
        help=t("auto（mDNS 查找）或 主机:端口。", "auto (find over mDNS) or HOST:PORT."),
    )
    @click.option("--name", default=None, help=t("本电脑的名称。", "A name for this PC."))
    @click.option(
        "--ttl",
        type=click.IntRange(60, 3600),
        default=600,
        show_default=True,
        help=t("配对码有效秒数。", "Seconds the code stays valid."),
    )
    @click.option("--timeout", type=click.FloatRange(0.2, 60.0), default=3.0)
    @common_options
    @pass_state
    def pair(
        state: CliState,
        code: str | None,
        target: str,
        name: str | None,
        ttl: int,
        timeout: float,
    ) -> None:
        settings = state.settings()
        if code is None:
            from appliance.api.registry import Registry
            from appliance.api.server import clinic_name_of
            from appliance.api.tls import ensure_tls_material

            runtime = open_runtime(settings)
            try:
                fingerprint = ensure_tls_material(settings, clinic_name_of(runtime) or "ClinicBox")
                result = Registry(runtime.store).create_code("admin-cli", ttl)
            finally:
                runtime.close()
            state.emit({**result, "fingerprint": fingerprint}, human=_format_code)
            return
        from appliance.api._transport import pair_with_box

        host, port, expected = _resolve_target(settings, target, timeout)
        box = pair_with_box(
            settings, host, port, code, (name or socket.gethostname() or "PC")[:64], expected
        )
        result = {
            "device_id": box.device_id,
            "name": box.name,
            "host": box.host,
            "port": box.port,
            "fingerprint": box.fingerprint,
        }
        state.emit(result, human=_format_paired)

    _register_bench(cli)


def _register_bench(cli: click.Group) -> None:
    bench = subgroup(cli, "bench", t("性能基准（不属于测试）。", "Benchmarks (not tests)."))

    @bench.command(
        "lan",
        help=t(
            "局域网接口基准：多台电脑同时做常规就诊操作时的延迟（模型空闲 / 模型忙）。",
            "LAN API benchmark: latency of typical visit traffic from several PCs, model idle "
            "and model busy.",
        ),
    )
    @click.option("--clients", type=click.IntRange(1, 100), default=10, show_default=True)
    @click.option("--seconds", type=click.FloatRange(1, 600), default=20.0, show_default=True)
    @click.option("--think-ms", type=click.FloatRange(0, 10000), default=100.0, show_default=True)
    @click.option(
        "--model", "model_path", default=None, help=t("模型 .gguf 路径。", "Model .gguf path.")
    )
    @click.option("--out", default=None, help=t("结果 JSON 文件。", "Write the results JSON here."))
    @common_options
    @pass_state
    def bench_lan(
        state: CliState,
        clients: int,
        seconds: float,
        think_ms: float,
        model_path: str | None,
        out: str | None,
    ) -> None:
        import json
        from pathlib import Path

        from appliance.bench.api import format_report, run_lan_bench

        report = run_lan_bench(
            state.settings(), clients=clients, seconds=seconds, think_ms=think_ms, model=model_path
        )
        if out:
            Path(out).write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
        state.emit(report, human=format_report)


def _resolve_target(settings: Any, target: str, timeout: float) -> tuple[str, int, str | None]:
    if target and target != "auto":
        host, sep, port = target.rpartition(":")
        if not sep or not port.isdigit():
            raise InputError(
                "--connect 应为 主机:端口，例如 192.168.1.10:8443。",
                "--connect must be HOST:PORT, e.g. 192.168.1.10:8443.",
            )
        return host.strip("[]"), int(port), None
    from appliance.api.discovery import discover

    found = discover(settings, timeout=timeout)
    if not found:
        raise ServerUnreachable(
            "局域网上没有找到诊所服务器。",
            "No clinic box was found on the LAN.",
            hint_zh="请确认服务器已运行 clinicbox serve，或用 --connect 主机:端口 指定。",
            hint_en="Make sure the box runs clinicbox serve, or give --connect HOST:PORT.",
        )
    if len(found) > 1:
        raise InputError(
            f"找到 {len(found)} 台服务器，请用 --connect 主机:端口 指定一台。",
            f"Found {len(found)} boxes; choose one with --connect HOST:PORT.",
        )
    return found[0].host, found[0].port, found[0].fingerprint
