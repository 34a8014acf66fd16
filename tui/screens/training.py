"""Training: practice cases revealed after the trainee commits, the guided tour, and help."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, ListItem, ListView, RadioButton, RadioSet, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON
from tui._base import ClinicScreen
from tui.screens.help_text import HELP, TOUR

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "practice_cases.toml"


@lru_cache(maxsize=1)
def practice_cases() -> tuple[dict[str, Any], ...]:
    with CASES_FILE.open("rb") as fh:
        return tuple(tomllib.load(fh)["case"])


def choice_labels(case: dict[str, Any]) -> list[str]:
    if "choices_zh" in case:
        return [t(zh, en) for zh, en in zip(case["choices_zh"], case["choices_en"], strict=True)]
    if case["kind"] == "triage":
        return [t(f"{c}级", f"Level {c}") for c in case["choices"]]
    return list(case["choices"])


def rules_verdict(service: Any, case: dict[str, Any]) -> str:
    """What ClinicBox's own rules say about the case input (shown with the answer)."""
    data: JSON = dict(case["input"])
    try:
        if case["kind"] == "triage":
            r = service.triage(data, use_llm=False)
            reasons = "；".join(x.get("text", "") for x in r.get("reasons", []))
            return t(
                f"规则判定：{r.get('level')}级。{reasons}",
                f"Rules: level {r.get('level')}. {reasons}",
            )
        if case["kind"] == "meds":
            alerts = service.check_meds(data).get("alerts", [])
            if not alerts:
                return t("规则判定：无警示。", "Rules: no alerts.")
            return t("规则判定：", "Rules: ") + "；".join(
                f"[{a.get('type')}/{a.get('severity')}] {a.get('message', '')}" for a in alerts
            )
        qc = service.run_qc(data)
        findings = "；".join(f.get("message", "") for f in qc.get("findings", [])[:6])
        return t(
            f"规则判定：得分 {qc.get('score')}，{'合格' if qc.get('passed') else '不合格'}。{findings}",
            f"Rules: score {qc.get('score')}, {'pass' if qc.get('passed') else 'fail'}. {findings}",
        )
    except ClinicBoxError as exc:
        return "⚠ " + exc.message()


class TrainingScreen(ClinicScreen):
    HELP_KEY = "training"
    KEEPS_INPUT = True
    BINDINGS = [
        Binding("f3", "tour", "导览|Tour"),
        Binding("f10", "commit", "提交答案|Commit answer", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index = 0
        self.committed = False

    def body(self) -> ComposeResult:
        cases = practice_cases()
        yield Static(
            t("培训练习（答案在提交后揭晓）", "Practice (answers revealed after you commit)"),
            classes="title",
        )
        if not getattr(self.app, "training", False):
            yield Static(
                t(
                    "提示：这里是正式诊所。练习病例不写入任何数据；完整演示请运行 clinicbox demo。",
                    "Note: this is the real clinic. Practice writes nothing; for the full demo run clinicbox demo.",
                ),
                classes="muted",
            )
        with Horizontal():
            yield ListView(
                *[ListItem(Static(f"{c['id']} {t(c['title_zh'], c['title_en'])}")) for c in cases],
                id="case-list",
            )
            with VerticalScroll(id="case-body"):
                yield Static("", id="case-story")
                yield Static("", id="case-question", classes="section")
                yield RadioSet(id="case-choices")
                yield Button(
                    t("提交答案 F10", "Commit answer F10"), id="case-commit", variant="primary"
                )
                yield Static("", id="case-reveal")

    def on_mount(self) -> None:
        self.show_case(0)

    @on(ListView.Selected, "#case-list")
    def picked(self, event: ListView.Selected) -> None:
        self.show_case(event.list_view.index or 0)

    def show_case(self, index: int) -> None:
        self.index, self.committed = index, False
        case = practice_cases()[index]
        self.query_one("#case-story", Static).update(
            f"{case['id']} · {t(case['title_zh'], case['title_en'])}\n\n{t(case['story_zh'], case['story_en'])}"
        )
        self.query_one("#case-question", Static).update(t(case["question_zh"], case["question_en"]))
        radios = self.query_one("#case-choices", RadioSet)
        radios.remove_children()
        radios.mount_all([RadioButton(label) for label in choice_labels(case)])
        self.query_one("#case-reveal", Static).update("")
        self.query_one("#case-commit", Button).disabled = False

    @on(RadioSet.Changed, "#case-choices")
    def chosen(self) -> None:
        """Choosing by keyboard (arrows, Enter/Space) puts the cursor on 提交: one more Enter."""
        if not self.committed:
            self.query_one("#case-commit", Button).focus()

    def action_commit(self) -> None:
        if not self.committed:
            self.commit()

    @on(Button.Pressed, "#case-commit")
    def commit(self) -> None:
        radios = self.query_one("#case-choices", RadioSet)
        chosen = radios.pressed_index
        if chosen < 0:
            self.app.notify(t("请先选择一个答案。", "Choose an answer first."))
            return
        case = practice_cases()[self.index]
        self.committed = True
        self.query_one("#case-commit", Button).disabled = True
        right = chosen == case["answer"]
        expected = choice_labels(case)[case["answer"]]
        verdict = rules_verdict(self.service, case)
        self.query_one("#case-reveal", Static).update(
            ("✔ " + t("回答正确！", "Correct!") if right else "✖ " + t("回答有误。", "Not quite."))
            + "\n"
            + t(f"正确答案：{expected}", f"Answer: {expected}")
            + "\n"
            + t(case["explain_zh"], case["explain_en"])
            + "\n"
            + t("依据：", "Source: ")
            + case["source"]
            + "\n\n"
            + verdict
        )

    def action_tour(self) -> None:
        self.app.push_screen(TourScreen())


class TourScreen(ModalScreen[None]):
    """The guided tour: one card per screen, with the keys to use there."""

    BINDINGS = [
        Binding("right,n,enter", "next", "下一步|Next"),
        Binding("left,p", "previous", "上一步|Back"),
        Binding("escape", "close", "结束导览|End tour"),
    ]

    def __init__(self, step: int = 0) -> None:
        super().__init__()
        self.step = step

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="tour"):
            yield Static("", id="tour-title", classes="title")
            yield Static("", id="tour-text")
            yield Static(
                t("→ 下一步   ← 上一步   Esc 结束导览", "→ next   ← back   Esc ends the tour"),
                classes="muted",
            )

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        title_zh, title_en, text_zh, text_en = TOUR[self.step]
        self.query_one("#tour-title", Static).update(
            f"{self.step + 1}/{len(TOUR)}  {t(title_zh, title_en)}"
        )
        self.query_one("#tour-text", Static).update(t(text_zh, text_en))

    def action_next(self) -> None:
        if self.step + 1 >= len(TOUR):
            self.dismiss()
            return
        self.step += 1
        self._show()

    def action_previous(self) -> None:
        self.step = max(0, self.step - 1)
        self._show()

    def action_close(self) -> None:
        self.dismiss()


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "关闭|Close")]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def compose(self) -> ComposeResult:
        zh, en = HELP.get(self.key, HELP["home"])
        with Vertical(classes="dialog"):
            yield Static(t("帮助", "Help"), classes="title")
            yield Static(t(zh, en))
            yield Static(t("Esc 关闭", "Esc closes"), classes="muted")

    def action_close(self) -> None:
        self.dismiss()
