"""Decisions rendered across processes: each job turns one decision's markdown into its page, staged for the
output folder right there (see `output.stage_file`), its text as search results show it, and, when the index
needs it, its search reading (a job may be for the reading alone: the page is as it was).

Results come back in job order, so output never depends on which process was quicker. A process keeps what
it needs for every job (the Jinja environment, the settings) from its start: `_worker` is that, set in pool
processes, or for the length of an in-process run.

A pool started ahead of a cold build also reads a share of the content files while the build reads the rest
(`read_alongside`).
"""
from __future__ import annotations

import os
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Iterator, NamedTuple, TypeVar

from jinja2 import Environment

from ..content.folder import Reader, Source, Stamp, read_files, unpack_body
from ..content.settings import SiteConfig
from ..errors import ContentError
from ..search.reading import Reading, packed_record, read_decision, text_record
from ..site.assets import Assets
from ..site.entries import Entry
from ..site.markdown import render_body
from ..site.pages import render_decision
from ..site.related import Line
from ..site.templates import make_environment
from .output import Output, stage_file


T = TypeVar("T")

@dataclass(frozen=True)
class Job:
    entry: Entry | None = None          # render this decision's page and search text
    body: bytes = b""                   # its body (entries are kept without), packed (`pack_body`)
    related: tuple[Line, ...] = ()      # its related decisions, as its page lists them
    page: bool = True                   # render its page
    read: bool = False                  # read it for the index
    earlier: Source | None = None       # read this earlier version too (to take it out of the index)
    recorded: dict[str, Output] | None = None   # what the output holds of its files, as last recorded


class StagedFile(NamedTuple):
    path: str
    output: Output
    written: bool                       # staged; else found as it is in the output


@dataclass(frozen=True)
class Done:
    files: tuple[StagedFile, ...]       # its page, if made
    reading: Reading | None
    earlier: Reading | None
    text: bytes | None = None           # its `text_record`, packed (`packed_record`)


@dataclass(frozen=True)
class Setup:
    templates_dir: Path
    asset_urls: dict[str, str]
    config: SiteConfig
    out_dir: Path
    staging: Path
    compare: bool                       # no record of the output: compare bytes with what is there


@dataclass
class Workers:
    """The processes a build renders decisions with: `count` of them, and the pool if it was started
    ahead (see `workers_for`)."""
    setup: Setup
    count: int
    pool: ProcessPoolExecutor | None = None

    def reader(self) -> Reader | None:
        """What reads content files with the early pool's help, if there is one (`read_alongside`)."""
        return None if self.pool is None else partial(read_alongside, self.pool)


@contextmanager
def workers_for(setup: Setup, count: int | None, decisions: int, cold: bool) -> Iterator[Workers]:
    """For a cold build of enough decisions, the worker processes are started before the content is read
    (their start takes a second that the reading then covers); shut down on the way out, whatever happens."""
    workers = Workers(setup, count or default_jobs())
    if not (cold and worth_a_pool(workers.count, decisions)):
        yield workers
        return
    workers.pool = start_pool(setup, workers.count)
    with shut_down_after(workers.pool, wait=False):
        yield workers


@dataclass
class _Worker:
    """What a process keeps for every job it runs: made when a pool process starts, or for the length of
    a run in the build's own process."""
    env: Environment
    setup: Setup
    made: set[str] = field(default_factory=set)       # staging folders made so far


_worker: _Worker | None = None          # this process's, while it runs jobs


def _start(setup: Setup) -> None:
    global _worker
    _worker = _Worker(make_environment(setup.templates_dir, Assets(setup.asset_urls, {})), setup)


def run(job: Job) -> Done:
    if _worker is None:
        raise RuntimeError("a decision job ran outside a worker")
    files: tuple[StagedFile, ...] = ()
    reading = earlier = None
    text = None
    if job.entry is not None:
        decision = job.entry.decision.with_body(unpack_body(job.body))
        body = render_body(decision.body)
        text = packed_record(text_record(decision, body.paragraphs))
        if job.read:
            reading = read_decision(decision, body.paragraphs)
        if job.page:
            page = render_decision(_worker.env, _worker.setup.config, job.entry, body, job.related)
            files = (_staged(_worker, page.path, page.text, job.recorded or {}),)
    if job.earlier is not None:
        old = job.earlier.full()
        earlier = read_decision(old, render_body(old.body).paragraphs)
    return Done(files, reading, earlier, text)


def _staged(worker: _Worker, path: str, text: str, recorded: dict[str, Output]) -> StagedFile:
    setup = worker.setup
    return StagedFile(path, *stage_file(setup.out_dir, setup.staging, path, text.encode("utf-8"), recorded.get(path),
                                        setup.compare, worker.made))


READ_CHUNK = 128          # files a pool task reads: 30-40 ms of parsing; sending them back costs a tenth of it
SHARED_READ_FROM = 8      # chunks: fewer are read here before the pool's processes have even started


def read_alongside(pool: ProcessPoolExecutor, folder: Path, names: list[str], stamps: dict[str, Stamp],
                   known: dict[str, Source]) -> list[Source | ContentError]:
    """`content.read_files`, with a hand from a pool started ahead (see `start_pool`) and idle until the
    rendering: every chunk of files but the first is offered to it, last first, and this process reads from
    the front; the two meet wherever they meet.
    At a chunk it offered, it takes it back (`cancel`) if no process has it yet, else takes its result, so
    a slow start of the pool costs little, and the results are in name order whoever read them."""
    chunks = [names[at:at + READ_CHUNK] for at in range(0, len(names), READ_CHUNK)]
    if len(chunks) < SHARED_READ_FROM:
        return read_files(folder, names, stamps, known)
    # Offered last first: the executor queues a few tasks for its processes at once, even before they have
    # started, and a queued task can no longer be cancelled; this process comes to those last.
    offered = {at: pool.submit(read_files, folder, chunks[at], *_share(chunks[at], stamps, known))
               for at in reversed(range(1, len(chunks)))}
    read: list[Source | ContentError] = []
    for at, chunk in enumerate(chunks):
        future = offered.get(at)
        if future is None or future.cancel():
            read += read_files(folder, chunk, stamps, known)
        else:
            done: list[Source | ContentError] = result_of(pool, future)
            read += done
    return read


def _share(names: list[str], stamps: dict[str, Stamp],
           known: dict[str, Source]) -> tuple[dict[str, Stamp], dict[str, Source]]:
    """What reading `names` needs of `stamps` and `known`: a task is sent its share, not every file's."""
    return {name: stamps[name] for name in names}, {name: known[name] for name in names if name in known}


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def start_pool(setup: Setup, workers: int) -> ProcessPoolExecutor:
    """A pool started ahead of its jobs, while the build still reads the content: its processes start
    (Python, the imports, the templates) meanwhile instead of after."""
    pool = _pool(setup, workers)
    for _ in range(workers):                        # a process is started for each task waiting
        pool.submit(_ready)
    return pool


def _ready() -> None:
    pass


def _pool(setup: Setup, workers: int) -> ProcessPoolExecutor:
    # Fresh processes, not forks of this one: a fork would count the parent's memory (every decision and
    # the index) again in each worker, as far as the operating system's figures go.
    context = get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
    if context.get_start_method() == "forkserver":      # the imports done once, in the server, for every worker
        context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(setup,))


def worth_a_pool(workers: int, jobs: int) -> bool:
    """A pool takes about a second to start: worth it for several jobs a process, not for a few."""
    return workers > 1 and jobs >= 4 * workers


@contextmanager
def rendering(workers: Workers, jobs: list[Job], env: Environment) -> Iterator[Iterator[Done]]:
    """Start rendering `jobs` at once; the results come in job order. Few jobs, or one worker, run here
    (with the caller's `env`), as they are taken. A pool started ahead of time for this setup is used, or
    shut down unused when there is too little to do."""
    setup, pool = workers.setup, workers.pool
    if not worth_a_pool(workers.count, len(jobs)):
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        yield _here(setup, jobs, env)
        return
    pool = pool or _pool(setup, workers.count)
    size = max(1, min(16, len(jobs) // (workers.count * 8)))
    with shut_down_after(pool, wait=True):
        yield _results(pool, deque(pool.submit(run_all, jobs[at:at + size]) for at in range(0, len(jobs), size)))


def _results(pool: ProcessPoolExecutor, tasks: deque[Future]) -> Iterator[Done]:
    """The tasks' results in order, each task let go of once taken: the results are large (pages, readings)."""
    while tasks:
        yield from result_of(pool, tasks.popleft())


def run_all(jobs: list[Job]) -> list[Done]:
    return [run(job) for job in jobs]


DEAD_WORKER_CHECK_S = 0.25     # how often a wait for a result looks for a pool process that died


def result_of(pool: ProcessPoolExecutor, future: Future[T]) -> T:
    """`future.result()`, but a pool process that died is noticed even when the executor misses it: in
    Python 3.11, one killed while sending a result leaves the executor's thread waiting for the rest of it,
    and every result, forever."""
    while True:
        try:
            return future.result(timeout=DEAD_WORKER_CHECK_S)
        except TimeoutError:
            if any(process.exitcode is not None for process in _processes(pool)):
                raise BrokenProcessPool("a pool process stopped") from None


def _processes(pool: ProcessPoolExecutor) -> list:
    """The pool's processes (no public way to them before Python 3.14)."""
    return list((pool._processes or {}).values())


@contextmanager
def shut_down_after(pool: ProcessPoolExecutor, wait: bool) -> Iterator[None]:
    """Shut `pool` down on the way out. If one of its processes died (killed, out of memory), the others
    are killed first: they may wait forever for a lock the dead one held, and the executor's shutdown,
    and Python's at exit, would wait for them. (It kills the processes it knows of when it finds one dead,
    but not one started by a task submitted at that moment.) This process's end of the results pipe is
    closed too: the executor's thread may be waiting for the rest of a result the dead one was sending,
    and only the end of the pipe, once no process holds it open, ends that wait."""
    try:
        yield
    except BrokenProcessPool:
        for process in _processes(pool):
            process.kill()
        results = getattr(pool, "_result_queue", None)      # private too, with no public way before 3.14
        if results is not None:
            results._writer.close()
        raise
    finally:
        pool.shutdown(wait=wait, cancel_futures=True)


def _here(setup: Setup, jobs: list[Job], env: Environment) -> Iterator[Done]:
    global _worker
    _worker = _Worker(env, setup)
    try:
        yield from map(run, jobs)
    finally:
        _worker = None
