"""Clinic endpoints: the :class:`ClinicService` the TUI uses, served to paired PCs.

Every route needs a signed request from a paired device and a logged-in user whose role is in
:data:`~appliance.api._auth.ROLE_TABLE`; patient-data calls are written to the access log with
the device and the user. Model work takes ``?stream=true`` for NDJSON progress.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request

from appliance.api._auth import ROLE_TABLE, Caller
from appliance.api._calls import request_lang, session_of
from appliance.api._context import ApiContext
from appliance.api._fields import filter_fields
from appliance.api._models import (
    AdviseIn,
    AmendIn,
    AskIn,
    AutosaveIn,
    FollowupPlanIn,
    MedsIn,
    PatientIn,
    RecordIn,
    ReferIn,
    StructureIn,
    TriageIn,
    VisitIn,
)
from appliance.errors import InputError, PermissionDenied
from appliance.services.session import role_can

_ID = Query(min_length=1, max_length=64)


F = TypeVar("F", bound=Callable[..., Any])


def _roles(endpoint: str) -> dict[str, Any]:
    return {"x-roles": sorted(ROLE_TABLE[endpoint]), "x-endpoint": endpoint}


def build_clinic_router(ctx: ApiContext) -> APIRouter:
    r = APIRouter(prefix="/api/v1")
    calls = ctx.calls

    def svc(caller: Caller) -> Any:
        return session_of(caller).service

    def route(method: str, path: str, endpoint: str, **kw: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = getattr(r, method)(
            path, name=endpoint, openapi_extra=_roles(endpoint), **kw
        )
        return decorator

    # --- session -------------------------------------------------------------------------
    @route("get", "/auth/me", "me", summary="当前用户 / Current user")
    async def me(caller: Caller = Depends(ctx.user("me"))) -> dict[str, Any]:
        s = session_of(caller)
        return {"username": s.username, "role": s.role, "device_id": caller.device_id}

    @route("get", "/features", "features", summary="可用功能 / Features available")
    async def features(caller: Caller = Depends(ctx.user("features"))) -> Any:
        return await calls.run(svc(caller).features)

    # --- patients ------------------------------------------------------------------------
    @route("get", "/patients", "patients.search", summary="查找患者 / Search patients")
    async def search_patients(
        query: str = Query("", max_length=100),
        limit: int = Query(50, ge=1, le=200),
        caller: Caller = Depends(ctx.user("patients.search")),
    ) -> Any:
        return await calls.audited(
            caller, "patients.search", None, lambda: svc(caller).search_patients(query, limit)
        )

    @route("get", "/patients/{patient_id}", "patients.get", summary="患者详情 / Patient")
    async def get_patient(
        patient_id: str, caller: Caller = Depends(ctx.user("patients.get"))
    ) -> Any:
        _check_id(patient_id)
        return await calls.audited(
            caller, "patients.get", patient_id, lambda: svc(caller).get_patient(patient_id)
        )

    @route("post", "/patients", "patients.add", status_code=201, summary="登记患者 / Add patient")
    async def add_patient(
        body: PatientIn, request: Request, caller: Caller = Depends(ctx.user("patients.add"))
    ) -> Any:
        data = body.model_dump(exclude_none=True)

        def add() -> dict[str, Any]:
            patient_id = svc(caller).add_patient(data)
            calls.audit(caller, "patients.add", patient_id)
            return {"patient_id": patient_id}

        return await calls.write(request, caller, add, status=201)

    @route("get", "/patients/{patient_id}/visits", "patients.visits", summary="就诊列表 / Visits")
    async def patient_visits(
        patient_id: str, caller: Caller = Depends(ctx.user("patients.visits"))
    ) -> Any:
        _check_id(patient_id)
        rows = await calls.audited(
            caller, "patients.visits", patient_id, lambda: svc(caller).patient_visits(patient_id)
        )
        return filter_fields("patients.visits", session_of(caller).role, rows)

    # --- visits --------------------------------------------------------------------------
    @route("get", "/visits/{visit_id}", "visits.get", summary="病历 / Visit record")
    async def get_visit(visit_id: str, caller: Caller = Depends(ctx.user("visits.get"))) -> Any:
        _check_id(visit_id)
        draft = await calls.run(lambda: svc(caller).get_visit(visit_id))
        patient_id = draft.get("patient_id") if isinstance(draft, dict) else None
        await calls.run(lambda: calls.audit(caller, "visits.get", patient_id))
        return draft

    @route("post", "/visits", "visits.save", summary="保存病历（新版本）/ Save a visit")
    async def save_visit(
        body: VisitIn, request: Request, caller: Caller = Depends(ctx.user("visits.save"))
    ) -> Any:
        if body.sign and not role_can(session_of(caller).role, "record.sign"):
            raise PermissionDenied("只有医师可以签名病历。", "Only a doctor can sign a record.")
        # the box computes these itself
        draft = body.model_dump(exclude={"triage", "qc", "med_alerts", "followup_plan"})

        def save() -> Any:
            summary = svc(caller).save_visit(draft)
            calls.audit(caller, "visits.save", body.patient_id)
            return summary

        return await calls.write(request, caller, save)

    @route("post", "/visits/{visit_id}/amend", "visits.amend", summary="修订已签名病历 / Amend")
    async def amend(
        visit_id: str,
        body: AmendIn,
        request: Request,
        caller: Caller = Depends(ctx.user("visits.amend")),
    ) -> Any:
        _check_id(visit_id)

        def run() -> Any:
            result = svc(caller).amend_visit(
                visit_id, body.record, body.reason, body.overrides, body.followup_note
            )
            calls.audit(caller, "visits.amend", result.get("patient_id"))
            return result

        return await calls.write(request, caller, run)

    # --- autosave of an open visit workspace --------------------------------------------
    @route("get", "/autosave/{patient_id}", "visits.autosave.get", summary="自动保存 / Autosave")
    async def load_autosave(
        patient_id: str,
        visit_id: str | None = Query(None, max_length=64),
        caller: Caller = Depends(ctx.user("visits.autosave.get")),
    ) -> Any:
        _check_id(patient_id)
        return await calls.run(lambda: svc(caller).load_visit_draft(patient_id, visit_id))

    @route("put", "/autosave/{patient_id}", "visits.autosave.put", summary="自动保存 / Autosave")
    async def save_autosave(
        patient_id: str,
        body: AutosaveIn,
        caller: Caller = Depends(ctx.user("visits.autosave.put")),
    ) -> Any:
        _check_id(patient_id)
        return await calls.run(
            lambda: svc(caller).save_visit_draft(patient_id, body.visit_id, body.payload)
        )

    @route("delete", "/autosave/{patient_id}", "visits.autosave.delete", summary="删除自动保存")
    async def discard_autosave(
        patient_id: str,
        visit_id: str | None = Query(None, max_length=64),
        caller: Caller = Depends(ctx.user("visits.autosave.delete")),
    ) -> Any:
        _check_id(patient_id)
        await calls.run(lambda: svc(caller).discard_visit_draft(patient_id, visit_id))
        return {"discarded": True}

    @route("post", "/visits/{visit_id}/refer", "visits.refer", summary="转帮扶医院 / Refer")
    async def refer(
        visit_id: str,
        body: ReferIn,
        request: Request,
        caller: Caller = Depends(ctx.user("visits.refer")),
    ) -> Any:
        _check_id(visit_id)

        def send() -> Any:
            result = svc(caller).refer_to_mentor(visit_id, body.question)
            calls.audit(caller, "visits.refer", None)
            return result

        return await calls.write(request, caller, send)

    # --- clinical ------------------------------------------------------------------------
    @route("post", "/triage", "triage", summary="分诊 / Triage")
    async def triage(
        body: TriageIn,
        request: Request,
        stream: bool = False,
        caller: Caller = Depends(ctx.user("triage")),
    ) -> Any:
        req = body.model_dump(exclude_none=True, exclude={"use_llm"})
        s = svc(caller)
        if stream:
            return calls.stream(
                lambda p, c: s.triage(req, use_llm=body.use_llm, progress=p, cancel=c),
                request_lang(request),
            )
        return await calls.run(lambda: s.triage(req, use_llm=body.use_llm), llm=body.use_llm)

    @route("post", "/meds/check", "meds.check", summary="用药审核 / Medication check")
    async def check_meds(body: MedsIn, caller: Caller = Depends(ctx.user("meds.check"))) -> Any:
        req = body.model_dump(exclude_none=True)
        return await calls.run(lambda: svc(caller).check_meds(req))

    @route("post", "/qc", "qc", summary="病历质控 / Record QC")
    async def run_qc(
        body: RecordIn,
        request: Request,
        stream: bool = False,
        caller: Caller = Depends(ctx.user("qc")),
    ) -> Any:
        s = svc(caller)
        if stream:
            return calls.stream(
                lambda p, c: s.run_qc(body.record, use_llm=body.use_llm, progress=p, cancel=c),
                request_lang(request),
                llm=body.use_llm,
            )
        return await calls.run(
            lambda: s.run_qc(body.record, use_llm=body.use_llm), llm=body.use_llm
        )

    @route("post", "/emr/structure", "emr.structure", summary="病历结构化 / Structure")
    async def structure(
        body: StructureIn,
        request: Request,
        stream: bool = False,
        caller: Caller = Depends(ctx.user("emr.structure")),
    ) -> Any:
        s = svc(caller)
        kw = {"visit_type": body.visit_type, "use_llm": body.use_llm, "live": body.live}
        if stream:
            return calls.stream(
                lambda p, c: s.structure_record(body.text, progress=p, cancel=c, **kw),
                request_lang(request),
            )
        return await calls.run(lambda: s.structure_record(body.text, **kw), llm=body.use_llm)

    @route(
        "post",
        "/transcribe",
        "transcribe",
        summary="语音转写（请求体为音频文件）/ Transcribe audio (the body is the audio file)",
    )
    async def transcribe(
        request: Request,
        format: str = Query("wav", pattern=r"^(wav|mp3|m4a|ogg|webm|flac|amr)$"),
        patient_id: str | None = Query(None, max_length=64),
        stream: bool = False,
        caller: Caller = Depends(ctx.user("transcribe")),
    ) -> Any:
        from appliance.speech.audio import audio_in_memory

        data = await request.body()  # already read (and size-limited) to check the signature
        if not data:
            raise InputError("没有收到音频。", "No audio was received.")
        s = svc(caller)

        def work(progress: Any = None, cancel: Any = None) -> Any:
            # the patient's voice stays in memory: an anonymous memfd, never a file on disk
            with audio_in_memory(data) as path:
                return s.transcribe(
                    str(path), patient_id=patient_id, progress=progress, cancel=cancel
                )

        if stream:
            return calls.stream(work, request_lang(request), llm=False)
        return await calls.run(work, model=True)

    @route("post", "/followup/plan", "followup.plan", summary="随访计划 / Follow-up plan")
    async def followup_plan(
        body: FollowupPlanIn, caller: Caller = Depends(ctx.user("followup.plan"))
    ) -> Any:
        return await calls.run(lambda: svc(caller).followup_plan(body.patient, body.record))

    @route("get", "/followup/due", "followup.due", summary="到期随访 / Follow-ups due")
    async def followup_due(caller: Caller = Depends(ctx.user("followup.due"))) -> Any:
        return await calls.audited(caller, "followup.due", None, svc(caller).followup_due)

    # --- assistant -----------------------------------------------------------------------
    @route("post", "/assistant/ask", "assistant.ask", summary="健康助手 / Ask")
    async def ask(
        body: AskIn,
        request: Request,
        stream: bool = False,
        caller: Caller = Depends(ctx.user("assistant.ask")),
    ) -> Any:
        s = svc(caller)
        if stream:
            return calls.stream(
                lambda p, c: s.ask(body.question, use_llm=body.use_llm, progress=p, cancel=c),
                request_lang(request),
            )
        return await calls.run(lambda: s.ask(body.question, use_llm=body.use_llm), llm=True)

    @route("post", "/assistant/advise", "assistant.advise", summary="辅助决策 / Advise")
    async def advise(
        body: AdviseIn,
        request: Request,
        stream: bool = False,
        caller: Caller = Depends(ctx.user("assistant.advise")),
    ) -> Any:
        s = svc(caller)
        if stream:
            return calls.stream(
                lambda p, c: s.advise(body.record, use_llm=body.use_llm, progress=p, cancel=c),
                request_lang(request),
            )
        return await calls.run(lambda: s.advise(body.record, use_llm=body.use_llm), llm=True)

    # --- monitoring ----------------------------------------------------------------------
    @route("get", "/compute", "compute.status", summary="算力状态 / Compute status")
    async def compute(caller: Caller = Depends(ctx.user("compute.status"))) -> Any:
        return await calls.run(svc(caller).compute_status)

    @route("get", "/quality", "quality", summary="质量指标 / Quality indicators")
    async def quality(
        months: int = Query(12, ge=1, le=60), caller: Caller = Depends(ctx.user("quality"))
    ) -> Any:
        return await calls.run(lambda: svc(caller).quality_indicators(months))

    return r


def _check_id(value: str) -> None:
    if not value or len(value) > 64 or not value.replace("-", "").replace("_", "").isalnum():
        raise InputError("编号格式不正确。", "The id is not valid.")
