"""Clinic quality dashboard: the seed's Table 1 indicators for this clinic, month by month."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from appliance.errors import ClinicBoxError
from appliance.i18n import t
from appliance.services.interface import JSON
from tui._base import ClinicScreen, unavailable_panel

INDICATORS = (
    ("antibiotic_rate", "抗菌药物处方率", "Antibiotic prescription rate", "抗菌药", "Antibiotic"),
    ("exam_referral_rate", "检查/影像开单率", "Imaging/exam order rate", "检查开单", "Exams"),
    ("qc_pass_rate", "病历质控合格率", "Record QC pass rate", "病历合格", "QC pass"),
    ("followup_completion", "随访完成率", "Follow-up completion", "随访完成", "Follow-up"),
    ("referral_rate", "转诊率", "Referral rate", "转诊", "Referral"),
)
#: Months shown: the table and the chart show the same ones, with the same labels.
MONTHS_SHOWN = 6


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def rate_cell(value: float | None, count: list[int] | None) -> str:
    """``35% (7/20)``: a rate with the counts it comes from (— when nothing to count)."""
    if value is None:
        return "—"
    if count and len(count) == 2:
        return f"{_pct(value)} ({count[0]}/{count[1]})"
    return _pct(value)


def month_label(month: str) -> str:
    """``2026-07`` → ``26-07`` (the table's column and the chart's tick say the same)."""
    return month[2:] if len(month) == 7 else month


class QualityScreen(ClinicScreen):
    HELP_KEY = "quality"
    BINDINGS = [Binding("f5", "reload", "刷新|Reload")]

    def body(self) -> ComposeResult:
        status = self.feature("quality")
        with Vertical(id="quality"):
            yield Static(t("诊所质量看板（按月）", "Clinic quality (by month)"), classes="title")
            if not status["available"]:
                yield unavailable_panel(status, t("质量看板", "Quality"))
                return
            table: DataTable[str] = DataTable(id="quality-table", cursor_type="row")
            yield table
            try:
                from textual_plotext import PlotextPlot

                yield PlotextPlot(id="quality-plot")
            except ImportError:
                yield Static(t("（未安装绘图组件）", "(plotting not installed)"))

    def on_mount(self) -> None:
        if self.query("#quality-table"):
            self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="quality", exit_on_error=False)
    def load(self) -> None:
        try:
            data, error = self.service.quality_indicators(months=12), ""
        except ClinicBoxError as exc:
            data, error = {}, exc.message()
        self.app.call_from_thread(self._show, data, error)

    def _show(self, data: JSON, error: str) -> None:
        table = self.query_one("#quality-table", DataTable)
        table.clear(columns=True)
        if error:
            table.add_column(t("错误", "Error"))
            table.add_row(error)
            return
        months = list(data.get("months") or [])[-MONTHS_SHOWN:]
        n = len(months)
        labels = [month_label(m) for m in months]
        table.add_columns(t("指标", "Indicator"), *labels)
        series = data.get("indicators") or {}
        counts = data.get("counts") or {}
        for key, zh, en, _short_zh, _short_en in INDICATORS:
            values = list(series.get(key) or [])[-n:] if n else []
            nums = list(counts.get(key) or [])[-n:] if n else []
            nums += [None] * (len(values) - len(nums))
            table.add_row(t(zh, en), *[rate_cell(v, c) for v, c in zip(values, nums, strict=True)])
        visits = list(data.get("visits") or [])[-n:] if n else []
        if visits:
            table.add_row(t("签名就诊数", "Signed visits"), *[str(v) for v in visits])
        plots = list(self.query("#quality-plot"))
        if not plots:
            return
        plt = plots[0].plt  # type: ignore[attr-defined]
        plt.clear_data()
        xs = list(range(1, n + 1))
        for key, _zh, _en, short_zh, short_en in INDICATORS:
            ys = [None if v is None else v * 100 for v in list(series.get(key) or [])[-n:]]
            points = [(x, y) for x, y in zip(xs, ys, strict=False) if y is not None]
            if points:
                plt.plot(
                    [p[0] for p in points], [p[1] for p in points], label=t(short_zh, short_en)
                )
        plt.title(t("质量指标（%）", "Indicators (%)"))
        plt.xticks(xs, labels)
        plt.ylim(0, 100)
        plots[0].refresh()
