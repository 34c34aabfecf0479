"""What keeps a build from doing harm: an output folder it would wreck is refused, one build of a folder
runs at a time, and every way a build can fail (a disk error, a worker process lost, a template error)
ends in one line, with the output folder as it was."""
from __future__ import annotations

import os
import shutil
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from ..errors import BuildErrors, ContentError, DigestError
from . import journal
from .journal import MARKER, unfinished
from .output import built_here, finish, held, staging_folder, users_own
from .state import drop_record, make_folder, touch_record

Waiting = Callable[[str], object]


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
def one_build_at_a_time(state_dir: Path, out_dir: Path, waiting: Waiting | None) -> Iterator[None]:
    """Hold the output folder's build lock (a file in its state folder) for a build: two builds of one
    folder at once would stage into the same folder, and one could swap in half the other's site. Before
    anything else, a commit that a stopped build left unfinished is finished. A build that fails leaves no
    state folder (nor `.digest-cache`) that it made."""
    made = [folder for folder in (state_dir, state_dir.parent) if not folder.exists()]
    make_folder(state_dir)
    told = None if waiting is None else lambda: waiting(f"waiting for another build of {out_dir} to finish")
    with held(state_dir / "build.lock", told):
        try:
            finish_interrupted_commit(state_dir, out_dir, waiting)
            yield
        except BaseException:
            remove_if_unused(made)
            raise


def remove_if_unused(folders: list[Path]) -> None:
    """Remove these folders (the state folder, then `.digest-cache`) if they hold nothing but the build lock
    and the .gitignore: what a build makes before it knows whether it will succeed."""
    for folder in folders:
        try:
            left = set(os.listdir(folder))
            if left <= {"build.lock", ".gitignore"}:
                for name in left:
                    (folder / name).unlink()
                folder.rmdir()
        except OSError:
            return


def finish_interrupted_commit(state_dir: Path, out_dir: Path, tell: Waiting | None) -> None:
    """A build stopped while putting its files in place (its journal, and the output folder's marker, are
    still there): finish its commit, or, if that cannot be done, forget the last build's record so that
    this build makes the site again whole (the marker goes when it is in place)."""
    if not unfinished(out_dir) and not journal.journal_there(state_dir):
        return
    record = journal.read(state_dir)
    try:
        whole = record is not None and finish(record, out_dir)
    except OSError as error:
        raise disk_error(error, out_dir, "a build that was stopped left it unfinished, and its files could not be "
                                         "put back: fix that and build again") from None
    if whole:
        (out_dir / MARKER).unlink(missing_ok=True)
        (state_dir / journal.JOURNAL).unlink(missing_ok=True)
        shutil.rmtree(staging_folder(out_dir.resolve()), ignore_errors=True)
        touch_record(state_dir)
        what = "completed it"
    else:
        drop_record(state_dir)
        (state_dir / journal.JOURNAL).unlink(missing_ok=True)
        what = "building it again whole"
    if tell is not None:
        tell(f"{out_dir}: a build was stopped while it put files in place, leaving the folder unfinished; {what}")


@contextmanager
def failures_reported(out_dir: Path, templates_dir: Path) -> Iterator[None]:
    """A file that cannot be read or written (disk full, no permission), a worker process that dies
    (killed, or out of memory) or a template that fails ends the build with one line, like bad input. Until
    the commit, the new site is only in the staging folder, cleared away by then."""
    try:
        yield
    except BrokenProcessPool:
        raise DigestError(None, "a build worker process stopped before its work was done (killed, or out of "
                                "memory?); nothing was changed: build again, or with --jobs 1 to use one process"
                          ) from None
    except TemplateError as error:
        raise BuildErrors([template_error(error, templates_dir)]) from None
    except OSError as error:
        raise disk_error(error, out_dir, "the build stopped and nothing was changed: fix that and build again"
                         ) from None


def disk_error(error: OSError, out_dir: Path, outcome: str) -> DigestError:
    """The error's file as the user knows it: a staged file by its place in the output folder."""
    out_dir = out_dir.resolve()
    path = Path(error.filename) if error.filename else out_dir
    staging = staging_folder(out_dir)
    if path.is_relative_to(staging):
        path = out_dir / path.relative_to(staging)
    return DigestError(path, f"{error.strerror or error}; {outcome}")


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
