"""The build, top to bottom: settings -> decisions -> pages, feed, sitemap, search index -> static files -> output."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .config import load_config
from .content import load_decisions
from .errors import BuildErrors, ContentError, DigestError
from .render import make_environment, render_feed, render_pages, render_sitemap
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


def build(content_dir: Path, out_dir: Path, templates_dir: Path | None = None) -> BuildReport:
    started = time.perf_counter()
    templates_dir = templates_dir or default_templates()

    # Settings and decisions: every content error is collected, and nothing is written if there is one.
    config = load_config(content_dir)
    loaded = load_decisions(content_dir)
    if loaded.errors:
        raise BuildErrors(loaded.errors)

    # Entries (rendered bodies, bands, links) and the four indexes.
    entries = make_entries(loaded.decisions, config)
    taxonomies = make_taxonomies(entries, config)

    # Pages, then the files derived from them.
    try:
        env = make_environment(templates_dir)
        pages = list(render_pages(env, config, entries, taxonomies))
        pages.append(render_feed(env, config, entries))
        pages.append(render_sitemap(env, config, pages))
    except TemplateError as error:
        raise BuildErrors([template_error(error, templates_dir)]) from None
    pages.extend(render_search_index(config, entries))

    # Output: static assets beside the pages; only files whose bytes changed are rewritten.
    files = {page.path: page.text.encode("utf-8") for page in pages}
    files.update(static_files(templates_dir / "static"))
    report = BuildReport(decisions=len(entries), warnings=loaded.warnings)
    report.written, report.unchanged, report.removed = publish(files, out_dir)
    report.seconds = time.perf_counter() - started
    return report


def template_error(error: TemplateError, templates_dir: Path) -> DigestError:
    if isinstance(error, TemplateSyntaxError):
        return ContentError(templates_dir / (error.name or "?"), error.message or "template syntax error",
                            line=error.lineno)
    return ContentError(templates_dir, f"template error: {error}")


def static_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {f"static/{path.relative_to(folder).as_posix()}": path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.name.startswith(".")}


def publish(files: dict[str, bytes], out_dir: Path) -> tuple[int, int, int]:
    """Make `out_dir` hold exactly `files`: changed files replaced atomically, the rest left as they are
    (mtime kept, so a deploy uploads only real changes), files no longer built removed."""
    written = unchanged = 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for relative, data in sorted(files.items()):
        target = out_dir / relative
        if target.is_file() and target.read_bytes() == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        written += 1
    return written, unchanged, remove_stale(out_dir, set(files))


def remove_stale(out_dir: Path, keep: set[str]) -> int:
    removed = 0
    for path in sorted(out_dir.rglob("*"), reverse=True):
        relative = path.relative_to(out_dir).as_posix()
        if path.is_file() and relative not in keep:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
