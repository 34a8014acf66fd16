"""Running the LAN API: uvicorn over TLS 1.3 with the box's certificate, plus the mDNS
advertisement. ``ApiServer.run()`` blocks (``clinicbox serve``); ``start()``/``stop()`` run it on
a thread (tests, the benchmark)."""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from typing import Any

from appliance.api import tls
from appliance.config import Settings
from appliance.errors import ConfigError

log = logging.getLogger("clinicbox.api")


def clinic_name_of(runtime: Any) -> str:
    """The clinic's name ("" while the store is locked or unreadable)."""
    return str(runtime.clinic_name())


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"无法在 {host}:{port} 上监听（{exc.strerror}）。",
            f"Cannot listen on {host}:{port} ({exc.strerror}).",
            hint_zh="端口可能已被占用：换一个 --port，或停止已在运行的服务。",
            hint_en="The port may be in use: choose another --port or stop the running server.",
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _quiet_server_class() -> Any:
    import uvicorn

    class QuietServer(uvicorn.Server):
        """Stops on SIGTERM/SIGINT without re-raising the signal afterwards, so ``run()`` can
        finish its clean-up (mDNS goodbye, sessions, store) and the process exits 0."""

        def handle_exit(self, sig: int, frame: Any) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            self.should_exit = True

    return QuietServer


class ApiServer:
    def __init__(
        self,
        settings: Settings,
        runtime: Any,
        *,
        host: str | None = None,
        port: int | None = None,
        advertise: bool = True,
    ) -> None:
        import uvicorn

        from appliance.api.app import create_app
        from appliance.speech.audio import sweep_audio_leftovers

        self.settings = settings
        self.runtime = runtime
        swept = sweep_audio_leftovers(settings.data_dir / "tmp")  # plain audio of old versions
        if swept:
            log.warning("removed %d audio file(s) left in the temp folder", swept)
        self.host = host or settings.api_host
        self.clinic_name = clinic_name_of(runtime) or "ClinicBox"
        tls.ensure_tls_material(settings, self.clinic_name)
        self.fingerprint = tls.server_fingerprint(settings)
        self.sock = bind_socket(self.host, settings.api_port if port is None else port)
        self.port = int(self.sock.getsockname()[1])
        self.app = create_app(
            settings, runtime, fingerprint=self.fingerprint, clinic_name=self.clinic_name
        )
        config = uvicorn.Config(
            self.app,
            ssl_context_factory=lambda _cfg, _default: tls.server_ssl_context(settings),
            log_level="warning",
            access_log=False,
            lifespan="off",
            proxy_headers=False,
            server_header=False,
            timeout_keep_alive=15,
            timeout_graceful_shutdown=5,
            limit_concurrency=512,
        )
        self.server = _quiet_server_class()(config)
        self._advertise = advertise
        self._advertiser: Any = None
        self._thread: threading.Thread | None = None

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104
        return f"https://{host}:{self.port}"

    def _start_advertising(self) -> None:
        if not self._advertise:
            return
        from appliance.api.discovery import Advertiser

        try:
            self._advertiser = Advertiser(
                self.settings,
                clinic_name=self.clinic_name,
                fingerprint=self.fingerprint,
                host=self.host,
                port=self.port,
            )
        except Exception as exc:  # mDNS is a convenience; the API still serves
            log.warning("mDNS advertisement failed: %s", exc.__class__.__name__)

    def _stop_advertising(self) -> None:
        if self._advertiser is not None:
            try:
                self._advertiser.close()
            finally:
                self._advertiser = None

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C / SIGTERM)."""
        self._start_advertising()
        try:
            self.server.run(sockets=[self.sock])
        finally:
            self._stop_advertising()
            self._shutdown_sessions()
            self.sock.close()

    def start(self, timeout: float = 20.0, *, daemon: bool = False) -> ApiServer:
        self._thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.sock]},
            name="clinicbox-api",
            daemon=daemon,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("API server did not start")
            time.sleep(0.02)
        self._start_advertising()
        return self

    def stop(self) -> None:
        self._stop_advertising()
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        self._shutdown_sessions()
        self.sock.close()

    def _shutdown_sessions(self) -> None:
        self.app.state.ctx.gate.close_all()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
