"""Clinical calls of the clinic service: triage, medication checks, QC, EMR, speech, follow-up,
assistant. Each delegates to its area's service module and returns contract-shaped JSON."""

from __future__ import annotations

from typing import Any

from appliance.errors import Cancelled
from appliance.services import _parts
from appliance.services._clinic_types import JSON, CancelToken, ProgressCallback, report
from appliance.services._parts import as_json, call, need


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise Cancelled()


class ClinicalMixin:
    runtime: Any

    def _require(self, permission: str) -> Any:  # provided by LocalClinicService
        raise NotImplementedError

    def _session(self) -> Any:
        raise NotImplementedError

    def _model_call(
        self,
        fn: Any,
        *args: Any,
        use_llm: bool,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        message: str,
        **kwargs: Any,
    ) -> JSON:
        _check(cancel)
        engine = self.runtime.engine() if use_llm else None
        report(progress, fraction=0.0, message=message)
        result = call(
            fn, *args, engine=engine, progress=progress, cancel=cancel, use_llm=use_llm, **kwargs
        )
        _check(cancel)
        report(progress, fraction=1.0, message=message)
        out = as_json(result)
        return out if isinstance(out, dict) else {"result": out}

    # --- triage and medication safety ----------------------------------------------------
    def triage(
        self,
        request: JSON,
        *,
        use_llm: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        fn = need("triage", "appliance.services.safety", "triage")
        return self._model_call(
            fn,
            request,
            use_llm=use_llm,
            progress=progress,
            cancel=cancel,
            message="triage",
        )

    def check_meds(self, request: JSON) -> JSON:
        fn = need("meds", "appliance.services.safety", "check_meds")
        out = as_json(call(fn, request))
        return out if isinstance(out, dict) else {"alerts": out}

    def followup_due(self) -> list[JSON]:
        fn = need("followup", "appliance.services.safety", "followup_due")
        store = self.runtime.require_store()
        out = as_json(call(fn, store, session=getattr(self, "session", None)))
        if isinstance(out, dict):
            out = out.get("patients", out.get("due", []))
        return list(out)

    def followup_plan(self, patient: JSON, record: JSON) -> JSON:
        fn = need("followup", "appliance.services.safety", "followup_plan", "plan_followup")
        out = as_json(call(fn, patient, record, store=self.runtime.store))
        return out if isinstance(out, dict) else {"plan": out}

    # --- records -------------------------------------------------------------------------
    def run_qc(self, record: JSON) -> JSON:
        fn = need("qc", "appliance.services.emr", "run_qc", "qc")
        out = as_json(call(fn, record))
        return out if isinstance(out, dict) else {"findings": out}

    def structure_record(
        self,
        text: str,
        *,
        visit_type: str = "initial",
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        fn = need("emr", "appliance.services.emr", "structure", "structure_record")
        return self._model_call(
            fn,
            text,
            use_llm=use_llm,
            progress=progress,
            cancel=cancel,
            message="emr",
            visit_type=visit_type,
        )

    def transcribe(
        self,
        audio_path: str,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        fn = need("transcribe", "appliance.services.emr", "transcribe")
        _check(cancel)
        out = as_json(
            call(
                fn,
                audio_path,
                settings=self.runtime.settings,
                engine=self.runtime.engine(),
                llm_correct=self.runtime.engine() is not None,
                progress=progress,
                cancel=cancel,
            )
        )
        _check(cancel)
        return out if isinstance(out, dict) else {"text": str(out)}

    def dictate(
        self,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        max_seconds: float = 300.0,
    ) -> JSON:
        fn = _parts.find("appliance.services.emr", "dictate")
        has_mic = _parts.find("appliance.speech.mic", "microphone_available")
        if fn is None or has_mic is None or not has_mic():
            raise _parts.unavailable(
                "dictation",
                "本机没有可用的麦克风；可改为输入录音文件路径，或直接打字。",
                "No microphone on this box; give an audio file path or type instead.",
            )
        out = as_json(
            call(
                fn,
                settings=self.runtime.settings,
                progress=progress,
                cancel=cancel,
                max_seconds=max_seconds,
            )
        )
        return out if isinstance(out, dict) else {"text": str(out)}

    # --- assistant -----------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        fn = need("assistant", "appliance.services.assistant", "ask")
        return self._model_call(
            fn,
            question,
            use_llm=use_llm,
            progress=progress,
            cancel=cancel,
            message="assistant",
            store=self.runtime.store,
        )

    def advise(
        self,
        record: JSON,
        *,
        use_llm: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        fn = need("advise", "appliance.services.assistant", "advise")
        return self._model_call(
            fn,
            record,
            use_llm=use_llm,
            progress=progress,
            cancel=cancel,
            message="advise",
            store=self.runtime.store,
        )
