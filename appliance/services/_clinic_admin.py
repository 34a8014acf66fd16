"""Monitoring and administration calls of the clinic service."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from appliance.services._clinic_types import JSON, UserInfo
from appliance.services._parts import as_json


def host_status() -> JSON:
    """CPU and memory of this machine (always available, psutil)."""
    import psutil

    vm = psutil.virtual_memory()
    return {
        "cpu_percent": psutil.cpu_percent(interval=None),
        "cpu_count": psutil.cpu_count() or 1,
        "ram": {"total_mb": vm.total // 2**20, "used_mb": (vm.total - vm.available) // 2**20},
        "time": time.time(),
    }


class AdminMixin:
    runtime: Any
    settings: Any

    def _require(self, permission: str) -> Any:
        raise NotImplementedError

    def _session(self) -> Any:
        raise NotImplementedError

    # --- monitoring ----------------------------------------------------------------------
    def compute_status(self) -> JSON:
        status: JSON = {
            "model": None,
            "tokens_per_s": {"prompt": None, "generation": None},
            "queue": 0,
            "recent_jobs": [],
            "series": {},
            "vram": None,
        }
        status.update(host_status())
        from appliance.services.compute_metrics import compute_status

        extra = compute_status(self.settings, store=self.runtime.store, engine=self.runtime._engine)
        status.update({k: v for k, v in as_json(extra).items() if v is not None})
        problem = self.runtime.engine_problem()
        if problem is not None and not status.get("model"):
            status["model_problem"] = problem.message()
        return status

    def quality_indicators(self, months: int = 12) -> JSON:
        from appliance.services._quality import quality_indicators

        store = self.runtime.require_store()
        self._require("quality.view")
        return quality_indicators(store, months=months)

    # --- users ---------------------------------------------------------------------------
    def list_users(self) -> list[UserInfo]:
        from appliance.services import users

        return as_json(users.list_users(self._require("user.manage")))  # type: ignore[no-any-return]

    def add_user(self, username: str, password: str, role: str, display_name: str = "") -> None:
        from appliance.services import users

        users.add_user(
            self._require("user.manage"), username, password, role, display_name=display_name
        )

    def set_user_locked(self, username: str, locked: bool) -> None:
        from appliance.services import users

        users.set_locked(self._require("user.manage"), username, locked)

    # --- backup and audit ----------------------------------------------------------------
    def backup(self, destination: str | None = None) -> JSON:
        from appliance.store import backup

        session = self._require("backup")
        return as_json(  # type: ignore[no-any-return]
            backup(
                self.runtime.require_store(),
                destination or None,
                actor=getattr(session, "username", "system"),
                allowed_places_only=True,  # from a UI: no ../ or /etc, only backups or USB
            )
        )

    def restore(self, path: str) -> JSON:
        from appliance.store import restore

        session = self._require("backup")
        return as_json(  # type: ignore[no-any-return]
            restore(
                self.settings,
                path,
                passphrase=self.runtime.passphrase,
                actor=getattr(session, "username", "system"),
            )
        )

    def verify_audit(self) -> JSON:
        from appliance.store import verify_audit

        self._require("audit.verify")
        return as_json(verify_audit(self.runtime.require_store()))  # type: ignore[no-any-return]

    # --- paired clinic PCs (LAN helper; see services/lan_devices.py) ---------------------
    def pairing_code(self, ttl_s: int = 600) -> JSON:
        """A one-time code for a clinic PC to pair with (``clinicbox pair --code``)."""
        from appliance.services.lan_devices import Registry, certificate_fingerprint

        session = self._require("store.admin")
        code = Registry(self.runtime.require_store()).create_code(session.username, ttl_s)
        return {**code, "fingerprint": certificate_fingerprint(self.settings.data_dir)}

    def list_devices(self) -> list[JSON]:
        from appliance.services.lan_devices import Registry

        self._require("store.admin")
        return Registry(self.runtime.require_store()).list_devices()

    def revoke_device(self, device_id: str) -> JSON:
        from appliance.services.lan_devices import Registry

        session = self._require("store.admin")
        return Registry(self.runtime.require_store()).revoke(device_id, session.username)

    def security_alerts(self, hours: float = 24.0) -> list[JSON]:
        """Intrusion signals for the admin banner (LAN helper; see services/lan_alerts.py)."""
        from appliance.services.lan_alerts import security_alerts

        self._require("audit.read")
        return security_alerts(self.runtime.require_store(), self.settings, hours=hours)

    # --- models, settings, sync ----------------------------------------------------------
    def list_models(self) -> list[JSON]:
        """Installed models (active first) and catalog models that could be installed."""
        from models.catalog import load_catalog
        from models.registry import Registry

        reg = Registry(Path(self.settings.resolved("models_dir")))
        active = reg.active
        entries = {e.name: e for e in load_catalog()}
        rows: list[JSON] = []
        for name, item in reg.all().items():
            entry = entries.get(name)
            rows.append(
                {
                    "name": name,
                    "role": getattr(entry, "role", ""),
                    "size": item.size,
                    "source": item.source,
                    "active": name == active,
                    "status": "installed",
                }
            )
        for name, entry in entries.items():
            if not any(r["name"] == name for r in rows):
                rows.append(
                    {
                        "name": name,
                        "role": entry.role,
                        "size": entry.size,
                        "source": ",".join(entry.sources),
                        "active": False,
                        "status": "not installed",
                    }
                )
        rows.sort(key=lambda r: (not r["active"], r["status"] != "installed", r["name"]))
        return rows

    def settings_summary(self) -> JSON:
        s = self.settings
        return {
            "data_dir": str(s.data_dir),
            "lang": s.lang,
            "model": s.model or "auto",
            "llm_ctx": s.llm_ctx,
            "llm_threads": s.llm_threads,
            "llm_offload": s.llm_offload,
            "api_port": s.api_port,
            "hub_url": s.hub_url or "",
            "backup_dir": str(s.resolved("backup_dir")),
        }

    def sync_status(self) -> JSON:
        """Sealed case bundles by state (the sync agent's outbox) and referral requests
        queued from visits, by state."""
        from appliance.store import outbox

        store = self.runtime.require_store()
        with store.read() as db:
            by_state: dict[str, int] = outbox.counts(db)["by_state"]
        bundles = {k: int(v) for k, v in by_state.items() if k != "requested"}
        referrals = {"pending": int(by_state.get("requested", 0))}
        return {"outbox": bundles, "referrals": referrals, "hub_url": self.settings.hub_url or ""}
