"""The digest as data: `/decisions.json` and `/decisions.csv`, every front-matter field of every decision."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..content.format import front_matter
from ..content.settings import SiteConfig
from .entries import Entry
from .pages import Page

ENCODE = json.JSONEncoder(ensure_ascii=False).encode
# The CSV starts with a byte-order mark: without it, Excel on Windows reads UTF-8 as Windows-1252 (£ as Â£).
BOM = "\ufeff"
CSV_COLUMNS = (
    "reference", "url", "council", "category", "subcategory", "outcome", "decision_date", "summary",
    "remedy_band", "remedy_total", "remedy_payments", "remedy_apology", "remedy_service_improvements",
    "remedy_actions", "remedy_deadline", "remedy_note", "decided_by", "source", "lgsco_url", "aliases",
    "needs_review", "remedy_waived", "inferred",
)


class Row(NamedTuple):
    """One decision's line of decisions.json and row of decisions.csv."""
    facts_digest: str           # of the entry it was made for
    json: str
    csv: str


@dataclass
class DataMemo:
    """Each decision's row, kept by a preview between builds: an edit writes one row again, not every row."""
    config: SiteConfig | None = None            # the settings the rows were made with
    rows: dict[str, Row] = field(default_factory=dict)    # slug -> its row


def decision_record(entry: Entry, config: SiteConfig) -> dict:
    """The content file's fields, plus the page's address, the remedy band and the facts inferred rather than
    printed (`inferred`: a guessed outcome or category counts in the charts, and is labelled here); every
    payment has a period and a state."""
    fields = front_matter(entry.decision)
    day = entry.decision.decision_date
    remedy = fields["remedy"]
    return {
        "reference": fields["reference"],
        "url": config.base_url + entry.url,
        **fields,
        "decision_date": day.isoformat() if day else None,
        "remedy": {"band": entry.band.name, **remedy,
                   "payments": [{**payment, "period": payment.get("period"), "state": payment.get("state", "agreed")}
                                for payment in remedy["payments"]]},
        "inferred": [name for name in fields["needs_review"] if name in entry.decision.inferred],
    }


def render_data(config: SiteConfig, entries: list[Entry], memo: DataMemo | None = None) -> list[Page]:
    """`memo`: each decision's row from the last build of a preview, taken again while its facts and the
    settings are the same."""
    memo = DataMemo() if memo is None else memo
    if memo.config != config:
        memo.config, memo.rows = config, {}
    rows = [_row(entry, config, memo.rows) for entry in entries]
    if len(memo.rows) > len(rows):             # decisions gone or renamed (every entry has its row now)
        for slug in memo.rows.keys() - {entry.decision.slug for entry in entries}:
            del memo.rows[slug]
    return [Page("decisions.json", _json(config, [row.json for row in rows])),
            Page("decisions.csv", "".join([BOM, _csv_line(CSV_COLUMNS), *(row.csv for row in rows)]))]


def _row(entry: Entry, config: SiteConfig, kept_rows: dict[str, Row]) -> Row:
    kept = kept_rows.get(entry.decision.slug)
    if kept is None or kept.facts_digest != entry.facts_digest:
        record = decision_record(entry, config)
        kept = kept_rows[entry.decision.slug] = Row(entry.facts_digest, ENCODE(record),
                                                    _csv_line(map(_cell, _flat(record))))
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
                         + (f" ({p['state']})" if p["state"] != "agreed" else "") for p in remedy["payments"])
    waived = "; ".join(f"£{w['amount']} for {w['purpose']}" for w in remedy["waived"])
    return [record["reference"], record["url"], record["council"], record["category"], record["subcategory"],
            record["outcome"], record["decision_date"], record["summary"], remedy["band"], remedy["total"], payments,
            remedy["apology"], remedy["service_improvements"], " | ".join(remedy["actions"]), remedy["deadline"],
            remedy["note"], record["decided_by"], record["source"], record["lgsco_url"], " ".join(record["aliases"]),
            " ".join(record["needs_review"]), waived, " ".join(record["inferred"])]


def _cell(value: object) -> str:
    """Text a spreadsheet will not run: a cell starting = + - @ (or a tab/CR) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
