"""The decisions' own pages and the search index: which decisions to render or read again, and the index
brought up to date from their readings as the worker processes send them back.

Ids count from the oldest decision, so a new decision (the usual import) is added at the end. An edited
decision is swapped in place (its earlier version read again to take its postings out); when a date change
or a deletion reorders the ids from some point on, those after it are dropped and read again, unless that
is most of them: then the whole index is read again. Pages and the search text files are named by slug, not
id, so they stay as they are when ids move. A search text file (one decision's text, or two neighbours':
`search.files.text_groups`) is kept beside the decisions' pages, as `search-text:<its first slug>`, and
made again only when one of its decisions changed; after an edit (a patch) only the files near the
decisions edited are looked at.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..content.folder import Source
from ..content.settings import SiteConfig
from ..digest import digest
from ..search.files import IndexMemo, index_files, text_file, text_group_at, text_groups, text_path
from ..search.postings import SearchState, common_prefix, drop_from, extend_state, replace_reading
from ..search.reading import Reading, packed_record, text_record, unpacked_record
from ..site.entries import Entry
from ..site.related import Line
from ..site.markdown import render_body
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
    sources: dict[str, Source] = field(default_factory=dict)     # `<slug>.md` -> its content file, as read now
    related: Related = field(default_factory=lambda: Related({}, {}))
    edited: set[str] | None = None       # in a patch, the slugs whose files changed, came or went
    keep: int = 0
    changed: set[int] = field(default_factory=set)       # ids below `keep` whose decision changed
    dropping: int = 0                    # jobs that read a decision leaving the tail
    jobs: list[Job] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)         # the id of each job after the dropping ones

    def made_from(self, doc: int) -> str:
        """What the page unit of decision `doc` is made from (its files are named by slug, not id; where its
        page is stored depends on the layout)."""
        slug = self.ordered[doc].decision.slug
        return f"{self.page_template}|{self.digests[doc]}|{self.ordered[doc].page}|{self.related.digests.get(slug, '')}"


@dataclass(frozen=True)
class Related:
    """Each decision's related decisions and the digest of what its page shows of them, by slug; `moved`: in
    a patch, the slugs whose related lists changed (None: not known: each page's is compared with the
    record's)."""
    lines: dict[str, tuple[Line, ...]]
    digests: dict[str, str]
    moved: set[str] | None = None


def plan_decisions(plan: Plan, entries: list[Entry], sources: dict[str, Source], before: dict[str, Source],
                   search: SearchRecord | None, related: Related, edited: set[str] | None = None) -> DecisionPlan:
    """`entries` newest first; `sources` as read now (by file name, `<slug>.md`) and `before` as last read;
    `search` the last index; `related` each decision's related decisions. `edited`: in a patch, the slugs
    whose files changed, came or went (the rest are as the last build left them, but for those whose related
    decisions moved)."""
    ordered = list(reversed(entries))               # ids count from the oldest
    slugs = [entry.decision.slug for entry in ordered]
    digests = [sources[f"{slug}.md"].digest for slug in slugs]
    page_template = f"{plan.settings}|{plan.templates.get('decision.html', '')}"
    search_made_from = digest(plan.settings, "\n".join(slugs), "\n".join(digests))
    fresh = search is not None and search.digests == digests and plan.fresh("search", search_made_from)
    dp = DecisionPlan(ordered, digests, page_template, search or SearchRecord(SearchState(), []),
                      search_made_from, fresh, sources=sources, related=related, edited=edited,
                      keep=len(slugs) if fresh else 0)
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
        moved = related.moved if related.moved is not None else _related_moved(plan, dp)
        docs = sorted({at[slug] for slug in edited | moved if slug in at} | dp.changed
                      | set(range(dp.keep, len(slugs))))
    _add_jobs(plan, dp, docs, sources, earlier)
    return dp


def _related_moved(plan: Plan, dp: DecisionPlan) -> set[str]:
    """The decisions whose pages the last build made from other related decisions (or did not make): after
    an edit to the facts they are chosen by, a few besides those edited (a pass over the record: 20 ms at
    20,000 decisions)."""
    recorded = plan.record.decision_units
    moved = set()
    for doc, entry in enumerate(dp.ordered):
        unit = recorded.get(entry.decision.slug)
        if unit is None or unit.made_from != dp.made_from(doc):
            moved.add(entry.decision.slug)
    return moved


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
            plan.keep_decision(slug)      # its page stays, even when its id moves
            if not read:
                continue
        recorded = None
        if previous and page and entry.page in previous:
            recorded = {entry.page: previous[entry.page]}
        dp.jobs.append(Job(entry, sources[f"{slug}.md"].body, dp.related.lines.get(slug, ()), page=page, read=read,
                           earlier=earlier[doc] if doc in dp.changed else None, recorded=recorded))
        dp.ids.append(doc)


def take_decisions(plan: Plan, dp: DecisionPlan, results: Iterator[Done], tick: Callable[[], None],
                   config: SiteConfig, memo: IndexMemo | None) -> SearchRecord:
    """Stage each decision's files as they come, and bring the search index up to date."""
    index = dp.search.index
    texts: dict[str, bytes] = {}
    if not dp.search_fresh:
        drop_from(index, dp.keep, (_earlier(next(results)) for _ in range(dp.dropping)))

    def added() -> Iterator[Reading]:
        for doc, done in zip(dp.ids, results):
            if done.text is not None:
                texts[dp.ordered[doc].decision.slug] = done.text
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
        stage_texts(plan, dp, texts)
        plan.keep("search")
        if memo is not None and not memo.files:    # a preview's first build: ready the next edit's
            index_files(config, dp.ordered, index, memo)
        return dp.search
    extend_state(index, [entry.decision.slug for entry in dp.ordered], added())
    stage_texts(plan, dp, texts)
    files = index_files(config, dp.ordered, index, memo)
    plan.add("search", dp.search_made_from, files, same=memo.same if memo is not None else None)
    return SearchRecord(index, dp.digests)


TEXT_UNIT = "search-text:"


def stage_texts(plan: Plan, dp: DecisionPlan, texts: dict[str, bytes]) -> None:
    """Each search text file made again if one of its decisions changed (or it has new neighbours), else
    kept. Texts come from this build's jobs; a neighbour left alone is read here (an edit has one at most).
    In a patch only the files near the edited decisions are looked at; the rest stay as they were."""
    digest_of = {entry.decision.slug: d for entry, d in zip(dp.ordered, dp.digests)}
    if dp.edited is None:
        groups = text_groups(list(digest_of))
    else:                                                  # only the groups an edit may change
        ordered = sorted(digest_of)
        near = _near(ordered, dp.edited)
        groups = list({tuple(g): g for g in (text_group_at(ordered, bisect_left(ordered, slug))
                                             for slug in sorted(near))}.values())
        firsts = {group[0] for group in groups}
        for slug in dp.edited | near:                      # files named by a decision now gone or paired
            if slug not in firsts:
                plan.drop_decision(f"{TEXT_UNIT}{slug}")
    for group in groups:
        name = f"{TEXT_UNIT}{group[0]}"
        made_from = digest(plan.settings, *(f"{slug}={digest_of[slug]}" for slug in group))
        if plan.fresh_decision(name, made_from):
            plan.keep_decision(name)
            continue
        for slug in group:
            if slug not in texts:
                decision = dp.sources[f"{slug}.md"].full()
                texts[slug] = packed_record(text_record(decision, render_body(decision.body).paragraphs))
        path = text_path(group)
        plan.staging.add(path, text_file(group, {slug: unpacked_record(texts[slug]) for slug in group}).encode("utf-8"))
        plan.add_decision(name, Unit(made_from, (path,)))


def _near(ordered: list[str], edited: set[str]) -> set[str]:
    """The slugs (in `ordered`, sorted) whose text file an edit of `edited` may change: each edited slug
    still there and its neighbours, and the neighbours of the place of each one gone."""
    near: set[str] = set()
    for slug in edited:
        at = bisect_left(ordered, slug)
        near.update(ordered[max(0, at - 1):at + 2])
    return near


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
