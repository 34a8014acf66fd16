"""Former home of the visit use cases; they live in :mod:`appliance.services.visits` now.
Kept so older imports keep working."""

from __future__ import annotations

from appliance.services.referrals import refer_visit
from appliance.services.visits import amend_visit, get_visit, list_visits, save_visit

refer_to_mentor = refer_visit

__all__ = ["amend_visit", "get_visit", "list_visits", "refer_to_mentor", "save_visit"]
