"""The `digest` command: import, build, serve, check. User errors become one line each and a non-zero exit."""
from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .build import BuildRequest, build
from .content.collections import load_collections
from .content.folder import Loaded, load_decisions
from .content.settings import load_config
from .errors import BuildErrors, DigestError
from .incremental.journal import MARKER, unfinished
from .incremental.workers import default_jobs
from .model import Decision
from .progress import ProgressBar
from .site.collections import quoting

if TYPE_CHECKING:
    from .importing import Outcome


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BuildErrors as failure:
        for error in failure.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"build failed: {len(failure.errors)} error(s); nothing was written", file=sys.stderr)
        return 1
    except DigestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="digest", description="Build a searchable website of Ombudsman decisions.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    command = commands.add_parser("import", help="turn raw decision statements into content files")
    command.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                         help="a raw decision file, a folder of them, or - for standard input (a pasted statement)")
    command.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    command.add_argument("--force", action="store_true",
                         help="replace existing content files that differ (the old text is kept in a .bak)")
    command.add_argument("--name", default=None, metavar="FILE",
                         help="the file name `source` records for standard input (default: stdin)")
    add_jobs_option(command, "read")
    command.add_argument("-q", "--quiet", action="store_true", help="print errors and the summary only")
    command.set_defaults(run=run_import)

    command = commands.add_parser("build", help="build the site")
    command.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    command.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    command.add_argument("--templates", type=Path, default=None, help="templates folder (default: templates)")
    command.add_argument("--strict", action="store_true", help="treat warnings (unknown keys) as errors")
    command.add_argument("--base-url", default=None,
                         help="address the site is published at, instead of base_url in site.yaml (deploy previews)")
    command.add_argument("--clean", action="store_true",
                         help="ignore the build cache and render everything (a cold build)")
    add_jobs_option(command)
    loudness = command.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    loudness.add_argument("-v", "--verbose", action="store_true",
                          help="also list the files written and removed, and time each stage")
    command.set_defaults(run=run_build)

    command = commands.add_parser("serve", help="build, serve with live reload, rebuild on change")
    command.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    command.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default: 127.0.0.1, this computer only)")
    command.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    command.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    command.add_argument("--templates", type=Path, default=None, help="templates folder (default: templates)")
    command.add_argument("--strict", action="store_true", help="treat warnings (unknown keys) as errors")
    add_jobs_option(command)
    command.set_defaults(run=run_serve)

    command = commands.add_parser("check", help="validate content and list decisions that need review")
    command.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    command.add_argument("--out", type=Path, default=Path("site"),
                         help="output folder whose last build must have ended (default: site)")
    command.add_argument("--strict", action="store_true", help="treat warnings (unknown keys) as errors")
    command.set_defaults(run=run_check)
    return top


def add_jobs_option(command: argparse.ArgumentParser, verb: str = "render") -> None:
    command.add_argument("--jobs", "-j", type=positive_int, default=None, metavar="N",
                         help=f"{verb} with N processes (default: all {default_jobs()} cores)")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run_import(args: argparse.Namespace) -> int:
    from .importer.text import MAX_BYTES                # the reader: not loaded for every build
    from .importing import STDIN, ImportRequest, Interrupted, import_statements

    stdin = b""
    if any(str(path) == STDIN for path in args.paths):
        if sys.stdin.isatty():
            print("Paste the statement (or several), then press Ctrl-D on a line of its own (Ctrl-Z, Enter on "
                  "Windows):", file=sys.stderr)
        stdin = sys.stdin.buffer.read(MAX_BYTES + 1)
    request = ImportRequest(tuple(args.paths), args.content, force=args.force, jobs=args.jobs, stdin=stdin,
                            stdin_name=args.name)
    bar = Bars(sys.stderr) if sys.stderr.isatty() and not args.quiet else None

    def tell(item: Outcome | DigestError) -> None:
        if bar and (isinstance(item, DigestError) or (not args.quiet and sys.stdout.isatty())):
            bar.clear()                                         # the line goes where the bar is
        if isinstance(item, DigestError):
            print(f"error: {item}", file=sys.stderr)
        elif not args.quiet:
            print(outcome_line(item))

    stopped = False
    try:
        report = import_statements(request, tell, progress=bar)
    except Interrupted as stop:                 # Ctrl-C: what was done by then, as always
        report, stopped = stop.report, True
    finally:
        if bar:
            bar.close()
    print(report.summary())
    if stopped:
        print("interrupted: the files written are kept; the same command again goes on from there", file=sys.stderr)
        return 130
    return 1 if report.errors else 0


def outcome_line(outcome: Outcome) -> str:
    guessed = f"  guessed: {', '.join(outcome.guessed)}" if outcome.guessed else ""
    if outcome.what == "kept":
        return f"{outcome.slug}  kept: {outcome.path} exists and differs (use --force to replace it){guessed}"
    if outcome.what == "replaced":
        kept = f" (the old text is in {outcome.backup.name})" if outcome.backup else ""
        return f"{outcome.slug}  replaced: {outcome.path}{kept}{guessed}"
    return f"{outcome.slug}  {outcome.what}: {outcome.path}{guessed}"


class Bars:
    """A progress bar a stage: (label, done, total) -> that stage's bar; cleared for a line printed meanwhile."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: ProgressBar | None = None

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.bar is None or self.bar.label != label:
            self.close()
            self.bar = ProgressBar(self.stream, label, time_left=True)
        self.bar(done, total)

    def clear(self) -> None:
        if self.bar:
            self.bar.clear()

    def close(self) -> None:
        if self.bar:
            self.bar.close()


def run_build(args: argparse.Namespace) -> int:
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.quiet else None
    try:
        request = BuildRequest(args.content, args.out, args.templates, mode="cold" if args.clean else "incremental",
                               jobs=args.jobs, base_url=args.base_url, strict=args.strict)
        report = build(request, progress=bar, waiting=None if args.quiet else partial(print, file=sys.stderr))
    except (BuildErrors, DigestError):
        if unfinished(args.out):
            print(f"error: {unfinished_folder(args.out)}", file=sys.stderr)
        raise
    finally:
        if bar:
            bar.close()
    if args.quiet:
        return 0
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.verbose:
        for path in report.written_paths:
            print(f"written  {path}")
        for path in report.removed_paths:
            print(f"removed  {path}")
        print(f"{report.rendered} units rendered again; stages: "
              + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.timings.items()))
    print(report.summary())
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve   # livereload is only needed here

    serve(args.content, args.out, args.templates, port=args.port, host=args.host, strict=args.strict,
          jobs=args.jobs)
    return 0


def unfinished_folder(out: Path) -> DigestError:
    return DigestError(out / MARKER, "the folder is unfinished: a build was stopped while it put files in place; "
                                     "do not publish it: `digest build` completes it")


def run_check(args: argparse.Namespace) -> int:
    loaded = load_decisions(args.content, strict=args.strict)
    errors = list(loaded.errors)
    if (args.content / "decisions").is_dir():           # else that is the one error
        try:
            load_config(args.content)                   # site.yaml, as the build reads it
        except DigestError as settings_error:
            errors.insert(0, settings_error)
    if unfinished(args.out):
        errors.insert(0, unfinished_folder(args.out))
    errors += collection_errors(args.content, loaded)
    for warning in loaded.warnings:
        print(f"warning: {warning}")
    for error in errors:
        print(f"error: {error}")
    review = [d for d in loaded.decisions if d.needs_review]
    for decision in review:
        print(f"{decision.path}: needs review:")
        for name in decision.needs_review:
            print(f"  - {name}: {describe(decision, name)}")
    print(f"{len(loaded.decisions)} decisions checked: {len(errors)} error(s), "
          f"{len(loaded.warnings)} warning(s), {len(review)} need review")
    return 1 if errors else 0


def collection_errors(content: Path, loaded: Loaded) -> list[DigestError]:
    """What the build would report of the collections: unknown references, paragraphs a decision lacks."""
    found = load_collections(content, loaded)
    _, errors = quoting(found, lambda slug: loaded.sources[f"{slug}.md"].body_text()
                        if f"{slug}.md" in loaded.sources else None)
    return errors


def describe(decision: Decision, name: str) -> str:
    """What the field holds now, so an editor knows what to confirm or fix."""
    if name == "remedy":
        note = f" ({decision.remedy.note})" if decision.remedy.note else ""
        waived = sum(waiver.amount for waiver in decision.remedy.waived)
        also = f", £{waived:,.2f} refunded or written off".replace(".00 ", " ") if waived else ""
        return f"total £{decision.remedy.total:,}{also}{note}"
    if name == "body":
        if not decision.body:
            return "not printed (empty)"
        return "may be cut short or split wrongly: compare it with the published statement"
    value = getattr(decision, name, None)
    return "not printed (empty)" if value in (None, "", ()) else f"inferred as {value!s}"
