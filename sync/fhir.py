"""A FHIR R4 ``Bundle`` (type collection) for a de-identified case: Patient (pseudonym only),
Encounter, Condition (ICD-10), Observation (vital signs with LOINC codes), MedicationRequest and
the question to the mentor as a Communication. Only de-identified content goes in."""

from __future__ import annotations

from typing import Any

ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
_VITALS = {
    "sbp": ("8480-6", "Systolic blood pressure", "mm[Hg]"),
    "dbp": ("8462-4", "Diastolic blood pressure", "mm[Hg]"),
    "hr": ("8867-4", "Heart rate", "/min"),
    "rr": ("9279-1", "Respiratory rate", "/min"),
    "temp": ("8310-5", "Body temperature", "Cel"),
    "spo2": ("59408-5", "Oxygen saturation", "%"),
    "glucose": ("2339-0", "Glucose", "mmol/L"),
    "pain": ("72514-3", "Pain severity", "{score}"),
    "gcs": ("9269-2", "Glasgow coma score total", "{score}"),
}
_GENDER = {"M": "male", "F": "female", "男": "male", "女": "female"}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{resource['resourceType'].lower()}-{resource['id']}",
        "resource": resource,
    }


def case_to_fhir(case: dict[str, Any]) -> dict[str, Any]:
    """``case`` is the bundle payload: case_id, version, patient, record, question."""
    case_id = str(case["case_id"])
    patient = case.get("patient") or {}
    record = case.get("record") or {}
    pid = str(patient.get("name") or "unknown")
    subject = {"reference": f"urn:uuid:patient-{pid}"}
    encounter_ref = {"reference": f"urn:uuid:encounter-{case_id}"}
    entries = [
        _entry(
            {
                "resourceType": "Patient",
                "id": pid,
                "identifier": [{"system": "urn:clinicbox:pseudonym", "value": pid}],
                "gender": _GENDER.get(str(patient.get("sex")), "unknown"),
                **({"birthDate": str(patient["birth_date"])} if patient.get("birth_date") else {}),
            }
        ),
        _entry(
            {
                "resourceType": "Encounter",
                "id": case_id,
                "status": "finished",
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "AMB",
                },
                "subject": subject,
                "reasonCode": [{"text": str(record.get("chief_complaint") or "")}],
            }
        ),
    ]
    for i, dx in enumerate(record.get("diagnoses") or []):
        coding = (
            [{"system": ICD10, "code": dx["icd10"], "display": dx.get("name")}]
            if dx.get("icd10")
            else []
        )
        entries.append(
            _entry(
                {
                    "resourceType": "Condition",
                    "id": f"{case_id}-dx{i}",
                    "subject": subject,
                    "encounter": encounter_ref,
                    "code": {"coding": coding, "text": dx.get("name")},
                }
            )
        )
    for key, value in (record.get("vitals") or {}).items():
        if key in _VITALS and isinstance(value, int | float):
            code, display, unit = _VITALS[key]
            entries.append(
                _entry(
                    {
                        "resourceType": "Observation",
                        "id": f"{case_id}-{key}",
                        "status": "final",
                        "category": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                        "code": "vital-signs",
                                    }
                                ]
                            }
                        ],
                        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
                        "subject": subject,
                        "encounter": encounter_ref,
                        "valueQuantity": {
                            "value": value,
                            "unit": unit,
                            "system": "http://unitsofmeasure.org",
                            "code": unit,
                        },
                    }
                )
            )
    for i, rx in enumerate(record.get("prescriptions") or []):
        dosage: dict[str, Any] = {"text": " ".join(str(v) for v in rx.values() if v is not None)}
        if rx.get("dose_mg") is not None:
            dosage["doseAndRate"] = [{"doseQuantity": {"value": rx["dose_mg"], "unit": "mg"}}]
        entries.append(
            _entry(
                {
                    "resourceType": "MedicationRequest",
                    "id": f"{case_id}-rx{i}",
                    "status": "active",
                    "intent": "order",
                    "medicationCodeableConcept": {"text": rx.get("drug")},
                    "subject": subject,
                    "encounter": encounter_ref,
                    "dosageInstruction": [dosage],
                }
            )
        )
    if case.get("question"):
        entries.append(
            _entry(
                {
                    "resourceType": "Communication",
                    "id": f"{case_id}-q",
                    "status": "completed",
                    "subject": subject,
                    "encounter": encounter_ref,
                    "payload": [{"contentString": case["question"]}],
                }
            )
        )
    return {
        "resourceType": "Bundle",
        "id": f"{case_id}-v{case.get('version', 1)}",
        "type": "collection",
        "entry": entries,
    }
