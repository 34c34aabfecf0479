"""Bar charts drawn at build time as inline SVG: geometry here, markup in `partials/bar-chart.html`.

Bars are scaled to the largest value, so a chart reads the same with 5 decisions or 20,000; every chart
carries its numbers as text (a table beside it), so nothing depends on seeing the bars.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .entries import Entry
from .indexes import Taxonomy

ROW = 28            # height of one row, in SVG units (a unit is a CSS pixel where the chart has room)
BAR_WIDTH = 200     # the longest bar
VALUE_GAP = 6
VALUE_ROOM = 64     # right of a bar, for its number ("888,888")
FONT_SIZE = 14      # the labels' and numbers' size (style.css, .chart-bars text)
LABEL_MAX = 280     # the widest label column: a longer label is cut, with "…" (the table has it whole)

# Characters' widths in em, rounded up from DejaVu Sans, the widest of the usual system fonts: a label
# measured with them fits in whichever font the reader's system draws it.
WIDTHS = {**dict.fromkeys(" ,.:;'|ijlIJ‘’", 0.32), **dict.fromkeys('!()[]-/frt"', 0.47),
          **dict.fromkeys("csz?", 0.56), **dict.fromkeys("ABCKRUVXZ", 0.74), **dict.fromkeys("DGHNOQw&", 0.82),
          **dict.fromkeys("mMW%@—…", 1.0)}
WIDTH = 0.64        # any other character: digits, £ and most letters


@dataclass(frozen=True)
class Bar:
    label: str                # as drawn: cut with "…" only where the label column has no room for it
    value: float              # what the bar's length shows (a count, or a percentage)
    text: str                 # the value as printed ("12", "40%")
    url: str | None
    y: float
    length: float
    series: int = 0           # 0 or 1 when two series are compared


@dataclass(frozen=True)
class Row:
    label: str
    url: str | None
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    ident: str                # unique on its page, for aria ids
    title: str
    columns: tuple[str, ...]  # table headings: the label column, then one per series
    rows: tuple[Row, ...]
    bars: tuple[Bar, ...]
    legend: tuple[str, ...]   # series names, when there are two
    height: float
    label_width: int          # the labels' column, right-aligned against the bars

    @property
    def bar_left(self) -> int:
        return self.label_width + VALUE_GAP

    @property
    def width(self) -> int:
        return self.bar_left + BAR_WIDTH + VALUE_ROOM


def text_width(text: str) -> float:
    """How wide `text` is drawn at the charts' size, at most."""
    return FONT_SIZE * sum(WIDTHS.get(character, WIDTH) for character in text)


def label_column(labels: list[str]) -> int:
    """Wide enough for every label, up to LABEL_MAX."""
    return min(LABEL_MAX, math.ceil(max(map(text_width, labels), default=0.0)))


def fit(label: str, width: int) -> str:
    """The label, cut with "…" only if it is wider than the column."""
    if text_width(label) <= width:
        return label
    while label and text_width(label + "…") > width:
        label = label[:-1]
    return label.rstrip() + "…"


def count_chart(ident: str, title: str, counts: list[tuple[str, int, str | None]],
                label_width: int | None = None) -> Chart:
    """One bar per (label, count, link). `label_width`: the label column, when charts shown together share
    one (their bars then start at one line); else as wide as the labels need."""
    width = label_column([label for label, _, _ in counts]) if label_width is None else label_width
    largest = max((count for _, count, _ in counts), default=0) or 1
    bars = tuple(Bar(fit(label, width), count, f"{count:,}", url, index * ROW, BAR_WIDTH * count / largest)
                 for index, (label, count, url) in enumerate(counts))
    rows = tuple(Row(label, url, (f"{count:,}",)) for label, count, url in counts)
    return Chart(ident, title, ("", "Decisions"), rows, bars, (), len(counts) * ROW, width)


def share_chart(ident: str, title: str, series: tuple[str, str],
                shares: Sequence[tuple[str, str | None, int, int, int, int]]) -> Chart:
    """Two bars per label comparing shares: (label, link, count A, total A, count B, total B) -> percentages."""
    def percent(count: int, total: int) -> float:
        return 100 * count / total if total else 0.0

    width = label_column([label for label, *_ in shares])
    bars, rows = [], []
    for index, (label, url, count_a, total_a, count_b, total_b) in enumerate(shares):
        for offset, (count, total) in enumerate(((count_a, total_a), (count_b, total_b))):
            value = percent(count, total)
            bars.append(Bar(fit(label, width), value, f"{value:.0f}%", None, index * ROW * 2 + offset * ROW * 0.8,
                            BAR_WIDTH * value / 100, series=offset))
        rows.append(Row(label, url, (f"{percent(count_a, total_a):.0f}% ({count_a:,})",
                                      f"{percent(count_b, total_b):.0f}% ({count_b:,})")))
    return Chart(ident, title, ("", *series), tuple(rows), tuple(bars), series, len(shares) * ROW * 2, width)


def home_charts(entries: list[Entry], taxonomies: list[Taxonomy]) -> list[Chart]:
    """Three charts, one above another, sharing a label column: their bars start at one line."""
    by_key = {t.folder: t for t in taxonomies}
    counts: dict[tuple[str, str], list[tuple[str, int, str | None]]] = {
        ("chart-bands", "Decisions by remedy band"): [(t.name, t.count, t.url) for t in by_key["remedies"].terms],
        ("chart-outcomes", "Decisions by outcome"): [(t.name, t.count, t.url) for t in by_key["outcomes"].terms],
        ("chart-years", "Decisions by year of decision"): year_counts(entries),
    }
    width = label_column([label for each in counts.values() for label, _, _ in each])
    return [count_chart(ident, title, each, width) for (ident, title), each in counts.items()]


def year_counts(entries: list[Entry]) -> list[tuple[str, int, str | None]]:
    """Every year from the first to the last (gaps show as zero), then the undated."""
    years: dict[int, int] = {}
    undated = 0
    for entry in entries:
        day = entry.decision.decision_date
        if day:
            years[day.year] = years.get(day.year, 0) + 1
        else:
            undated += 1
    counts: list[tuple[str, int, str | None]] = (
        [(str(year), years.get(year, 0), None) for year in range(min(years), max(years) + 1)] if years else [])
    if undated:
        counts.append(("Date not printed", undated, None))
    return counts


def council_band_chart(council_entries: tuple[Entry, ...], entries: list[Entry], bands: Taxonomy) -> Chart:
    """A council's decisions by remedy band, as shares, beside the whole digest's."""
    mine = len(council_entries)
    shares = [(term.name, term.url, sum(1 for e in council_entries if e.band.name == term.name), mine,
               term.count, len(entries)) for term in bands.terms]
    return share_chart("chart-council-bands", "Remedy bands: this council and the whole digest",
                       ("This council", "All decisions"), shares)
