"""Intrusion signals (入侵检测/安全审计) for the admin: repeated failed logins, one account opening
unusually many patients, access outside the clinic's hours, and attempts from unpaired or revoked
devices. Read from the LAN API's security events and access log (migration 0300); alerts carry
user names, device ids and addresses — never patient data. Used by ``clinicbox audit alerts``,
``GET /api/v1/security/alerts`` and ``ClinicService.security_alerts`` (the TUI's admin banner)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from appliance.config import Settings
from appliance.i18n import t
from appliance.services.ports import StorePort
from appliance.store import reports

FAILED_LOGIN_WINDOW_S = 15 * 60
DEVICE_EVENT_KINDS = ("unpaired_device", "revoked_device", "bad_signature", "pairing_failed")


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _hours(spec: str) -> tuple[dt.time, dt.time]:
    start, end = spec.split("-")
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def outside_hours(ts: float, spec: str) -> bool:
    start, end = _hours(spec)
    now = dt.datetime.fromtimestamp(ts).time()
    if start <= end:
        return not (start <= now < end)
    return end <= now < start  # a night shift window like 20:00-08:00


def _alert(kind: str, severity: str, rows: list[float], message: str, **who: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "severity": severity,
        "count": len(rows),
        "first": _iso(min(rows)),
        "last": _iso(max(rows)),
        "message": message,
        **{k: v for k, v in who.items() if v is not None},
    }


def security_alerts(
    store: StorePort, settings: Settings, *, hours: float = 24.0, now: float | None = None
) -> list[dict[str, Any]]:
    """Alerts of the last ``hours``, most severe first. ``store``: an open clinic store."""
    now = now or time.time()
    since = now - hours * 3600
    with store.read() as db:
        if "api_security_events" not in db.table_names():
            return []
        events = reports.security_events_since(db, since)
        access = reports.access_log_since(db, since)
    alerts: list[dict[str, Any]] = []
    alerts += _failed_logins(events, settings.api_alert_failed_logins)
    alerts += _device_attempts(events)
    alerts += _many_patients(access, settings.api_alert_patient_reads)
    alerts += _off_hours(access, settings.api_office_hours)
    order = {"high": 0, "medium": 1, "low": 2}
    alerts.sort(key=lambda a: (order.get(a["severity"], 3), a["last"]))
    return alerts


def _failed_logins(events: list[dict[str, Any]], threshold: int) -> list[dict[str, Any]]:
    by_user: dict[str, list[float]] = defaultdict(list)
    for e in events:
        if e["kind"] == "login_failed":
            by_user[e.get("username") or "?"].append(e["ts"])
    out = []
    for user, stamps in by_user.items():
        worst = max(
            sum(1 for s in stamps if start <= s < start + FAILED_LOGIN_WINDOW_S) for start in stamps
        )
        if worst >= threshold:
            out.append(
                _alert(
                    "failed_logins",
                    "high",
                    stamps,
                    t(
                        f"账号 {user} 在 15 分钟内登录失败 {worst} 次，可能有人在猜密码。",
                        f"Account {user} failed to log in {worst} times within 15 minutes; "
                        "someone may be guessing the password.",
                    ),
                    username=user,
                )
            )
    return out


def _device_attempts(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for e in events:
        if e["kind"] in DEVICE_EVENT_KINDS:
            groups[(e["kind"], e.get("ip") or "?", e.get("device_id") or "")].append(e["ts"])
    texts = {
        "unpaired_device": ("未配对的设备尝试访问", "An unpaired device tried to connect"),
        "revoked_device": ("已撤销的设备尝试访问", "A revoked device tried to connect"),
        "bad_signature": (
            "请求签名无效（可能被篡改或重放）",
            "Invalid request signature (tampered or replayed)",
        ),
        "pairing_failed": ("配对码错误", "Wrong pairing code"),
    }
    out = []
    for (kind, ip, device_id), stamps in groups.items():
        zh, en = texts[kind]
        severity = "high" if kind in ("revoked_device", "bad_signature") else "medium"
        out.append(
            _alert(
                kind,
                severity,
                stamps,
                t(
                    f"{zh}：来自 {ip}，{len(stamps)} 次。",
                    f"{en}: from {ip}, {len(stamps)} time(s).",
                ),
                ip=ip,
                device_id=device_id or None,
            )
        )
    return out


def _many_patients(access: list[dict[str, Any]], threshold: int) -> list[dict[str, Any]]:
    by_user: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for a in access:
        if a.get("patient_id"):
            by_user[a["username"]].append((a["ts"], a["patient_id"]))
    out = []
    for user, reads in by_user.items():
        worst = _max_distinct_per_hour(sorted(reads))
        if worst > threshold:
            out.append(
                _alert(
                    "many_patients",
                    "high",
                    [ts for ts, _ in reads],
                    t(
                        f"账号 {user} 在一小时内查看了 {worst} 位患者（阈值 {threshold}）。",
                        f"Account {user} opened {worst} patients within an hour "
                        f"(threshold {threshold}).",
                    ),
                    username=user,
                )
            )
    return out


def _max_distinct_per_hour(reads: list[tuple[float, str]]) -> int:
    counts: dict[str, int] = defaultdict(int)
    worst = lo = 0
    for ts, patient in reads:
        counts[patient] += 1
        while reads[lo][0] < ts - 3600:
            old = reads[lo][1]
            counts[old] -= 1
            if counts[old] == 0:
                del counts[old]
            lo += 1
        worst = max(worst, len(counts))
    return worst


def _off_hours(access: list[dict[str, Any]], spec: str) -> list[dict[str, Any]]:
    by_user: dict[tuple[str, str], list[float]] = defaultdict(list)
    for a in access:
        if outside_hours(a["ts"], spec):
            by_user[(a["username"], a["device_id"])].append(a["ts"])
    return [
        _alert(
            "outside_hours",
            "medium",
            stamps,
            t(
                f"账号 {user} 在工作时间（{spec}）以外访问了患者数据 {len(stamps)} 次。",
                f"Account {user} accessed patient data {len(stamps)} time(s) outside "
                f"clinic hours ({spec}).",
            ),
            username=user,
            device_id=device,
        )
        for (user, device), stamps in by_user.items()
    ]
