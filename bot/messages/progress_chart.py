"""The /progress picture: plain numbers in, PNG bytes out (issue 15, points 2 and 8).

The shape the caller builds (``bot/messages/progress.py`` from
``bot.coach.progress.Progress``; nothing here imports it)::

    WeekBar(label="7 Sep", planned=3, done=2, mark="almost", skipped=1, moved=0)
        label    the week's tick label, as the runner reads it (the caller's words)
        planned  sessions the plan asked for that week (0: a rest or paused week)
        done     sessions done that week (a moved one counts where it was done)
        mark     one of MARKS: "full" | "almost" | "short" | "paused" | "eased" | "rest" | "now"
        skipped  sessions skipped that week (drawn as a hatched piece above the done ones)
        moved    sessions moved that week (a diamond above the bar)
    Series(label="Legs", values=(3, 3, 4, None, ...))   one value per week, None: none
    ChartData(
        title="Your last 12 weeks",
        weeks=(WeekBar, ...),        oldest first; usually 12
        levels=(Series, ...),        one per focus, levels on the 1..12 scale
        lifts=(Series, ...),         one per main lift, already in the runner's unit;
                                     empty: no third panel
        lift_unit="kg",              printed after each lift's last value ("16 kg")
        legend={key: words},         every key of LEGEND_KEYS: the legend's entries
                                     (done, planned, skipped, moved and each mark) and the
                                     three panels' axis titles
    )
    draw(data) -> bytes              a PNG, about 1000 px wide

Every word comes in the ChartData, from content/: this module holds none. Text is drawn
in DejaVu Sans, the font matplotlib ships, so the picture is the same on every host; a
character it lacks (an emoji) would be a "Glyph missing" box, so labels carry no emoji.

Why it looks the way it does:

* Telegram shows a photo about as wide as the phone, ~400 CSS px (a 2.5x screen: ~1000
  device px). The figure is 1000 px wide at 125 dpi: the week labels and numbers are
  17 pt (~30 px of the picture, ~12 CSS px on the phone), the legends 15 pt (~10 CSS
  px), the title 24 pt; a tap opens the photo full screen, larger still.
* Telegram's light and dark themes both frame a photo with the chat's background: an
  opaque white card with near-black text reads on either (a transparent PNG would put
  black text on the dark theme's near-black).
* Colours are Okabe and Ito's palette (2008, "Color Universal Design"), told apart by
  the 1 in 12 men with a colour-vision deficiency; the focus lines differ by marker too.
* Planned is an outline and done a filled bar inside it, so "2 of 3" is read at a glance.

Drawing uses ``matplotlib.figure.Figure`` with the Agg canvas and never pyplot, whose
global figure registry is not thread-safe; nothing here reads or changes rcParams'
values beyond matplotlib's defaults, so draws in several threads do not interfere.
matplotlib is imported on the first draw, not with this module: a bot nobody asks for a
picture does not pay its ~30 MB (tests/test_drawing.py holds that).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.font_manager import FontProperties

MARKS = ("full", "almost", "short", "paused", "eased", "rest", "now")
LEGEND_KEYS = (
    "done",
    "planned",
    "skipped",
    "moved",
    *MARKS,
    "sessions_axis",
    "levels_axis",
    "lifts_axis",
)

# Okabe & Ito (2008): distinguishable with any common colour-vision deficiency.
MARK_COLOURS: Mapping[str, str] = {
    "full": "#009E73",  # bluish green: the plan done
    "almost": "#E69F00",  # orange: one short, the streak holds
    "short": "#D55E00",  # vermillion
    "paused": "#999999",
    "eased": "#56B4E9",  # sky blue: a lighter, race or recovery week
    "rest": "#999999",
    "now": "#0072B2",  # blue: this week, still in progress
}
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
LINE_MARKERS = ("o", "s", "^", "D", "v", "P")
INK = "#1F1F1F"  # text and outlines: 16:1 against the card
CARD = "#FFFFFF"
GRID = "#D9D9D9"
SKIPPED = "#D55E00"

WIDTH_IN = 8.0
DPI = 125  # 8 in x 125 dpi = 1000 px
PANEL_HEIGHT_IN = (3.4, 2.6, 2.6)  # sessions, levels, lifts
TITLE_IN = 0.75  # the title's line, above panel 1's legend
LEGEND_ROW_IN = 0.4  # one row of a legend, above its panel
GAP_IN = 0.15
BOTTOM_IN = 1.0  # the week labels, turned 45 degrees
LEFT_IN = 1.1  # the axis title and the numbers
RIGHT_IN = 0.45  # room for the last weight's label
LEGEND_COLUMNS = 4
LEVEL_COLUMNS = 3  # Core, Legs, Upper on one row
LIFT_COLUMNS = 2  # a lift's name is long ("Romanian deadlift")
TITLE_PT = 24
LABEL_PT = 19
TICK_PT = 17
LEVEL_MAX = 12
WORKER_NICENESS = 10  # of 19: below the bot, not starved by it


@dataclass(frozen=True)
class WeekBar:
    label: str
    planned: int
    done: int
    mark: str
    skipped: int = 0
    moved: int = 0

    def __post_init__(self) -> None:
        if self.mark not in MARKS:
            raise ValueError(f"mark {self.mark!r} is not one of {MARKS}")
        if min(self.planned, self.done, self.skipped, self.moved) < 0:
            raise ValueError(f"negative count in {self}")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]
    # The last value as the runner's language writes it ("16,5 kg"); None: "{value:g} unit".
    last_label: str | None = None


@dataclass(frozen=True)
class ChartData:
    title: str
    weeks: tuple[WeekBar, ...]
    levels: tuple[Series, ...]
    lifts: tuple[Series, ...] = ()
    lift_unit: str = "kg"
    legend: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [key for key in LEGEND_KEYS if key not in self.legend]
        if missing:
            raise ValueError(f"legend lacks {missing}")
        if not self.weeks:
            raise ValueError("no weeks to draw")
        for series in (*self.levels, *self.lifts):
            if len(series.values) != len(self.weeks):
                raise ValueError(
                    f"{series.label!r} has {len(series.values)} values for {len(self.weeks)} weeks"
                )


def draw(data: ChartData) -> bytes:
    """The picture as PNG bytes. Safe to call from several threads at once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    heights = PANEL_HEIGHT_IN if data.lifts else PANEL_HEIGHT_IN[:2]
    # Fixed margins in inches rather than a layout engine: constrained layout measured
    # 0.24 s of a 0.8 s draw (cProfile, 3 panels), and the text here has known sizes.
    above = [TITLE_IN + _legend_rows(data) * LEGEND_ROW_IN]
    for series, columns in ((data.levels, LEVEL_COLUMNS), (data.lifts, LIFT_COLUMNS)):
        if series:
            above.append(GAP_IN + -(-len(series) // columns) * LEGEND_ROW_IN)
    above = above[: len(heights)]
    total = sum(above) + sum(heights) + BOTTOM_IN
    figure = Figure(figsize=(WIDTH_IN, total), dpi=DPI, facecolor=CARD)
    canvas = FigureCanvasAgg(figure)
    figure.text(
        0.5,
        1 - 0.12 / total,
        data.title,
        ha="center",
        va="top",
        fontproperties=_font(TITLE_PT, bold=True),
        color=INK,
    )
    axes: list[Axes] = []
    top = total
    for gap, height in zip(above, heights, strict=True):
        top -= gap + height
        box = (LEFT_IN / WIDTH_IN, top / total, 1 - (LEFT_IN + RIGHT_IN) / WIDTH_IN, height / total)
        axes.append(figure.add_axes(box))
    _sessions(axes[0], data)
    _lines(axes[1], data.levels, data.legend["levels_axis"], LEVEL_COLUMNS, levels=True)
    if data.lifts:
        _lines(axes[2], data.lifts, data.legend["lifts_axis"], LIFT_COLUMNS, unit=data.lift_unit)
    # One x scale for every panel, the weeks' labels under the last only. Not sharex: a
    # shared axis made its 12 ticks (two lines and two texts each) on every panel, 19 %
    # of a chart's time under cProfile.
    for ax in axes:
        ax.set_xlim(-0.6, len(data.weeks) - 0.4)
        ax.set_xticks([])
    bottom = axes[-1]
    bottom.set_xticks(range(len(data.weeks)))
    bottom.set_xticklabels([week.label for week in data.weeks], rotation=45, ha="right")
    for ax in axes:
        _style(ax)
    out = io.BytesIO()
    # One draw straight to PNG (savefig drew twice). zlib level 3, not PIL's 6: 55 of
    # 177 ms less to encode for 12 % more bytes (~135 kB with three panels). No
    # "Software" text chunk: the same data gives the same bytes on every host.
    canvas.print_png(out, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return out.getvalue()


def _legend_rows(data: ChartData) -> int:
    """Rows of panel 1's legend: planned, each mark present, skipped, moved."""
    entries = 1 + len({week.mark for week in data.weeks if week.done or week.mark == "paused"})
    entries += any(week.skipped for week in data.weeks) + any(week.moved for week in data.weeks)
    return -(-entries // LEGEND_COLUMNS)


def prepare_worker() -> None:
    """A chart worker process's start (bot/drawing.py): a lower CPU priority, so the bot's
    event loop wins the cores whenever both want them (bot/drawing.py has the figures),
    and matplotlib imported now rather than in the first chart."""
    os.nice(WORKER_NICENESS)
    from matplotlib import figure  # noqa: F401
    from matplotlib.backends import backend_agg  # noqa: F401  # the import is the point


def _font(points: float, *, bold: bool = False) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family="DejaVu Sans", size=points, weight="bold" if bold else "normal")


def _style(ax: Axes) -> None:
    ax.set_facecolor(CARD)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(INK)
    ax.tick_params(colors=INK, length=4)
    tick_font = _font(TICK_PT)
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        label.set_fontproperties(tick_font)
    ax.yaxis.grid(True, color=GRID, linewidth=1)
    ax.set_axisbelow(True)


def _sessions(ax: Axes, data: ChartData) -> None:
    """Panel 1: planned as an outline, done filled in the week's colour, skipped hatched
    above it, moved a diamond over the bar, a paused week a grey hatched band."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    legend = data.legend
    xs = range(len(data.weeks))
    top = max(max(w.planned, w.done + w.skipped) for w in data.weeks)
    ceiling = max(top, 1) + 0.6  # room for a moved week's diamond
    shown: dict[str, Any] = {
        "planned": Patch(facecolor=CARD, edgecolor=INK, linewidth=2, label=legend["planned"])
    }
    for x, week in zip(xs, data.weeks, strict=True):
        colour = MARK_COLOURS[week.mark]
        if week.mark == "paused":
            ax.bar(x, ceiling, width=0.92, color="#EEEEEE", edgecolor="#BBBBBB", hatch="//")
            shown.setdefault(
                "paused",
                Patch(facecolor="#EEEEEE", edgecolor="#BBBBBB", hatch="//", label=legend["paused"]),
            )
        if week.planned:
            ax.bar(
                x,
                week.planned,
                width=0.78,
                color=CARD,
                edgecolor=INK,
                linewidth=2,
                # This week's plan is still open: dashed, so nothing done yet is not a miss.
                linestyle="--" if week.mark == "now" else "-",
                zorder=2,
            )
        if week.done:
            hatch = "xx" if week.mark == "now" else None
            ax.bar(
                x,
                week.done,
                width=0.56,
                color=colour,
                edgecolor=CARD if hatch else colour,
                hatch=hatch,
                zorder=3,
            )
            if week.mark != "paused":
                shown.setdefault(
                    week.mark,
                    Patch(facecolor=colour, edgecolor=CARD, hatch=hatch, label=legend[week.mark]),
                )
        if week.skipped:
            ax.bar(
                x,
                week.skipped,
                bottom=week.done,
                width=0.56,
                color=CARD,
                edgecolor=SKIPPED,
                hatch="//",
                linewidth=1.5,
                zorder=3,
            )
            shown.setdefault(
                "skipped",
                Patch(facecolor=CARD, edgecolor=SKIPPED, hatch="//", label=legend["skipped"]),
            )
        if week.moved:
            ax.plot(
                x,
                max(week.planned, week.done + week.skipped) + 0.35,
                marker="D",
                markersize=11,
                color=INK,
                zorder=4,
            )
            shown.setdefault(
                "moved",
                Line2D(
                    [],
                    [],
                    marker="D",
                    markersize=11,
                    color=INK,
                    linestyle="",
                    label=legend["moved"],
                ),
            )
    ax.set_ylim(0, ceiling + 0.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole sessions
    ax.set_ylabel(legend["sessions_axis"], fontproperties=_font(LABEL_PT), color=INK)
    order = ["planned", *MARKS, "skipped", "moved"]
    handles = [shown[key] for key in order if key in shown]
    ax.legend(
        handles=handles,
        prop=_font(TICK_PT - 2),
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=min(len(handles), LEGEND_COLUMNS),
        borderaxespad=0.2,
        frameon=False,
        handlelength=1.4,
        columnspacing=1.0,
        labelcolor=INK,
    )


def _lines(
    ax: Axes,
    series: tuple[Series, ...],
    axis_title: str,
    columns: int,
    *,
    levels: bool = False,
    unit: str = "",
) -> None:
    """Panels 2 and 3: one line per focus (or lift) through the weeks that have a value
    (a weight is not logged every week; a focus has no level before it starts)."""
    for n, one in enumerate(series):
        xs = [x for x, value in enumerate(one.values) if value is not None]
        ys = [value for value in one.values if value is not None]
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        ax.plot(
            xs,
            ys,
            color=colour,
            marker=LINE_MARKERS[n % len(LINE_MARKERS)],
            markersize=8,
            linewidth=3,
            label=one.label,
        )
        if xs and not levels:
            ax.annotate(
                one.last_label or f"{ys[-1]:g} {unit}".strip(),
                (xs[-1], ys[-1]),
                xytext=(0, 10),
                textcoords="offset points",
                ha="center",
                fontproperties=_font(TICK_PT - 2),
                color=colour,
            )
    if levels:
        ax.set_ylim(0.5, LEVEL_MAX + 0.5)
        ax.set_yticks([1, 4, 8, 12])
    else:
        values = [v for one in series for v in one.values if v is not None]
        if values:
            low, high = min(values), max(values)
            pad = max((high - low) * 0.15, 2.0)
            ax.set_ylim(max(0.0, low - pad), high + 2 * pad)
    ax.set_ylabel(axis_title, fontproperties=_font(LABEL_PT), color=INK)
    if series:
        ax.legend(
            prop=_font(TICK_PT - 2),
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=min(len(series), columns),
            frameon=False,
            borderaxespad=0.2,
            labelcolor=INK,
        )
