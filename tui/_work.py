"""Running service calls off the UI thread, with progress, ETA and a cancel key.

Every call that may take more than a few milliseconds (model work, transcription, search over
the LAN) goes through :meth:`BackgroundMixin.run_task`: it runs in a thread worker, reports
:class:`Progress` to a :class:`TaskBar`, and delivers the result (or a
:class:`ClinicBoxError`) back on the UI thread. The UI never waits on the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from appliance.errors import Cancelled, ClinicBoxError, InternalError
from appliance.i18n import t
from appliance.services.interface import CancelToken, Progress

Work = Callable[[Callable[[Progress], None], CancelToken], Any]


class TaskBar(Horizontal):
    """Shows what the model is doing: label, progress in real units, an honest ETA, Esc.

    The ETA comes from the work itself (``Progress.eta_s``, counted down between reports) or
    from a fraction that has really moved; it is never shown as 0 while work remains: past
    the estimate the bar says the step is slower than expected, with the time spent so far.
    """

    DEFAULT_CSS = """
    TaskBar { height: 1; display: none; }
    TaskBar.-busy { display: block; }
    TaskBar > #task-label { width: 1fr; }
    TaskBar > ProgressBar { width: 40; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="task-label")
        yield ProgressBar(total=100, show_eta=False, id="task-progress")

    def on_mount(self) -> None:
        self._label = ""
        self._message = ""
        self._started = time.monotonic()
        self._eta: tuple[float, float] | None = None  # (seconds left, when reported)
        self._fractions: list[tuple[float, float]] = []  # (when, fraction) as reported
        self.set_interval(1.0, self._tick)

    def start(self, label: str) -> None:
        self.add_class("-busy")
        self._label = label
        self._message = ""
        self._started = time.monotonic()
        self._eta = None
        self._fractions = []
        self.query_one(ProgressBar).update(total=None, progress=0)
        self._show()

    def update_progress(self, p: Progress) -> None:
        now = time.monotonic()
        if p.fraction is not None:
            fraction = max(0.0, min(1.0, p.fraction))
            # the bar never says 100 % while the step is still running
            self.query_one(ProgressBar).update(total=100, progress=min(fraction, 0.99) * 100)
            if not self._fractions or self._fractions[-1][1] != fraction:
                self._fractions.append((now, fraction))
        if p.eta_s is not None:
            self._eta = (max(0.0, p.eta_s), now)
        if p.message:
            self._message = p.message
        self._show()

    def time_left(self) -> float | None:
        """Seconds left by the best honest estimate, or None when there is none yet."""
        now = time.monotonic()
        if self._eta is not None:
            left, at = self._eta
            return left - (now - at)
        if len(self._fractions) >= 2:  # the fraction really moved: extrapolate its pace
            (t0, f0), (t1, f1) = self._fractions[0], self._fractions[-1]
            if f1 > f0 and f1 < 1.0:
                return (now - t0) * (1.0 - f1) / (f1 - f0) - (now - t1)
        return None

    def eta_text(self) -> str:
        spent = time.monotonic() - self._started
        left = self.time_left()
        if left is None:
            return t(f"  已用 {spent:.0f} 秒", f"  {spent:.0f} s so far")
        if left < 1.0:
            return t(
                f"  比预计慢，已用 {spent:.0f} 秒", f"  slower than expected, {spent:.0f} s so far"
            )
        return t(f"  约剩 {left:.0f} 秒", f"  ~{left:.0f} s left")

    def _tick(self) -> None:
        if self.has_class("-busy"):
            self._show()

    def _show(self) -> None:
        msg = f" · {self._message}" if self._message else ""
        self.query_one("#task-label", Static).update(
            f"⏳ {self._label}{msg}{self.eta_text()}  [Esc {t('取消', 'cancel')}]"
        )

    def stop(self) -> None:
        self.remove_class("-busy")


class BackgroundMixin:
    """For screens: ``run_task`` + Esc to cancel the running task."""

    _cancel: CancelToken | None = None

    def run_task(
        self: Any,
        label: str,
        work: Work,
        on_done: Callable[[Any], None],
        *,
        on_progress: Callable[[Progress], None] | None = None,
        on_error: Callable[[ClinicBoxError], None] | None = None,
        keep_result_on_cancel: bool = False,
        on_cancel: Callable[[], None] | None = None,
    ) -> CancelToken:
        """Run ``work(progress, cancel)`` in a thread. A cancelled task's result is dropped,
        unless ``keep_result_on_cancel`` (dictation: "stop" keeps what was said so far);
        ``on_cancel`` then says what stands instead."""
        token = CancelToken()
        if self._cancel is not None:
            self._cancel.cancel()
        self._cancel = token
        bars = list(self.query(TaskBar))
        if bars:
            bars[0].start(label)
        app = self.app

        def progress(p: Progress) -> None:
            if token.cancelled:
                return

            def show() -> None:
                for bar in bars:
                    bar.update_progress(p)
                if on_progress is not None:
                    on_progress(p)

            app.call_from_thread(show)

        def finish(result: Any, error: ClinicBoxError | None) -> None:
            if self._cancel is token:
                self._cancel = None
                for bar in bars:
                    bar.stop()
            if error is not None:
                if isinstance(error, Cancelled):
                    app.notify(error.message(), severity="warning")
                    if on_cancel is not None:
                        on_cancel()
                elif on_error is not None:
                    on_error(error)
                else:
                    app.notify(error.message(), severity="error", timeout=8)
            elif not token.cancelled or keep_result_on_cancel:
                on_done(result)

        def body() -> None:
            try:
                result = work(progress, token)
            except ClinicBoxError as exc:
                app.call_from_thread(finish, None, exc)
                return
            except Exception as exc:
                from tui._errors import log_unexpected_ui

                app.call_from_thread(finish, None, InternalError(log_unexpected_ui(exc)))
                return
            if token.cancelled and not keep_result_on_cancel:
                app.call_from_thread(finish, None, Cancelled())
            else:
                app.call_from_thread(finish, result, None)

        self.run_worker(body, thread=True, group="model", name=label, exit_on_error=False)
        return token

    def run_quick(
        self: Any,
        name: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[ClinicBoxError], None],
    ) -> None:
        """A short service call (rules QC, a save) off the UI thread that neither shows in the
        task bar nor cancels the model work running there."""
        app = self.app

        def body() -> None:
            try:
                result = work()
            except ClinicBoxError as exc:
                app.call_from_thread(on_error, exc)
                return
            except Exception as exc:
                from tui._errors import log_unexpected_ui

                app.call_from_thread(on_error, InternalError(log_unexpected_ui(exc)))
                return
            app.call_from_thread(on_done, result)

        self.run_worker(body, thread=True, group="quick", name=name, exit_on_error=False)

    def action_cancel_task(self: Any) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self._cancel = None
            for bar in self.query(TaskBar):
                bar.stop()
            self.app.notify(t("已取消。", "Cancelled."), severity="warning")
        elif hasattr(self, "action_back"):
            self.action_back()

    def is_busy(self) -> bool:
        return self._cancel is not None


def safe_call(screen: Screen[Any], fn: Callable[[], Any], *, quiet: bool = False) -> Any:
    """Run a quick service call on the UI thread; errors become a notification (None)."""
    try:
        return fn()
    except ClinicBoxError as exc:
        if not quiet:
            screen.app.notify(exc.message(), severity="error", timeout=8)
        return None
