"""Field-level access: which parts of a response each role may read.

An endpoint's role check (:data:`~appliance.api._auth.ROLE_TABLE`) says who may call it; some
answers mix fields of different sensitivity. The front desk lists a patient's visits to book
and register them, but the chief complaint and the diagnoses are the record itself, which only
roles with ``record.read`` open. :data:`FIELD_PERMISSION` names, per endpoint, the response
fields that need a permission beyond the endpoint's own; :func:`filter_fields` removes them for
a role without it. The service layer drops the same fields (defence in depth); this filter is
what the LAN guarantees whatever a service returns.
"""

from __future__ import annotations

from typing import Any

from appliance.services.session import role_can

#: endpoint → {response field → permission needed to see it}
FIELD_PERMISSION: dict[str, dict[str, str]] = {
    "patients.visits": {
        "chief_complaint": "record.read",
        "diagnoses": "record.read",
        "record": "record.read",
        "content": "record.read",
        "alerts": "record.read",
        "qc": "record.read",
    },
}


def hidden_fields(endpoint: str, role: str) -> frozenset[str]:
    rules = FIELD_PERMISSION.get(endpoint, {})
    return frozenset(f for f, permission in rules.items() if not role_can(role, permission))


def filter_fields(endpoint: str, role: str, payload: Any) -> Any:
    """``payload`` (an object or a list of objects) without the fields ``role`` may not read."""
    hidden = hidden_fields(endpoint, role)
    if not hidden:
        return payload
    if isinstance(payload, list):
        return [filter_fields(endpoint, role, item) for item in payload]
    if isinstance(payload, dict):
        return {k: v for k, v in payload.items() if k not in hidden}
    return payload
