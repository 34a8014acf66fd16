"""The ClinicBox terminal UI: one Textual app over a :class:`ClinicService`.

Flow: unlock (if the store is locked) → login → home (role-aware menu) → patients → visit
workspace; plus follow-up, assistant, quality, compute, admin and training screens. Kiosk mode
(``kiosk=True``) shows only the patient assistant and cannot reach anything else.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding

from appliance.i18n import get_lang, set_lang, t
from appliance.services.interface import ClinicService, UserInfo
from tui._base import localize_bindings


class ClinicApp(App[None]):
    CSS_PATH = "styles.tcss"
    TITLE = "ClinicBox"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS = [
        Binding("ctrl+q", "quit_app", "退出|Quit", priority=True),
        # Tab moves the focus before the next key is delivered: as an ordinary binding it ran
        # only after the key had bubbled back from the field, so fast typists' next characters
        # landed in the old field ("doctor⇥demo1234" became the username "doctordemo1234").
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
        Binding("f2", "toggle_lang", "English|中文"),
        Binding("f1", "help", "帮助|Help"),
    ]

    def __init__(
        self,
        service: ClinicService,
        *,
        kiosk: bool = False,
        lang: str | None = None,
        tour: bool = False,
    ) -> None:
        if lang:
            set_lang(lang)
        super().__init__()
        localize_bindings(self)
        self.service = service
        self.kiosk = kiosk
        self.tour = tour
        self.user: UserInfo | None = None
        info = service.info()
        self.training = bool(info.get("training"))
        self.clinic_name = str(info.get("clinic_name") or "")
        self._set_title()

    def _set_title(self) -> None:
        self.title = "ClinicBox " + t("乡镇卫生院智能助手", "township clinic assistant")
        parts = [self.clinic_name] if self.clinic_name else []
        if self.training:
            parts.append(t("【培训模式·演示数据】", "[TRAINING · demo data]"))
        if self.user:
            parts.append(f"{self.user.get('display_name') or self.user.get('username')}")
        self.sub_title = "  ".join(parts)

    def on_mount(self) -> None:
        warm_up = getattr(self.service, "warm_up", None)
        if callable(warm_up):
            self.run_worker(warm_up, thread=True, group="warm-up", exit_on_error=False)
        if self.kiosk:
            from tui.screens.assistant import AssistantScreen

            self.push_screen(AssistantScreen(kiosk=True))
        elif self.service.is_locked():
            from tui.screens.login import UnlockScreen

            self.push_screen(UnlockScreen())
        else:
            self.show_login()

    # --- navigation ----------------------------------------------------------------------
    def show_login(self) -> None:
        from tui.screens.login import LoginScreen

        self.switch_or_push(LoginScreen())

    def switch_or_push(self, screen: Any) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def logged_in(self, user: UserInfo) -> None:
        self.user = user
        info = self.service.info()
        self.clinic_name = str(info.get("clinic_name") or self.clinic_name)
        self._set_title()
        from tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_or_push(HomeScreen())
        if self.tour:
            from tui.screens.training import TourScreen

            self.push_screen(TourScreen())

    def flush_autosaves(self) -> None:
        """Save what is typed in open visits now (quit, log out): nothing typed is lost."""
        from tui.screens._visit_autosave import AutosaveMixin

        for screen in self.screen_stack:
            if isinstance(screen, AutosaveMixin):
                screen.flush_autosave()

    def logout(self) -> None:
        self.flush_autosaves()
        self.service.logout()
        self.user = None
        self._set_title()
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.show_login()

    # --- unexpected errors ---------------------------------------------------------------
    def _fatal_error(self) -> None:
        """An unhandled error: log it (redacted, with a reference), and leave with one line —
        never a traceback with local variables (they could hold patient data)."""
        from rich.text import Text

        from tui._errors import log_unexpected_ui

        error = self._exception
        ref = log_unexpected_ui(error) if error is not None else "-"
        self.bell()
        self._exit_renderables.append(
            Text(
                t(
                    f"界面发生内部错误（参考编号 {ref}），已保存的数据不受影响。请重新打开 clinicbox tui，"
                    "并把参考编号告知管理员。",
                    f"The UI hit an internal error (reference {ref}); saved data is safe. Open "
                    "clinicbox tui again and give the reference to your administrator.",
                )
            )
        )
        self._close_messages_no_wait()

    # --- actions -------------------------------------------------------------------------
    def action_quit_app(self) -> None:
        if self.kiosk:
            from tui.screens.assistant import KioskExitScreen

            self.push_screen(KioskExitScreen())
            return
        self.flush_autosaves()
        self.exit()

    def action_toggle_lang(self) -> None:
        set_lang("en" if get_lang() == "zh" else "zh")
        self._set_title()
        localize_bindings(self)
        self.refresh_bindings()
        refresh = getattr(self.screen, "refresh_language", None)
        if callable(refresh):
            refresh()
        self.notify(t("已切换为中文。", "Switched to English."))

    def action_help(self) -> None:
        from tui.screens.training import HelpScreen

        self.push_screen(HelpScreen(getattr(self.screen, "HELP_KEY", "home")))
