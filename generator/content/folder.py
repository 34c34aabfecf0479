"""The content folder: every `decisions/<slug>.md` read (only what changed since it was last read), checked
against the others, and new records written into it."""
from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Callable, NamedTuple

from ..digest import digest
from ..errors import ContentError, ContentWarning, DigestError
from ..model import Decision, FrontMatter
from .files import write_atomically
from .format import MAX_CONTENT_BYTES, decode_content, dump, key_line, parse_parts, split_front_matter


class Saved(NamedTuple):
    path: Path
    what: str                     # written, unchanged, exists (and differs: not replaced) or replaced
    backup: Path | None = None    # where a replaced file's text was kept


def save_decision(decision: Decision, content_dir: Path, force: bool = False) -> Saved:
    """Write `<content>/decisions/<slug>.md`. An existing file is never touched without `force`; with it, the
    old text is kept in a backup that no earlier one is overwritten by (`backup_name`)."""
    path = content_dir / "decisions" / f"{decision.slug}.md"
    data = dump(decision).encode("utf-8")
    if not path.exists():
        write_atomically(path, data)
        return Saved(path, "written")
    old = path.read_bytes()
    if old == data:
        return Saved(path, "unchanged")
    if not force:
        return Saved(path, "exists")
    backup = backup_name(path)
    write_atomically(backup, old)
    write_atomically(path, data)
    return Saved(path, "replaced", backup)


def backup_name(path: Path) -> Path:
    """The first free name of `<slug>.md.bak`, `<slug>.md.1.bak`, `<slug>.md.2.bak` ...: every hand edit that
    a replacement undid stays somewhere. Names ending `.bak` are neither read as content nor watched."""
    candidate, number = path.with_name(f"{path.name}.bak"), 0
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.name}.{number}.bak")
    return candidate


@dataclass(frozen=True)
class Source:
    """A content file as last read: its stamp (size, mtime) and digest, and what it held."""
    size: int
    mtime_ns: int
    digest: str                   # of the whole file
    front_digest: str             # of the front matter alone: what index pages, feeds and data show
    front: FrontMatter            # the decision's facts; its body is kept apart:
    body: bytes                   # packed (`pack_body`): at archive scale bodies are most of the memory
    warnings: tuple[DigestError, ...]

    def full(self) -> Decision:
        """The decision with its body."""
        return self.front.with_body(self.body_text())

    def body_text(self) -> str:
        return unpack_body(self.body)


def pack_body(text: str) -> bytes:
    """A body as the build keeps it, UTF-8 packed by zlib at its quickest: a third of its bytes, a sixth of a
    str's (a curly quote makes a str two bytes a character)."""
    return zlib.compress(text.encode("utf-8"), 1)


def unpack_body(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


@dataclass(frozen=True)
class Loaded:
    sources: dict[str, Source]        # file name -> what it held, by name; only files without errors
    errors: list[DigestError]
    warnings: list[DigestError]

    @property
    def facts(self) -> list[FrontMatter]:
        return [source.front for source in self.sources.values()]

    @property
    def decisions(self) -> list[Decision]:
        """Each decision whole, body and all."""
        return [source.full() for source in self.sources.values()]


Stamp = tuple[int, int]                                         # a file's (size, mtime_ns)


Reader = Callable[[Path, list[str], dict[str, Stamp], dict[str, Source]], list[Source | ContentError]]


def load_decisions(content_dir: Path, strict: bool = False, known: dict[str, Source] | None = None,
                   stamps: dict[str, Stamp] | None = None, read: Reader | None = None,
                   changed: set[str] | None = None) -> Loaded:
    """Read every content file, collecting all errors rather than stopping at the first.
    With `strict`, warnings (unknown keys) count as errors. A file in `known` whose size and mtime, or
    failing those whose bytes, are as they were is not parsed again. `stamps`: the files' sizes and mtimes
    when the caller has just looked ("decisions/<name>": (size, mtime_ns)). `read`: what reads the files
    that need it, `read_files` or one that gives the same (see `workers.read_alongside`). `changed`: when
    the caller knows which files changed since `known` was read, all without errors (a preview's file
    events: "decisions/<name>"), only those are looked at."""
    folder = content_dir / "decisions"
    if not folder.is_dir():
        return Loaded({}, [ContentError(folder, "no decisions folder: run `digest import PATH` to create it")], [])
    known = known or {}
    if stamps is None:
        stamps = content_stamps(content_dir)
    if changed is not None:
        return _with_changes(folder, known, stamps, changed, read or read_files, strict)
    errors: list[DigestError] = []
    warnings: list[DigestError] = []
    sources: dict[str, Source] = {}
    # Names starting with a dot are other programs' (an editor's swap file, macOS's ._ files), as in serve.
    in_folder = sorted(name.removeprefix("decisions/") for name in stamps
                       if name.startswith("decisions/") and not name.startswith("decisions/."))
    names = [name for name in in_folder if name.endswith(".md")]
    stamp_of = {name: stamps[f"decisions/{name}"] for name in names}
    warnings.extend(ContentError(folder / name, "not read: a decision file's name ends in .md, in lower case")
                    for name in in_folder if name.lower().endswith(".md") and not name.endswith(".md"))
    where = f"{folder}{os.sep}"
    fresh = {name: before for name in names
             if (before := known.get(name)) is not None and _as_last_read(before, stamp_of[name])
             and str(before.front.path) == where + name}   # nothing to do (the common case)
    to_read = [name for name in names if name not in fresh]     # read together: by `read`, or here
    read_now = dict(zip(to_read, (read or read_files)(folder, to_read, stamp_of, known), strict=True))
    for name in names:
        source = fresh[name] if name in fresh else read_now[name]
        if isinstance(source, ContentError):
            errors.append(source)
            continue
        sources[name] = source
        warnings.extend(source.warnings)
    errors.extend(_clashes([source.front for source in sources.values()]))
    return _loaded(sources, errors, warnings, strict)


def _loaded(sources: dict[str, Source], errors: list[DigestError], warnings: list[DigestError],
            strict: bool) -> Loaded:
    warnings = [*warnings, *future_dates(sources.values(), date.today())]
    if strict:
        return Loaded(sources, errors + [w.as_error() if isinstance(w, ContentWarning) else w for w in warnings], [])
    return Loaded(sources, errors, warnings)


def _with_changes(folder: Path, known: dict[str, Source], stamps: dict[str, Stamp], changed: set[str],
                  read: Reader, strict: bool) -> Loaded:
    """`load_decisions` for a few changed files: the others are as `known` has them."""
    names = {name.removeprefix("decisions/") for name in changed
             if name.startswith("decisions/") and name.endswith(".md") and not name.startswith("decisions/.")}
    present = sorted(name for name in names if f"decisions/{name}" in stamps)
    stamp_of = {name: stamps[f"decisions/{name}"] for name in present}
    sources = dict(known)
    errors: list[DigestError] = []
    for name, source in zip(present, read(folder, present, stamp_of, known), strict=True):
        if isinstance(source, ContentError):
            errors.append(source)
        else:
            sources[name] = source
    for name in names - stamp_of.keys():
        sources.pop(name, None)
    if any(name not in known for name in present):               # kept in name order
        sources = dict(sorted(sources.items()))
    errors.extend(_clashes_of([sources[name].front for name in present if name in sources], sources))
    warnings = [*_misnamed(folder, stamps), *(warning for source in sources.values() for warning in source.warnings)]
    return _loaded(sources, errors, warnings, strict)


def _misnamed(folder: Path, stamps: dict[str, Stamp]) -> list[DigestError]:
    return [ContentError(folder / name[10:], "not read: a decision file's name ends in .md, in lower case")
            for name in stamps if name[-3:].lower() == ".md" and name[-3:] != ".md" and name.startswith("decisions/")
            and not name.startswith("decisions/.")]


def future_dates(sources: Iterable[Source], today: date) -> list[DigestError]:
    """A decision dated after today is most likely a typing slip. (Looked at on every load, not kept with
    the file's reading: tomorrow's date is no slip tomorrow.)"""
    return [ContentWarning(path, f"decision_date: {day} is after today: check the date",
                           line=key_line(path, "decision_date"))
            for source in sources if (day := source.front.decision_date) is not None and day > today
            and (path := source.front.path) is not None]


def read_files(folder: Path, names: list[str], stamps: dict[str, Stamp],
               known: dict[str, Source]) -> list[Source | ContentError]:
    """Read the files `names` of `folder`: for each, in order, what it holds or the error that stops its use.
    `stamps`: each one's (size, mtime_ns); `known`: what some held when last read. Plain data in and out,
    and nothing else used: any process can read any share of the files."""
    return [_source_or_error(folder / name, known.get(name), stamps[name]) for name in names]


def _source_or_error(path: Path, before: Source | None, stamp: Stamp) -> Source | ContentError:
    try:
        return _read_source(path, before, stamp)
    except ContentError as error:
        return error


STAMPED_FOLDERS = ("", "decisions/", "collections/")    # the folders, in the content folder, whose files are stamped


def stamped(name: str) -> bool:
    """Is `name` (relative to the content folder, "/"-separated) a file `content_stamps` stamps?"""
    folder, _, _ = name.rpartition("/")
    return (f"{folder}/" if folder else "") in STAMPED_FOLDERS


def content_stamps(content_dir: Path) -> dict[str, Stamp]:
    """Size and mtime of every file the content is read from: `site.yaml` and the like, `decisions/<name>`."""
    stamps = {}
    for prefix in STAMPED_FOLDERS:
        try:
            with os.scandir(content_dir / prefix) as found:
                for item in found:
                    try:
                        if item.is_file():
                            info = item.stat()
                        elif item.is_symlink() and not item.is_dir():    # a link to nothing: read, and refused
                            info = item.stat(follow_symlinks=False)
                        else:
                            continue
                        stamps[prefix + item.name] = (info.st_size, info.st_mtime_ns)
                    except FileNotFoundError:    # gone since the folder was listed (an editor's swap file)
                        continue
        except FileNotFoundError:              # no such folder: reported by whoever needs it
            continue
        except OSError as error:
            raise ContentError(content_dir / prefix, f"cannot read this folder: {error.strerror}") from None
    return stamps


def stamps_with_changes(content_dir: Path, stamps: dict[str, Stamp], changed: set[str]) -> dict[str, Stamp]:
    """`content_stamps` when only `changed` files can differ from `stamps`: those alone are looked at."""
    updated = dict(stamps)
    for name in changed:
        try:
            info: os.stat_result | None = (content_dir / name).stat()
        except FileNotFoundError:                # gone, or a link to nothing (read, and refused, as above)
            info = _link_to_nothing(content_dir / name)
        except OSError:
            info = None
        if info is not None and (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            updated[name] = (info.st_size, info.st_mtime_ns)
        else:
            updated.pop(name, None)
    return updated


def _link_to_nothing(path: Path) -> os.stat_result | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return info if stat.S_ISLNK(info.st_mode) else None


def _as_last_read(before: Source, stamp: Stamp) -> bool:
    """The file has the size and mtime it had when `before` was read from it."""
    return (before.size, before.mtime_ns) == stamp


def _read_source(path: Path, before: Source | None, stamp: Stamp) -> Source:
    if before is not None and _as_last_read(before, stamp):
        return before if before.front.path == path else replace(before, front=replace(before.front, path=path))
    data = read_content_bytes(path)
    file_digest = digest(data)
    size, mtime_ns = stamp
    if before and before.digest == file_digest:
        return replace(before, size=size, mtime_ns=mtime_ns, front=replace(before.front, path=path))
    yaml_text, body = split_front_matter(decode_content(data, path), path)
    decision, unknown = parse_parts(yaml_text, body, path)
    front_digest = digest(yaml_text)
    return Source(size, mtime_ns, file_digest, front_digest, decision.front_matter(), pack_body(decision.body),
                  tuple(unknown))


def _clashes(decisions: list[FrontMatter]) -> list[DigestError]:
    """A file name must match its reference, and no two files may hold one reference."""
    errors: list[DigestError] = []
    seen: dict[str, Path] = {}
    for decision in decisions:
        assert decision.path is not None
        if not str(decision.path).endswith(f"{os.sep}{decision.slug}.md"):
            errors.append(ContentError(decision.path, f"file name does not match reference {decision.reference!r}: "
                                                       f"rename it to {decision.slug}.md (and add the old slug to aliases)"))
        if decision.slug in seen:
            errors.append(ContentError(decision.path, f"reference {decision.reference!r} is also in {seen[decision.slug]}; "
                                                       "keep one file per decision"))
        seen.setdefault(decision.slug, decision.path)
    for decision in decisions:
        for alias in decision.aliases:
            if alias in seen and alias != decision.slug:
                errors.append(ContentError(decision.path, f"alias {alias!r} is the address of {seen[alias]}: "
                                                           "take it out of aliases"))
    return errors

def _clashes_of(decisions: list[FrontMatter], sources: dict[str, Source]) -> list[DigestError]:
    """`_clashes` for a few decisions read again, among all the others (which had none: each is in the file
    its slug names, so a reference held twice means a file named for another one)."""
    errors: list[DigestError] = []
    for decision in decisions:
        assert decision.path is not None
        if decision.path.name != f"{decision.slug}.md":
            errors.append(ContentError(decision.path, f"file name does not match reference {decision.reference!r}: "
                                                       f"rename it to {decision.slug}.md (and add the old slug to aliases)"))
            other = sources.get(f"{decision.slug}.md")
            if other is not None:
                errors.append(ContentError(decision.path, f"reference {decision.reference!r} is also in "
                                                           f"{other.front.path}; keep one file per decision"))
        for alias in decision.aliases:
            if f"{alias}.md" in sources and alias != decision.slug:
                errors.append(ContentError(decision.path, f"alias {alias!r} is the address of "
                                                           f"{sources[f'{alias}.md'].front.path}: take it out of aliases"))
    slugs = {decision.slug for decision in decisions if decision.path and decision.path.name == f"{decision.slug}.md"}
    for source in sources.values():
        for alias in source.front.aliases:
            if alias in slugs and alias != source.front.slug:
                errors.append(ContentError(source.front.path, f"alias {alias!r} is the address of "
                                                               f"{sources[f'{alias}.md'].front.path}: take it out of aliases"))
    return errors


def read_content_bytes(path: Path) -> bytes:
    """A content file's bytes, refusing one too big to be one (`decode_content` refuses what is not text)."""
    try:
        size = path.stat().st_size
        if size > MAX_CONTENT_BYTES:
            raise ContentError(path, f"file is {size / 1_000_000:.1f} MB; a decision file is far smaller "
                                     f"(limit {MAX_CONTENT_BYTES // 1_000_000} MB): is it the right file?")
        return path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise ContentError(path, f"is a link to {os.readlink(path)}, which is not there: "
                                     "link it to the decision's file, or remove it") from None
        raise ContentError(path, "cannot be read: it is no longer there") from None
    except OSError as error:
        raise ContentError(path, f"cannot be read: {error.strerror}") from None

