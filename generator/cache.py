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

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader, meta, nodes

from .content import Source, write_atomically
from .data import DataMemo
from .search import IndexMemo, SearchState

FORMAT = 1
PACKAGE = Path(__file__).resolve().parent


class Output(NamedTuple):
    size: int
    mtime_ns: int
    digest: str


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


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The generator's own code: a new version never reuses what an older one made."""
    return digest(str(FORMAT), *(path.read_bytes() for path in sorted(PACKAGE.glob("*.py"))))


def template_digests(templates_dir: Path) -> dict[str, str]:
    """Each template's digest, covering every template it extends, includes or imports."""
    names = [name for name in FileSystemLoader(templates_dir).list_templates() if not name.startswith("static/")]
    return dict(_template_digests(templates_dir, tuple(_stamp(templates_dir / name) for name in names),
                                  tuple(names)))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@lru_cache(maxsize=8)
def _template_digests(templates_dir: Path, stamps: tuple, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(Worked out again only when a template's size or mtime changes.)"""
    sources = {name: (templates_dir / name).read_bytes() for name in names}
    uses = {name: _references(source) & sources.keys() for name, source in sources.items()}

    def closure(name: str) -> list[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(uses[current])
        return sorted(seen)

    return tuple((name, digest(*(part for used in closure(name) for part in (used, sources[used])))) for name in names)


@lru_cache(maxsize=256)
def _references(source: bytes) -> frozenset[str]:
    """The templates a template's text names in extends, include and import, and as the item template of
    `list_items` (see `render.ListItems`)."""
    try:
        parsed = Environment().parse(source.decode("utf-8"))
    except Exception:            # a template the build will report; its digest is then its bytes alone
        return frozenset()
    items = (call.args[1].value for call in parsed.find_all(nodes.Call)
             if isinstance(call.node, nodes.Name) and call.node.name == "list_items" and len(call.args) == 2
             and isinstance(call.args[1], nodes.Const))
    return frozenset(name for name in (*meta.find_referenced_templates(parsed), *items) if isinstance(name, str))


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

