"""Netlify's `_redirects`, the subset the build writes, read and applied as Netlify applies it, so that the
preview answers every address as the published site does (`tests/test_host_rules.py` holds both to the
same addresses, Netlify's own engine included):

- one rule a line, `from to status` (status 301 when left out); a line starting with `#` is a comment;
- `from` is a path, matched exactly (with or without a trailing slash), or a prefix ending in `*` (a
  splat), whose rest `to` takes as `:splat`; `/a/*` also matches `/a`;
- rules are tried in order and the first that matches wins, but a file that exists at the address is
  served before any rule (no rule is forced with `!`);
- 301 and 302 send the browser to `to` (Netlify carries a query string over; the preview answers paths
  alone); 200 serves the file at `to` under the address asked for.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILE_NAME = "_redirects"
STATUSES = (200, 301, 302, 404)


@dataclass(frozen=True)
class Rule:
    source: str
    target: str
    status: int

    def line(self) -> str:
        return f"{self.source} {self.target} {self.status}"


@dataclass(frozen=True)
class Routed:
    """Where a rule sends an address."""
    target: str
    status: int

    @property
    def redirect(self) -> bool:
        return 300 <= self.status < 400


def parse_rules(text: str) -> list[Rule]:
    """The rules of a `_redirects` file; a line this subset has no meaning for (a condition, a forced
    rule: none that the build writes) is passed over."""
    rules = []
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#") or len(parts) > 3:
            continue
        status = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else 301 if len(parts) == 2 else None
        if status in STATUSES:
            rules.append(Rule(parts[0], parts[1], status))
    return rules


def route(rules: list[Rule], path: str) -> Routed | None:
    """Where the first rule matching `path` (decoded) sends it, or None. (Whether a file at `path` exists,
    which would be served instead, is the caller's to look at first.)"""
    for rule in rules:
        splat = matched(rule.source, path)
        if splat is not None:
            return Routed(rule.target.replace(":splat", splat), rule.status)
    return None


def matched(source: str, path: str) -> str | None:
    """The splat (`''` for an exact rule) when `source` matches `path`, else None."""
    if source.endswith("*"):
        prefix = source[:-1]
        if path.startswith(prefix):
            return path[len(prefix):]
        return "" if prefix.endswith("/") and path == prefix[:-1] else None
    return "" if path.rstrip("/") == source.rstrip("/") else None


def rules_in(folder: Path) -> list[Rule]:
    """The rules of the `_redirects` file in a built site's folder (none if it has none), read again only
    when the file changes."""
    path = folder / FILE_NAME
    try:
        stat = path.stat()
    except OSError:
        return []
    return _read(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _read(path: Path, size: int, mtime_ns: int) -> list[Rule]:
    return parse_rules(path.read_text(encoding="utf-8"))
