"""The hub's HTTPS API (FastAPI): clinic enrolment, bundle ingest (whole or resumable chunks),
replies and updates for clinics; a mentor review web page and indicators for mentors."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Form, Header, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel

from appliance.errors import ClinicBoxError, HubRequestRejected, NotFoundError, PermissionDenied
from sync.hub.service import HubService

MAX_CHUNK = 8 * 1024 * 1024
MAX_BATCH = 128


class EnrolIn(BaseModel):
    token: str
    sign_key: str
    enc_key: str


class BatchIn(BaseModel):
    bundles: list[str]


class UploadIn(BaseModel):
    size: int
    sha256: str


class AckIn(BaseModel):
    upto: int


def create_hub_app(hub: HubService) -> FastAPI:
    app = FastAPI(title="ClinicBox mentor hub", docs_url=None, redoc_url=None)
    basic = HTTPBasic()

    @app.exception_handler(ClinicBoxError)
    async def _error(_: Request, exc: ClinicBoxError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=exc.http_status)

    def clinic(authorization: str = Header("")) -> str:
        if not authorization.startswith("Bearer "):
            raise PermissionDenied("缺少诊所凭据。", "Clinic credentials missing.")
        return hub.authenticate(authorization[len("Bearer ") :])

    def mentor(credentials: HTTPBasicCredentials = Depends(basic)) -> str:  # noqa: B008
        if not hub.check_mentor(credentials.username, credentials.password):
            raise PermissionDenied("帮扶医生账号或密码错误。", "Wrong mentor username or password.")
        return credentials.username

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        return {"ok": True, **hub.public_info()}

    @app.post("/v1/enrol")
    def enrol(body: EnrolIn) -> dict[str, str]:
        return hub.enrol(body.token, body.sign_key, body.enc_key)

    @app.post("/v1/bundles")
    async def ingest(request: Request, clinic_id: str = Depends(clinic)) -> dict[str, Any]:
        return hub.ingest(clinic_id, await request.body())

    @app.post("/v1/bundles/batch")
    def ingest_batch(body: BatchIn, clinic_id: str = Depends(clinic)) -> dict[str, Any]:
        if len(body.bundles) > MAX_BATCH:
            raise HubRequestRejected("一次提交的病例包太多。", "Too many bundles in one batch.")
        return {"receipts": hub.ingest_many(clinic_id, [b.encode() for b in body.bundles])}

    # resumable uploads for large bundles: create, query offset, append chunk, complete
    def _upload(clinic_id: str, upload_id: str) -> tuple[dict[str, Any], Path]:
        row = hub.db.one(
            "SELECT * FROM uploads WHERE upload_id = ? AND clinic_id = ?", (upload_id, clinic_id)
        )
        if row is None:
            raise NotFoundError("没有这个上传。", "No such upload.")
        return row, hub.dir / "uploads" / f"{upload_id}.part"

    @app.post("/v1/uploads")
    def upload_create(body: UploadIn, clinic_id: str = Depends(clinic)) -> dict[str, Any]:
        upload_id = secrets.token_hex(12)
        hub.db.execute(
            "INSERT INTO uploads (upload_id, clinic_id, size, sha256, created_at) VALUES (?, ?, ?, ?, ?)",
            (upload_id, clinic_id, body.size, body.sha256, "now"),
        )
        (hub.dir / "uploads" / f"{upload_id}.part").write_bytes(b"")
        return {"upload_id": upload_id, "offset": 0}

    @app.get("/v1/uploads/{upload_id}")
    def upload_offset(upload_id: str, clinic_id: str = Depends(clinic)) -> dict[str, Any]:
        _, path = _upload(clinic_id, upload_id)
        return {"upload_id": upload_id, "offset": path.stat().st_size if path.exists() else 0}

    @app.put("/v1/uploads/{upload_id}")
    async def upload_chunk(
        upload_id: str, offset: int, request: Request, clinic_id: str = Depends(clinic)
    ) -> dict[str, Any]:
        row, path = _upload(clinic_id, upload_id)
        data = await request.body()
        current = path.stat().st_size
        if offset != current:
            return JSONResponse({"upload_id": upload_id, "offset": current}, status_code=409)  # type: ignore[return-value]
        if len(data) > MAX_CHUNK or current + len(data) > row["size"]:
            raise HubRequestRejected("上传分块过大。", "The chunk is too large.")
        with path.open("ab") as fh:
            fh.write(data)
        return {"upload_id": upload_id, "offset": current + len(data)}

    @app.post("/v1/uploads/{upload_id}/complete")
    def upload_complete(upload_id: str, clinic_id: str = Depends(clinic)) -> dict[str, Any]:
        row, path = _upload(clinic_id, upload_id)
        blob = path.read_bytes()
        if len(blob) != row["size"] or hashlib.sha256(blob).hexdigest() != row["sha256"]:
            raise HubRequestRejected(
                "上传内容不完整或校验失败。", "The upload is incomplete or corrupt."
            )
        receipt = hub.ingest(clinic_id, blob)
        path.unlink(missing_ok=True)
        hub.db.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
        return receipt

    @app.get("/v1/replies")
    def replies(after: int = 0, clinic_id: str = Depends(clinic)) -> dict[str, Any]:
        return {"replies": hub.replies_after(clinic_id, after)}

    @app.post("/v1/replies/ack")
    def ack(body: AckIn, clinic_id: str = Depends(clinic)) -> dict[str, bool]:
        hub.ack_replies(clinic_id, body.upto)
        return {"ok": True}

    @app.get("/v1/updates")
    def updates(clinic_id: str = Depends(clinic)) -> dict[str, Any]:
        return {"updates": hub.list_updates()}

    @app.get("/v1/updates/{kind}/{version}")
    def update_file(kind: str, version: str, clinic_id: str = Depends(clinic)) -> FileResponse:
        return FileResponse(hub.update_path(kind, version), media_type="application/zip")

    # --- mentors ---------------------------------------------------------------------------

    @app.get("/v1/cases")
    def cases(status: str | None = None, who: str = Depends(mentor)) -> dict[str, Any]:
        return {"cases": hub.list_cases(status)}

    @app.get("/v1/cases/{clinic_id}/{case_id}/{version}")
    def case(
        clinic_id: str, case_id: str, version: int, who: str = Depends(mentor)
    ) -> dict[str, Any]:
        return hub.get_case(clinic_id, case_id, version)

    @app.post("/v1/cases/{clinic_id}/{case_id}/{version}/advice")
    def advice_json(
        clinic_id: str, case_id: str, version: int, body: dict[str, str], who: str = Depends(mentor)
    ) -> dict[str, Any]:
        return hub.advise(clinic_id, case_id, version, who, body.get("advice", ""))

    @app.get("/v1/indicators")
    def indicators(who: str = Depends(mentor)) -> dict[str, Any]:
        return {"clinics": hub.indicators()}

    @app.get("/mentor", response_class=HTMLResponse)
    def mentor_page(who: str = Depends(mentor)) -> str:
        from sync.hub._pages import case_list_page

        return case_list_page(hub.list_cases(), hub.indicators(), who)

    @app.get("/mentor/{clinic_id}/{case_id}/{version}", response_class=HTMLResponse)
    def mentor_case(clinic_id: str, case_id: str, version: int, who: str = Depends(mentor)) -> str:
        from sync.hub._pages import case_page

        return case_page(clinic_id, case_id, version, hub.get_case(clinic_id, case_id, version))

    @app.post("/mentor/{clinic_id}/{case_id}/{version}")
    def mentor_advise(
        clinic_id: str,
        case_id: str,
        version: int,
        advice: str = Form(...),
        who: str = Depends(mentor),
    ) -> RedirectResponse:
        hub.advise(clinic_id, case_id, version, who, advice)
        return RedirectResponse(f"/mentor/{clinic_id}/{case_id}/{version}", status_code=303)

    return app
