"""mDNS/DNS-SD: the box advertises ``_clinicbox._tcp``; clinic PCs browse for it.

The TXT record carries only what a PC needs to find and pin the box — the clinic's name, the API
version and the server certificate's SHA-256 fingerprint. Never any patient data.
Interfaces come from ``settings.mdns_interfaces`` (comma list of IPv4 addresses, e.g.
``127.0.0.1`` in tests); unset means every LAN interface.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from appliance.config import Settings

SERVICE_TYPE = "_clinicbox._tcp.local."
API_VERSION = "1"
_TXT_KEYS = ("name", "api", "fp", "txtvers")


@dataclass(frozen=True)
class FoundBox:
    name: str
    host: str
    port: int
    fingerprint: str
    api: str = API_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _interfaces(settings: Settings) -> Any:
    from zeroconf import InterfaceChoice

    raw = (settings.mdns_interfaces or "").strip()
    if not raw:
        return InterfaceChoice.All
    return [part.strip() for part in raw.split(",") if part.strip()]


def _addresses(settings: Settings, host: str) -> list[bytes]:
    """Addresses published in the A records."""
    raw = (settings.mdns_interfaces or "").strip()
    if raw:
        ips = [p.strip() for p in raw.split(",") if p.strip()]
    elif host not in ("", "0.0.0.0", "::"):  # noqa: S104 - comparing, not binding
        ips = [host]
    else:
        from appliance.api.tls import local_addresses

        ips = [ip for ip in local_addresses() if not ip.startswith("127.")] or ["127.0.0.1"]
    return [socket.inet_aton(ip) for ip in ips]


def txt_properties(clinic_name: str, fingerprint: str) -> dict[str, str]:
    """Exactly the TXT keys we publish (tests assert nothing else goes out)."""
    return {"txtvers": "1", "name": clinic_name[:60], "api": API_VERSION, "fp": fingerprint}


class Advertiser:
    """Registers the box on mDNS; ``close()`` unregisters and frees the sockets."""

    def __init__(
        self, settings: Settings, *, clinic_name: str, fingerprint: str, host: str, port: int
    ) -> None:
        from zeroconf import IPVersion, ServiceInfo, Zeroconf

        self._zc = Zeroconf(interfaces=_interfaces(settings), ip_version=IPVersion.V4Only)
        hostname = (socket.gethostname() or "clinicbox").split(".")[0]
        instance = f"ClinicBox-{fingerprint[:12]}"
        self.info = ServiceInfo(
            SERVICE_TYPE,
            f"{instance}.{SERVICE_TYPE}",
            addresses=_addresses(settings, host),
            port=port,
            properties=txt_properties(clinic_name, fingerprint),
            server=f"{hostname}-{fingerprint[:6]}.local.",
        )
        try:
            self._zc.register_service(self.info, allow_name_change=True)
        except Exception:
            self._zc.close()
            raise

    def close(self) -> None:
        try:
            self._zc.unregister_service(self.info)
        finally:
            self._zc.close()

    def __enter__(self) -> Advertiser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _decode(value: bytes | None) -> str:
    return value.decode("utf-8", "replace") if value else ""


def discover(settings: Settings, timeout: float = 3.0) -> list[FoundBox]:
    """Browse for boxes for ``timeout`` seconds; return each one found once."""
    from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

    zc = Zeroconf(interfaces=_interfaces(settings), ip_version=IPVersion.V4Only)
    names: set[str] = set()
    lock = threading.Lock()

    def on_change(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change in (ServiceStateChange.Added, ServiceStateChange.Updated):
            with lock:
                names.add(name)

    browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change])
    found: dict[tuple[str, int], FoundBox] = {}
    resolved: set[str] = set()
    deadline = time.monotonic() + max(0.2, timeout)
    try:
        while time.monotonic() < deadline:
            time.sleep(0.1)
            with lock:
                pending = sorted(names - resolved)
            for name in pending:
                info = ServiceInfo(SERVICE_TYPE, name)
                remaining = max(0.1, deadline - time.monotonic())
                if not info.request(zc, int(min(remaining, 1.5) * 1000)):
                    continue
                props = {_decode(k): _decode(v) for k, v in (info.properties or {}).items()}
                addrs = info.parsed_addresses(IPVersion.V4Only)
                if not addrs or not props.get("fp") or info.port is None:
                    continue
                box = FoundBox(
                    name=props.get("name", ""),
                    host=addrs[0],
                    port=int(info.port),
                    fingerprint=props["fp"],
                    api=props.get("api", ""),
                )
                found[(box.host, box.port)] = box
                resolved.add(name)
            if found and time.monotonic() > deadline - timeout / 2:
                break
    finally:
        browser.cancel()
        zc.close()
    return sorted(found.values(), key=lambda b: (b.name, b.host, b.port))
