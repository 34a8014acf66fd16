"""``clinicbox sync …``: enrol with the mentor hub, refer cases, run the agent, see status and
replies, install signed updates from a USB stick."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import click

from appliance.commands._base import BilingualGroup, CliState, common_options, pass_state, subgroup
from appliance.i18n import t


def _store(state: CliState, read_only: bool = False) -> Any:
    from appliance.commands._store_cli import open_cli_store

    return open_cli_store(state, read_only=read_only)


def _progress(started: float) -> Any:
    def show(done: int, total: int, sent: int) -> None:
        elapsed = time.monotonic() - started
        eta = elapsed / done * (total - done) if done else 0.0
        click.echo(
            t(
                f"已发送 {done}/{total}（{sent / 1024:.0f} KB），预计还需 {eta:.0f} 秒",
                f"Sent {done}/{total} ({sent / 1024:.0f} KB), about {eta:.0f} s left",
            ),
            err=True,
        )

    return show


def register(cli: click.Group) -> None:
    @cli.group(
        "sync",
        cls=BilingualGroup,
        help=t(
            "与帮扶医院同步：发送去标识化病例，取回指导意见和更新。",
            "Sync with the mentor hub: send de-identified cases, bring back advice and updates.",
        ),
    )
    def sync() -> None:
        pass

    @sync.command(
        "enrol",
        help=t(
            "登记到帮扶医院（核对证书指纹）。",
            "Enrol with the mentor hub (certificate fingerprint checked).",
        ),
    )
    @click.option("--hub", "url", required=True, help="https://host:port")
    @click.option("--token", required=True)
    @click.option(
        "--fingerprint",
        required=True,
        help=t("帮扶中心证书 SHA-256 指纹。", "The hub certificate's SHA-256 fingerprint."),
    )
    @common_options
    @pass_state
    def enrol(state: CliState, url: str, token: str, fingerprint: str) -> None:
        from sync.clinic import enrol as do_enrol

        store = _store(state)
        try:
            info = do_enrol(store, state.settings().data_dir, url, token, fingerprint)
            store.audit("cli", "admin", "sync.enrol", target=info["clinic_id"])
        finally:
            store.close()
        state.emit(
            info,
            human=lambda r: t(
                f"已登记，诊所编号 {r['clinic_id']}", f"Enrolled as {r['clinic_id']}"
            ),
        )

    @sync.command(
        "refer",
        help=t(
            "把已签名病历（去标识化）发给帮扶医院会诊（每次就诊一个会诊病例）。",
            "Refer a signed record (de-identified) to the mentor hub (one hub case per visit).",
        ),
    )
    @click.option("--visit", "visit_id", default=None, help=t("就诊编号。", "The visit id."))
    @click.option("--record", "record_id", default=None, help=t("病历编号。", "The record id."))
    @click.option(
        "--question",
        default="",
        help=t("想请教的问题。", "Your question to the mentor."),
    )
    @common_options
    @pass_state
    def refer(state: CliState, visit_id: str | None, record_id: str | None, question: str) -> None:
        from appliance.commands._service import open_cli_service
        from appliance.errors import UsageError

        if bool(visit_id) == bool(record_id):
            raise UsageError(
                "请用 --visit 或 --record 指定一次就诊。",
                "Name one visit with --visit or --record.",
            )
        question = question.strip() or t("请上级医院会诊指导。", "Please advise on this case.")
        with open_cli_service(state) as service:
            visit = visit_id or service.visit_of_record(str(record_id))
            result = service.refer_to_mentor(visit, question)
        state.emit(
            result,
            human=lambda r: (
                t("已封装待发送。", "Sealed, waiting to be sent.")
                if r.get("sealed")
                else t("已加入待发送队列。", "Queued for sending.") + (r.get("note") or "")
            ),
        )

    @sync.command(
        "run",
        help=t(
            "同步：发送病例、取回回复和更新（默认持续运行；--once 只做一次）。",
            "Sync: send cases, fetch replies and updates (loops by default; --once for one pass).",
        ),
    )
    @click.option("--once", is_flag=True)
    @click.option(
        "--loop", is_flag=True, help=t("持续运行（默认）。", "Keep running (the default).")
    )
    @click.option("--interval", default=60.0, type=float, show_default=True)
    @common_options
    @pass_state
    def run(state: CliState, once: bool, loop: bool, interval: float) -> None:
        from appliance.errors import NotEnrolled
        from sync.clinic import open_agent, seal_pending_referrals
        from sync.keys import box_keys

        data_dir = state.settings().data_dir
        store = _store(state)
        try:
            keys = box_keys(data_dir)
            if once:
                seal_pending_referrals(store, keys)
                agent, transport = open_agent(store, data_dir)
                try:
                    result = agent.run_once(progress=_progress(time.monotonic()))
                finally:
                    transport.close()
                state.emit(
                    result.to_dict(),
                    human=lambda r: t(
                        f"{'在线' if r['online'] else '离线'}：发送 {r['uploaded']} 重复 {r['duplicates']} 回复 {r['replies']} 待发 {r['remaining']}",
                        f"{'online' if r['online'] else 'offline'}: sent {r['uploaded']} duplicates {r['duplicates']} replies {r['replies']} pending {r['remaining']}",
                    ),
                )
                return
            stop = threading.Event()
            told = False
            try:
                while not stop.is_set():
                    try:
                        agent, transport = open_agent(store, data_dir)
                    except NotEnrolled as exc:  # a service before enrolment waits, says so once
                        if not told:
                            click.echo(
                                exc.message()
                                + t(
                                    f"（每 {interval:.0f} 秒重试）",
                                    f" (retrying every {interval:.0f} s)",
                                ),
                                err=True,
                            )
                            told = True
                        stop.wait(interval)
                        continue
                    try:
                        while not stop.is_set():
                            seal_pending_referrals(store, keys)
                            if agent.due():
                                state.emit(agent.run_once().to_dict(), human=None)
                            stop.wait(min(agent.delay() if agent.failures else interval, interval))
                    finally:
                        transport.close()
            except KeyboardInterrupt:
                stop.set()
        finally:
            store.close()

    @sync.command(
        "status", help=t("同步状态：待发、已发、回复。", "Sync status: pending, sent, replies.")
    )
    @common_options
    @pass_state
    def status(state: CliState) -> None:
        from sync import outbox

        store = _store(state, read_only=True)
        try:
            info = outbox.summary(store)
            st = outbox.get_state(store)
            info.update(
                enrolled="clinic_id" in st, clinic_id=st.get("clinic_id"), hub_url=st.get("hub_url")
            )
        finally:
            store.close()
        state.emit(
            info,
            human=lambda r: t(
                f"{'已登记' if r['enrolled'] else '未登记'}：待发 {r['pending']}（{r['pending_bytes']} 字节） 已发 {r['sent']} 回复 {r['replies']}（未读 {r['unread_replies']}）",
                f"{'enrolled' if r['enrolled'] else 'not enrolled'}: pending {r['pending']} ({r['pending_bytes']} bytes) sent {r['sent']} replies {r['replies']} (unread {r['unread_replies']})",
            ),
        )

    @sync.command(
        "replies",
        help=t(
            "帮扶医院的指导意见（已关联到患者）。", "Mentor advice received (linked to patients)."
        ),
    )
    @click.option("--patient", default=None)
    @common_options
    @pass_state
    def replies(state: CliState, patient: str | None) -> None:
        from sync import outbox

        store = _store(state, read_only=True)
        try:
            rows = outbox.replies(store, patient)
        finally:
            store.close()
        state.emit(
            rows,
            human=lambda rs: (
                "\n".join(f"{r['patient_id']} {r['case_id']}: {r['advice']}" for r in rs)
                or t("暂无回复。", "No replies yet.")
            ),
        )

    @sync.command(
        "install-update",
        help=t(
            "校验签名后安装更新包（U 盘）。",
            "Install an update from USB after checking its signature.",
        ),
    )
    @click.argument("path", type=click.Path(exists=True))
    @common_options
    @pass_state
    def install(state: CliState, path: str) -> None:
        from sync import outbox
        from sync.keys import unb64
        from sync.updates import install_update

        store = _store(state)
        try:
            hub_key = unb64(outbox.enrolment(store)["hub_sign_key"])
            manifest = install_update(Path(path), hub_key, state.settings().data_dir)
            store.audit(
                "cli",
                "admin",
                "sync.update_installed",
                target=f"{manifest['kind']}:{manifest['version']}",
            )
        finally:
            store.close()
        state.emit(
            manifest,
            human=lambda m: t(
                f"已安装 {m['kind']} {m['version']}", f"Installed {m['kind']} {m['version']}"
            ),
        )

    @sync.command(
        "aggregate",
        help=t(
            "把某月全院汇总计数（无患者信息）加入发送队列。",
            "Queue a month's whole-clinic counts (no patient data) for the hub.",
        ),
    )
    @click.option("--month", required=True, help="YYYY-MM")
    @common_options
    @pass_state
    def aggregate(state: CliState, month: str) -> None:
        from sync.aggregate import queue_month
        from sync.keys import box_keys

        store = _store(state)
        try:
            result = queue_month(store, box_keys(state.settings().data_dir), month)
        finally:
            store.close()
        state.emit(result, human=None)

    bench = subgroup(cli, "bench", t("性能基准。", "Benchmarks."))

    @bench.command(
        "sync",
        help=t(
            "同步基准：限速链路上的大量病例；多诊所并发接收（SQLite 与 PostgreSQL）。",
            "Sync benchmarks: many cases over a throttled link; hub ingest from many clinics (SQLite and PostgreSQL).",
        ),
    )
    @click.option("--cases", default=10_000, show_default=True)
    @click.option("--link-kbps", default=2000.0, show_default=True)
    @click.option("--loss", default=0.02, show_default=True)
    @click.option("--clinics", default=100, show_default=True)
    @click.option("--per-clinic", default=20, show_default=True)
    @click.option("--postgres/--no-postgres", default=True, show_default=True)
    @common_options
    @pass_state
    def bench_sync(
        state: CliState,
        cases: int,
        link_kbps: float,
        loss: float,
        clinics: int,
        per_clinic: int,
        postgres: bool,
    ) -> None:
        from appliance.bench import sync as b

        def report(line: str) -> None:
            click.echo(line, err=True)

        results: dict[str, Any] = {
            "throttled_link": b.throttled_link(cases, link_kbps, loss, report)
        }
        results["ingest_sqlite"] = b.hub_ingest(clinics, per_clinic, report=report)
        if postgres:
            url = state.settings().hub_database_url
            if url:
                results["ingest_postgresql"] = b.hub_ingest(
                    clinics, per_clinic, database_url=url, report=report
                )
            else:
                from sync._pgcluster import throwaway_cluster

                with throwaway_cluster() as url:
                    results["ingest_postgresql"] = b.hub_ingest(
                        clinics, per_clinic, database_url=url, report=report
                    )
        state.emit(results, human=None)
