"""What the last build of an output folder read and wrote, so that the next one redoes only what changed.

One state per output folder, kept beside it in `.digest-cache/<output name>-<8 hex digits of its path>/`
(never inside the published folder), with the build lock:

  record.pickle    `OutputRecord`: which content and output folder it was made for, the digest of the code,
                   settings, templates and flags, the content files' stamps, every output file, every unit
                   (the decisions' apart, by slug)
  sources.pickle   each content file's digest, facts and body (`content.folder.Source`)
  search.pickle    the search index as data (`SearchRecord`)
  build.lock       held while a build runs (see `output.held`)
  commit.journal   while the output folder is being changed: what the commit is about to do (`journal`)

Each file starts with a line naming its format and the code that wrote it, checked before anything is
unpickled: a state written by other code, for another folder, or damaged, is ignored (the build is then a
cold one), never trusted. Deleting the folder is always safe.

The record alone tells whether anything changed (a no-change build reads nothing more); the sources and
the search index are read once something has. A preview server keeps the state in memory between builds
(`PreviewMemory`), with what it remembers only there to make the next edit quick.
"""
from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeVar

from ..content.files import write_atomically
from ..content.folder import Source, Stamp
from ..digest import digest
from ..search.postings import SearchState
from .output import Output

FORMAT = 2
PACKAGE = Path(__file__).resolve().parent.parent      # generator/, every stage's folder in it
ROOT = ".digest-cache"
T = TypeVar("T")


class Unit(NamedTuple):
    """A group of output files rendered together (a page, a feed, a decision's page, a search text file), and
    the digest of everything they were made from."""
    made_from: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Owner:
    """The folders a state was made for (resolved): a state for other content is not used."""
    content: str
    output: str


@dataclass
class OutputRecord:
    owner: Owner
    settings: str = ""                            # code, settings, templates, assets, flags
    warned: bool = False                          # the build warned: the next one reads again, to warn again
    stamps: dict[str, Stamp] = field(default_factory=dict)        # content file -> (size, mtime_ns)
    outputs: dict[str, Output] = field(default_factory=dict)      # output file -> as written
    units: dict[str, Unit] = field(default_factory=dict)          # every unit but the decisions' pages
    decision_units: dict[str, Unit] = field(default_factory=dict)  # slug -> its page and text parts


@dataclass
class SearchRecord:
    index: SearchState
    digests: list[str]        # id -> digest of the decision's file when it was read


@dataclass
class BuildState:
    record: OutputRecord
    sources: dict[str, Source] = field(default_factory=dict)      # content file name -> as last read
    search: SearchRecord | None = None


def state_folder(out_dir: Path) -> Path:
    """Where the state of a build of `out_dir` is kept: beside it, named after it and its whole path."""
    out = out_dir.resolve()
    return out.parent / ROOT / f"{out.name}-{digest(str(out))[:8]}"


def owner_of(content_dir: Path, out_dir: Path) -> Owner:
    return Owner(str(content_dir.resolve()), str(out_dir.resolve()))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The generator's own code, every module of every stage: a new version never reuses what an older one
    made."""
    return digest(str(FORMAT), *(part for path in sorted(PACKAGE.rglob("*.py"))
                                 for part in (path.relative_to(PACKAGE).as_posix(), path.read_bytes())))


def load_record(folder: Path, owner: Owner) -> OutputRecord:
    """The last build's record, or an empty one (a cold build) if there is none to trust."""
    record = _read(folder / "record.pickle", OutputRecord)
    return record if record is not None and record.owner == owner else OutputRecord(owner)


def load_state(folder: Path, record: OutputRecord) -> BuildState:
    """The rest of the state, once the record has shown that something changed."""
    if not record.outputs:                       # nothing built from it: what else is there cannot be trusted
        return BuildState(record)
    return BuildState(record, _read(folder / "sources.pickle", dict) or {},
                      _read(folder / "search.pickle", SearchRecord))


def save_state(folder: Path, state: BuildState) -> None:
    """Sources and search first, the record last: each file is replaced whole, and a record names only
    outputs that are there."""
    make_folder(folder)
    _write(folder / "sources.pickle", state.sources)
    if state.search is not None:
        _write(folder / "search.pickle", state.search)
    _write(folder / "record.pickle", state.record)


def record_stamp(folder: Path) -> Stamp | None:
    """Size and mtime of the saved record: every build from the command line saves it, so a preview that
    sees it change knows another build changed the output folder."""
    try:
        stat = (folder / "record.pickle").stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def drop_record(folder: Path) -> None:
    """Forget what the last build made: the next build is a cold one."""
    (folder / "record.pickle").unlink(missing_ok=True)


def touch_record(folder: Path) -> None:
    """Tell a preview that remembers the output folder (`record_stamp`) that it changed."""
    try:
        os.utime(folder / "record.pickle")
    except FileNotFoundError:
        pass


def make_folder(folder: Path) -> None:
    """The state's folder, in a `.digest-cache` whose .gitignore keeps all of it out of git."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder.parent / ".gitignore"
    if folder.parent.name == ROOT and not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")


def _header() -> bytes:
    return f"digest-state {FORMAT} {code_digest()}\n".encode("ascii")


def _read(path: Path, kind: type[T]) -> T | None:
    """The value in `path`, if the file was written by this code and holds a `kind`; else None."""
    try:
        with open(path, "rb") as file:
            if file.readline() != _header():          # checked before a byte is unpickled
                return None
            value = pickle.load(file)
    except Exception:            # missing or damaged: build without it
        return None
    return value if isinstance(value, kind) else None


def _write(path: Path, value: Any) -> None:
    """Pickled straight to the file (not to bytes first: at archive scale the sources are hundreds of MB)."""
    def dump(file: IO[bytes]) -> None:
        file.write(_header())
        pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomically(path, dump)
