"""Bar charts drawn at build time as inline SVG: geometry here, markup in `partials/bar-chart.html`.

Bars are scaled to the largest value, so a chart reads the same with 5 decisions or 20,000; every chart
carries its numbers as text (a table beside it), so nothing depends on seeing the bars.
"""
from __future__ import annotations

from dataclasses import dataclass

from .entries import Entry
from .indexes import Taxonomy

ROW = 28            # height of one row, in SVG units
LABEL_WIDTH = 200   # left column for the labels
BAR_WIDTH = 200     # the longest bar
VALUE_GAP = 6


@dataclass(frozen=True)
class Bar:
    label: str
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
    label_width: int = LABEL_WIDTH
    bar_left: int = LABEL_WIDTH + VALUE_GAP

    @property
    def width(self) -> int:
        return LABEL_WIDTH + VALUE_GAP + BAR_WIDTH + 56


def count_chart(ident: str, title: str, counts: list[tuple[str, int, str | None]]) -> Chart:
    """One bar per (label, count, link)."""
    largest = max((count for _, count, _ in counts), default=0) or 1
    bars = tuple(Bar(label, count, f"{count:,}", url, index * ROW, BAR_WIDTH * count / largest)
                 for index, (label, count, url) in enumerate(counts))
    rows = tuple(Row(label, url, (f"{count:,}",)) for label, count, url in counts)
    return Chart(ident, title, ("", "Decisions"), rows, bars, (), len(counts) * ROW)


def share_chart(ident: str, title: str, series: tuple[str, str],
                shares: list[tuple[str, str | None, int, int, int, int]]) -> Chart:
    """Two bars per label comparing shares: (label, link, count A, total A, count B, total B) -> percentages."""
    def percent(count: int, total: int) -> float:
        return 100 * count / total if total else 0.0

    bars, rows = [], []
    for index, (label, url, count_a, total_a, count_b, total_b) in enumerate(shares):
        for offset, (count, total) in enumerate(((count_a, total_a), (count_b, total_b))):
            value = percent(count, total)
            bars.append(Bar(label, value, f"{value:.0f}%", None, index * ROW * 2 + offset * ROW * 0.8,
                            BAR_WIDTH * value / 100, series=offset))
        rows.append(Row(label, url, (f"{percent(count_a, total_a):.0f}% ({count_a:,})",
                                      f"{percent(count_b, total_b):.0f}% ({count_b:,})")))
    return Chart(ident, title, ("", *series), tuple(rows), tuple(bars), series, len(shares) * ROW * 2)


def home_charts(entries: list[Entry], taxonomies: list[Taxonomy]) -> list[Chart]:
    by_key = {t.folder: t for t in taxonomies}
    return [
        count_chart("chart-bands", "Decisions by remedy band",
                    [(t.name, t.count, t.url) for t in by_key["remedies"].terms]),
        count_chart("chart-outcomes", "Decisions by outcome",
                    [(t.name, t.count, t.url) for t in by_key["outcomes"].terms]),
        count_chart("chart-years", "Decisions by year of decision", year_counts(entries)),
    ]


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
