"""The client-side search index: `search/index.json`, deterministic (same content -> same bytes)."""
from __future__ import annotations

import json

from .config import SiteConfig
from .model import OUTCOMES
from .render import Page
from .taxonomy import Entry


def search_record(entry: Entry) -> dict:
    decision = entry.decision
    day = decision.decision_date
    return {
        "slug": decision.slug,
        "url": entry.url,
        "title": decision.title,
        "reference": decision.reference,
        "council": decision.council,
        "category": decision.category,
        "subcategory": decision.subcategory,
        "outcome": decision.outcome,
        "date": day.isoformat() if day else None,
        "year": day.year if day else None,
        "band": entry.band.name,
        "total": decision.remedy.total,
        "summary": decision.summary,
        "paragraphs": [[number, text] for number, text in entry.body.paragraphs],
    }


def render_search_index(config: SiteConfig, entries: list[Entry]) -> list[Page]:
    """Entries arrive newest first; that order is kept so an empty query browses newest first."""
    index = {
        "version": 1,
        "bands": [band.name for band in config.remedy_bands],
        "outcomes": list(OUTCOMES),
        "decisions": [search_record(entry) for entry in entries],
    }
    text = json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return [Page("search/index.json", text + "\n")]
