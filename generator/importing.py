"""`digest import` as plain data in and out: raw statements (files, folders, standard input) -> content files.
The command only parses its flags and prints what `import_statements` tells it.

A run, in order:

1. Take the content folder's import lock (one import at a time writes into a folder) and remove the
   temporary files an import killed in the middle of a write left there (`content/files.py` names them).
2. List the inputs (a file reached twice, by two names or a link, once) and digest each (its name and
   bytes: the name is the front matter's `source`). An input the import record vouches for (it wrote these
   content files, and they have the size and mtime it left them with) is unchanged, and is not read.
3. Survey the rest: each input's statement references, from its title lines alone (a tenth of a reading).
4. A reference in more than one place of the set is an error, and none of its statements is written.
5. Read and write the rest, in the order of their first reference, and note each in the import record as
   it is written. Steps 3 and 5 run on a pool of processes (`--jobs`); results come back in order, with a
   bounded number in flight, so memory does not grow with the archive and the files are those a
   one-process import writes.

A file is written whole or not at all, so an import stopped anywhere (Ctrl-C, a kill) keeps every file it
wrote, and the next run finds them in the record and goes on from there. A pool process asks, before each
write, whether the import that started it is still there: a killed import's processes write nothing more.
Ctrl-C ends the run with `Interrupted`, which carries the report of what was done until then.

The import record lives beside the build's state: `<parent of content>/.digest-cache/import-<content
folder's name>-<8 hex of its path>/record.jsonl`. After a header line naming the format and the code, one
JSON line per input: `{"key": digest of its name and bytes, "files": [[slug, size, mtime_ns, [fields
guessed]], ...]}`. Lines are appended as files are written (a line cut short by a kill is ignored); a
record written by other code is ignored. An input is noted only when all its statements were written or
found unchanged. Deleting the record is always safe: the next import reads every statement again.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context, parent_process
from pathlib import Path
from typing import IO, NamedTuple, TypeVar

from .content.folder import save_decision
from .digest import digest
from .errors import DigestError, RawFormatError
from .importer.statement import read_statements, statement_references
from .importer.text import check_size, decode, read_limited
from .model import reference_slug

RAW_SUFFIXES = {".txt", ".text", ".html", ".htm", ""}
STDIN = "-"                                      # the path that stands for standard input
RECORD_FORMAT = 1
CHUNK = 16                                       # inputs a pool task reads: 100-200 ms of work
IN_FLIGHT = 4                                    # tasks a process has queued or running, at most
# `write_atomically`'s temporary files: ".<name>.<8 random characters>.tmp", for a decision or its backup.
LEFT_BY_A_KILL = re.compile(r"^\..+\.(?:md|bak)\.[a-z0-9_]{8}\.tmp$")

T = TypeVar("T")
R = TypeVar("R")


# ---------------------------------------------------------------- what goes in and what comes out

@dataclass(frozen=True)
class ImportRequest:
    paths: tuple[Path, ...]                      # raw files, folders of them, or "-" for standard input
    content_dir: Path
    force: bool = False                          # replace content files that differ (a backup is kept)
    jobs: int | None = None                      # processes; None: every core
    stdin: bytes = b""                           # standard input, when "-" is among the paths
    stdin_name: str | None = None                # what `source` says of it (default: stdin)


@dataclass(frozen=True)
class RawInput:
    name: str                                    # the front matter's `source`
    where: str                                   # how messages name it
    path: Path | None                            # None: `data` holds it (standard input)
    data: bytes = b""

    def read(self) -> bytes:
        if self.path is not None:
            return read_limited(self.path)
        if not self.data.strip():               # the reader's "the file is empty" would puzzle
            raise RawFormatError(self.where, "the pasted text is empty; paste the whole decision statement, then "
                                             "press Ctrl-D on a line of its own")
        return check_size(self.data, self.where, "the pasted text")   # standard input is read up to the limit + 1


@dataclass(frozen=True)
class Outcome:
    """One statement's content file: written, unchanged, kept (it exists and differs) or replaced."""
    slug: str
    what: str
    path: Path
    backup: Path | None = None
    guessed: tuple[str, ...] = ()                # fields the importer inferred, for review
    recorded: bool = False                       # known unchanged from the import record, not read


Told = Callable[[Outcome | DigestError], None]
Progress = Callable[[str, int, int], None]       # (what is being done, inputs done, inputs in all)


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("written", "unchanged", "kept", "replaced"), 0))
    recorded: int = 0                            # of the unchanged: known from the import record
    skipped: int = 0                             # statements not written: their reference is in two places
    errors: int = 0                              # error lines
    seconds: float = 0.0

    def summary(self) -> str:
        counts = self.counts
        known = f" ({self.recorded:,} known from the import record)" if self.recorded else ""
        statements = sum(counts.values()) + self.skipped
        return (f"{statements:,} statement{'s' * (statements != 1)}: {counts['written']:,} written, "
                f"{counts['unchanged']:,} unchanged{known}, {counts['kept']:,} kept, {counts['replaced']:,} replaced, "
                f"{self.skipped:,} skipped, {self.errors:,} error{'s' * (self.errors != 1)} in {self.seconds:.1f} s")


# ---------------------------------------------------------------- the run

def import_statements(request: ImportRequest, tell: Told, progress: Progress | None = None) -> ImportReport:
    """Import every statement of `request`, telling each outcome and error as it happens (in a fixed order:
    the inputs' errors, the references found twice, then the statements by their first reference)."""
    started = time.monotonic()
    report = ImportReport()

    def told(item: Outcome | DigestError) -> None:
        if isinstance(item, DigestError):
            report.errors += 1
        else:
            report.counts[item.what] += 1
            report.recorded += item.recorded
        tell(item)

    try:
        _import(request, told, progress, report)
    except KeyboardInterrupt:
        report.seconds = time.monotonic() - started
        raise Interrupted(report) from None
    report.seconds = time.monotonic() - started
    return report


class Interrupted(KeyboardInterrupt):
    """Ctrl-C: the import stopped, and this is what it had told of by then (every file told of is written
    whole and in the import record: the same import again goes on from there)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report


def _import(request: ImportRequest, told: Told, progress: Progress | None, report: ImportReport) -> None:
    decisions = request.content_dir / "decisions"
    with import_lock(request.content_dir) as folder:
        inputs = raw_inputs(request, told)
        with ImportRecord.open(folder, decisions) as record:
            fresh = record.vouched_for(inputs)
            todo = [raw for raw in inputs if raw.where not in fresh]
            with pool_for(request.jobs, len(todo)) as pool:
                found = {where: tuple(file.slug for file in files) for where, files in fresh.items()}
                found.update(survey(pool, todo, told, _counted(progress, "Reading", len(todo))))
                twice = set(duplicates(found, told))
                report.skipped = sum(slug in twice for slugs in found.values() for slug in slugs)
                for file in sorted(file for files in fresh.values() for file in files if file.slug not in twice):
                    told(Outcome(file.slug, "unchanged", decisions / f"{file.slug}.md", guessed=file.guessed,
                                 recorded=True))
                tasks = sorted(((raw, found[raw.where]) for raw in todo if raw.where in found),
                               key=lambda task: task[1])
                write_all(pool, tasks, twice, request, record, told, _counted(progress, "Importing", len(tasks)))


def _counted(progress: Progress | None, label: str, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    progress(label, 0, total)
    return lambda done: progress(label, done, total)


def raw_inputs(request: ImportRequest, told: Told) -> list[RawInput]:
    """Files named, the raw-looking files of folders named (sorted), standard input for "-" (once). A file
    reached twice (named twice, or through a link) is read once."""
    found: list[RawInput] = []
    for path in request.paths:
        if str(path) == STDIN:
            if not any(raw.path is None for raw in found):
                name = request.stdin_name or "stdin"
                found.append(RawInput(name, name, None, request.stdin))
        elif path.is_dir():
            files = [RawInput(p.name, str(p), p) for p in sorted(path.rglob("*"))
                     if p.is_file() and p.suffix.lower() in RAW_SUFFIXES and not p.name.startswith(".")]
            if not files:
                told(DigestError(None, f"no statement files found in {path} (names ending .txt, .text, .html, "
                                       ".htm or no extension)"))
            found.extend(files)
        elif not path.exists():
            told(RawFormatError(path, "no such file or folder"))
        else:
            found.append(RawInput(path.name, str(path), path))
    return once_each(found)


def once_each(inputs: list[RawInput]) -> list[RawInput]:
    """Each file once, where it is first reached, under its own name rather than a link's when both are
    there (the name is the content's `source`)."""
    chosen: dict[object, RawInput] = {}
    for raw in inputs:
        same = _identity(raw)
        if same not in chosen or (_linked(chosen[same]) and not _linked(raw)):
            chosen[same] = raw
    return list(chosen.values())


def _linked(raw: RawInput) -> bool:
    return raw.path is not None and raw.path.is_symlink()


def _identity(raw: RawInput) -> object:
    if raw.path is None:
        return STDIN
    try:
        info = raw.path.stat()
    except OSError:                              # told when it is read
        return raw.where
    return info.st_dev, info.st_ino


def survey(pool: Pool | None, inputs: list[RawInput], told: Told,
           progress: Callable[[int], None] | None) -> dict[str, tuple[str, ...]]:
    """Each readable input's statement slugs (by `where`); the unreadable ones told as errors."""
    found: dict[str, tuple[str, ...]] = {}
    for done, (raw, slugs) in enumerate(zip(inputs, in_order(pool, survey_one, inputs)), start=1):
        if isinstance(slugs, DigestError):
            told(slugs)
        else:
            found[raw.where] = slugs
        if progress:
            progress(done)
    return found


def survey_one(raw: RawInput) -> tuple[str, ...] | DigestError:
    try:
        return tuple(map(reference_slug, statement_references(decode(raw.read(), raw.where), raw.where)))
    except DigestError as error:
        return error


def duplicates(found: dict[str, tuple[str, ...]], told: Told) -> Iterator[str]:
    """The slugs of statements found in more than one place (two files, or twice in one), each told once."""
    places: dict[str, list[str]] = {}
    for where, slugs in found.items():
        for number, slug in enumerate(slugs, start=1):
            places.setdefault(slug, []).append(where if len(slugs) == 1 else f"{where} (statement {number})")
    for slug, wheres in sorted(places.items()):
        if len(wheres) > 1:
            told(DigestError(None, f"{slug}: the same reference is in {' and '.join(wheres)}; "
                                   "import them one at a time"))
            yield slug


@dataclass(frozen=True)
class Task:
    raw: RawInput
    slugs: tuple[str, ...]                       # its statements', as the survey found them
    leave_out: frozenset[str]                    # slugs found twice in the set: not written
    content_dir: Path
    force: bool


@dataclass(frozen=True)
class Written:
    key: str                                     # the input's digest, as read
    outcomes: tuple[Outcome | DigestError, ...]
    whole: bool = True                           # every statement written (none left out)


def write_all(pool: Pool | None, inputs: list[tuple[RawInput, tuple[str, ...]]], twice: set[str],
              request: ImportRequest, record: ImportRecord, told: Told, progress: Callable[[int], None] | None) -> None:
    leave_out = frozenset(twice)
    tasks = [Task(raw, slugs, leave_out, request.content_dir, request.force) for raw, slugs in inputs]
    for done, written in enumerate(in_order(pool, write_one, tasks), start=1):
        for outcome in written.outcomes:
            told(outcome)
        record.note(written)
        if progress:
            progress(done)


def write_one(task: Task) -> Written:
    """Read one input's statements and write each to its content file (in a pool process, or here)."""
    raw = task.raw
    try:
        data = raw.read()
        decisions = read_statements(decode(data, raw.where), raw.name, raw.where)
    except DigestError as error:
        return Written("", (error,))
    if tuple(decision.slug for decision in decisions) != task.slugs:        # the survey checked others
        return Written("", (RawFormatError(raw.where, "changed while it was imported: import it again"),))
    outcomes: list[Outcome | DigestError] = []
    for decision in decisions:
        if decision.slug in task.leave_out:
            continue
        if importer_gone():                     # killed: it wants nothing more, and its lock is gone
            os._exit(1)
        try:
            saved = save_decision(decision, task.content_dir, force=task.force)
        except OSError as error:                # disk full, no permission: written whole or not at all
            where = error.filename or task.content_dir / "decisions" / f"{decision.slug}.md"
            outcomes.append(DigestError(where, f"{error.strerror or error}; not imported: fix that and import it "
                                               "again"))
            continue
        what = "kept" if saved.what == "exists" else saved.what
        outcomes.append(Outcome(decision.slug, what, saved.path, saved.backup, tuple(decision.needs_review)))
    return Written(digest(raw.name, data), tuple(outcomes), whole=not task.leave_out.intersection(task.slugs))


# ---------------------------------------------------------------- processes

@dataclass(frozen=True)
class Pool:
    executor: ProcessPoolExecutor
    processes: int


@contextmanager
def pool_for(jobs: int | None, inputs: int) -> Iterator[Pool | None]:
    """A pool of `jobs` processes when there is enough to read to repay starting one, else None (read here)."""
    from .incremental.workers import default_jobs, shut_down_after, worth_a_pool
    count = jobs or default_jobs()
    if not worth_a_pool(count, inputs // CHUNK):
        yield None
        return
    # Fresh processes (as the build's): a fork would share and then copy this process's memory.
    context = get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload([__name__])
    _start_resource_tracker_quietly()
    executor = ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker)
    with shut_down_after(executor, wait=True):
        yield Pool(executor, count)


def _start_resource_tracker_quietly() -> None:
    """Start multiprocessing's resource tracker (the pool would) without its warning of "leaked semaphore
    objects": after a kill, it frees the pool's semaphores, as it should, and that is all it tells of."""
    from multiprocessing import resource_tracker
    quiet = "ignore::UserWarning:multiprocessing.resource_tracker"        # handed to the tracker as -W
    sys.warnoptions.append(quiet)
    try:
        resource_tracker.ensure_running()
    finally:
        sys.warnoptions.remove(quiet)


def _start_worker() -> None:
    """A pool process ends when the import does, even a killed one (nothing else tells it: it waits for work
    forever): SIGTERM, which a write in progress holds back until its file is whole."""
    threading.Thread(target=_watch, daemon=True).start()


def _watch() -> None:
    importer = parent_process()
    if importer is not None:
        importer.join()                          # its end of a pipe closes when it ends, however it ends
        os.kill(os.getpid(), signal.SIGTERM)


def importer_gone() -> bool:
    """In a pool process: the import that started it has ended (killed), so nothing more is to be written.
    Asked before each write: the watching thread's signal comes too late for the writes queued meanwhile."""
    importer = parent_process()
    return importer is not None and not importer.is_alive()


def in_order(pool: Pool | None, run: Callable[[T], R], items: list[T]) -> Iterator[R]:
    """`map(run, items)`, on the pool if there is one: chunks of `CHUNK` items, at most `IN_FLIGHT` a process
    submitted ahead, results in item order."""
    if pool is None:
        yield from map(run, items)
        return
    from .incremental.workers import result_of
    executor = pool.executor
    chunks = iter([items[at:at + CHUNK] for at in range(0, len(items), CHUNK)])
    pending = deque(executor.submit(_run_chunk, run, chunk) for chunk in _take(chunks, IN_FLIGHT * pool.processes))
    while pending:
        done = result_of(executor, pending.popleft())
        pending.extend(executor.submit(_run_chunk, run, chunk) for chunk in _take(chunks, 1))
        yield from done


def _take(items: Iterator[T], count: int) -> Iterable[T]:
    for _, item in zip(range(count), items):
        yield item


def _run_chunk(run: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [run(item) for item in chunk]


# ---------------------------------------------------------------- the folder's lock and leftovers

@contextmanager
def import_lock(content_dir: Path) -> Iterator[Path]:
    """The import record's folder, held for this import alone: another import into the same content folder
    is refused until this one ends. Held, the temporary files an import killed while writing left in the
    content folder are removed: none is in use. (Where there is no `fcntl`, nothing is locked, nor removed.)"""
    from .incremental.state import make_folder
    folder = record_folder(content_dir)
    try:
        make_folder(folder)
    except OSError as error:
        raise DigestError(folder, f"cannot make the import record's folder: {error.strerror or error}") from None
    try:
        import fcntl
    except ImportError:
        yield folder
        return
    with (folder / "import.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DigestError(content_dir, "another import is writing into this content folder: wait for it to "
                                           "end, then import again") from None
        remove_left_by_a_kill(content_dir / "decisions")
        yield folder


def record_folder(content_dir: Path) -> Path:
    """Beside the build's state (`incremental/state.py`), named after the content folder and its path."""
    from .incremental.state import ROOT
    content = content_dir.resolve()
    return content.parent / ROOT / f"import-{content.name}-{digest(str(content))[:8]}"


def remove_left_by_a_kill(decisions: Path) -> int:
    """Temporary files of writes that never ended (an import was killed). How many were removed."""
    removed = 0
    try:
        names = [entry.name for entry in os.scandir(decisions) if LEFT_BY_A_KILL.match(entry.name)]
    except FileNotFoundError:
        return 0
    for name in names:
        try:
            (decisions / name).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


# ---------------------------------------------------------------- the import record

class Recorded(NamedTuple):
    """A content file as an import left it."""
    slug: str
    size: int
    mtime_ns: int
    guessed: tuple[str, ...]                     # the fields it guessed, told again when it is unchanged


@dataclass
class ImportRecord:
    """Which content files each input's last import left, and how (size, mtime): see the module's docstring."""
    decisions: Path
    entries: dict[str, tuple[Recorded, ...]]     # by the digest of an input's name and bytes
    stream: IO[str]

    @classmethod
    @contextmanager
    def open(cls, folder: Path, decisions: Path) -> Iterator[ImportRecord]:
        path = folder / "record.jsonl"
        header = json.dumps({"format": RECORD_FORMAT, "code": _code()})
        entries = _read_record(path, header)
        if entries is None:                                  # none, or another code's: start again
            entries = {}
            path.write_text(header + "\n", encoding="utf-8")
        with path.open("a", encoding="utf-8") as stream:
            if _last_byte(path) != b"\n":                   # a line cut short by a kill: end it
                stream.write("\n")
            record = cls(decisions, entries, stream)
            yield record
        if len(entries) * 2 < _lines(path):
            _compact(path, header, entries)

    def vouched_for(self, inputs: list[RawInput]) -> dict[str, tuple[Recorded, ...]]:
        """The inputs (by `where`) whose content files are as this record says, and those files."""
        fresh: dict[str, tuple[Recorded, ...]] = {}
        for raw in inputs if self.entries else ():
            try:
                files = self.entries.get(digest(raw.name, raw.read()))
            except DigestError:                  # told when it is read again
                continue
            if files and all(_stamp(self.decisions / f"{file.slug}.md") == (file.size, file.mtime_ns)
                             for file in files):
                fresh[raw.where] = files
        return fresh

    def note(self, written: Written) -> None:
        """An input read and written whole: its content files, as they are now. Not one whose file was kept
        or that failed: those are read again next time."""
        outcomes = written.outcomes
        if not written.whole or not outcomes or any(isinstance(o, DigestError) or o.what == "kept" for o in outcomes):
            return
        files = tuple(Recorded(o.slug, *stamp, o.guessed) for o in outcomes
                      if isinstance(o, Outcome) and (stamp := _stamp(o.path)))
        self.entries[written.key] = files
        self.stream.write(_line(written.key, files) + "\n")
        self.stream.flush()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _code() -> str:
    from .incremental.state import code_digest
    return code_digest()


def _read_record(path: Path, header: str) -> dict[str, tuple[Recorded, ...]] | None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except FileNotFoundError:
        return None
    if lines[0] != header:
        return None
    entries = {}
    for line in lines[1:]:
        try:
            entry = json.loads(line)
            entries[entry["key"]] = tuple(Recorded(str(slug), int(size), int(mtime), tuple(map(str, guessed)))
                                          for slug, size, mtime, guessed in entry["files"])
        except (ValueError, KeyError, TypeError):              # cut short by a kill, or blank
            continue
    return entries


def _lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))


def _line(key: str, files: tuple[Recorded, ...]) -> str:
    return json.dumps({"key": key, "files": [[file.slug, file.size, file.mtime_ns, file.guessed] for file in files]})


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as stream:
        stream.seek(0, os.SEEK_END)
        if not stream.tell():
            return b""
        stream.seek(-1, os.SEEK_END)
        return stream.read(1)


def _compact(path: Path, header: str, entries: dict[str, tuple[Recorded, ...]]) -> None:
    from .content.files import write_atomically
    lines = [header, *(_line(key, files) for key, files in entries.items())]
    write_atomically(path, ("\n".join(lines) + "\n").encode("utf-8"))
