"""The build cache: what the last build read and wrote, kept in one folder (`.digest-cache/` beside the
output) so the next build redoes only what changed.

Nothing in it is trusted blindly: content files are matched by size and mtime, then by digest; an output
file counts as there only while its size and mtime are as recorded; a cache that cannot be read, or was
written by other code, is ignored (the build is then a cold one). Deleting the folder is always safe.

  manifest.pickle   settings digest, content file stamps, output files, render units (key and files)
  sources.pickle    each content file's digest and parsed decision (not read when nothing changed)
  search.pickle     the search index's state (see `search.SearchState`), read only when decisions changed
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment

from ..content.files import write_atomically
from ..content.folder import Source
from ..digest import digest
from ..search.files import IndexMemo
from ..search.postings import SearchState
from ..site.downloads import DataMemo
from .output import Output

FORMAT = 1
PACKAGE = Path(__file__).resolve().parent.parent      # generator/, every stage's folder in it


class Unit(NamedTuple):
    """A group of output files rendered together (a page, a feed, a decision's page and text parts)."""
    key: str
    paths: tuple[str, ...]


@dataclass
class Manifest:
    settings: str = ""                                             # code, config, templates, assets, flags
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)   # content file -> (size, mtime_ns)
    outputs: dict[str, Output] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)


@dataclass
class SearchCache:
    state: SearchState
    digests: list[str]        # id -> digest of the decision's file when it was read


@dataclass
class Cache:
    manifest: Manifest = field(default_factory=Manifest)
    sources: dict[str, Source] | None = None          # None: not loaded (yet)
    search: SearchCache | None = None
    # Kept in memory only, by a long-running caller: the Jinja environment (it reloads a template whose
    # file changes), keyed by the templates folder and the asset addresses it was made with.
    environment: tuple[object, Environment] | None = None
    entries: tuple[str, dict] | None = None        # (settings, slug -> Entry) of the last build
    listing: tuple | None = None                   # (settings, environment, entries, units of their pages)
    index_memo: IndexMemo = field(default_factory=IndexMemo)    # see search.index_files
    data_memo: DataMemo = field(default_factory=dict)           # see data.render_data
    saved: tuple[int, int] | None = None   # the saved manifest's stamp as last seen (see saved_stamp)


def saved_stamp(cache_dir: Path) -> tuple[int, int] | None:
    """Size and mtime of the manifest in the cache folder: every build from the command line saves it, so a
    long-running caller that sees it change knows another build changed the output folder."""
    try:
        stat = (cache_dir / "manifest.pickle").stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def default_cache_dir(out_dir: Path) -> Path:
    return out_dir.resolve().parent / ".digest-cache"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The generator's own code: a new version never reuses what an older one made."""
    return digest(str(FORMAT), *(part for path in sorted(PACKAGE.rglob("*.py"))
                                 for part in (path.relative_to(PACKAGE).as_posix(), path.read_bytes())))


def load(cache_dir: Path) -> Cache:
    """The manifest alone; `sources` and `search` are read when the build needs them."""
    manifest = _read(cache_dir / "manifest.pickle", Manifest)
    return Cache(manifest or Manifest())


def load_sources(cache_dir: Path) -> dict[str, Source]:
    return _read(cache_dir / "sources.pickle", dict) or {}


def load_search(cache_dir: Path) -> SearchCache | None:
    return _read(cache_dir / "search.pickle", SearchCache)


def _read(path: Path, kind: type):
    try:
        with open(path, "rb") as file:
            version, value = pickle.load(file)
    except Exception:            # missing, damaged or from other code: build without it
        return None
    return value if version == code_digest() and isinstance(value, kind) else None


def save(cache_dir: Path, cache: Cache) -> None:
    """Sources and search first, the manifest last: each file is replaced whole."""
    make_folder(cache_dir)
    if cache.sources is not None:
        _write(cache_dir / "sources.pickle", cache.sources)
    if cache.search is not None:
        _write(cache_dir / "search.pickle", cache.search)
    _write(cache_dir / "manifest.pickle", cache.manifest)


def make_folder(cache_dir: Path) -> None:
    """The cache folder, with a .gitignore that keeps all of it out of git."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")


def _write(path: Path, value) -> None:
    """Pickled straight to the file (not to bytes first: at archive scale the sources are hundreds of MB)."""
    write_atomically(path, lambda file: pickle.dump((code_digest(), value), file, protocol=pickle.HIGHEST_PROTOCOL))

