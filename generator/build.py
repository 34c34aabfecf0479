"""The build, top to bottom: settings -> decisions -> entries and indexes -> pages, feeds, sitemap, redirects,
data, search index -> content-hashed assets -> the output folder, swapped in at once."""
from __future__ import annotations

import ctypes
import os
import shutil
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .assets import fingerprint
from .config import checked_base_url, load_config
from .content import load_decisions
from .errors import BuildErrors, ContentError, DigestError
from .data import render_data
from .feeds import render_feeds, render_redirects, render_sitemap
from .render import make_environment, render_pages
from .search import render_search_index
from .taxonomy import make_entries, make_taxonomies

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass
class BuildReport:
    decisions: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    warnings: list[DigestError] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.decisions} decisions: {self.written} files written, {self.unchanged} unchanged, "
                f"{self.removed} removed in {self.seconds:.2f}s")


def default_templates() -> Path:
    """`templates/` in the working folder when there is one, else the project's own."""
    local = Path("templates")
    return local if local.is_dir() else PACKAGE_TEMPLATES


def build(content_dir: Path, out_dir: Path, templates_dir: Path | None = None, strict: bool = False,
          base_url: str | None = None) -> BuildReport:
    started = time.perf_counter()
    templates_dir = templates_dir or default_templates()

    # Settings and decisions: every content error is collected, and nothing is written if there is one.
    config = load_config(content_dir)
    if base_url:
        config = replace(config, base_url=checked_base_url(base_url, None, "--base-url"))
    loaded = load_decisions(content_dir, strict=strict)
    if loaded.errors:
        raise BuildErrors(loaded.errors)

    # Entries (rendered bodies, bands, links) and the four indexes.
    entries = make_entries(loaded.decisions, config)
    taxonomies = make_taxonomies(entries, config)

    # Pages, then the files derived from them: feeds, sitemap, redirects, data, search index.
    assets = fingerprint(templates_dir / "static")
    try:
        env = make_environment(templates_dir, assets)
        pages = list(render_pages(env, config, entries, taxonomies))
        pages.extend(render_feeds(env, config, entries, taxonomies))
        pages.append(render_sitemap(env, config, pages))
    except TemplateError as error:
        raise BuildErrors([template_error(error, templates_dir)]) from None
    pages.append(render_redirects(entries))
    pages.extend(render_data(config, entries))
    pages.extend(render_search_index(config, entries))

    # Output: pages and content-hashed assets, swapped in all at once.
    files = {page.path: page.text.encode("utf-8") for page in pages}
    files.update(assets.files)
    report = BuildReport(decisions=len(entries), warnings=loaded.warnings)
    report.written, report.unchanged, report.removed = publish(files, out_dir)
    report.seconds = time.perf_counter() - started
    return report


def template_error(error: TemplateError, templates_dir: Path) -> DigestError:
    """Name the template and line: Jinja puts template frames in the traceback, innermost last."""
    if isinstance(error, TemplateSyntaxError):
        return ContentError(templates_dir / (error.name or "?"), error.message or "template syntax error",
                            line=error.lineno)
    root = str(templates_dir.resolve())
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.startswith(root) and frame.filename.endswith((".html", ".xml"))]
    if frames:
        return ContentError(frames[-1].filename, f"template error: {error}", line=frames[-1].lineno)
    return ContentError(templates_dir, f"template error: {error}")


def publish(files: dict[str, bytes], out_dir: Path) -> tuple[int, int, int]:
    """Make `out_dir` hold exactly `files`, all at once.

    The new site is assembled in a staging folder beside the output (unchanged files are hard links to
    the old ones, so their mtime is kept and a deploy uploads only real changes), then swapped in
    atomically; a failure before the swap leaves the old site exactly as it was.
    """
    out_dir = out_dir.resolve()
    staging = out_dir.with_name(f".{out_dir.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    written = unchanged = 0
    try:
        for relative, data in sorted(files.items()):
            target, old = staging / relative, out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if old.is_file() and old.stat().st_size == len(data) and old.read_bytes() == data:
                keep_file(old, target)
                unchanged += 1
            else:
                target.write_bytes(data)
                written += 1
        removed = len(relative_files(out_dir) - set(files))
        swap_folders(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)   # after the swap, this is the old site
    return written, unchanged, removed


def keep_file(old: Path, target: Path) -> None:
    try:
        os.link(old, target)
    except OSError:              # a file system without hard links
        shutil.copy2(old, target)


def relative_files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


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
