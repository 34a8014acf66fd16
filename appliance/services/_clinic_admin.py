"""Monitoring and administration calls of the clinic service."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from appliance.services import _parts
from appliance.services._clinic_types import JSON, UserInfo
from appliance.services._parts import as_json, call, find, need


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
        fn = find("appliance.services.compute", "compute_status", "status") or find(
            "appliance.llm", "compute_status"
        )
        if fn is not None:
            extra = as_json(
                call(fn, self.settings, store=self.runtime.store, engine=self.runtime._engine)
            )
            if isinstance(extra, dict):
                status.update({k: v for k, v in extra.items() if v is not None})
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
        fn = need("store", "appliance.services.users", "list_users")
        return as_json(call(fn, self._require("user.manage")))  # type: ignore[no-any-return]

    def add_user(self, username: str, password: str, role: str, display_name: str = "") -> None:
        fn = need("store", "appliance.services.users", "add_user")
        call(
            fn,
            self._require("user.manage"),
            username,
            password,
            role,
            display_name=display_name,
        )

    def set_user_locked(self, username: str, locked: bool) -> None:
        fn = need("store", "appliance.services.users", "set_locked", "lock_user")
        call(fn, self._require("user.manage"), username, locked)

    # --- backup and audit ----------------------------------------------------------------
    def backup(self, destination: str | None = None) -> JSON:
        fn = need("backup", "appliance.store", "backup")
        session = self._require("backup")
        out = as_json(
            call(
                fn,
                self.runtime.require_store(),
                destination or None,
                actor=getattr(session, "username", "system"),
                allowed_places_only=True,  # from a UI: no ../ or /etc, only backups or USB
            )
        )
        return out if isinstance(out, dict) else {"path": str(out)}

    def restore(self, path: str) -> JSON:
        fn = need("backup", "appliance.store", "restore")
        session = self._require("backup")
        out = as_json(
            call(
                fn,
                self.settings,
                path,
                passphrase=self.runtime.passphrase,
                actor=getattr(session, "username", "system"),
            )
        )
        return out if isinstance(out, dict) else {"restored": str(out)}

    def verify_audit(self) -> JSON:
        fn = need("audit", "appliance.store", "verify_audit")
        self._require("audit.verify")
        out = as_json(call(fn, self.runtime.require_store()))
        return out if isinstance(out, dict) else {"ok": bool(out), "problems": []}

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
        registry = find("models.registry", "Registry")
        catalog = find("models.catalog", "load_catalog")
        if registry is None or catalog is None:
            raise _parts.unavailable("models")
        reg = registry(Path(self.settings.resolved("models_dir")))
        active = reg.active
        entries = {e.name: e for e in catalog()}
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
        store = self.runtime.require_store()
        with store.read_raw() as conn:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            bundles: dict[str, int] = {}
            if "sync_outbox" in tables:
                for state, n in conn.execute(
                    "SELECT state, count(*) FROM sync_outbox GROUP BY state"
                ).fetchall():
                    bundles[str(state)] = int(n)
            referrals: dict[str, int] = {}
            for state, n in conn.execute(
                "SELECT state, count(*) FROM outbox WHERE kind = 'referral' GROUP BY state"
            ).fetchall():
                referrals[str(state)] = int(n)
        return {"outbox": bundles, "referrals": referrals, "hub_url": self.settings.hub_url or ""}
