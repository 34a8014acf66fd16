"""``clinicbox hub …``: the mentor hospital's hub (serve, enrol clinics, mentors, review, publish)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from appliance.commands._base import BilingualGroup, CliState, common_options, pass_state
from appliance.i18n import t


def _hub_dir(state: CliState, hub_dir: str | None) -> Path:
    return Path(hub_dir) if hub_dir else state.settings().data_dir / "hub"


def _service(state: CliState, hub_dir: str | None) -> Any:
    from sync.hub.service import HubService

    return HubService(_hub_dir(state, hub_dir), state.settings().hub_database_url)


def _dir_option(func: Any) -> Any:
    return click.option(
        "--hub-dir",
        default=None,
        type=click.Path(file_okay=False),
        help=t(
            "帮扶中心数据目录（默认 数据目录/hub）。", "Hub data folder (default: DATA_DIR/hub)."
        ),
    )(func)


def register(cli: click.Group) -> None:
    @cli.group(
        "hub",
        cls=BilingualGroup,
        help=t(
            "帮扶医院中心端：接收诊所病例、专家回复、质量指标、发布更新。",
            "The mentor hospital hub: ingest cases, mentor replies, indicators, updates.",
        ),
    )
    def hub() -> None:
        pass

    @hub.command(
        "init",
        help=t(
            "初始化帮扶中心（密钥、数据库、TLS 证书）。",
            "Create the hub's keys, database and TLS certificate.",
        ),
    )
    @_dir_option
    @click.option(
        "--host",
        "hosts",
        multiple=True,
        help=t("证书中的主机名/IP。", "Host name/IP for the certificate."),
    )
    @common_options
    @pass_state
    def hub_init(state: CliState, hub_dir: str | None, hosts: tuple[str, ...]) -> None:
        from sync.hub._tls import ensure_hub_cert
        from sync.keys import fingerprint

        service = _service(state, hub_dir)
        try:
            _, _, fp = ensure_hub_cert(service.dir, list(hosts))
            info = {
                "hub_dir": str(service.dir),
                "tls_fingerprint": fp,
                "sign_key_fingerprint": fingerprint(service.keys.signing_public),
                "database": "postgresql" if service.db.postgres else "sqlite",
            }
        finally:
            service.close()
        state.emit(
            info,
            human=lambda r: t(
                f"帮扶中心已就绪。证书指纹：{r['tls_fingerprint']}",
                f"Hub ready. Certificate fingerprint: {r['tls_fingerprint']}",
            ),
        )

    @hub.command("serve", help=t("启动帮扶中心 HTTPS 服务。", "Serve the hub's HTTPS API."))
    @_dir_option
    @click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104
    @click.option("--port", default=8444, type=int, show_default=True)
    @common_options
    @pass_state
    def hub_serve(state: CliState, hub_dir: str | None, host: str, port: int) -> None:
        import uvicorn

        from sync.hub._tls import ensure_hub_cert, server_config
        from sync.hub.app import create_hub_app

        service = _service(state, hub_dir)
        cert, key, fp = ensure_hub_cert(service.dir, [host])
        click.echo(
            t(
                f"帮扶中心 https://{host}:{port} 证书指纹 {fp}",
                f"Hub on https://{host}:{port} fingerprint {fp}",
            ),
            err=True,
        )
        try:
            config = server_config(
                create_hub_app(service), host, port, cert, key, log_level="warning"
            )
            uvicorn.Server(config).run()
        finally:
            service.close()

    @hub.command(
        "enrol-token",
        help=t("为一个诊所生成一次性登记令牌。", "Make a one-time enrolment token for a clinic."),
    )
    @_dir_option
    @click.option("--clinic", required=True, help=t("诊所名称。", "Clinic name."))
    @common_options
    @pass_state
    def hub_token(state: CliState, hub_dir: str | None, clinic: str) -> None:
        service = _service(state, hub_dir)
        try:
            token = service.create_enrol_token(clinic)
        finally:
            service.close()
        state.emit({"clinic": clinic, "token": token}, human=lambda r: r["token"])

    @hub.command("clinics", help=t("已登记的诊所。", "Enrolled clinics."))
    @_dir_option
    @common_options
    @pass_state
    def hub_clinics(state: CliState, hub_dir: str | None) -> None:
        service = _service(state, hub_dir)
        try:
            rows = service.list_clinics()
        finally:
            service.close()
        state.emit(rows, human=None)

    @hub.command(
        "revoke",
        help=t("吊销一个诊所（设备丢失或被盗）。", "Revoke a clinic (lost or stolen box)."),
    )
    @_dir_option
    @click.argument("clinic_id")
    @common_options
    @pass_state
    def hub_revoke(state: CliState, hub_dir: str | None, clinic_id: str) -> None:
        service = _service(state, hub_dir)
        try:
            service.revoke_clinic(clinic_id)
        finally:
            service.close()
        state.emit(
            {"clinic_id": clinic_id, "revoked": True}, human=lambda r: t("已吊销。", "Revoked.")
        )

    @hub.command(
        "mentor-add",
        help=t(
            "添加帮扶医生账号（口令从终端或标准输入读取）。",
            "Add a mentor account (password from the terminal or stdin).",
        ),
    )
    @_dir_option
    @click.argument("username")
    @click.option("--name", default="", help=t("显示名。", "Display name."))
    @common_options
    @pass_state
    def hub_mentor(state: CliState, hub_dir: str | None, username: str, name: str) -> None:
        from appliance.commands._store_cli import read_secret

        password = read_secret("帮扶医生口令", "Mentor password", confirm=sys.stdin.isatty())
        service = _service(state, hub_dir)
        try:
            service.add_mentor(username, password, name)
        finally:
            service.close()
        state.emit({"mentor": username}, human=lambda r: t("已添加。", "Added."))

    @hub.command("cases", help=t("列出转诊病例。", "List referred cases."))
    @_dir_option
    @click.option("--status", type=click.Choice(["new", "reviewed"]), default=None)
    @common_options
    @pass_state
    def hub_cases(state: CliState, hub_dir: str | None, status: str | None) -> None:
        service = _service(state, hub_dir)
        try:
            rows = service.list_cases(status)
        finally:
            service.close()
        state.emit(
            rows,
            human=lambda rs: (
                "\n".join(
                    f"{r['clinic_name']}  {r['clinic_id']} {r['case_id']} v{r['version']}  [{r['status']}]  {r['chief_complaint']}"
                    for r in rs
                )
                or t("没有病例。", "No cases.")
            ),
        )

    @hub.command(
        "advise",
        help=t(
            "给一个病例写指导意见（回传到诊所）。",
            "Write advice on a case (flows back to the clinic).",
        ),
    )
    @_dir_option
    @click.argument("clinic_id")
    @click.argument("case_id")
    @click.argument("version", type=int)
    @click.option("--mentor", required=True)
    @click.option("--text", required=True)
    @common_options
    @pass_state
    def hub_advise(
        state: CliState,
        hub_dir: str | None,
        clinic_id: str,
        case_id: str,
        version: int,
        mentor: str,
        text: str,
    ) -> None:
        service = _service(state, hub_dir)
        try:
            reply = service.advise(clinic_id, case_id, version, mentor, text)
        finally:
            service.close()
        state.emit(
            reply,
            human=lambda r: t(
                "已保存，诊所下次同步时收到。", "Saved; the clinic receives it at its next sync."
            ),
        )

    @hub.command("indicators", help=t("各诊所质量指标。", "Quality indicators per clinic."))
    @_dir_option
    @common_options
    @pass_state
    def hub_indicators(state: CliState, hub_dir: str | None) -> None:
        service = _service(state, hub_dir)
        try:
            rows = service.indicators()
        finally:
            service.close()
        state.emit(rows, human=None)

    @hub.command(
        "publish",
        help=t(
            "签名并发布更新包（知识库、处方集、质控规则、模型）。",
            "Sign and publish an update (knowledge, formulary, QC rules, model).",
        ),
    )
    @_dir_option
    @click.option(
        "--kind", type=click.Choice(["knowledge", "formulary", "qc_rules", "model"]), required=True
    )
    @click.option("--version", "version", required=True)
    @click.option("--note", default="")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    @common_options
    @pass_state
    def hub_publish(
        state: CliState, hub_dir: str | None, kind: str, version: str, note: str, folder: str
    ) -> None:
        from sync.updates import build_update

        service = _service(state, hub_dir)
        try:
            root = Path(folder)
            files = {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in root.rglob("*")
                if p.is_file()
            }
            out = build_update(
                service.dir / "updates" / f"{kind}-{version}.zip",
                kind,
                version,
                files,
                service.keys,
                note,
            )
            manifest = service.publish_update(out)
        finally:
            service.close()
        state.emit(
            manifest,
            human=lambda m: t(
                f"已发布 {m['kind']} {m['version']}", f"Published {m['kind']} {m['version']}"
            ),
        )
