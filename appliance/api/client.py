"""``RemoteClinicService``: the :class:`ClinicService` of a box, spoken over the clinic LAN.

A clinic PC pairs once (``clinicbox pair --code …``); afterwards ``connect(settings, "auto")``
finds the box (the saved address, else mDNS by its pinned fingerprint when the box's address has
changed), and every call is a signed HTTPS request pinned to the box's certificate. Long model
work streams progress (NDJSON) and is cancelled when the caller's CancelToken is set.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import httpx

from appliance import __version__
from appliance.api._transport import PairedBox, Transport, load_paired, require_paired, save_paired
from appliance.config import Settings
from appliance.errors import (
    AuthRequired,
    Cancelled,
    FeatureUnavailable,
    InputError,
    NotLoggedIn,
    ServerUnreachable,
)
from appliance.i18n import get_lang, t
from appliance.services._clinic_types import (
    FEATURES,
    JSON,
    CancelToken,
    ClinicInfo,
    FeatureStatus,
    Patient,
    Progress,
    ProgressCallback,
    UserInfo,
    VisitDraft,
    VisitSummary,
)


def connect(settings: Settings, target: str = "auto", timeout: float = 3.0) -> RemoteClinicService:
    """``target``: ``auto`` (the paired box; rediscovered by fingerprint if it moved) or
    ``HOST:PORT`` of the paired box."""
    box = require_paired(settings)
    if target not in ("", "auto"):
        host, _, port = target.rpartition(":")
        box.host, box.port = host.strip("[]") or box.host, int(port or box.port)
        return RemoteClinicService(settings, box)
    service = RemoteClinicService(settings, box)
    try:
        service.hello()
        return service
    except ServerUnreachable:
        service.close()
    from appliance.api.discovery import discover

    for found in discover(settings, timeout=timeout):
        if found.fingerprint == box.fingerprint:
            box.host, box.port = found.host, found.port
            save_paired(settings, box)
            return RemoteClinicService(settings, box)
    raise ServerUnreachable()


class RemoteClinicService:
    """:class:`~appliance.services.interface.ClinicService` over HTTPS to a paired box."""

    def __init__(self, settings: Settings, box: PairedBox | None = None) -> None:
        self.settings = settings
        self.box = box or require_paired(settings)
        self.http = Transport(self.box, lang=get_lang())
        self._user: UserInfo | None = None
        self._hello: JSON | None = None

    # --- plumbing ------------------------------------------------------------------------
    def _call(self, method: str, path: str, **kw: Any) -> Any:
        if self._user is None:
            raise NotLoggedIn()
        try:
            return self.http.request(method, f"/api/v1{path}", **kw)
        except AuthRequired:
            self._forget_login()  # session expired or the box restarted: log in again
            raise

    def _forget_login(self) -> None:
        self._user = None
        self.http.token = None

    def _long(
        self,
        path: str,
        body: JSON | None,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        *,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Model work: stream progress lines, stop (and cancel on the box) when cancelled."""
        if self._user is None:
            raise NotLoggedIn()
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        try:
            response = self.http.stream(
                "POST",
                f"/api/v1{path}",
                json_body=body,
                content=content,
                params={**(params or {}), "stream": "true"},
            )
        except AuthRequired:
            self._forget_login()
            raise
        try:
            for line in response.iter_lines():
                if cancel is not None and cancel.cancelled:
                    raise Cancelled()
                if not line.strip():
                    continue
                item = json.loads(line)
                if "progress" in item and progress is not None:
                    with contextlib.suppress(Exception):  # a broken display must not fail work
                        progress(Progress(**item["progress"]))
                elif "result" in item:
                    return item["result"]
                elif "error" in item:
                    from appliance.api._transport import error_from_body

                    raise error_from_body(500, item)
        except (OSError, ValueError, httpx.HTTPError) as exc:
            raise ServerUnreachable() from exc
        finally:
            response.close()
        raise ServerUnreachable()

    # --- the box -------------------------------------------------------------------------
    def hello(self) -> JSON:
        self._hello = self.http.request("GET", "/api/v1/hello", retries=0)
        return self._hello

    def info(self) -> ClinicInfo:
        hello = self._hello or self.hello()
        return ClinicInfo(
            clinic_name=str(hello.get("name", "")),
            version=__version__,
            training=False,
            locked=bool(hello.get("locked", False)),
            data_dir="",
            remote=True,
            model=hello.get("model"),
        )

    def features(self) -> dict[str, FeatureStatus]:
        if self._user is None:
            reason = t("请先登录。", "Log in first.")
            return {f: FeatureStatus(available=False, reason=reason) for f in FEATURES}
        found = self._call("GET", "/features")
        found["dictation"] = FeatureStatus(
            available=False,
            reason=t("远程电脑请录音后上传转写。", "On a PC, record audio and upload it."),
        )
        return found  # type: ignore[no-any-return]

    def close(self) -> None:
        self.logout()
        self.http.close()

    # --- unlock and login ----------------------------------------------------------------
    def is_locked(self) -> bool:
        return bool(self.info().get("locked"))

    def unlock(self, passphrase: str) -> None:
        raise FeatureUnavailable(
            "数据库只能在服务器本机上解锁。",
            "The database can only be unlocked at the box itself.",
            details={"feature": "store"},
        )

    def login(self, username: str, password: str) -> UserInfo:
        out = self.http.request(
            "POST",
            "/api/v1/auth/login",
            json_body={"username": username, "password": password},
            retries=0,
        )
        self.http.token = out["token"]
        self._user = UserInfo(**out["user"])  # type: ignore[typeddict-item]
        return self._user

    def logout(self) -> None:
        if self._user is None:
            return
        with contextlib.suppress(Exception):  # an unreachable box still means logged out here
            self.http.request("POST", "/api/v1/auth/logout", retries=0)
        self._user = None
        self.http.token = None

    def current_user(self) -> UserInfo | None:
        return self._user

    # --- patients ------------------------------------------------------------------------
    def search_patients(self, query: str = "", limit: int = 50) -> list[Patient]:
        return self._call("GET", "/patients", params={"query": query, "limit": limit})  # type: ignore[no-any-return]

    def get_patient(self, patient_id: str) -> Patient:
        return self._call("GET", f"/patients/{patient_id}")  # type: ignore[no-any-return]

    def add_patient(self, data: Patient) -> str:
        body = {k: v for k, v in dict(data).items() if k in _PATIENT_FIELDS and v not in (None, "")}
        return str(self._call("POST", "/patients", json_body=body)["patient_id"])

    def patient_visits(self, patient_id: str) -> list[VisitSummary]:
        return self._call("GET", f"/patients/{patient_id}/visits")  # type: ignore[no-any-return]

    # --- visits and records --------------------------------------------------------------
    def get_visit(self, visit_id: str) -> VisitDraft:
        return self._call("GET", f"/visits/{visit_id}")  # type: ignore[no-any-return]

    def save_visit(self, draft: VisitDraft) -> VisitSummary:
        return self._call("POST", "/visits", json_body=dict(draft))  # type: ignore[no-any-return]

    def amend_visit(
        self,
        visit_id: str,
        record: JSON,
        reason: str,
        overrides: list[JSON] | None = None,
        followup_note: str | None = None,
    ) -> VisitSummary:
        body: JSON = {"record": record, "reason": reason, "overrides": list(overrides or [])}
        if followup_note is not None:
            body["followup_note"] = followup_note
        return self._call("POST", f"/visits/{visit_id}/amend", json_body=body)  # type: ignore[no-any-return]

    def save_visit_draft(self, patient_id: str, visit_id: str | None, payload: JSON) -> JSON:
        body = {"visit_id": visit_id, "payload": payload}
        return self._call("PUT", f"/autosave/{patient_id}", json_body=body)  # type: ignore[no-any-return]

    def load_visit_draft(self, patient_id: str, visit_id: str | None) -> JSON | None:
        params = {"visit_id": visit_id} if visit_id else {}
        return self._call("GET", f"/autosave/{patient_id}", params=params)  # type: ignore[no-any-return]

    def discard_visit_draft(self, patient_id: str, visit_id: str | None) -> None:
        params = {"visit_id": visit_id} if visit_id else {}
        self._call("DELETE", f"/autosave/{patient_id}", params=params)

    def refer_to_mentor(self, visit_id: str, question: str) -> JSON:
        return self._call("POST", f"/visits/{visit_id}/refer", json_body={"question": question})  # type: ignore[no-any-return]

    # --- clinical ------------------------------------------------------------------------
    def triage(
        self,
        request: JSON,
        *,
        use_llm: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        body = {**request, "use_llm": use_llm}
        if use_llm:
            return self._long("/triage", body, progress, cancel)  # type: ignore[no-any-return]
        return self._call("POST", "/triage", json_body=body)  # type: ignore[no-any-return]

    def check_meds(self, request: JSON) -> JSON:
        return self._call("POST", "/meds/check", json_body=request)  # type: ignore[no-any-return]

    def run_qc(
        self,
        record: JSON,
        *,
        use_llm: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        if use_llm:
            body = {"record": record, "use_llm": True}
            return self._long("/qc", body, progress, cancel)  # type: ignore[no-any-return]
        return self._call("POST", "/qc", json_body={"record": record})  # type: ignore[no-any-return]

    def structure_record(
        self,
        text: str,
        *,
        visit_type: str = "initial",
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        live: bool = False,
    ) -> JSON:
        body = {"text": text, "visit_type": visit_type, "use_llm": use_llm, "live": live}
        return self._long("/emr/structure", body, progress, cancel)  # type: ignore[no-any-return]

    def transcribe(
        self,
        audio_path: str,
        *,
        patient_id: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        from pathlib import Path

        path = Path(audio_path)
        suffix = path.suffix.lower().lstrip(".")
        if suffix not in _AUDIO_FORMATS:
            raise InputError(
                f"不支持的音频格式：.{suffix}（支持 {', '.join(_AUDIO_FORMATS)}）。",
                f"Unsupported audio format: .{suffix} (use {', '.join(_AUDIO_FORMATS)}).",
            )
        try:
            data = path.read_bytes()
        except OSError:
            raise InputError(
                f"无法读取音频文件：{path.name}", f"Cannot read the audio file: {path.name}"
            ) from None
        return self._long(  # type: ignore[no-any-return]
            "/transcribe",
            None,
            progress,
            cancel,
            content=data,
            params={"format": suffix, **({"patient_id": patient_id} if patient_id else {})},
        )

    def dictate(
        self,
        *,
        patient_id: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        max_seconds: float = 300.0,
    ) -> JSON:
        raise FeatureUnavailable(
            "远程电脑不能使用服务器的麦克风听写；请录音后上传转写。",
            "A PC cannot dictate through the box's microphone; record audio and upload it.",
            details={"feature": "dictation"},
        )

    def followup_plan(self, patient: JSON, record: JSON) -> JSON:
        body = {"patient": patient, "record": record}
        return self._call("POST", "/followup/plan", json_body=body)  # type: ignore[no-any-return]

    def followup_due(self) -> list[JSON]:
        return self._call("GET", "/followup/due")  # type: ignore[no-any-return]

    # --- assistant -----------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        body = {"question": question, "use_llm": use_llm}
        return self._long("/assistant/ask", body, progress, cancel)  # type: ignore[no-any-return]

    def advise(
        self,
        record: JSON,
        *,
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        body = {"record": record, "use_llm": use_llm}
        return self._long("/assistant/advise", body, progress, cancel)  # type: ignore[no-any-return]

    # --- monitoring ----------------------------------------------------------------------
    def compute_status(self) -> JSON:
        return self._call("GET", "/compute")  # type: ignore[no-any-return]

    def quality_indicators(self, months: int = 12) -> JSON:
        return self._call("GET", "/quality", params={"months": months})  # type: ignore[no-any-return]

    # --- administration ------------------------------------------------------------------
    def list_users(self) -> list[UserInfo]:
        return self._call("GET", "/admin/users")  # type: ignore[no-any-return]

    def add_user(self, username: str, password: str, role: str, display_name: str = "") -> None:
        body = {"username": username, "password": password, "role": role}
        if display_name:
            body["display_name"] = display_name
        self._call("POST", "/admin/users", json_body=body)

    def set_user_locked(self, username: str, locked: bool) -> None:
        self._call("POST", f"/admin/users/{username}/lock", json_body={"locked": locked})

    def backup(self, destination: str | None = None) -> JSON:
        return self._call("POST", "/admin/backup", json_body={"destination": destination})  # type: ignore[no-any-return]

    def restore(self, path: str) -> JSON:
        raise FeatureUnavailable(
            "恢复备份只能在服务器本机上进行。",
            "Restoring a backup can only be done at the box itself.",
            details={"feature": "backup"},
        )

    def verify_audit(self) -> JSON:
        return self._call("GET", "/admin/audit/verify")  # type: ignore[no-any-return]

    def list_models(self) -> list[JSON]:
        return self._call("GET", "/admin/models")  # type: ignore[no-any-return]

    def settings_summary(self) -> JSON:
        return self._call("GET", "/admin/settings")  # type: ignore[no-any-return]

    def sync_status(self) -> JSON:
        return self._call("GET", "/admin/sync")  # type: ignore[no-any-return]

    # --- LAN extras (admin) --------------------------------------------------------------
    def list_devices(self) -> list[JSON]:
        return self._call("GET", "/devices")  # type: ignore[no-any-return]

    def revoke_device(self, device_id: str) -> JSON:
        return self._call("POST", f"/devices/{device_id}/revoke")  # type: ignore[no-any-return]

    def pairing_code(self, ttl_s: int = 600) -> JSON:
        return self._call("POST", "/devices/pairing-code", json_body={"ttl_s": ttl_s})  # type: ignore[no-any-return]

    def security_alerts(self, hours: float = 24.0) -> list[JSON]:
        return self._call("GET", "/security/alerts", params={"hours": hours})  # type: ignore[no-any-return]


_AUDIO_FORMATS = ("wav", "mp3", "m4a", "ogg", "webm", "flac", "amr")
_PATIENT_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "address",
    "conditions",
    "allergies",
)

ProgressFn = Callable[[Progress], None]
__all__ = ["RemoteClinicService", "connect", "load_paired"]
