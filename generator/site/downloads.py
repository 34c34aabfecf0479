"""The digest as data: `/decisions.json` and `/decisions.csv`, every front-matter field of every decision."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from ..content.format import front_matter
from ..content.settings import SiteConfig
from .entries import Entry
from .pages import Page

ENCODE = json.JSONEncoder(ensure_ascii=False).encode
# The CSV starts with a byte-order mark: without it, Excel on Windows reads UTF-8 as Windows-1252 (£ as Â£).
BOM = "\ufeff"
DataMemo = dict[str, tuple[Entry, str, str]]      # slug -> (entry, JSON line, CSV line)
CSV_COLUMNS = (
    "reference", "url", "council", "category", "subcategory", "outcome", "decision_date", "summary",
    "remedy_band", "remedy_total", "remedy_payments", "remedy_apology", "remedy_service_improvements",
    "remedy_actions", "remedy_deadline", "remedy_note", "decided_by", "source", "lgsco_url", "aliases",
    "needs_review",
)


def decision_record(entry: Entry, config: SiteConfig) -> dict:
    """The content file's fields, plus the page's address and the remedy band; every payment has a period."""
    fields = front_matter(entry.decision)
    day = entry.decision.decision_date
    remedy = fields["remedy"]
    return {
        "reference": fields["reference"],
        "url": config.base_url + entry.url,
        **fields,
        "decision_date": day.isoformat() if day else None,
        "remedy": {"band": entry.band.name, **remedy,
                   "payments": [{**payment, "period": payment.get("period")} for payment in remedy["payments"]]},
    }


def render_data(config: SiteConfig, entries: list[Entry], memo: DataMemo | None = None) -> list[Page]:
    """`memo`: each decision's JSON line and CSV row from the last build of a long-running caller (the
    preview), taken again for the very same entry (entries are made again when the settings change)."""
    memo = {} if memo is None else memo
    rows = [_row(entry, config, memo) for entry in entries]
    if len(memo) > len(rows):                  # decisions gone or renamed (every entry has its row now)
        for slug in memo.keys() - {entry.decision.slug for entry in entries}:
            del memo[slug]
    return [Page("decisions.json", _json(config, [line for _, line, _ in rows])),
            Page("decisions.csv", "".join([BOM, _csv_line(CSV_COLUMNS), *(line for _, _, line in rows)]))]


def _row(entry: Entry, config: SiteConfig, memo: DataMemo) -> tuple[Entry, str, str]:
    kept = memo.get(entry.decision.slug)
    if kept is None or kept[0] is not entry:
        record = decision_record(entry, config)
        kept = memo[entry.decision.slug] = (entry, ENCODE(record), _csv_line(map(_cell, _flat(record))))
    return kept


def _json(config: SiteConfig, lines: list[str]) -> str:
    """One decision a line (json's compiled encoder: indenting would take the pure-Python one, several
    times slower at archive scale), so a change to one decision is a change to one line."""
    head = ENCODE({"site": config.title, "source": config.base_url + "/about/"})[:-1]
    if not lines:
        return f'{head}, "decisions": []}}\n'
    # Ends attached to the first and last lines, so the whole text (tens of megabytes at archive scale) is
    # copied once, by one join.
    lines = list(lines)
    lines[0] = f'{head}, "decisions": [\n{lines[0]}'
    lines[-1] += "\n]}\n"
    return ",\n".join(lines)


def _csv_line(cells: Iterable[str]) -> str:
    """One row of the CSV file, quoted as needed and ended by CRLF: kept per decision, so an edit writes
    one row again, not every row."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def _flat(record: dict) -> list:
    remedy = record["remedy"]
    payments = "; ".join(f"£{p['amount']}" + (f" {p['period']}" if p["period"] else "") + f" for {p['purpose']}"
                         for p in remedy["payments"])
    return [record["reference"], record["url"], record["council"], record["category"], record["subcategory"],
            record["outcome"], record["decision_date"], record["summary"], remedy["band"], remedy["total"], payments,
            remedy["apology"], remedy["service_improvements"], " | ".join(remedy["actions"]), remedy["deadline"],
            remedy["note"], record["decided_by"], record["source"], record["lgsco_url"], " ".join(record["aliases"]),
            " ".join(record["needs_review"])]


def _cell(value: object) -> str:
    """Text a spreadsheet will not run: a cell starting = + - @ (or a tab/CR) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
