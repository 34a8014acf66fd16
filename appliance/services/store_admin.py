"""Store administration for the ``clinicbox`` commands: create, unlock, re-key, back up,
restore, verify the audit chain, apply retention. The commands reach the store only through
this module (an import-linter contract), so what they may do to the database is listed here.
"""

from __future__ import annotations

from appliance.store import backup, init_store, list_backups, open_store, restore, verify_audit
from appliance.store.backup import prune_backups
from appliance.store.lifecycle import apply_retention, retention_report
from appliance.store.rekey import change_passphrase, new_recovery, rekey

__all__ = [
    "apply_retention",
    "backup",
    "change_passphrase",
    "init_store",
    "list_backups",
    "new_recovery",
    "open_store",
    "prune_backups",
    "rekey",
    "restore",
    "retention_report",
    "verify_audit",
]
