"""The build, top to bottom: settings -> decisions -> entries -> pages, feeds, sitemap, redirects, data ->
decision pages and the search index -> assets -> the output folder, changed in one commit -> the state
saved for the next build.

Incremental: every group of output files (a unit: a page, a feed, a decision's page and search text) has
the digest of everything it is made from (code, settings, its templates, the front matter or file of each
decision it shows). A unit whose digest and files are as the last build left them is not rendered again;
the search index is updated for the decisions that changed (`incremental.decisions`). A cold build
ignores the saved state. The output is the same, byte for byte, either way.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import Environment

from .content.collections import load_collections
from .content.folder import Loaded, load_decisions
from .content.settings import SiteConfig
from .digest import digest
from .errors import BuildErrors, DigestError
from .incremental.decisions import DecisionPlan, Related, plan_decisions, take_decisions
from .incremental.guards import Waiting, check_output_folder, disk_error, failures_reported, one_build_at_a_time
from .incremental.inputs import Inputs, default_templates, nothing_changed, read_inputs
from .incremental.memory import EntriesMemo, PreviewMemory, RelatedMemo, TemplatesMemo, UnitsMemo
from .incremental.journal import MARKER
from .incremental.output import Staging, built_here, staging_folder
from .incremental.plan import Plan
from .incremental.state import (BuildState, OutputRecord, SearchRecord, load_record, load_state, owner_of,
                                save_state, state_folder)
from .incremental.workers import Setup, Workers, rendering, workers_for
from .site.collections import Quoting, quoting
from .site.entries import Entry, make_entries, newest_first, with_changes
from .site.related import chosen_by, related_decisions, related_digests
from .site.layout import check_folder_limit, choose_layout
from .site.pages import Planned
from .site.templates import ListItems, make_environment
from .site.units import site_units

__all__ = ["BuildReport", "BuildRequest", "build", "default_templates"]

Mode = Literal["cold", "incremental", "preview"]
Progress = Callable[[int, int], None]       # (units done, units to do)


@dataclass(frozen=True)
class BuildRequest:
    content: Path
    output: Path
    templates: Path | None = None        # default: templates/ in the working folder, else the project's own
    mode: Mode = "incremental"           # cold: ignore the saved state; preview: a PreviewMemory is kept
    jobs: int | None = None              # processes rendering decisions (default: every core)
    base_url: str | None = None          # instead of site.yaml's (deploy previews)
    strict: bool = False                 # warnings (unknown keys) are errors


@dataclass
class BuildReport:
    decisions: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    rendered: int = 0                          # units rendered (the rest were as the last build left them)
    seconds: float = 0.0
    warnings: list[DigestError] = field(default_factory=list)
    written_paths: list[str] = field(default_factory=list)
    removed_paths: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        pages = sum(1 for path in self.written_paths if path.endswith(".html"))
        return (f"{self.decisions} decisions: {self.written} files written ({pages} pages), "
                f"{self.unchanged} unchanged, {self.removed} removed in {self.seconds:.2f}s")


def build(request: BuildRequest, memory: PreviewMemory | None = None, progress: Progress | None = None,
          waiting: Waiting | None = None) -> BuildReport:
    """Build the site. A preview keeps `memory` between its builds (the state is never read back from disk
    then, nor saved). One build of an output folder runs at a time: `waiting` is given a line to show when
    this one has to wait for another. Every content error is reported together, and nothing is changed."""
    clock = Clock()
    stamps = memory.changes.stamps(request.content, memory.state) if memory is not None else None
    inputs = read_inputs(request.content, request.templates, request.base_url, request.strict, stamps)
    check_output_folder(request.output, {"content": request.content, "templates": inputs.templates_dir})
    folder = state_folder(request.output)
    with failures_reported(request.output, inputs.templates_dir), one_build_at_a_time(folder, request.output,
                                                                                      waiting):
        # What the last build of this folder left, and whether anything changed since.
        record, verify = previous_record(request, folder, memory)
        clock.lap("settings")
        if nothing_changed(request.output, record, inputs, verify) and (memory is None or memory.state):
            return BuildReport(decisions=inputs.decision_files(), unchanged=len(record.outputs),
                               seconds=clock.total())
        cold = request.mode == "cold" or not record.outputs
        changed = patch_of(memory, record, inputs, verify or cold)      # what changed, when a preview knows
        setup = Setup(inputs.templates_dir, inputs.assets.urls, inputs.config, request.output.resolve(),
                      staging_folder(request.output.resolve()), compare=cold)    # as `Staging` will have it
        with workers_for(setup, request.jobs, inputs.decision_files() if cold else 0, cold) as workers:
            # The decisions, read again only where their files changed.
            before = previous_state(request, folder, record, memory)
            loaded = load_decisions(request.content, request.strict, before.sources, inputs.stamps, workers.reader(),
                                    changed)
            quoting = collections_of(request.content, loaded)         # every error of the content, together
            entries = entries_of(loaded, inputs, memory, before, changed)
            clock.lap("read")
            # Every stale unit rendered into a staging folder, then put in place at once.
            staging = Staging(request.output, None if cold else record.outputs, swap=cold, journal_dir=folder,
                              patch=changed is not None)
            plan = Plan(request.output, record, staging, verify and not cold, inputs.settings, inputs.templates)
            decisions = plan_decisions(plan, entries, loaded.sources, before.sources, before.search,
                                       related_of(entries, memory, slugs_of(changed)), slugs_of(changed))
            with discarded_on_failure(staging, memory):
                search = render_site(plan, inputs, entries, quoting, decisions, workers, memory, progress, clock)
                within_folder_limit(staging, request.output, inputs.config, record.settings != inputs.everything)
                commit(staging, request.output, scan=verify)
            clock.lap("commit")
        # What this build read and wrote, for the next one.
        state = BuildState(OutputRecord(record.owner, inputs.everything, bool(loaded.warnings), inputs.stamps,
                                        staging.outputs, plan.units, plan.decision_units), loaded.sources, search)
        warnings = [*loaded.warnings, *keep_state(state, folder, memory)]
        clock.lap("state")
    return BuildReport(decisions=len(entries), written=len(staging.written), unchanged=staging.unchanged,
                       removed=len(staging.removed), rendered=plan.rendered, warnings=warnings,
                       written_paths=sorted(staging.written), removed_paths=staging.removed,
                       timings=clock.laps, seconds=clock.total())


# ---------------------------------------------------------------- the state before and after

def previous_record(request: BuildRequest, folder: Path, memory: PreviewMemory | None) -> tuple[OutputRecord, bool]:
    """The record of the last build of this folder, and whether the output folder must be looked at to
    trust it (a preview trusts its own memory of the folder, until another build has changed it)."""
    if (request.mode == "preview") != (memory is not None):
        raise ValueError("a preview build keeps its memory, and only a preview build does")
    owner = owner_of(request.content, request.output)
    if request.mode == "cold":
        return OutputRecord(owner), True
    if memory is not None:
        trusted = memory.output_as_remembered(folder, built_here(request.output))
        if memory.state is not None:
            return memory.state.record, not trusted
    return load_record(folder, owner), True


def previous_state(request: BuildRequest, folder: Path, record: OutputRecord,
                   memory: PreviewMemory | None) -> BuildState:
    if request.mode == "cold":
        return BuildState(record)
    if memory is not None and memory.state is not None:
        return memory.state
    return load_state(folder, record)


def patch_of(memory: PreviewMemory | None, record: OutputRecord, inputs: Inputs, look: bool) -> set[str] | None:
    """The content files changed since a preview's last build, when that build can be patched: the preview
    knows every change (its file events), trusts the output folder, and the settings and templates are as
    they were. Otherwise None: every unit is looked at."""
    if memory is None or memory.state is None or look or record.settings != inputs.everything:
        return None
    return memory.changes.known()


def slugs_of(changed: set[str] | None) -> set[str] | None:
    """'decisions/24-001-566.md' -> '24-001-566'."""
    if changed is None:
        return None
    return {name[10:-3] for name in changed if name.startswith("decisions/") and name.endswith(".md")}


def collections_of(content_dir: Path, loaded: Loaded) -> Quoting:
    """The collections with the text they quote; the decisions' errors and theirs are reported together
    (a reference to a decision that has an error is not reported twice)."""
    found = load_collections(content_dir, loaded)
    if loaded.errors:
        raise BuildErrors([*loaded.errors, *found.errors])
    made, errors = quoting(found, lambda slug: loaded.sources[f"{slug}.md"].body_text())
    if errors:
        raise BuildErrors(errors)
    return made


def keep_state(state: BuildState, folder: Path, memory: PreviewMemory | None) -> list[DigestError]:
    """Saved for the next build (a warning if that fails: the site is built, the next build only has more
    to check), or kept in the preview's memory, whose file events now start again from it."""
    if memory is not None:
        memory.state = state
        memory.changes.taken_in()
        if memory.related is not None:
            memory.related.committed = True
        return []
    try:
        save_state(folder, state)
    except OSError as error:
        return [DigestError(folder, f"the build cache could not be saved ({error.strerror}); "
                                    "the site is built, and the next build will take longer")]
    return []


def entries_of(loaded: Loaded, inputs: Inputs, memory: PreviewMemory | None, before: BuildState,
               changed: set[str] | None) -> list[Entry]:
    """The entries, newest first. A preview takes again those whose facts and settings are the same; after
    a few edits, it puts the changed ones in their places instead of sorting them all."""
    kept = memory.entries if memory is not None else None
    if kept is None or kept.settings != inputs.settings:
        kept = None
    elif changed is not None and _patched_entries(kept, loaded, inputs, before, changed):
        return kept.entries
    keys = {s.front.slug: s.front_digest for s in loaded.sources.values()}
    entries = make_entries(loaded.facts, inputs.config, keys, kept.by_slug if kept is not None else None)
    if memory is not None:
        memory.entries = EntriesMemo(inputs.settings, entries, [newest_first(e.decision) for e in entries],
                                     {e.decision.slug: e for e in entries}, digest(*(e.facts_digest for e in entries)),
                                     choose_layout(inputs.config, loaded.facts))
    return entries


def related_of(entries: list[Entry], memory: PreviewMemory | None, edited: set[str] | None) -> Related:
    """Each decision's related decisions. A preview starts from those its last build committed: after edits
    (`edited`: slugs) that leave every fact they are chosen by as it was (a summary, a body), no list moved;
    after others, only the lists of the edited decisions' categories (before and after) are chosen again,
    since every related decision is of a decision's own category. Otherwise all are chosen, and a patch
    compares each page with the record."""
    kept = memory.related if memory is not None else None
    now = memory.entries.by_slug if memory is not None and memory.entries is not None else None
    if memory is None or kept is None or not kept.committed or edited is None or now is None:
        lines = related_decisions(entries)
        digests = related_digests(lines)
        if memory is not None:
            memory.related = RelatedMemo({e.decision.slug: chosen_by(e) for e in entries}, lines, digests)
        return Related(lines, digests)
    facts = {slug: chosen_by(now[slug]) if slug in now else None for slug in edited}
    moved = {slug for slug, chosen in facts.items() if chosen != kept.chosen_by.get(slug)}
    if not moved:
        return Related(kept.lines, kept.digests, set())
    categories = {chosen[2] for chosen in (*(kept.chosen_by.get(slug) for slug in moved), *facts.values()) if chosen}
    lines = related_decisions([entry for entry in entries if entry.decision.category in categories])
    digests = related_digests(lines)
    redone = RelatedMemo(dict(kept.chosen_by), {**kept.lines, **lines}, {**kept.digests, **digests})
    for slug in moved:
        chosen = facts[slug]
        if chosen is not None:
            redone.chosen_by[slug] = chosen
        else:                                                  # gone
            del redone.chosen_by[slug], redone.lines[slug], redone.digests[slug]
    memory.related = redone
    return Related(redone.lines, redone.digests, {slug for slug in digests if digests[slug] != kept.digests.get(slug)})


def _patched_entries(kept: EntriesMemo, loaded: Loaded, inputs: Inputs, before: BuildState,
                     changed: set[str]) -> bool:
    """The entries after a few edits: only those whose facts changed are made again, and put in place.
    False if that cannot be done: the edits moved the decisions to another layout."""
    names = sorted(name[10:] for name in changed if name.startswith("decisions/") and name.endswith(".md"))
    now = {name: loaded.sources[name] for name in names if name in loaded.sources}
    moved = [source for name, source in now.items()
             if name not in before.sources or before.sources[name].front_digest != source.front_digest]
    gone = {name[:-3] for name in names if name not in now}
    if not moved and not gone:
        return True
    layout = choose_layout(inputs.config, loaded.facts)
    if layout != kept.layout:
        return False
    kept.entries, kept.order = with_changes(kept.entries, kept.order, [s.front for s in moved], gone, inputs.config,
                                            {s.front.slug: s.front_digest for s in moved}, kept.by_slug, layout)
    kept.listed = digest(kept.listed, *sorted(gone), *(f"{s.front.slug}={s.front_digest}" for s in moved))
    return True


# ---------------------------------------------------------------- rendering

def render_site(plan: Plan, inputs: Inputs, entries: list[Entry], quoting: Quoting, decisions: DecisionPlan,
                workers: Workers, memory: PreviewMemory | None, progress: Progress | None, clock: Clock) -> SearchRecord:
    """Render every stale unit into the staging folder; return the search index brought up to date. The
    pages listing decisions are rendered here while the worker processes render the decisions."""
    env = environment(inputs, memory)
    units, again = site_units_of(env, inputs, entries, quoting, memory)
    if plan.patch and again:             # as the last build made them all: they stay without a look
        units = []
    made_from = [plan.made_from(item) for item in units]
    stale = [not plan.fresh(item.name, made) for item, made in zip(units, made_from)]
    tick = ticker(progress, len(decisions.ids) + sum(stale))
    with rendering(workers, decisions.jobs, env) as results:
        for item, made, render in zip(units, made_from, stale):
            if render:
                plan.add(item.name, made, {page.path: page.text for page in item.make()})
                tick()
            else:
                plan.keep(item.name)
        if units:
            plan.drop_units_but({item.name for item in units} | {"search", "assets"})
        clock.lap("pages")
        search = take_decisions(plan, decisions, results, tick, inputs.config,
                                memory.index if memory is not None else None)
    clock.lap("decisions and search")
    plan.add_files("assets", inputs.assets.files)
    return search


def environment(inputs: Inputs, memory: PreviewMemory | None) -> Environment:
    """The preview's environment when it was made for these templates and assets, else a new one; its kept
    list items are for this build's settings and templates."""
    made_for = digest(str(inputs.templates_dir.resolve()), *sorted(inputs.assets.urls.values()))
    kept = memory.templates if memory is not None else None
    if kept is None or kept.made_for != made_for:
        kept = TemplatesMemo(made_for, make_environment(inputs.templates_dir, inputs.assets))
        if memory is not None:
            memory.templates = kept
    items = kept.environment.globals["list_items"]
    assert isinstance(items, ListItems)
    items.made_with(inputs.everything)
    return kept.environment


def site_units_of(env: Environment, inputs: Inputs, entries: list[Entry], quoting: Quoting,
                  memory: PreviewMemory | None) -> tuple[list[Planned], bool]:
    """Every unit but the decisions' pages and the search index, and whether they are those of the last
    build: a preview keeps the list while the entries' facts, the collections and what they quote, the
    settings and the templates are the same (after an edit to a decision's body only, say)."""
    if memory is None:
        return list(site_units(env, inputs.config, entries, quoting=quoting)), False
    listed = memory.entries.listed if memory.entries is not None else digest(*(e.facts_digest for e in entries))
    made_for = digest(inputs.everything, listed, quoting.made_from)
    if memory.units is not None and memory.units.made_for == made_for:
        return memory.units.planned, True
    memory.units = UnitsMemo(made_for, list(site_units(env, inputs.config, entries, memory.downloads, quoting)))
    return memory.units.planned, False


# ---------------------------------------------------------------- the output folder

def discarded_on_failure(staging: Staging, memory: PreviewMemory | None) -> _Discarding:
    return _Discarding(staging, memory)


class _Discarding:
    """A failed build's staged files go, and so does what memory says its index files were."""

    def __init__(self, staging: Staging, memory: PreviewMemory | None):
        self.staging, self.memory = staging, memory

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None:
            self.staging.discard()
            if self.memory is not None:
                self.memory.forget_output()


def within_folder_limit(staging: Staging, out_dir: Path, config: SiteConfig, settings_changed: bool) -> None:
    """Stop before the commit if a folder of the new site would hold more entries than `folder_limit`. With
    the same settings, only a folder that gained a file can have passed it: a build that adds none (most
    edits) counts nothing."""
    previous = staging.previous
    if settings_changed or previous is None or any(path not in previous for path in staging.written):
        check_folder_limit(out_dir, staging.outputs.keys(), config)


def commit(staging: Staging, out_dir: Path, scan: bool) -> None:
    """Put the new site in place; a file that cannot be moved in is one line (the site may then be partly
    updated, and is marked unfinished: the next build puts it right)."""
    try:
        staging.commit(scan=scan)
    except OSError as error:
        raise disk_error(error, out_dir, f"the site may be partly updated (marked by {MARKER}, so do not publish "
                                         "it): fix that and build again") from None


def ticker(progress: Progress | None, total: int) -> Callable[[], None]:
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)
    return tick


class Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._start = self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now

    def total(self) -> float:
        return time.perf_counter() - self._start
