"""Rendered files -> the output folder, changing only what changed, and nothing until the build is whole.

Files are written to a staging folder beside the output as they are rendered; the output is touched only by
`commit`, after every page has been rendered. An unchanged file is never rewritten (its mtime is kept, so a
deploy uploads only real changes). Two ways to commit:

- in place: each new or changed file is renamed into the output (a rename replaces a file whole), then
  files no longer made are removed: the incremental path, O(changes);
- swap: unchanged files are hard-linked into the staging folder, which is then exchanged with the output in
  one step (renameat2 on Linux), so a reader sees the old site or the new one, never a mix: a cold build.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from typing import NamedTuple

from ..content.files import interrupts_deferred
from ..digest import digest


class Output(NamedTuple):
    """A file of the output folder as the build wrote (or found) it."""
    size: int
    mtime_ns: int
    digest: str


@contextmanager
def held(lock: Path, waiting: Callable[[], object] | None = None) -> Iterator[None]:
    """An exclusive lock on the file `lock` (made if need be) while the block runs. If another process
    holds it, `waiting` is called and the lock waited for. The system lets go of it when its process
    ends, however it ends, so no lock is ever left behind. (Where there is no `fcntl`, nothing is locked.)"""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(lock, "a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def staging_folder(out_dir: Path) -> Path:
    """Where a build of `out_dir` (resolved) stages its files: beside it, so a rename moves them in."""
    return out_dir.with_name(f".{out_dir.name}.staging")


@dataclass
class Staging:
    out_dir: Path
    previous: dict[str, Output] | None      # what the output held, as last recorded; None: compare bytes
    swap: bool                              # commit by exchanging whole folders
    # Start from the previous outputs: a file stays unless it is dropped (a preview's build after an edit,
    # which knows what changed: it does not list every file it keeps).
    patch: bool = False
    outputs: dict[str, Output] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)    # files no longer made (patch)
    made: set[str] = field(default_factory=set)       # staging folders made so far

    def __post_init__(self) -> None:
        self.out_dir = self.out_dir.resolve()
        self.folder = staging_folder(self.out_dir)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        if self.patch:
            if self.previous is None or self.swap:
                raise ValueError("only an output folder as recorded can be patched in place")
            self.outputs = dict(self.previous)

    @property
    def unchanged(self) -> int:
        return len(self.outputs) - len(self.written)

    def add(self, path: str, data: bytes) -> None:
        """A file of the new site."""
        before = self.previous.get(path) if self.previous is not None else None
        self.record(path, *stage_file(self.out_dir, self.folder, path, data, before, self.previous is None,
                                      self.made))

    def record(self, path: str, output: Output, written: bool) -> None:
        """A file of the new site, staged (`written`) or found unchanged in the output."""
        self.outputs[path] = output
        if written:
            self.written.append(path)

    def keep(self, *paths: str) -> None:
        """Files of the old site that stay as they are (as recorded)."""
        if self.previous is None:
            raise ValueError("nothing can be kept from an output folder with no record")
        if not self.patch:                 # else they are there already
            self.outputs.update(zip(paths, map(self.previous.__getitem__, paths)))

    def drop(self, *paths: str) -> None:
        """Files of the old site no longer made (patch)."""
        for path in paths:
            self.outputs.pop(path, None)
        self.dropped.update(paths)

    def commit(self, scan: bool = True) -> None:
        """Put the new site in place. `scan`: look in the output for files no build made (else trust the
        record of what the last build wrote)."""
        try:
            with interrupts_deferred():
                if self.swap or not self.out_dir.exists():
                    self._commit_by_swap()
                else:
                    self._commit_in_place(scan)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _commit_by_swap(self) -> None:
        if os.path.ismount(self.out_dir):          # a mount point cannot be renamed: changed in place instead
            self._commit_in_place(scan=True)
            return
        for path in self.outputs.keys() - set(self.written):
            keep_file(self.out_dir / path, Path(staged_path(self.folder, path, self.made)))
        self.removed = sorted(relative_files(self.out_dir) - self.outputs.keys())
        own = [name for name in os.listdir(self.out_dir) if users_own(name)] if self.out_dir.is_dir() else []
        for name in own:                           # moved into the new site, and back if it is not put in place
            os.replace(self.out_dir / name, self.folder / name)
        try:
            swap_folders(self.folder, self.out_dir)
        except BaseException:
            for name in own:
                os.replace(self.folder / name, self.out_dir / name)
            raise

    def _commit_in_place(self, scan: bool) -> None:
        for path in self.written:
            target = self.out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            move_whole(self.folder / path, target)
        there = relative_files(self.out_dir) if scan else self.dropped if self.patch else set(self.previous or ())
        self.removed = sorted(there - self.outputs.keys())
        for path in self.removed:
            (self.out_dir / path).unlink(missing_ok=True)
        remove_empty_folders(self.out_dir, {Path(path).parent for path in self.removed})


def move_whole(staged: Path, target: Path) -> None:
    """Rename `staged` to `target`, which a reader sees whole or not at all. Across file systems (an output
    folder that is a mount point of its own), copied beside `target` first, then renamed."""
    try:
        os.replace(staged, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        beside = target.with_name(f".{target.name}.staged")
        try:
            shutil.copy2(staged, beside)
            os.replace(beside, target)
        except BaseException:
            beside.unlink(missing_ok=True)
            raise


def stage_file(out_dir: Path, staging: Path, path: str, data: bytes, before: Output | None, compare: bool,
               made: set[str]) -> tuple[Output, bool]:
    """Write `data` for `path` into the staging folder unless the output already holds it: known from the
    record `before` (digest, and the file still as recorded), or, with `compare` and no record, from the
    bytes. Returns the file's record and whether it was written. `made`: staging folders made so far."""
    data_digest = digest(data)
    target = os.path.join(out_dir, path)
    if before is not None and before.digest == data_digest and intact(Path(target), before):
        return before, False
    if before is None and compare:
        try:
            with open(target, "rb") as file:
                stat = os.fstat(file.fileno())
                if stat.st_size == len(data) and file.read() == data:
                    return Output(stat.st_size, stat.st_mtime_ns, data_digest), False
        except OSError:
            pass
    with open(staged_path(staging, path, made), "wb") as file:
        file.write(data)
        file.flush()
        stat = os.fstat(file.fileno())
    return Output(stat.st_size, stat.st_mtime_ns, data_digest), True


def staged_path(staging: Path, path: str, made: set[str]) -> str:
    """Where `path` goes in the staging folder, its folder made (once: `made` holds those made so far)."""
    staged = os.path.join(staging, path)
    folder = os.path.dirname(staged)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    return staged


def intact(path: Path, recorded: Output) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (recorded.size, recorded.mtime_ns)


def remove_empty_folders(root: Path, folders: set[Path]) -> None:
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        while folder.parts:
            try:
                (root / folder).rmdir()
            except OSError:
                break
            folder = folder.parent


def relative_files(folder: Path) -> set[str]:
    return {path for path, _ in _files_under(str(folder))}


def file_stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` -> (size, mtime_ns): one walk, no path objects (a no-change build checks
    every output file this way)."""
    stamps = {}
    for path, entry in _files_under(str(folder)):
        try:
            stat = entry.stat()
        except OSError:              # gone since the folder was listed, or a broken link
            continue
        stamps[path] = (stat.st_size, stat.st_mtime_ns)
    return stamps


def built_here(out_dir: Path) -> bool:
    """Does the folder hold a built site? Every one has a home page."""
    return (out_dir / "index.html").is_file()


def users_own(name: str) -> bool:
    """What a name at the top of the output folder that starts with a dot holds (`.git`, `.well-known`) is
    the user's: no build makes such a name, and none removes or replaces it."""
    return name.startswith(".")


def _files_under(folder: str, prefix: str = "") -> Iterator[tuple[str, os.DirEntry]]:
    """(path relative to the top, "/"-separated; entry) for each file, as `os.walk` sees them: links to
    files count as files, links to folders are not followed. The user's own names at the top are left out."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not prefix and users_own(entry.name):
            continue
        if not entry.is_dir():
            yield prefix + entry.name, entry
        elif not entry.is_symlink():
            yield from _files_under(entry.path, f"{prefix}{entry.name}/")


def keep_file(old: Path, target: Path) -> None:
    try:
        os.link(old, target)
    except OSError:              # a file system without hard links
        shutil.copy2(old, target)


def swap_folders(new: Path, current: Path) -> None:
    """Put `new` in place of `current`. On Linux the two are exchanged in one step (renameat2), so a
    reader always sees a whole site; elsewhere two renames leave a gap of microseconds."""
    if not current.exists():
        os.replace(new, current)
        return
    if _exchange(new, current):
        return
    retired = current.with_name(f".{current.name}.retired")
    shutil.rmtree(retired, ignore_errors=True)
    os.replace(current, retired)
    os.replace(new, current)
    os.replace(retired, new)     # the caller removes `new`, now the old site


def _exchange(first: Path, second: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0
