"""The index pages' groups: decisions by council, category (and subcategory), remedy band and outcome."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ..content.settings import SiteConfig
from ..digest import digest
from ..errors import ContentError
from ..model import OUTCOMES, slugify
from .entries import NO_OUTCOME, NO_SUBCATEGORY, UNCATEGORISED, Entry


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
        Taxonomy("councils", "Councils", "Council", _terms("councils", entries, lambda e: e.decision.council),
                 a_to_z=True),
        Taxonomy("categories", "Categories", "Category",
                 _terms("categories", entries, lambda e: e.decision.category or UNCATEGORISED, grouped=True)),
        Taxonomy("remedies", "Remedies", "Remedy band",
                 _terms("remedies", entries, lambda e: e.band.name, order=[b.name for b in config.remedy_bands])),
        Taxonomy("outcomes", "Outcomes", "Outcome",
                 _terms("outcomes", entries, lambda e: e.decision.outcome or NO_OUTCOME, order=list(OUTCOMES))),
    ]


def _terms(key: str, entries: list[Entry], name_of: Callable[[Entry], str], order: list[str] | None = None,
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

