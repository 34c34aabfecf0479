"""The build, top to bottom: settings -> decisions -> entries and indexes -> pages, feeds, sitemap, redirects,
data, search index -> content-hashed assets -> the output folder, changed in one commit.

Incremental: every group of output files (a unit: a page, a feed, a decision's page and search text) has a
key, the digest of everything it is made from (code, settings, its templates, the front matter or file of
each decision it shows). A unit whose key and files are as the last build left them is not rendered again;
the search index is updated for the decisions that changed (`search.update_state`). `clean` ignores the
cache. Output is the same, byte for byte, either way.
"""
from __future__ import annotations

import os
import time
import traceback
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from operator import is_
from pathlib import Path
from typing import Callable, Iterator

from jinja2 import Environment, TemplateError, TemplateSyntaxError

from .content.folder import Source, content_stamps, load_decisions
from .content.settings import SiteConfig, checked_base_url, load_config
from .digest import digest
from .errors import BuildErrors, ContentError, DigestError
from .incremental import state as caching
from .incremental.output import Staging, built_here, file_stamps, held, intact, staging_folder, users_own
from .incremental.state import Cache, Manifest, SearchCache, Unit, code_digest
from .incremental.workers import (Done, Job, Setup, default_jobs, read_alongside, rendering, shut_down_after,
                                  start_pool, worth_a_pool)
from .search.files import IndexMemo, index_files
from .search.postings import SearchState, common_prefix, drop_from, extend_state, replace_reading
from .search.reading import MAX_PARTS, Reading, text_part_path
from .site.assets import Assets, fingerprint
from .site.downloads import DataMemo, render_data
from .site.entries import Entry, make_entries
from .site.feeds import plan_feeds
from .site.indexes import make_taxonomies
from .site.links import render_redirects, render_sitemap
from .site.pages import Planned, page_path, plan_pages
from .site.templates import make_environment, template_digests

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

Progress = Callable[[int, int], None]       # (units done, units to do)


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


def default_templates() -> Path:
    """`templates/` in the working folder when there is one, else the project's own."""
    local = Path("templates")
    return local if local.is_dir() else PACKAGE_TEMPLATES


@dataclass(frozen=True)
class Inputs:
    """What every part of the site is made from, apart from the decisions themselves."""
    config: SiteConfig
    assets: Assets
    templates: dict[str, str]         # template -> digest (with what it extends and includes)
    settings: str                     # digest of the code, the settings, the assets and the flags
    everything: str                   # ... and of every template
    stamps: dict[str, tuple[int, int]]   # content file -> (size, mtime_ns)


def build(content_dir: Path, out_dir: Path, templates_dir: Path | None = None, strict: bool = False,
          base_url: str | None = None, *, clean: bool = False, jobs: int | None = None,
          cache_dir: Path | None = None, progress: Progress | None = None, memory: Cache | None = None,
          verify: bool = True, waiting: Callable[[str], object] | None = None) -> BuildReport:
    """Build the site. `memory`: a cache kept between builds by a long-running caller (the preview server),
    used instead of the cache folder and updated in place; `verify=False` then trusts that nothing else
    changed the output folder since. One build of an output folder runs at a time: `waiting` is given a
    line to show when this one has to wait for another."""
    started = time.perf_counter()
    clock = _Clock()
    templates_dir = templates_dir or default_templates()
    cache_dir = cache_dir or caching.default_cache_dir(out_dir)
    inputs = read_inputs(content_dir, templates_dir, base_url, strict)
    check_output_folder(out_dir, {"content": content_dir, "templates": templates_dir})
    with _disk_errors_reported(out_dir), one_build_at_a_time(cache_dir, out_dir, waiting):
        cache = Cache() if clean else memory if memory is not None else caching.load(cache_dir)
        if memory is not None and not _output_as_remembered(memory, cache_dir, out_dir):
            verify = True                 # check the output, not the memory of it
        clock.lap("settings")
        if not clean and nothing_changed(out_dir, cache.manifest, inputs, verify):
            return BuildReport(decisions=_decision_files(inputs), unchanged=len(cache.manifest.outputs),
                               seconds=time.perf_counter() - started)

        workers = jobs or default_jobs()
        cold = clean or not cache.manifest.outputs
        setup = Setup(templates_dir, inputs.assets.urls, inputs.config, out_dir.resolve(),
                      staging_folder(out_dir.resolve()), compare=cold)     # as `Staging` will have it
        early = cold and worth_a_pool(workers, _decision_files(inputs))
        with _worker_loss_reported(), _pool_ahead(setup, workers, early) as pool:
            if cache.sources is None:
                cache.sources = {} if clean else caching.load_sources(cache_dir)
            # The early pool's processes, idle until the rendering, read a share of the files meanwhile.
            read = None if pool is None else partial(read_alongside, pool)
            loaded = load_decisions(content_dir, strict=strict, known=cache.sources, stamps=inputs.stamps,
                                    read=read)
            if loaded.errors:
                raise BuildErrors(loaded.errors)
            reuse = cache.entries[1] if cache.entries and cache.entries[0] == inputs.settings else None
            entries = make_entries(loaded.facts, inputs.config,
                                   {s.front.slug: s.front_digest for s in loaded.sources.values()}, reuse)
            clock.lap("read")

            staging = Staging(out_dir, previous=None if cold else cache.manifest.outputs, swap=cold)
            plan = _Plan(out_dir, cache.manifest, staging, verify and not cold, inputs.settings, inputs.templates)
            search = None if clean else cache.search or caching.load_search(cache_dir)
            cache.search = None                # updated in place from here: whole again only at the end
            try:
                new_search = render_site(plan, inputs, entries, loaded.sources, cache, search, templates_dir,
                                         setup, workers, pool, progress, clock, memory is not None)
            except TemplateError as error:
                _abandon(staging, cache)
                raise BuildErrors([template_error(error, templates_dir)]) from None
            except BaseException:
                _abandon(staging, cache)
                raise
            try:
                staging.commit(scan=verify)
            except BaseException as error:
                _abandon(staging, cache)
                if isinstance(error, OSError):
                    raise _disk_error(error, out_dir, "the site may be partly updated: fix that and build again"
                                      ) from None
                raise
            clock.lap("commit")

            cache.sources, cache.search = loaded.sources, new_search
            cache.entries = (inputs.settings, {e.decision.slug: e for e in entries}) if memory is not None else None
            cache.manifest = Manifest(inputs.everything if not loaded.warnings else "", inputs.stamps,
                                      staging.outputs, plan.units)
            warnings = list(loaded.warnings)
            if memory is None:
                try:
                    caching.save(cache_dir, cache)
                except OSError as error:        # the site is built: the next build only has more to check
                    warnings.append(DigestError(cache_dir, f"the build cache could not be saved ({error.strerror}); "
                                                           "the site is built, and the next build will take longer"))
            clock.lap("cache")
            return BuildReport(decisions=len(entries), written=len(staging.written), unchanged=staging.unchanged,
                               removed=len(staging.removed), rendered=plan.rendered, warnings=warnings,
                               written_paths=sorted(staging.written), removed_paths=staging.removed,
                               timings=clock.laps, seconds=time.perf_counter() - started)


def _output_as_remembered(memory: Cache, cache_dir: Path, out_dir: Path) -> bool:
    """Is the output folder as a long-running caller's last build left it, as far as a quick look tells?
    Not if another build has saved its manifest since (every build from the command line does), or the
    folder is gone; what the memory says of the index files is then dropped too."""
    saved = caching.saved_stamp(cache_dir)
    same = memory.saved == saved and built_here(out_dir)
    memory.saved = saved
    if not same:
        memory.index_memo.clear()
    return same


def _decision_files(inputs: Inputs) -> int:
    return sum(1 for name in inputs.stamps if name.startswith("decisions/") and name.endswith(".md"))


@contextmanager
def _pool_ahead(setup: Setup, workers: int, wanted: bool) -> Iterator[ProcessPoolExecutor | None]:
    """For a cold build of enough decisions, the worker processes are started before the content is read
    (their start takes a second that the reading then covers); shut down on the way out, whatever happens."""
    if not wanted:
        yield None
        return
    pool = start_pool(setup, workers)
    with shut_down_after(pool, wait=False):
        yield pool


@contextmanager
def _worker_loss_reported() -> Iterator[None]:
    """A worker process that dies (killed, or out of memory) fails the build with one line, like bad input:
    by then the failed build has been cleared away, as after any other error."""
    try:
        yield
    except BrokenProcessPool:
        raise DigestError(None, "a build worker process stopped before its work was done (killed, or out of "
                                "memory?); nothing was changed: build again, or with --jobs 1 to use one process"
                          ) from None


@contextmanager
def _disk_errors_reported(out_dir: Path) -> Iterator[None]:
    """A file that cannot be read or written (disk full, no permission) fails the build with one line, like
    bad input. Until the commit, the new site is only in the staging folder, cleared away by then."""
    try:
        yield
    except OSError as error:
        raise _disk_error(error, out_dir, "the build stopped and nothing was changed: fix that and build again"
                          ) from None


def _disk_error(error: OSError, out_dir: Path, outcome: str) -> DigestError:
    """The error's file as the user knows it: a staged file by its place in the output folder."""
    out_dir = out_dir.resolve()
    path = Path(error.filename) if error.filename else out_dir
    staging = staging_folder(out_dir)
    if path.is_relative_to(staging):
        path = out_dir / path.relative_to(staging)
    return DigestError(path, f"{error.strerror or error}; {outcome}")


def _abandon(staging: Staging, cache: Cache) -> None:
    """A build that failed: its staged files go, and so does what memory says its index files were."""
    staging.discard()
    cache.index_memo.clear()


def check_output_folder(out_dir: Path, inputs: dict[str, Path]) -> None:
    """Refuse an output folder whose files the build would wreck: the site takes the folder's place, and
    files no build made there are removed. One that holds (or is inside) the content or the templates is
    refused; so is one that holds files but no `index.html` (the home page every built site has), and a
    file (`--out /dev/null` would swap the device for the site): a mistyped `--out` must not empty
    someone's folder."""
    out = out_dir.resolve()
    if out.exists() and not out.is_dir():
        raise DigestError(out_dir, "is a file, not a folder: choose a folder for the site with --out")
    for name, folder in inputs.items():
        other = folder.resolve()
        if out == other or out in other.parents or other in out.parents:
            raise DigestError(out_dir, f"the output folder cannot hold, or be inside, the {name} folder "
                                       f"({folder}): choose another with --out")
    if out.is_dir() and not built_here(out) and any(not users_own(entry.name) for entry in os.scandir(out)):
        raise DigestError(out_dir, "holds files that no build made (it has no index.html): the site would replace "
                                   "them; choose a new or empty folder with --out")


@contextmanager
def one_build_at_a_time(cache_dir: Path, out_dir: Path, waiting: Callable[[str], object] | None) -> Iterator[None]:
    """Hold the output folder's build lock (a file in the cache folder) for a build: two builds of one
    folder at once would stage into the same folder, and one could swap in half the other's site."""
    caching.make_folder(cache_dir)
    told = None if waiting is None else lambda: waiting(f"waiting for another build of {out_dir} to finish")
    with held(cache_dir / f"{out_dir.resolve().name}.lock", told):
        yield


def read_inputs(content_dir: Path, templates_dir: Path, base_url: str | None, strict: bool) -> Inputs:
    if not templates_dir.is_dir():
        raise DigestError(templates_dir, "no templates folder: build from the project folder (it has templates/), "
                                         "or name one with --templates")
    config = load_config(content_dir)
    if base_url:
        config = replace(config, base_url=checked_base_url(base_url, None, "--base-url"))
    assets = fingerprint(templates_dir / "static")
    templates = template_digests(templates_dir)
    settings = digest(code_digest(), repr(config), repr(sorted(assets.urls.items())), str(strict))
    everything = digest(settings, *sorted(f"{name}={value}" for name, value in templates.items()))
    return Inputs(config, assets, templates, settings, everything, content_stamps(content_dir))


def nothing_changed(out_dir: Path, manifest: Manifest, inputs: Inputs, verify: bool) -> bool:
    """The same code, settings, templates and content files as the last build, whose output is intact."""
    return (manifest.settings == inputs.everything and manifest.stamps == inputs.stamps
            and outputs_intact(out_dir, manifest, verify))


def render_site(plan: _Plan, inputs: Inputs, entries: list[Entry], sources: dict[str, Source], cache: Cache,
                search: SearchCache | None, templates_dir: Path, setup: Setup, workers: int,
                pool: ProcessPoolExecutor | None, progress: Progress | None, clock: _Clock,
                in_memory: bool) -> SearchCache:
    """Render every stale unit into the staging folder; return the updated search index state."""
    config = inputs.config
    env = _environment(cache, templates_dir, inputs.assets)
    planned = _planned(cache, env, inputs, entries)
    decisions = plan_decisions(plan, entries, sources, cache.sources or {}, search)
    keys = [plan.key(item) for item in planned]
    stale = [not plan.fresh(item.name, key) for item, key in zip(planned, keys)]
    tick = _ticker(progress, len(decisions.ids) + sum(stale))
    with rendering(setup, decisions.jobs, workers, env, pool) as results:
        for item, key, render in zip(planned, keys, stale):      # while the pool renders decisions
            if render:
                plan.add(item.name, key, {page.path: page.text for page in item.make()})
                tick()
            else:
                plan.keep(item.name)
        clock.lap("pages")
        new_search = take_decisions(plan, decisions, results, tick, config,
                                    cache.index_memo if in_memory else None)
    clock.lap("decisions and search")
    for path, data in inputs.assets.files.items():
        plan.staging.add(path, data)
    plan.units["assets"] = Unit("", tuple(inputs.assets.files))
    return new_search


# ---------------------------------------------------------------- what to render

class _Plan:
    """The units of this build: which can stay as they are, and the record of what each is made of."""

    def __init__(self, out_dir: Path, manifest: Manifest, staging: Staging, verify: bool, settings: str,
                 templates: dict[str, str]):
        self.out_dir, self.manifest, self.staging, self.verify = out_dir.resolve(), manifest, staging, verify
        self.settings, self.templates = settings, templates
        self.units: dict[str, Unit] = {}
        self.rendered = 0

    def key(self, item: Planned) -> str:
        return digest(self.settings, *(self.templates.get(name, name) for name in item.templates), *item.inputs)

    def fresh(self, name: str, key: str) -> bool:
        """Is the unit's key as last built, and are its files still there as written?"""
        outputs = self.staging.previous
        if outputs is None:
            return False
        unit = self.manifest.units.get(name)
        if unit is None or unit.key != key or not all(map(outputs.__contains__, unit.paths)):
            return False
        return not self.verify or all(intact(self.out_dir / path, outputs[path]) for path in unit.paths)

    def keep(self, name: str) -> None:
        unit = self.manifest.units[name]
        self.staging.keep(*unit.paths)
        self.units[name] = unit

    def add(self, name: str, key: str, files: dict[str, str], same: set[str] | None = None) -> None:
        """A unit rendered again. `same`: those of its files known to be as the last build made them."""
        previous = self.staging.previous or {}
        for path, text in files.items():
            if same and path in same and path in previous:
                self.staging.keep(path)
            else:
                self.staging.add(path, text.encode("utf-8"))
        self.units[name] = Unit(key, tuple(files))
        self.rendered += 1


def plan_site(env: Environment, config: SiteConfig, entries: list[Entry], taxonomies,
              data_memo: DataMemo | None = None) -> Iterator[Planned]:
    """Every unit but the decisions' pages and the search index."""
    listed = digest(*(e.key for e in entries))
    pages = list(plan_pages(env, config, entries, taxonomies, listed))
    yield from pages
    yield from plan_feeds(env, config, entries, taxonomies, listed)
    urls = [page.name for page in pages] + [entry.url for entry in entries]
    # The sitemap lists addresses and the redirects name slugs and aliases: an edit to a summary or a
    # remedy leaves both as they are.
    names = (digest(*(" ".join((e.decision.slug, *e.decision.aliases)) for e in entries)),)
    yield Planned("sitemap.xml", ("sitemap.xml",), (digest(*urls),), lambda: [render_sitemap(env, config, urls)])
    yield Planned("_redirects", (), names, lambda: [render_redirects(entries)])
    yield Planned("decisions.json", (), (listed,), lambda: render_data(config, entries, data_memo))


@dataclass
class DecisionPlan:
    """The decision jobs of a build, in order: first the earlier versions of decisions leaving the index's
    tail (ids `keep`.. are dropped), then, by id, each decision whose page or reading is needed."""
    ordered: list[Entry]                 # by id, oldest first
    digests: list[str]                   # id -> digest of the decision's file
    unit_keys: list[str]
    search: SearchCache                  # what the index is updated from
    search_key: str
    search_fresh: bool                   # the index stays as it is
    keep: int = 0
    changed: set[int] = field(default_factory=set)       # ids below `keep` whose decision changed
    dropping: int = 0                    # jobs that read a decision leaving the tail
    jobs: list[Job] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)         # the id of each job after the dropping ones


def plan_decisions(plan: _Plan, entries: list[Entry], sources: dict[str, Source], before: dict[str, Source],
                   search: SearchCache | None) -> DecisionPlan:
    ordered = list(reversed(entries))               # ids count from the oldest
    slugs = [entry.decision.slug for entry in ordered]
    source_of = {s.front.slug: s for s in sources.values()}
    digests = [source_of[slug].digest for slug in slugs]
    page_template = plan.templates.get("decision.html", "")
    unit_keys = [f"{plan.settings}|{page_template}|{d}" for d in digests]     # files named by slug, not id
    search_key = digest(plan.settings, *(f"{slug}={d}" for slug, d in zip(slugs, digests)))
    fresh = search is not None and search.digests == digests and plan.fresh("search", search_key)
    dp = DecisionPlan(ordered, digests, unit_keys, search or SearchCache(SearchState(), []), search_key, fresh,
                      keep=len(slugs) if fresh else 0)
    earlier: dict[int, Source] = {}
    if search is not None and not fresh:
        keep, count = common_prefix(search.state.slugs, slugs), len(search.state.slugs)
        changed = {doc for doc in range(keep) if search.digests[doc] != digests[doc]}
        found = _earlier_sources(search, before, [*changed, *range(keep, count)])
        if found is not None and 2 * (count - keep) <= len(slugs):   # else reading all again is quicker
            dp.keep, dp.changed, earlier = keep, changed, found
            dp.jobs = [Job(earlier=earlier[doc]) for doc in range(keep, count)]
            dp.dropping = len(dp.jobs)
    if not fresh and dp.keep == 0:
        dp.search = SearchCache(SearchState(), [])
    previous = plan.staging.previous
    for doc, entry in enumerate(ordered):
        name = f"decision:{slugs[doc]}"
        read = doc in dp.changed or doc >= dp.keep
        page = doc in dp.changed or not plan.fresh(name, unit_keys[doc])
        if not page:
            plan.keep(name)          # its page and text parts stay, even when its id moves
            if not read:
                continue
        before = None
        if previous and page:
            paths = [page_path(entry.url), *(text_part_path(slugs[doc], k) for k in range(MAX_PARTS))]
            before = {path: previous[path] for path in paths if path in previous}
        dp.jobs.append(Job(entry, source_of[slugs[doc]].body, page=page, read=read,
                           earlier=earlier[doc] if doc in dp.changed else None, before=before))
        dp.ids.append(doc)
    return dp


def take_decisions(plan: _Plan, dp: DecisionPlan, results: Iterator[Done], tick: Callable[[], None],
                   config: SiteConfig, memo: IndexMemo | None) -> SearchCache:
    """Write each decision's files as they come, and bring the search index up to date."""
    state = dp.search.state
    if not dp.search_fresh:
        drop_from(state, dp.keep, (next(results).earlier for _ in range(dp.dropping)))

    def added() -> Iterator[Reading]:
        for doc, done in zip(dp.ids, results):
            if done.files:                       # else only read: its page was kept
                for path, output, written in done.files:
                    plan.staging.record(path, output, written)
                plan.units[f"decision:{dp.ordered[doc].decision.slug}"] = Unit(
                    dp.unit_keys[doc], tuple(path for path, _, _ in done.files))
                plan.rendered += 1
            tick()
            if doc in dp.changed:
                replace_reading(state, doc, done.earlier, done.reading)
            elif doc >= dp.keep:
                yield done.reading

    if dp.search_fresh:
        deque(added(), maxlen=0)
        plan.keep("search")
        if memo is not None and not memo.files:    # a long-running caller's first build: ready the next edit's
            index_files(config, dp.ordered, state, memo)
        return dp.search
    extend_state(state, [entry.decision.slug for entry in dp.ordered], added())
    files = index_files(config, dp.ordered, state, memo)
    plan.add("search", dp.search_key, files, same=memo.same if memo is not None else None)
    return SearchCache(state, dp.digests)


def _earlier_sources(search: SearchCache, before: dict[str, Source], docs: list[int]) -> dict[int, Source] | None:
    """The decisions ids `docs` of the cached index were read from; None if any is no longer known."""
    found = {}
    for doc in docs:
        source = before.get(f"{search.state.slugs[doc]}.md")
        if source is None or source.digest != search.digests[doc]:
            return None
        found[doc] = source
    return found


# ---------------------------------------------------------------- helpers

def _planned(cache: Cache, env: Environment, inputs: Inputs, entries: list[Entry]) -> list[Planned]:
    """The units of every page but the decisions', or the same list as last time for the very same entries
    (after an edit to a decision's body only, say), settings and environment."""
    before = cache.listing
    if (before is not None and before[0] == inputs.settings and before[1] is env
            and len(before[2]) == len(entries) and all(map(is_, before[2], entries))):
        return before[3]
    planned = list(plan_site(env, inputs.config, entries, make_taxonomies(entries, inputs.config),
                             cache.data_memo))
    cache.listing = (inputs.settings, env, entries, planned)
    return planned


def _environment(cache: Cache, templates_dir: Path, assets: Assets) -> Environment:
    """The cache's environment when it was made for these templates and assets, else a new one."""
    made_for = (templates_dir.resolve(), tuple(sorted(assets.urls.items())))
    if cache.environment is None or cache.environment[0] != made_for:
        cache.environment = (made_for, make_environment(templates_dir, assets))
    return cache.environment[1]


def outputs_intact(out_dir: Path, manifest: Manifest, verify: bool) -> bool:
    if not manifest.outputs:
        return False
    if not verify:
        return True
    found = file_stamps(out_dir.resolve())
    return len(found) == len(manifest.outputs) and all(
        found.get(path) == (output.size, output.mtime_ns) for path, output in manifest.outputs.items())


def _ticker(progress: Progress | None, total: int) -> Callable[[], None]:
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)
    return tick


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now


def template_error(error: TemplateError, templates_dir: Path) -> DigestError:
    """Name the template and line: Jinja puts template frames in the traceback, innermost last."""
    if isinstance(error, TemplateSyntaxError):
        return ContentError(templates_dir / (error.name or "?"), error.message or "template syntax error",
                            line=error.lineno)
    root = templates_dir.resolve()
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)        # named as the loader found
              if frame.filename.endswith((".html", ".xml")) and Path(frame.filename).resolve().is_relative_to(root)]
    if frames:
        return ContentError(frames[-1].filename, f"template error: {error}", line=frames[-1].lineno)
    return ContentError(templates_dir, f"template error: {error}")
