"""The `digest` command: import, build, serve, check. User errors become one line each and a non-zero exit."""
from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from .build import BuildRequest, build
from .content.collections import load_collections
from .content.folder import Loaded, load_decisions, save_decision
from .content.settings import load_config
from .errors import BuildErrors, DigestError
from .incremental.journal import MARKER, unfinished
from .incremental.workers import default_jobs
from .model import Decision
from .progress import ProgressBar
from .site.collections import quoting

RAW_SUFFIXES = {".txt", ".text", ".html", ".htm", ""}


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
    command.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a raw decision file or a folder of them")
    command.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    command.add_argument("--force", action="store_true", help="replace existing content files (a .bak is kept)")
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


def add_jobs_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--jobs", "-j", type=positive_int, default=None, metavar="N",
                         help=f"render with N processes (default: all {default_jobs()} cores)")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def raw_files(paths: list[Path]) -> list[Path]:
    """Files named directly, and the raw-looking files of named folders (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*"))
                         if p.is_file() and p.suffix.lower() in RAW_SUFFIXES and not p.name.startswith("."))
        else:
            found.append(path)
    return found


def run_import(args: argparse.Namespace) -> int:
    from .importer.statement import read_raw_file      # here, not at the top: every `digest build` would load the reader
    failed = False
    records: dict[str, list[tuple[Path, Decision]]] = {}
    for path in raw_files(args.paths):
        if not path.exists():
            print(f"error: {path}: no such file or folder", file=sys.stderr)
            failed = True
            continue
        try:
            decision = read_raw_file(path)
        except DigestError as error:
            print(f"error: {error}", file=sys.stderr)
            failed = True
            continue
        records.setdefault(decision.slug, []).append((path, decision))

    for slug, found in sorted(records.items()):
        if len(found) > 1:
            files = " and ".join(str(path) for path, _ in found)
            print(f"error: {slug}: the same reference is in {files}; import them one at a time", file=sys.stderr)
            failed = True
            continue
        path, decision = found[0]
        try:
            target, what = save_decision(decision, args.content, force=args.force)
        except OSError as error:            # disk full, no permission: written whole or not at all
            where = error.filename or args.content / "decisions" / f"{slug}.md"
            print(f"error: {where}: {error.strerror or error}; not imported: fix that and import it again",
                  file=sys.stderr)
            failed = True
            continue
        guessed = f"  guessed: {', '.join(decision.needs_review)}" if decision.needs_review else ""
        if what == "exists":
            print(f"{slug}  kept: {target} exists and differs (use --force to replace it){guessed}")
        else:
            print(f"{slug}  {what}: {target}{guessed}")
    return 1 if failed else 0


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
    _, errors = quoting(found, lambda slug: loaded.sources[f"{slug}.md"].body.decode("utf-8")
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
