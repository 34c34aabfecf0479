"""What a commit is about to do, written down before it starts, so that a build killed in the middle of one
(power cut, `kill -9`, out of memory) leaves nothing a deploy could publish without notice.

Before the first file of the output folder changes, the commit writes its journal (`commit.journal` in the
state folder: the staging folder, the files to put in place with their sizes and times, the files to
remove, the user's own names it moves) and then the marker `.digest-unfinished` at the top of the output
folder. When everything is in place it removes the marker, then the journal. A marker is thus never there
without its journal (unless the state folder was deleted), and the next build or preview start, before
anything else, finishes the commit from the journal (`output.finish`) or, when it cannot, builds the site
again whole; either way it removes the marker.

The marker's name starts with a dot, so by the build's own rules it is the user's: no build counts it as
part of the site, and a deploy check can look for it (`test ! -e site/.digest-unfinished`).

Nothing here is synced to disk: a process that is killed leaves what it wrote with the system, and an
edit-to-reload must stay quick.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..content.files import write_atomically

MARKER = ".digest-unfinished"
JOURNAL = "commit.journal"
FORMAT = 1

MARKER_TEXT = """\
A build of this folder was stopped while it put its files in place: the folder may hold parts of two
versions of the site. Do not publish it. The next `digest build` or `digest serve` of this folder
completes it and removes this file; `digest check --out FOLDER` reports it.
"""


@dataclass(frozen=True)
class Journal:
    """One commit: `in place` renames the staged files `written` into the output folder and removes
    `removed`; `swap` moves the user's own names `own` into the staging folder and exchanges the two."""
    kind: str                                                        # "in place" or "swap"
    staging: str
    written: dict[str, tuple[int, int]] = field(default_factory=dict)    # path -> (size, mtime_ns) as staged
    removed: tuple[str, ...] = ()
    own: tuple[str, ...] = ()


def unfinished(out_dir: Path) -> bool:
    """Does the output folder carry the marker of a commit that did not end?"""
    return (out_dir / MARKER).exists()


def begin(state_dir: Path, out_dir: Path, journal: Journal) -> None:
    """Write the journal, then mark the output folder (if there is one yet) unfinished."""
    record = {"format": FORMAT, "kind": journal.kind, "staging": journal.staging, "removed": list(journal.removed),
              "own": list(journal.own), "written": {path: list(stamp) for path, stamp in journal.written.items()}}
    write_atomically(state_dir / JOURNAL, json.dumps(record, separators=(",", ":")).encode("utf-8"))
    if out_dir.is_dir():
        (out_dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def end(state_dir: Path, out_dir: Path) -> None:
    """The commit is done: the marker goes first, then the journal that explains it."""
    (out_dir / MARKER).unlink(missing_ok=True)
    (state_dir / JOURNAL).unlink(missing_ok=True)


def read(state_dir: Path) -> Journal | None:
    """The journal of a commit that did not end, or None: none, or one that cannot be read (the caller
    then builds the site again whole)."""
    try:
        record = json.loads((state_dir / JOURNAL).read_text(encoding="utf-8"))
        if record.get("format") != FORMAT or record["kind"] not in ("in place", "swap"):
            return None
        return Journal(record["kind"], str(record["staging"]),
                       {str(path): (int(size), int(mtime)) for path, (size, mtime) in record["written"].items()},
                       tuple(map(str, record["removed"])), tuple(map(str, record["own"])))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def journal_there(state_dir: Path) -> bool:
    return (state_dir / JOURNAL).exists()
