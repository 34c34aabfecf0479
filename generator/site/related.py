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


def chosen_by(entry: Entry) -> tuple:
    """Every fact of a decision that its place in others' related lists, or what they show of it, depends on:
    an edit that leaves these alone (a summary, a body) changes no related list."""
    d = entry.decision
    return d.reference, d.council, d.category, d.subcategory, d.decision_date, d.outcome, d.remedy.total


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
        for key in _tiers(entry):
            groups.setdefault(key, []).append(line)
    made = {key: _group(members) for key, members in groups.items() if len(members) > 1}
    return {line.slug: _chosen(entry, line, made) for entry, line in zip(entries, lines)}


def related_digests(related: dict[str, tuple[Line, ...]]) -> dict[str, str]:
    """What each decision's page shows of its related decisions, as one digest (part of its unit's inputs)."""
    keys: dict[str, str] = {}
    for lines in related.values():
        for line in lines:
            if line.slug not in keys:
                keys[line.slug] = line.key
    return {slug: digest(*(keys[line.slug] for line in lines)) for slug, lines in related.items()}


def _tiers(entry: Entry) -> tuple[tuple, ...]:
    """The groups a decision's related ones are looked for in, in order: the same subcategory and council,
    the same subcategory, the same category and council, the same category."""
    d = entry.decision
    if d.subcategory:
        return (("sub", d.category, d.subcategory, d.council), ("sub", d.category, d.subcategory),
                ("cat", d.category, d.council), ("cat", d.category))
    return ("cat", d.category, d.council), ("cat", d.category)


def _group(members: list[Line]) -> _Group:
    dated = sorted((line for line in members if line.day), key=lambda line: (line.day, line.slug))
    undated = [line for line in members if not line.day]
    return _Group([line.day.toordinal() for line in dated if line.day], dated, undated)


def _chosen(entry: Entry, line: Line, groups: dict[tuple, _Group]) -> tuple[Line, ...]:
    """Each tier ranked by nearness, skipping decisions an earlier tier gave, until there are RELATED."""
    taken = {line.slug}
    chosen: list[Line] = []
    for key in _tiers(entry):
        group = groups.get(key)          # none: the decision is alone in it
        if group is not None:
            found = _nearest(group, line, RELATED - len(chosen), taken)
            chosen += found
            taken.update(other.slug for other in found)
            if len(chosen) >= RELATED:
                break
    return tuple(chosen)


def _nearest(group: _Group, line: Line, wanted: int, skip: set[str]) -> list[Line]:
    """Up to `wanted` of `group` nearest to `line` (day, then remedy, then slug), none of `skip`: the dated
    taken outwards from the line's day, a run as far apart at a time."""
    def by_remedy(other: Line) -> tuple[int, str]:
        return abs(other.remedy - line.remedy), other.slug

    if line.day is None:                 # every other decision is as far: the nearest remedies
        return sorted((other for other in (*group.dated, *group.undated) if other.slug not in skip),
                      key=by_remedy)[:wanted]
    days, dated, day = group.days, group.dated, line.day.toordinal()
    left = bisect_left(days, day) - 1    # days[left] < day <= days[right]
    right, end = left + 1, len(days)
    found: list[Line] = []
    while len(found) < wanted and (left >= 0 or right < end):
        apart = min(day - days[left] if left >= 0 else UNDATED, days[right] - day if right < end else UNDATED)
        tied: list[Line] = []
        while left >= 0 and day - days[left] == apart:
            if dated[left].slug not in skip:
                tied.append(dated[left])
            left -= 1
        while right < end and days[right] - day == apart:
            if dated[right].slug not in skip:
                tied.append(dated[right])
            right += 1
        found += sorted(tied, key=by_remedy) if len(tied) > 1 else tied
    if len(found) < wanted:
        found += sorted((other for other in group.undated if other.slug not in skip), key=by_remedy)
    return found[:wanted]
