"""Charts of the reports area, drawn in the terminal with textual-plotext.

Each chart takes figures already suppressed by ``core.rules.metrics``: a withheld cell
(shown as ``<5`` or ``[c]`` in the tables) is never drawn, and the chart says how many
it left out, so a chart can never show what a table hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual_plotext import PlotextPlot

from divert_tui.core.rules.metrics import disparity as dp
from divert_tui.core.rules.metrics.publish import Published
from divert_tui.core.rules.metrics.trends import MonthlySeries
from divert_tui.core.vocab import SUBSTANCES

FUNNEL = (
    ("referrals", "referred"),
    ("contacted", "contacted"),
    ("assessed", "assessed"),
    ("completed", "completed"),
)


@dataclass(frozen=True)
class Chart:
    """What one chart shows, in words for the title line above it."""

    key: str
    title: str


def charts_for(published: Published | None) -> list[Chart]:
    charts = [
        Chart("monthly", "Referrals by month and main substance"),
        Chart("funnel", "From referral to completion, by force"),
    ]
    for stage in dp.RATE_STAGES:
        charts.append(
            Chart(
                f"rates:{stage}",
                f"Relative rate of being {dp.STAGE_LABELS[stage]} by ethnic group, "
                "against White British (95% CI)",
            )
        )
    return charts


def _label(code: str) -> str:
    found = SUBSTANCES.get(code)
    return found.label.split(" (")[0] if found else code.replace("_", " ").capitalize()


class ReportChart(PlotextPlot):
    """One PlotextPlot redrawn for whichever chart is chosen."""

    def show_monthly(self, series: MonthlySeries) -> str:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        labels = series.labels()
        values = [[v or 0 for v in series.counts[s]] for s in series.substances]
        if not any(any(v) for v in values):
            message = (
                f"Every monthly count is under 5: {series.withheld} cell(s) withheld, none drawn."
                if series.withheld
                else "No referrals in this period."
            )
            plt.title(message)
            self.refresh()
            return message
        plt.stacked_bar(labels, values, labels=[_label(s) for s in series.substances])
        plt.ylabel("referrals")
        self.refresh()
        note = f"{series.withheld} cell(s) of 1 to 4 withheld" if series.withheld else ""
        return note

    def show_funnel(self, published: Published) -> str:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        forces = [f for f in published.figures if f.force != "all"] or published.figures
        withheld = 0
        rows: list[list[int]] = []
        for metric, _ in FUNNEL:
            row = []
            for figure in forces:
                value = published.cell(figure.force, metric)
                if isinstance(value, int):
                    row.append(value)
                else:
                    row.append(0)
                    withheld += 1
            rows.append(row)
        names = [f.name.replace(" Police", "") for f in forces]
        plt.multiple_bar(names, rows, labels=[label for _, label in FUNNEL])
        plt.ylabel("referrals")
        self.refresh()
        return f"{withheld} withheld cell(s) not drawn" if withheld else ""

    def show_rates(self, published: Published, stage: str) -> str:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        groups: list[str] = []
        values: list[float] = []
        lows: list[float] = []
        highs: list[float] = []
        left_out: list[str] = []
        for row in published.stage_rows:
            if row.classification != "self_defined" or row.stage != stage:
                continue
            if row.group not in dp.TOP_LEVEL_GROUPS:
                continue
            if isinstance(row.relative_rate, float) and isinstance(row.ci_low, float):
                groups.append(row.group)
                values.append(row.relative_rate)
                lows.append(float(row.ci_low))
                highs.append(float(row.ci_high))  # type: ignore[arg-type]
            elif row.group != "White":
                left_out.append(row.group)
        if not groups:
            plt.title("No relative rate can be shown: the groups are too small")
            self.refresh()
            return "No relative rate can be shown: the groups are too small."
        xs = list(range(1, len(groups) + 1))
        # The interval is not symmetric (a log interval): each is drawn as its own line.
        for x, low, high in zip(xs, lows, highs, strict=True):
            plt.plot([x, x], [low, high], marker="│", color="cyan")
        plt.scatter(xs, values, marker="●", color="yellow")
        plt.hline(1.0)
        plt.xticks(xs, groups)
        plt.xlim(0.5, len(groups) + 0.5)
        plt.ylabel("relative rate (1 = as White British)")
        self.refresh()
        if left_out:
            return "too small to show: " + ", ".join(left_out)
        return ""


def table_of(series: MonthlySeries) -> tuple[list[str], list[Sequence[object]]]:
    """The monthly chart as rows for a table (for the keyboard switch to the numbers)."""
    header = ["Month", *(_label(s) for s in series.substances)]
    rows = []
    for index, label in enumerate(series.labels()):
        rows.append(
            [
                label,
                *(
                    "<5" if series.counts[s][index] is None else series.counts[s][index]
                    for s in series.substances
                ),
            ]
        )
    return header, rows
