"""Static assets (CSS, JS) published under content-hashed names, so browsers and CDNs may cache them forever."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateRuntimeError

ASSETS_URL = "/assets/"


@dataclass(frozen=True)
class Assets:
    urls: dict[str, str]          # "style.css" -> "/assets/style.1a2b3c4d5e.css"
    files: dict[str, bytes]       # output path -> bytes

    def url(self, name: str) -> str:
        """For templates: `{{ asset('style.css') }}`. An unknown name fails the build loudly."""
        try:
            return self.urls[name]
        except KeyError:
            raise TemplateRuntimeError(f"asset({name!r}): there is no such file in templates/static/") from None


def fingerprint(folder: Path) -> Assets:
    paths = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []
    stamps = tuple((p, (stat.st_size, stat.st_mtime_ns)) for p in paths if (stat := p.stat()))
    return _fingerprint(folder, stamps)


@lru_cache(maxsize=8)
def _fingerprint(folder: Path, stamps: tuple) -> Assets:
    """(Read again only when a file's size or mtime changes.)"""
    urls, files = {}, {}
    for path, _ in stamps:
        data = path.read_bytes()
        name = path.relative_to(folder).as_posix()
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
        urls[name] = ASSETS_URL + hashed
        files[ASSETS_URL.strip("/") + "/" + hashed] = data
    return Assets(urls, files)
