"""The index pages' groups: decisions by council, category (and subcategory), remedy band and outcome."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from ..content.settings import SiteConfig
from ..digest import digest
from ..errors import ContentError
from ..model import OUTCOMES, path_slug, slugify
from .entries import NO_OUTCOME, NO_SUBCATEGORY, UNCATEGORISED, Entry


@dataclass(frozen=True)
class Group:
    """A category's decisions of one subcategory: a section of the category's page (at its published
    anchor) and a list of its own."""
    name: str
    anchor: str                        # the id published on the category page (`slugify`, kept as it was)
    url: str                           # its own list: /categories/<category>/<subcategory>/
    entries: tuple[Entry, ...]
    search_url: str | None = None

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Term:
    """One index page: a council, a category, a remedy band or an outcome, and its decisions."""
    name: str
    slug: str
    url: str
    entries: tuple[Entry, ...]
    groups: tuple[Group, ...] = ()     # categories are grouped by subcategory
    search_url: str | None = None      # the search page with this term's filter set
    former_slug: str | None = None     # the slug its address had before accented letters were kept

    @property
    def count(self) -> int:
        return len(self.entries)

    @cached_property
    def listing_digest(self) -> str:
        """What its page and its feed show of its decisions, as one digest."""
        return digest(*(e.facts_digest for e in self.entries))


@dataclass(frozen=True)
class Taxonomy:
    folder: str           # URL folder: councils, categories, remedies, outcomes
    title: str            # "Councils"
    singular: str         # "Council"
    terms: tuple[Term, ...]
    a_to_z: bool = False  # list the index under letters (councils: there will be hundreds)

    @property
    def url(self) -> str:
        return f"/{self.folder}/"

    def letters(self) -> list[tuple[str, list[Term]]]:
        """Terms under their first letter, for an A-Z list."""
        grouped: dict[str, list[Term]] = {}
        for term in self.terms:
            grouped.setdefault(term.name[:1].upper(), []).append(term)
        return sorted(grouped.items())


def make_taxonomies(entries: list[Entry], config: SiteConfig) -> list[Taxonomy]:
    return [
        Taxonomy("councils", "Councils", "Council",
                 _terms("councils", "council", entries, lambda e: e.decision.council), a_to_z=True),
        Taxonomy("categories", "Categories", "Category",
                 _terms("categories", "category", entries, lambda e: e.decision.category or UNCATEGORISED,
                        grouped=True)),
        Taxonomy("remedies", "Remedies", "Remedy band",
                 _terms("remedies", "band", entries, lambda e: e.band.name,
                        order=[b.name for b in config.remedy_bands])),
        Taxonomy("outcomes", "Outcomes", "Outcome",
                 _terms("outcomes", "outcome", entries, lambda e: e.decision.outcome or NO_OUTCOME,
                        order=list(OUTCOMES))),
    ]


# Names that stand for no value: the search page has no filter for them.
NOT_VALUES = (UNCATEGORISED, NO_OUTCOME, NO_SUBCATEGORY)


def search_url(**filters: str) -> str | None:
    """'/search/?council=Essex+County+Council': the search page with these filters ticked (search.js reads
    them); None when a value is one of NOT_VALUES."""
    if any(value in NOT_VALUES for value in filters.values()):
        return None
    return "/search/?" + urlencode(filters)


def _terms(key: str, facet: str, entries: list[Entry], name_of: Callable[[Entry], str],
           order: list[str] | None = None, grouped: bool = False) -> tuple[Term, ...]:
    """Group entries by name. Named `order` terms are always listed (even empty), in that order; others A-Z."""
    by_name: dict[str, list[Entry]] = {name: [] for name in order or []}
    for entry in entries:
        by_name.setdefault(name_of(entry), []).append(entry)
    names = list(order or []) + sorted((n for n in by_name if n not in (order or [])), key=str.casefold)
    terms = []
    named: dict[str, str] = {}                       # slug -> the name that has it
    for name in names:
        slug = path_slug(name)
        if named.setdefault(slug, name) != name:
            raise _clash(f"/{key}/{slug}/", named[slug], name, by_name)
        members = tuple(by_name[name])
        url = f"/{key}/{slug}/"
        groups = _subcategory_groups(name, url, members) if grouped else ()
        former = slugify(name) if slugify(name) != slug else None
        terms.append(Term(name, slug, url, members, groups, search_url(**{facet: name}), former))
    return tuple(terms)


def _clash(url: str, first: str, second: str, by_name: dict[str, list[Entry]]) -> ContentError:
    """Two names written differently that would share one page, named with a decision that has each."""
    one, other = (by_name[name][0].decision.path if by_name[name] else None for name in (first, second))
    return ContentError(other, f"{second!r} and {first!r} (in {one}) would share the page {url}: "
                               "write them the same way")


def _subcategory_groups(category: str, url: str, entries: tuple[Entry, ...]) -> tuple[Group, ...]:
    by_sub: dict[str, list[Entry]] = {}
    for entry in entries:
        by_sub.setdefault(entry.decision.subcategory or NO_SUBCATEGORY, []).append(entry)
    names = sorted((n for n in by_sub if n != NO_SUBCATEGORY), key=str.casefold)
    if NO_SUBCATEGORY in by_sub:
        names.append(NO_SUBCATEGORY)
    groups: list[Group] = []
    named: dict[str, str] = {}
    for name in names:
        slug = path_slug(name)
        if named.setdefault(slug, name) != name:
            raise _clash(f"{url}{slug}/", named[slug], name, {n: by_sub[n] for n in names})
        groups.append(Group(name, slugify(name), f"{url}{slug}/", tuple(by_sub[name]),
                            search_url(category=category, subcategory=name)))
    return tuple(groups)
