"""The decisions' own pages and the search index: which decisions to render or read again, and the index
brought up to date from their readings as the worker processes send them back.

Ids count from the oldest decision, so a new decision (the usual import) is added at the end. An edited
decision is swapped in place (its earlier version read again to take its postings out); when a date change
or a deletion reorders the ids from some point on, those after it are dropped and read again, unless that
is most of them: then the whole index is read again. Pages and text parts are named by slug, not id, so
they stay as they are when ids move.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..content.folder import Source
from ..content.settings import SiteConfig
from ..digest import digest
from ..search.files import IndexMemo, index_files
from ..search.postings import SearchState, common_prefix, drop_from, extend_state, replace_reading
from ..search.reading import MAX_PARTS, Reading, text_part_path
from ..site.entries import Entry
from ..site.pages import page_path
from .plan import Plan
from .state import SearchRecord, Unit
from .workers import Done, Job


@dataclass
class DecisionPlan:
    """The decision jobs of a build, in order: first the earlier versions of decisions leaving the index's
    tail (ids `keep`.. are dropped), then, by id, each decision whose page or reading is needed."""
    ordered: list[Entry]                 # by id, oldest first
    digests: list[str]                   # id -> digest of the decision's file
    page_template: str                   # what every page is made from but the decision's own file
    search: SearchRecord                 # what the index is updated from
    search_made_from: str
    search_fresh: bool                   # the index stays as it is
    keep: int = 0
    changed: set[int] = field(default_factory=set)       # ids below `keep` whose decision changed
    dropping: int = 0                    # jobs that read a decision leaving the tail
    jobs: list[Job] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)         # the id of each job after the dropping ones

    def made_from(self, doc: int) -> str:
        """What the page unit of decision `doc` is made from (its files are named by slug, not id)."""
        return f"{self.page_template}|{self.digests[doc]}"


def plan_decisions(plan: Plan, entries: list[Entry], sources: dict[str, Source], before: dict[str, Source],
                   search: SearchRecord | None, edited: set[str] | None = None) -> DecisionPlan:
    """`entries` newest first; `sources` as read now (by file name, `<slug>.md`) and `before` as last read;
    `search` the last index. `edited`: in a patch, the slugs whose files changed, came or went (the rest
    are as the last build left them)."""
    ordered = list(reversed(entries))               # ids count from the oldest
    slugs = [entry.decision.slug for entry in ordered]
    digests = [sources[f"{slug}.md"].digest for slug in slugs]
    page_template = f"{plan.settings}|{plan.templates.get('decision.html', '')}"
    search_made_from = digest(plan.settings, "\n".join(slugs), "\n".join(digests))
    fresh = search is not None and search.digests == digests and plan.fresh("search", search_made_from)
    dp = DecisionPlan(ordered, digests, page_template, search or SearchRecord(SearchState(), []),
                      search_made_from, fresh, keep=len(slugs) if fresh else 0)
    earlier: dict[int, Source] = {}
    if search is not None and not fresh:
        keep, count = common_prefix(search.index.slugs, slugs), len(search.index.slugs)
        changed = {doc for doc in range(keep) if search.digests[doc] != digests[doc]}
        found = _earlier_sources(search, before, [*changed, *range(keep, count)])
        if found is not None and 2 * (count - keep) <= len(slugs):   # else reading all again is quicker
            dp.keep, dp.changed, earlier = keep, changed, found
            dp.jobs = [Job(earlier=earlier[doc]) for doc in range(keep, count)]
            dp.dropping = len(dp.jobs)
    if not fresh and dp.keep == 0:
        dp.search = SearchRecord(SearchState(), [])
    if edited is None:
        docs: Iterable[int] = range(len(slugs))
    else:                            # the rest are as they were, pages and readings
        at = dict(zip(slugs, range(len(slugs))))
        for slug in edited - at.keys():
            plan.drop_decision(slug)
        docs = sorted({at[slug] for slug in edited if slug in at} | dp.changed | set(range(dp.keep, len(slugs))))
    _add_jobs(plan, dp, docs, sources, earlier)
    return dp


def _add_jobs(plan: Plan, dp: DecisionPlan, docs: Iterable[int], sources: dict[str, Source],
              earlier: dict[int, Source]) -> None:
    """A job for each decision of `docs` whose page is stale or whose reading the index needs."""
    previous = plan.staging.previous
    for doc in docs:
        entry = dp.ordered[doc]
        slug = entry.decision.slug
        read = doc in dp.changed or doc >= dp.keep
        page = doc in dp.changed or not plan.fresh_decision(slug, dp.made_from(doc))
        if not page:
            plan.keep_decision(slug)      # its page and text parts stay, even when its id moves
            if not read:
                continue
        recorded = None
        if previous and page:
            paths = [page_path(entry.url), *(text_part_path(slug, k) for k in range(MAX_PARTS))]
            recorded = {path: previous[path] for path in paths if path in previous}
        dp.jobs.append(Job(entry, sources[f"{slug}.md"].body, page=page, read=read,
                           earlier=earlier[doc] if doc in dp.changed else None, recorded=recorded))
        dp.ids.append(doc)


def take_decisions(plan: Plan, dp: DecisionPlan, results: Iterator[Done], tick: Callable[[], None],
                   config: SiteConfig, memo: IndexMemo | None) -> SearchRecord:
    """Stage each decision's files as they come, and bring the search index up to date."""
    index = dp.search.index
    if not dp.search_fresh:
        drop_from(index, dp.keep, (_earlier(next(results)) for _ in range(dp.dropping)))

    def added() -> Iterator[Reading]:
        for doc, done in zip(dp.ids, results):
            if done.files:                       # else only read: its page was kept
                for staged in done.files:
                    plan.staging.record(staged.path, staged.output, staged.written)
                plan.add_decision(dp.ordered[doc].decision.slug,
                                  Unit(dp.made_from(doc), tuple(staged.path for staged in done.files)))
            tick()
            if doc in dp.changed:
                replace_reading(index, doc, _earlier(done), _reading(done))
            elif doc >= dp.keep:
                yield _reading(done)

    if dp.search_fresh:
        deque(added(), maxlen=0)
        plan.keep("search")
        if memo is not None and not memo.files:    # a preview's first build: ready the next edit's
            index_files(config, dp.ordered, index, memo)
        return dp.search
    extend_state(index, [entry.decision.slug for entry in dp.ordered], added())
    files = index_files(config, dp.ordered, index, memo)
    plan.add("search", dp.search_made_from, files, same=memo.same if memo is not None else None)
    return SearchRecord(index, dp.digests)


def _reading(done: Done) -> Reading:
    if done.reading is None:
        raise ValueError("a decision the index needed was not read")
    return done.reading


def _earlier(done: Done) -> Reading:
    if done.earlier is None:
        raise ValueError("a decision leaving the index was not read")
    return done.earlier


def _earlier_sources(search: SearchRecord, before: dict[str, Source], docs: list[int]) -> dict[int, Source] | None:
    """The decisions ids `docs` of the last index were read from; None if any is no longer known."""
    found = {}
    for doc in docs:
        source = before.get(f"{search.index.slugs[doc]}.md")
        if source is None or source.digest != search.digests[doc]:
            return None
        found[doc] = source
    return found
