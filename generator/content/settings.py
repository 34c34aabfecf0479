"""Site settings: `content/site.yaml` mapped onto one typed object, with defaults and unknown keys rejected."""
from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import ContentError
from ..model import path_slug
from .yaml_text import Places, read_mapping

# A host name: labels of letters, digits and hyphens (not at either end), separated by dots.
HOST = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))*", re.IGNORECASE)


@dataclass(frozen=True)
class Band:
    name: str
    low: int            # smallest whole-pound total in the band
    high: int | None    # largest, or None for the open-ended top band

    @property
    def slug(self) -> str:
        return path_slug(self.name)

    def holds(self, total: int) -> bool:
        return self.low <= total and (self.high is None or total <= self.high)


# Each band runs from one above the previous band's upper limit to its own; the last is open-ended.
DEFAULT_BANDS = (
    ("No financial remedy", 0),
    ("Up to £250", 250),
    ("£251 to £500", 500),
    ("£501 to £1,000", 1000),
    ("£1,001 to £5,000", 5000),
    ("Over £5,000", None),
)


@dataclass(frozen=True)
class SiteConfig:
    title: str = "Decisions Digest"                       # site name, in every page header and feed
    description: str = (                                  # one line for the home page and meta description
        "A searchable digest of Local Government and Social Care Ombudsman decision statements."
    )
    base_url: str = "http://127.0.0.1:8000"               # absolute URL of the published site (canonical, sitemap, feed)
    footer: str = (                                       # text at the foot of every page
        "Decision statements are published by the Local Government and Social Care Ombudsman."
    )
    home_newest: int = 10                                 # how many newest decisions the home page lists
    feed_size: int = 50                                   # how many newest decisions the Atom feed carries
    list_page_size: int = 100                             # decisions on one page of a list (council, band, year...)
    folder_limit: int = 10_000                            # most entries one folder of the output may hold
    decision_layout: str = "auto"                         # auto, plain or sharded: where decision pages are stored
    remedy_bands: tuple[Band, ...] = ()                   # filled from DEFAULT_BANDS when not configured
    search_equivalents: tuple[tuple[str, ...], ...] = ()  # groups of words search takes as one, beside its own

    def band_for(self, total: int) -> Band:
        for band in self.remedy_bands:
            if band.holds(total):
                return band
        return self.remedy_bands[-1]


def bands_from_limits(limits: list[tuple[str, int | None]]) -> tuple[Band, ...]:
    bands, low = [], 0
    for name, high in limits:
        bands.append(Band(name, low, high))
        low = (high if high is not None else low) + 1
    return tuple(bands)


WHOLE_NUMBERS = ("home_newest", "feed_size", "list_page_size", "folder_limit")
LAYOUTS = ("auto", "plain", "sharded")


def load_config(content_dir: Path) -> SiteConfig:
    """Read `site.yaml` from the content folder; every key is optional."""
    path = content_dir / "site.yaml"
    if path.is_symlink() and not path.exists():
        raise ContentError(path, f"is a link to {os.readlink(path)}, which is not there: fix the link or remove it")
    if not path.exists():
        return config_from_mapping({}, path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(path, f"cannot be read ({error}): save it as UTF-8 text") from None
    raw = read_mapping(text, path, 1, "the file", empty={})
    return config_from_mapping(raw, path, Places(text, path, 1))


def config_from_mapping(raw: dict, path: Path, places: Places | None = None) -> SiteConfig:
    def fail(key: str, message: str) -> ContentError:
        return ContentError(path, message, line=places.line(key) if places else None)

    known = {f.name: f for f in fields(SiteConfig)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise fail(unknown[0], f"unknown setting {unknown[0]!r}; known settings: {', '.join(known)}")
    values: dict[str, object] = {}
    for key, value in raw.items():
        if key == "remedy_bands":
            try:
                values[key] = _read_bands(value, path)
            except ContentError as error:
                raise fail(key, error.message) from None
        elif key == "search_equivalents":
            try:
                values[key] = _read_equivalents(value, path)
            except ContentError as error:
                raise fail(key, error.message) from None
        elif key in WHOLE_NUMBERS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise fail(key, f"{key} must be a whole number of at least 1, not {value!r}")
            values[key] = value
        elif key == "decision_layout":
            if value not in LAYOUTS:
                raise fail(key, f"decision_layout must be one of {', '.join(LAYOUTS)}, not {value!r}")
            values[key] = value
        elif not isinstance(value, str):
            raise fail(key, f"{key} must be text, not {value!r}")
        elif key == "base_url":
            problem = base_url_problem(value)
            if problem:
                raise fail(key, f"base_url {problem}")
            values[key] = value.rstrip("/")
        else:
            values[key] = value
    values.setdefault("remedy_bands", bands_from_limits(list(DEFAULT_BANDS)))
    return SiteConfig(**values)  # type: ignore[arg-type]     # each value checked above


def checked_base_url(value: str, path: Path | None, name: str) -> str:
    """A published address is absolute (canonical links, feeds and the sitemap need one), without a final /."""
    problem = base_url_problem(value)
    if problem:
        raise ContentError(path, f"{name} {problem}")
    return value.rstrip("/")


def base_url_problem(value: str) -> str | None:
    """What is wrong with `value` as the address the site is published at, or None: it must be an absolute
    web address (scheme and host, a path if the site is in a folder), with nothing a page could not put in
    front of its own paths (a query, a fragment, spaces)."""
    example = "write it like https://decisions.example.org"
    if not value.startswith(("https://", "http://")):
        return f"must start with https:// (or http://), not {value!r}: {example}"
    if any(char.isspace() or ord(char) < 32 or char in '"<>\\^`{|}' for char in value):
        return f"must not hold spaces, quotes or <>\\^`{{|}} ({value!r}): {example}"
    parts = urlsplit(value)
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return f"must not have a query (?) or fragment (#) ({value!r}): {example}"
    try:
        parts.port      # noqa: B018     # read for its check
    except ValueError:
        return f"has a port that is not a number from 0 to 65535 ({value!r}): {example}"
    host = parts.hostname or ""
    if parts.username is not None or not (_host_name(host) or _ip_address(host)):
        return f"must name a host, as in https://decisions.example.org, not {value!r}"
    return None


def _host_name(host: str) -> bool:
    try:
        return bool(HOST.fullmatch(host.encode("idna").decode("ascii")))     # bücher.example as xn--bcher-kva.example
    except UnicodeError:
        return False


def _ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _read_equivalents(value: object, path: Path) -> tuple[tuple[str, ...], ...]:
    """`search_equivalents: [[EHCP, EHC plan, education health and care plan], ...]`: each a list of two or
    more words or phrases that a search for any of them also searches for."""
    hint = "search_equivalents must be a list of lists, each of two or more words or phrases"
    if not isinstance(value, list):
        raise ContentError(path, f"{hint}, not {value!r}")
    groups = []
    for position, group in enumerate(value):
        if (not isinstance(group, list) or len(group) < 2
                or not all(isinstance(item, (str, int)) and not isinstance(item, bool) for item in group)):
            raise ContentError(path, f"{hint} (item {position + 1}: {group!r})")
        items = tuple(str(item).strip() for item in group)
        empty = next((item for item in items if not any(c.isalnum() for c in item)), None)
        if empty is not None:
            raise ContentError(path, f"{hint} (item {position + 1}: {empty!r} has no letters or digits)")
        groups.append(items)
    return tuple(groups)


def _read_bands(value: object, path: Path) -> tuple[Band, ...]:
    """`remedy_bands: [{name: "Up to £250", max: 250}, ..., {name: "Over £5,000"}]`, in rising order."""
    hint = "remedy_bands must be a list of {name: ..., max: N}, rising, the last without max"
    if not isinstance(value, list) or not value:
        raise ContentError(path, hint)
    limits: list[tuple[str, int | None]] = []
    for position, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or set(item) - {"name", "max"}:
            raise ContentError(path, f"{hint} (item {position + 1})")
        high = item.get("max")
        last = position == len(value) - 1
        if (high is None) != last or (high is not None and (not isinstance(high, int) or isinstance(high, bool))):
            raise ContentError(path, f"{hint} (item {position + 1}: {item['name']!r})")
        if limits and high is not None and limits[-1][1] is not None and high <= limits[-1][1]:
            raise ContentError(path, f"{hint} (item {position + 1}: max must rise)")
        clash = next((name for name, _ in limits if path_slug(name) == path_slug(item["name"])), None)
        if clash is not None:
            raise ContentError(path, f"remedy bands {clash!r} and {item['name']!r} would share one page "
                                     f"(/remedies/{path_slug(clash)}/): give them names that differ in letters or digits")
        limits.append((item["name"], high))
    if limits[0][1] != 0:
        raise ContentError(path, "the first remedy band must be the no-money band, with max: 0")
    return bands_from_limits(limits)
