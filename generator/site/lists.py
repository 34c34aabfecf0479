"""Lists of decisions cut into pages: page 1 at the list's own address, page N at `<address>page/N/`, newest
first, each page a unit of its own whose inputs are what it shows (so an edit to one decision renders one
page of each list that shows it again)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .entries import Entry

WINDOW = 2          # page numbers shown on each side of the current one (and the first and last always)


@dataclass(frozen=True)
class ListPage:
    """One page of a list of decisions."""
    base: str                       # the list's address, page 1's: "/councils/essex-county-council/"
    number: int                     # from 1
    count: int                      # pages in the list (at least 1: an empty list has one empty page)
    total: int                      # decisions in the whole list
    first: int                      # the position in the list of the first decision shown, from 1
    entries: tuple[Entry, ...]

    @property
    def url(self) -> str:
        return self.url_of(self.number)

    def url_of(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def last(self) -> int:
        return self.first + len(self.entries) - 1

    @property
    def prev_url(self) -> str | None:
        return self.url_of(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_of(self.number + 1) if self.number < self.count else None

    def numbers(self) -> list[int | None]:
        """The page numbers to link: the first, the last, and those near this one; None for a gap."""
        near = range(max(1, self.number - WINDOW), min(self.count, self.number + WINDOW) + 1)
        shown = sorted({1, self.count, *near})
        out: list[int | None] = []
        for number in shown:
            if out and number - (out[-1] or 0) > 1:
                out.append(None)
            out.append(number)
        return out

    def inputs(self) -> tuple[str, ...]:
        """What the page shows of its list, as digests and counts (its unit's inputs)."""
        return (f"page {self.number} of {self.count}, {self.total} decisions",
                *(entry.facts_digest for entry in self.entries))


def paginate(base: str, entries: Sequence[Entry], size: int) -> list[ListPage]:
    """`entries` (newest first) in pages of `size`."""
    count = max(1, -(-len(entries) // size))
    return [ListPage(base, number, count, len(entries), (number - 1) * size + 1,
                     tuple(entries[(number - 1) * size:number * size]))
            for number in range(1, count + 1)]
