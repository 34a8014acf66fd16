"""The encrypted clinic store (SQLCipher + key envelope + audit chain). See docs/store.md.

```python
from appliance.store import Store, init_store, open_store
store = open_store(settings, passphrase=None)
with store.read() as db: ...
value = store.write(lambda db: ...)
store.close()
```
"""

from typing import Any

from appliance.store import _driver  # noqa: F401  (registers sqlcipher3 before sqlite_utils)
from appliance.store._open import InitResult, init_store, open_store
from appliance.store.backup import backup, list_backups, restore
from appliance.store.db import Store, StorePaths


def verify_audit(store: Store) -> dict[str, Any]:
    """Walk the audit chain and check it against the anchor kept in the key envelope;
    ``{"ok", "rows", "broken_seq", "problem", "problems"}``. A sound chain moves the anchor."""
    from appliance.store import audit
    from appliance.store.envelope import read_envelope

    envelope = read_envelope(store.paths.envelope)  # another process may have moved it
    with store.read_raw() as conn:
        result = audit.verify(
            conn, store.audit_key, anchor=envelope.audit_anchor, clinic_id=envelope.clinic_id
        ).to_dict()
    if result["ok"]:
        store.anchor_audit()
    return result


__all__ = [
    "InitResult",
    "Store",
    "StorePaths",
    "backup",
    "init_store",
    "list_backups",
    "open_store",
    "restore",
    "verify_audit",
]
