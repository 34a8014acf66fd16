"""Clinical calls of the clinic service: triage, medication checks, QC, EMR, speech, follow-up,
assistant. Each calls its use case directly (imported where it is used, so the first screen
opens without loading every area) and returns contract-shaped JSON."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from appliance.errors import Cancelled, ClinicBoxError
from appliance.services._clinic_types import (
    JSON,
    CancelToken,
    Patient,
    ProgressCallback,
    VisitDraft,
    VisitSummary,
    report,
)
from appliance.services._parts import unavailable

if TYPE_CHECKING:
    from appliance.services._local_clinic import ClinicRuntime
    from appliance.services.ports import EnginePort, SessionPort


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise Cancelled()


class ClinicalMixin:
    runtime: ClinicRuntime

    def _require(self, permission: str) -> Any:  # provided by LocalClinicService
        raise NotImplementedError

    def _session(self) -> Any:
        raise NotImplementedError

    def _optional_session(self) -> SessionPort | None:
        session: SessionPort | None = getattr(self, "session", None)
        return session

    def _engine_for(self, use_llm: bool) -> EnginePort | None:
        return self.runtime.engine() if use_llm else None

    # provided by PatientsMixin (the speech context reads the patient's record)
    def get_patient(self, patient_id: str) -> Patient:
        raise NotImplementedError

    def patient_visits(self, patient_id: str) -> list[VisitSummary]:
        raise NotImplementedError

    def get_visit(self, visit_id: str) -> VisitDraft:
        raise NotImplementedError

    # --- triage and medication safety ----------------------------------------------------
    def triage(
        self,
        request: JSON,
        *,
        use_llm: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        from appliance.services.safety import triage

        _check(cancel)
        report(progress, fraction=0.0, message="triage")
        budget = self.runtime.settings.triage_model_budget_s
        out = triage(request, self._engine_for(use_llm), use_llm=use_llm, timeout_s=budget)
        _check(cancel)
        report(progress, fraction=1.0, message="triage")
        return out

    def check_meds(self, request: JSON) -> JSON:
        from appliance.services.safety import check_meds

        return check_meds(request, settings=self.runtime.settings, session=self._optional_session())

    def followup_due(self) -> list[JSON]:
        from appliance.services.safety import followup_due

        store = self.runtime.require_store()
        out = followup_due(store, session=self._optional_session())
        return list(out.get("patients", []))

    def followup_plan(self, patient: JSON, record: JSON) -> JSON:
        from appliance.services.safety import followup_plan

        return followup_plan(patient, record, store=self.runtime.store)

    # --- records -------------------------------------------------------------------------
    def run_qc(
        self,
        record: JSON,
        *,
        use_llm: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        from appliance.services.emr import run_qc

        if not use_llm:
            return run_qc(record)
        _check(cancel)
        engine = self._engine_for(True)
        out = run_qc(record, engine=engine, use_llm=True, progress=progress, cancel=cancel)
        _check(cancel)
        if engine is None:
            out["model_error"] = "feature_unavailable"
        return out

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
        from appliance.services.emr import structure

        _check(cancel)
        report(progress, fraction=0.0, message="emr")
        out = structure(
            text,
            visit_type=visit_type,
            engine=self._engine_for(use_llm),
            use_llm=use_llm,
            progress=progress,
            cancel=cancel,
            memo=self.runtime.section_memo,
            live=live,
        )
        _check(cancel)
        report(progress, fraction=1.0, message="emr")
        return out

    def speech_context(self, patient_id: str | None) -> tuple[str, ...]:
        """This patient's words worth listening for: the last visit's complaint, diagnoses of
        recent visits and known conditions, the last visit's drugs (empty without a patient, or
        when the patient cannot be read: a dictation never fails over its hotwords)."""
        if not patient_id:
            return ()
        from appliance.speech.context import patient_words

        try:
            patient = self.get_patient(patient_id)
        except ClinicBoxError:  # unknown patient or no patient.read: transcribe without words
            return ()
        try:
            visits = self.patient_visits(patient_id)[:3]
        except ClinicBoxError:  # a role without record.read: the patient's conditions only
            visits = []
        complaint = str(visits[0].get("chief_complaint") or "") if visits else ""
        diagnoses = [str(d) for v in visits for d in v.get("diagnoses") or []]
        drugs: list[str] = []
        if visits:
            with contextlib.suppress(ClinicBoxError):
                record = self.get_visit(visits[0]["visit_id"]).get("record") or {}
                for rx in record.get("prescriptions") or []:
                    if isinstance(rx, dict) and rx.get("drug"):
                        drugs.append(str(rx["drug"]))
        conditions = [str(c) for c in patient.get("conditions") or []]
        return patient_words(complaint, [*diagnoses, *conditions], drugs)

    def transcribe(
        self,
        audio_path: str,
        *,
        patient_id: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        from appliance.services.emr import transcribe

        _check(cancel)
        words = self.speech_context(patient_id)
        engine = self.runtime.engine()
        out = transcribe(
            audio_path,
            settings=self.runtime.settings,
            engine=engine,
            llm_correct=engine is not None,
            context_words=words,
            progress=progress,
            cancel=cancel,
        )
        _check(cancel)
        out["context_words"] = len(words)
        return out

    def dictate(
        self,
        *,
        patient_id: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        max_seconds: float = 300.0,
    ) -> JSON:
        from appliance.services.emr import dictate

        try:
            from appliance.speech.mic import microphone_available
        except ImportError:  # the speech extras are not installed
            microphone_available = None  # type: ignore[assignment]
        if microphone_available is None or not microphone_available():
            raise unavailable(
                "dictation",
                "本机没有可用的麦克风；可改为输入录音文件路径，或直接打字。",
                "No microphone on this box; give an audio file path or type instead.",
            )
        return dictate(
            settings=self.runtime.settings,
            context_words=self.speech_context(patient_id),
            progress=progress,
            cancel=cancel,
            max_seconds=max_seconds,
        )

    # --- assistant -----------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        from appliance.services.assistant import ask

        _check(cancel)
        report(progress, fraction=0.0, message="assistant")
        out = ask(
            question, store=self.runtime.store, engine=self._engine_for(use_llm), use_llm=use_llm
        )
        _check(cancel)
        report(progress, fraction=1.0, message="assistant")
        return out

    def advise(
        self,
        record: JSON,
        *,
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        from appliance.services.assistant import advise

        _check(cancel)
        report(progress, fraction=0.0, message="advise")
        out = advise(record, store=self.runtime.store, engine=self._engine_for(use_llm))
        _check(cancel)
        report(progress, fraction=1.0, message="advise")
        return out
