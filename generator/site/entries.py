"""Decisions as the site shows them (entries): each decision's address, band, index-page links and first
sentence, worked out once for every page that lists it; newest first."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ..content.settings import Band, SiteConfig
from ..digest import digest
from ..model import FrontMatter, path_slug
from .layout import Layout, choose_layout

UNCATEGORISED = "Not categorised"
NO_OUTCOME = "Outcome not recorded"
NO_SUBCATEGORY = "No subcategory"


@dataclass(frozen=True)
class Entry:
    """One decision with everything the pages that list it need, worked out once. Its body is rendered
    only for its own page (see `pages.render_decision`)."""
    decision: FrontMatter
    facts_digest: str     # of its front matter: changes whenever anything a list shows of it changes
    url: str              # its address: /decisions/<slug>/
    page: str             # the file its page is stored in (see `layout.Layout`)
    band: Band
    first_sentence: str
    council_url: str
    category_url: str
    subcategory_url: str | None
    outcome_url: str
    band_url: str


def newest_first(decision: FrontMatter) -> tuple:
    """Newest first, undated last, then by reference so the order never wobbles."""
    day = decision.decision_date
    return (day is None, -(day.toordinal()) if day else 0, decision.reference)


LONGEST_SENTENCE = 400      # characters a list shows of a summary: a page of 100 stays well under 250 KB


def first_sentence(text: str) -> str:
    """The summary's first sentence, cut at a word (with '…') past LONGEST_SENTENCE characters."""
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z‘“'\"(]|\s*$)", text.strip())
    sentence = match.group(1) if match else text.strip()
    if len(sentence) <= LONGEST_SENTENCE:
        return sentence
    return sentence[:LONGEST_SENTENCE].rsplit(None, 1)[0].rstrip(",;:") + "…"


def make_entries(decisions: list[FrontMatter], config: SiteConfig, keys: dict[str, str] | None = None,
                 reuse: dict[str, Entry] | None = None) -> list[Entry]:
    """Entries newest first. `keys`: slug -> digest of the decision's front matter (the build has them from
    reading the files); worked out here when not given. `reuse`: entries made with this config before, by
    slug; one is taken again while its key (what lists show of it) and the file its page goes to are the
    same."""
    layout = choose_layout(config, decisions)
    entries = []
    for decision in sorted(decisions, key=newest_first):
        key = keys[decision.slug] if keys else listing_key(decision)
        before = reuse.get(decision.slug) if reuse else None
        if before is not None and before.facts_digest == key and before.page == layout.page(decision.slug):
            entries.append(before)
            continue
        entries.append(make_entry(decision, key, config, layout))
    return entries


def make_entry(decision: FrontMatter, key: str, config: SiteConfig, layout: Layout) -> Entry:
    band = config.band_for(decision.remedy.total)
    category = path_slug(decision.category or UNCATEGORISED)
    return Entry(
        decision=decision,
        facts_digest=key,
        url=f"/decisions/{decision.slug}/",
        page=layout.page(decision.slug),
        band=band,
        first_sentence=first_sentence(decision.summary),
        council_url=f"/councils/{path_slug(decision.council)}/",
        category_url=f"/categories/{category}/",
        subcategory_url=(f"/categories/{category}/{path_slug(decision.subcategory)}/"
                         if decision.subcategory else None),
        outcome_url=f"/outcomes/{path_slug(decision.outcome or NO_OUTCOME)}/",
        band_url=f"/remedies/{band.slug}/",
    )


def with_changes(entries: list[Entry], order: list[tuple], changed: list[FrontMatter], gone: set[str],
                 config: SiteConfig, keys: dict[str, str], by_slug: dict[str, Entry],
                 layout: Layout) -> tuple[list[Entry], list[tuple]]:
    """`entries` (newest first, each with its `newest_first` key in `order`) after a few decisions changed
    (`changed`, with the digests of their facts in `keys`) or went (`gone`, by slug), in the same `layout`;
    `by_slug`, the entries by slug, is brought up to date. The same list `make_entries` makes of them all,
    found by bisection instead of a sort."""
    entries, order = list(entries), list(order)
    for slug in {decision.slug for decision in changed} | gone:
        before = by_slug.pop(slug, None)
        if before is not None:
            at = bisect_left(order, newest_first(before.decision))
            del entries[at], order[at]
    for entry in (make_entry(decision, keys[decision.slug], config, layout) for decision in changed):
        key = newest_first(entry.decision)
        at = bisect_left(order, key)
        entries.insert(at, entry)
        order.insert(at, key)
        by_slug[entry.decision.slug] = entry
    return entries, order


def listing_key(decision: FrontMatter) -> str:
    return digest(repr(decision))


