"""Related decisions: up to RELATED for each decision, chosen from front matter alone, so that an edit to a
decision's text never changes another page.

The order: the same subcategory before the rest of the category (a decision with no subcategory, or no
category, looks in its category, or among the uncategorised); within each, the same council first; then the
nearest decision date (undated decisions after every dated one), the nearest remedy total, and the slug,
so the choice never wobbles. The groups are made once and each decision's nearest are found in them by
bisection, not by ranking the whole group: every list of a 20,000-decision digest takes a fraction of a
second.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from ..digest import digest
from .entries import Entry

RELATED = 5
UNDATED = 10 ** 9             # days apart, for an undated decision: after every dated one


@dataclass(frozen=True)
class Line:
    """A decision as a facts line shows it (related decisions, collections): sent to the worker processes with
    each page, so no bigger than that."""
    slug: str
    url: str
    title: str
    council: str
    day: date | None
    outcome: str | None
    remedy: int

    @property
    def key(self) -> str:
        return repr((self.url, self.title, self.day, self.outcome, self.remedy))


def line_of(entry: Entry) -> Line:
    d = entry.decision
    return Line(d.slug, entry.url, d.title, d.council, d.decision_date, d.outcome, d.remedy.total)


@dataclass
class _Group:
    """Decisions sharing a (sub)category, or that and a council: the dated sorted by day, the undated apart."""
    days: list[int]
    dated: list[Line]
    undated: list[Line]


def related_decisions(entries: list[Entry]) -> dict[str, tuple[Line, ...]]:
    """Each decision's related decisions, by slug."""
    lines = [line_of(entry) for entry in entries]
    groups: dict[tuple, list[Line]] = {}
    for entry, line in zip(entries, lines):
        for key in _keys(entry):
            groups.setdefault(key, []).append(line)
    made = {key: _group(members) for key, members in groups.items()}
    return {line.slug: tuple(_chosen(entry, line, made)) for entry, line in zip(entries, lines)}


def related_digests(related: dict[str, tuple[Line, ...]]) -> dict[str, str]:
    """What each decision's page shows of its related decisions, as one digest (part of its unit's inputs)."""
    return {slug: digest(*(line.key for line in lines)) for slug, lines in related.items()}


def _keys(entry: Entry) -> Iterator[tuple]:
    d = entry.decision
    if d.subcategory:
        yield "sub", d.category, d.subcategory
        yield "sub", d.category, d.subcategory, d.council
    yield "cat", d.category
    yield "cat", d.category, d.council


def _group(members: list[Line]) -> _Group:
    dated = sorted((line for line in members if line.day), key=lambda line: (line.day, line.slug))
    undated = [line for line in members if not line.day]
    return _Group([line.day.toordinal() for line in dated if line.day], dated, undated)


def _chosen(entry: Entry, line: Line, groups: dict[tuple, _Group]) -> Iterator[Line]:
    """The tiers in order (same subcategory and council, same subcategory, same category and council, same
    category), each ranked by nearness, skipping decisions an earlier tier gave."""
    d = entry.decision
    tiers = [("cat", d.category, d.council), ("cat", d.category)]
    if d.subcategory:
        tiers = [("sub", d.category, d.subcategory, d.council), ("sub", d.category, d.subcategory), *tiers]
    taken = {line.slug}
    for key in tiers:
        for found in _nearest(groups[key], line, RELATED - len(taken) + 1, taken):
            taken.add(found.slug)
            yield found
        if len(taken) > RELATED:
            return


def _nearest(group: _Group, line: Line, wanted: int, skip: set[str]) -> list[Line]:
    """Up to `wanted` of `group` nearest to `line` (day, then remedy, then slug), none of `skip`."""
    found: list[Line] = []
    if line.day is None:                 # every other decision is as far: the nearest remedies
        rest = [other for other in (*group.dated, *group.undated) if other.slug not in skip]
        return sorted(rest, key=lambda other: (abs(other.remedy - line.remedy), other.slug))[:wanted]
    for tied in _by_distance(group, line.day.toordinal()):
        found += sorted((other for other in tied if other.slug not in skip),
                        key=lambda other: (abs(other.remedy - line.remedy), other.slug))
        if len(found) >= wanted:
            return found[:wanted]
    rest = sorted((other for other in group.undated if other.slug not in skip),
                  key=lambda other: (abs(other.remedy - line.remedy), other.slug))
    return (found + rest)[:wanted]


def _by_distance(group: _Group, day: int) -> Iterator[list[Line]]:
    """The dated decisions of `group` in runs as far from `day` as each other, nearest first."""
    days, dated = group.days, group.dated
    left = bisect_left(days, day) - 1          # days[left] < day <= days[right]
    right = left + 1
    while left >= 0 or right < len(days):
        apart = min(day - days[left] if left >= 0 else UNDATED, days[right] - day if right < len(days) else UNDATED)
        tied: list[Line] = []
        while left >= 0 and day - days[left] == apart:
            tied.append(dated[left])
            left -= 1
        while right < len(days) and days[right] - day == apart:
            tied.append(dated[right])
            right += 1
        yield tied


def changed_slugs(before: dict[str, str] | None, now: dict[str, str], among: Iterable[str]) -> set[str] | None:
    """The slugs of `among` whose related digest is not as `before` had it; None when `before` is unknown."""
    if before is None:
        return None
    return {slug for slug in among if before.get(slug) != now.get(slug)}
