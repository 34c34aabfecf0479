"""Where the output's files go, so that no folder holds more entries than a host takes: decision pages as
plain folders while they fit in `decisions/`, else in shards by the reference's year and middle group
(served at their addresses by `_redirects` rewrites); and the check, before a build commits, that no
folder passes `folder_limit`. ARCHITECTURE.md says why."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..content.settings import SiteConfig
from ..errors import DigestError
from ..model import FrontMatter

STORE = "decision-pages"           # the sharded layout's folder: decision-pages/24-001/24-001-566/index.html
NETLIFY_FOLDER_LIMIT = 54_000      # Netlify refuses a deploy with more entries in one folder


@dataclass(frozen=True)
class Layout:
    sharded: bool

    def page(self, slug: str) -> str:
        """The file a decision's page is stored in (its address is always /decisions/<slug>/)."""
        if self.sharded:
            return f"{STORE}/{shard_of(slug)}/{slug}/index.html"
        return f"decisions/{slug}/index.html"


def shard_of(slug: str) -> str:
    """'24-001-566' -> '24-001': the reference's year and middle group."""
    return slug.rsplit("-", 1)[0]


def choose_layout(config: SiteConfig, decisions: Sequence[FrontMatter]) -> Layout:
    """Sharded when `decision_layout` says so, or (auto) when `decisions/` would pass the folder limit with
    every decision's folder beside its own list pages (index.html, page/, a folder per year)."""
    if config.decision_layout != "auto":
        return Layout(sharded=config.decision_layout == "sharded")
    years = {d.decision_date.year for d in decisions if d.decision_date}
    lists = 1 + (len(decisions) > config.list_page_size) + len(years)
    return Layout(sharded=len(decisions) + lists > config.folder_limit)


def folder_entries(paths: Collection[str]) -> dict[str, int]:
    """Every folder of the output (by path, '' the top) -> how many entries (files and folders) it holds."""
    children: dict[str, set[str]] = {}
    for path in paths:
        parent, _, name = path.rpartition("/")
        while True:
            names = children.setdefault(parent, set())
            if name in names:            # its folders are counted already
                break
            names.add(name)
            if not parent:
                break
            parent, _, name = parent.rpartition("/")
    return {folder: len(names) for folder, names in children.items()}


def check_folder_limit(out_dir: Path, paths: Collection[str], config: SiteConfig) -> None:
    """Stop the build, naming the fullest folder, if any folder would hold more than `folder_limit`."""
    limit = config.folder_limit
    over = {folder: count for folder, count in folder_entries(paths).items() if count > limit}
    if not over:
        return
    folder = max(over, key=lambda name: (over[name], name))
    others = f" (and {len(over) - 1} other folder{'s' if len(over) > 2 else ''})" if len(over) > 1 else ""
    if folder == "decisions" and config.decision_layout == "plain":
        fix = "set decision_layout: auto in site.yaml, to store decision pages in shards"
    else:
        fix = (f"raise folder_limit in site.yaml (Netlify refuses more than {NETLIFY_FOLDER_LIMIT:,} "
               "entries in a folder)")
    raise DigestError(out_dir / folder, f"would hold {over[folder]:,} entries{others}, more than folder_limit "
                                        f"({limit:,}) allows: {fix}; nothing was changed")
