"""Decisions as the site shows them (entries), grouped into the index pages: council, category, remedy band, outcome."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, lru_cache
from typing import Iterable

from .config import Band, SiteConfig
from .errors import ContentError
from .model import OUTCOMES, Decision, slugify

UNCATEGORISED = "Not categorised"
NO_OUTCOME = "Outcome not recorded"
NO_SUBCATEGORY = "No subcategory"


@dataclass(frozen=True)
class Entry:
    """One decision with everything the pages that list it need, worked out once. Its body is rendered
    only for its own page (see `pages.render_decision`)."""
    decision: Decision
    key: str              # changes whenever anything a list of decisions shows of this one changes
    url: str
    band: Band
    first_sentence: str
    council_url: str
    category_url: str
    subcategory_url: str | None
    outcome_url: str
    band_url: str


@dataclass(frozen=True)
class Group:
    name: str
    anchor: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Term:
    """One index page: a council, a category, a remedy band or an outcome, and its decisions."""
    name: str
    slug: str
    url: str
    entries: tuple[Entry, ...]
    groups: tuple[Group, ...] = ()     # categories are grouped by subcategory

    @property
    def count(self) -> int:
        return len(self.entries)

    @cached_property
    def key(self) -> str:
        """What its page and its feed show of its decisions, as one digest."""
        return digest_of(e.key for e in self.entries)


@dataclass(frozen=True)
class Taxonomy:
    key: str              # URL folder: councils, categories, remedies, outcomes
    title: str            # "Councils"
    singular: str         # "Council"
    terms: tuple[Term, ...]
    a_to_z: bool = False  # list the index under letters (councils: there will be hundreds)

    @property
    def url(self) -> str:
        return f"/{self.key}/"

    def letters(self) -> list[tuple[str, list[Term]]]:
        """Terms under their first letter, for an A-Z list."""
        grouped: dict[str, list[Term]] = {}
        for term in self.terms:
            grouped.setdefault(term.name[:1].upper(), []).append(term)
        return sorted(grouped.items())


def digest_of(keys: Iterable[str]) -> str:
    """One digest for many: what a list of decisions looks like to the pages listing it."""
    return hashlib.blake2b("\0".join(keys).encode("utf-8"), digest_size=16).hexdigest()


def newest_first(decision: Decision) -> tuple:
    """Newest first, undated last, then by reference so the order never wobbles."""
    day = decision.decision_date
    return (day is None, -(day.toordinal()) if day else 0, decision.reference)


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z‘“'\"(]|\s*$)", text.strip())
    return match.group(1) if match else text.strip()


def make_entries(decisions: list[Decision], config: SiteConfig, keys: dict[str, str] | None = None,
                 reuse: dict[str, Entry] | None = None) -> list[Entry]:
    """Entries newest first. `keys`: slug -> digest of the decision's front matter (the build has them from
    reading the files); worked out here when not given. `reuse`: entries made with this config before, by
    slug; one is taken again while its key (what lists show of it) is the same."""
    entries = []
    for decision in sorted(decisions, key=newest_first):
        key = keys[decision.slug] if keys else listing_key(decision)
        before = reuse.get(decision.slug) if reuse else None
        if before is not None and before.key == key:
            entries.append(before)
            continue
        band = config.band_for(decision.remedy.total)
        category = decision.category or UNCATEGORISED
        entries.append(Entry(
            decision=decision,
            key=key,
            url=f"/decisions/{decision.slug}/",
            band=band,
            first_sentence=first_sentence(decision.summary),
            council_url=f"/councils/{slugify(decision.council)}/",
            category_url=f"/categories/{slugify(category)}/",
            subcategory_url=(f"/categories/{slugify(category)}/#{slugify(decision.subcategory)}"
                             if decision.subcategory else None),
            outcome_url=f"/outcomes/{slugify(decision.outcome or NO_OUTCOME)}/",
            band_url=f"/remedies/{band.slug}/",
        ))
    return entries


def listing_key(decision: Decision) -> str:
    return hashlib.blake2b(repr(replace(decision, body="")).encode("utf-8"), digest_size=16).hexdigest()


def make_taxonomies(entries: list[Entry], config: SiteConfig) -> list[Taxonomy]:
    return [
        Taxonomy("councils", "Councils", "Council", _terms("councils", entries, lambda e: e.decision.council),
                 a_to_z=True),
        Taxonomy("categories", "Categories", "Category",
                 _terms("categories", entries, lambda e: e.decision.category or UNCATEGORISED, grouped=True)),
        Taxonomy("remedies", "Remedies", "Remedy band",
                 _terms("remedies", entries, lambda e: e.band.name, order=[b.name for b in config.remedy_bands])),
        Taxonomy("outcomes", "Outcomes", "Outcome",
                 _terms("outcomes", entries, lambda e: e.decision.outcome or NO_OUTCOME, order=list(OUTCOMES))),
    ]


def _terms(key: str, entries: list[Entry], name_of, order: list[str] | None = None,
           grouped: bool = False) -> tuple[Term, ...]:
    """Group entries by name. Named `order` terms are always listed (even empty), in that order; others A-Z."""
    by_name: dict[str, list[Entry]] = {name: [] for name in order or []}
    for entry in entries:
        by_name.setdefault(name_of(entry), []).append(entry)
    names = list(order or []) + sorted((n for n in by_name if n not in (order or [])), key=str.casefold)
    terms = []
    named: dict[str, str] = {}                       # slug -> the name that has it
    for name in names:
        slug = slugify(name)
        if named.setdefault(slug, name) != name:
            raise _clash(key, named[slug], name, by_name)
        members = tuple(by_name[name])
        groups = _subcategory_groups(members) if grouped else ()
        terms.append(Term(name, slug, f"/{key}/{slug}/", members, groups))
    return tuple(terms)


def _clash(key: str, first: str, second: str, by_name: dict[str, list[Entry]]) -> ContentError:
    """Two names written differently that would share one page, named with a decision that has each."""
    one, other = (by_name[name][0].decision.path if by_name[name] else None for name in (first, second))
    return ContentError(other, f"{second!r} and {first!r} (in {one}) would share the page "
                               f"/{key}/{slugify(first)}/: write them the same way")


def _subcategory_groups(entries: tuple[Entry, ...]) -> tuple[Group, ...]:
    by_sub: dict[str, list[Entry]] = {}
    for entry in entries:
        by_sub.setdefault(entry.decision.subcategory or NO_SUBCATEGORY, []).append(entry)
    names = sorted((n for n in by_sub if n != NO_SUBCATEGORY), key=str.casefold)
    if NO_SUBCATEGORY in by_sub:
        names.append(NO_SUBCATEGORY)
    return tuple(Group(name, slugify(name), tuple(by_sub[name])) for name in names)


@lru_cache(maxsize=8192)
def format_date(day: date | None) -> str:
    """'5 March 2025'. Listing pages show tens of thousands of dates, and strftime is slow: a few thousand
    distinct days are worked out once."""
    return f"{day.day} {day:%B %Y}" if day else "Date not printed"


def format_money(amount: int | float) -> str:
    if isinstance(amount, float) and not amount.is_integer():
        return f"£{amount:,.2f}"
    return f"£{int(amount):,}"
