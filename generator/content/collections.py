"""Collections: `content/collections/<slug>.yaml`, a trainer's reading list of decisions and paragraphs.

    title: Safeguarding looked-after children
    intro: |
      Markdown shown above the items.
    items:
      - reference: 24 001 566
        paras: "12-13"          # or 12, a list [3, "12-13"], or all; none: the decision's summary
        note: Why this passage matters.

Read with the front matter's safety (`yaml_text.read_mapping`: no anchors or aliases, every error with its
line). A reference is checked here against the decisions read; whether its paragraphs exist is known only
once its body is rendered, by the site stage (`site.collections.quoted_paragraphs`), with the lines kept
here. Ranges are kept as written, not counted out: a range is only ever walked over the paragraphs its
decision has, so `"1-100000"` costs nothing and is reported as a paragraph the decision lacks.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ContentError, DigestError
from ..model import normalise_reference, reference_slug
from .folder import Loaded
from .yaml_text import Places, read_mapping

FOLDER = "collections"
KEYS = ("title", "intro", "items")
ITEM_KEYS = ("reference", "paras", "note")
SUFFIXES = (".yaml", ".yml")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RANGE = re.compile(r"^\s*([0-9]+)\s*(?:[-–]\s*([0-9]+)\s*)?$")      # ASCII digits only: "١-٣" is refused
PARAS_HINT = 'paras is a number (12), a range ("12-13"), a list of those, or all'
MAX_ITEMS = 500                 # a reading list, not an archive: past these a collection is refused, so that
MAX_QUOTED = 5_000              # a file of a few kilobytes cannot make a page of a hundred megabytes


@dataclass(frozen=True)
class Span:
    """Paragraphs `first` to `last` (one paragraph: first == last), as written on `line`."""
    first: int
    last: int
    line: int


@dataclass(frozen=True)
class Item:
    reference: str                   # "24 001 566", as normalised
    slug: str                        # "24-001-566"
    paras: tuple[Span, ...] | None   # the paragraphs quoted, in the order given; None: the summary
    whole: bool                      # paras: all (the numbers are known once the body is rendered)
    note: str | None
    line: int                        # where the item starts, for errors
    paras_line: int                  # where its paras are written (the item's line when absent)


@dataclass(frozen=True)
class Collection:
    slug: str                        # its file name without .yaml, and its address /collections/<slug>/
    title: str
    intro: str                       # markdown
    items: tuple[Item, ...]
    path: Path


@dataclass(frozen=True)
class Collections:
    found: tuple[Collection, ...]    # by slug
    errors: tuple[DigestError, ...]


def collection_files(content_dir: Path) -> list[Path]:
    """The collection files, by name: `<slug>.yaml`, or `.yml` as many editors write it. A folder is not one
    whatever its name; names starting with a dot are other programs' (an editor's)."""
    folder = content_dir / FOLDER
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir()
                  if path.suffix in SUFFIXES and not path.name.startswith(".") and not path.is_dir())


def load_collections(content_dir: Path, loaded: Loaded) -> Collections:
    """Every collection of the content folder, and the errors of those that cannot be read or name a
    reference that is not a decision of `loaded` (such an item is left out, and the rest still checked). A
    former reference (one of a decision's aliases) stands for the decision. A decision whose file has an
    error is taken as there: that error is reported already."""
    slugs = {source.front.slug for source in loaded.sources.values()}
    slugs |= {error.path.stem for error in loaded.errors if error.path}
    aliases = {alias: source.front.slug for source in loaded.sources.values() for alias in source.front.aliases}
    found: dict[str, Collection] = {}
    errors: list[DigestError] = []
    for path in collection_files(content_dir):
        try:
            collection = read_collection(path)
            if collection.slug in found:
                raise ContentError(path, f"{found[collection.slug].path.name} is this collection too (the address "
                                         f"/collections/{collection.slug}/): keep one of the two files")
        except ContentError as error:
            errors.append(error)
            continue
        items = [replace(item, slug=aliases[item.slug]) if item.slug in aliases and item.slug not in slugs else item
                 for item in collection.items]
        unknown = [item for item in items if item.slug not in slugs]
        errors += [ContentError(path, f"reference {item.reference!r} is not a decision in the digest: check it, "
                                      "or import the decision first", line=item.line) for item in unknown]
        found[collection.slug] = replace(collection, items=tuple(item for item in items if item not in unknown))
    return Collections(tuple(found.values()), tuple(errors))


def read_collection(path: Path) -> Collection:
    slug = path.stem
    if not SLUG.match(slug):
        raise ContentError(path, "a collection's file name is its address: lower-case letters, digits and "
                                 f"single dashes, like safeguarding-basics.yaml (not {path.name!r})")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(path, "cannot be read: it is no longer there") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(path, f"cannot be read ({error}): save it as UTF-8 text") from None
    raw = read_mapping(text, path, 1, "the file")
    places = Places(text, path, 1)
    for key in raw:
        if key not in KEYS:
            raise ContentError(path, f"unknown key {key!r}: a collection has {', '.join(KEYS)}", line=places.line(str(key)))
    title, intro = raw.get("title"), raw.get("intro") or ""
    if not isinstance(title, str) or not title.strip():
        raise ContentError(path, "title: give the collection a title (text)", line=places.line("title") or 1)
    if not isinstance(intro, str):
        raise ContentError(path, "intro: markdown text (use `intro: |` and indent the lines below)",
                           line=places.line("intro"))
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        raise ContentError(path, "items: a list of decisions, each `- reference: 24 001 566`",
                           line=places.line("items") or 1)
    if len(items) > MAX_ITEMS:
        raise ContentError(path, f"items: {len(items):,} of them, and a collection has at most {MAX_ITEMS}: split "
                                 "it into smaller collections", line=places.line("items") or 1)
    read = tuple(_item(value, at, path, places) for at, value in enumerate(items))
    spans = [span for item in read for span in item.paras or ()]
    if len(spans) > MAX_QUOTED:
        raise ContentError(path, f"paras: more than {MAX_QUOTED:,} paragraphs quoted in all: split the collection "
                                 "into smaller ones", line=spans[MAX_QUOTED].line)
    return Collection(slug, title.strip(), intro, read, path)


def _item(value: object, at: int, path: Path, places: Places) -> Item:
    line = places.line(f"items.{at}") or 1
    if not isinstance(value, dict):
        raise ContentError(path, f"items[{at + 1}]: each item is `reference: ...` with optional paras and note",
                           line=line)
    for key in value:
        if key not in ITEM_KEYS:
            raise ContentError(path, f"items[{at + 1}]: unknown key {key!r}: an item has {', '.join(ITEM_KEYS)}",
                               line=places.line(f"items.{at}.{key}") or line)
    written = value.get("reference")
    reference = normalise_reference(str(written)) if isinstance(written, (str, int)) else None
    if reference is None:
        raise ContentError(path, f"items[{at + 1}]: reference {written!r} is not one: write it as on the decision, "
                                 "like 24 001 566", line=places.line(f"items.{at}.reference") or line)
    note = value.get("note")
    if note is not None and not isinstance(note, str):
        raise ContentError(path, f"items[{at + 1}]: note is text", line=places.line(f"items.{at}.note") or line)
    paras_line = places.line(f"items.{at}.paras") or line
    paras, whole = read_paras(value.get("paras"), path, at, lambda k: places.line(f"items.{at}.paras.{k}") or paras_line)
    return Item(reference, reference_slug(reference), paras, whole, note.strip() if note else None, line, paras_line)


def read_paras(value: object, path: Path, at: int, line_of: Callable[[int | None], int]
               ) -> tuple[tuple[Span, ...] | None, bool]:
    """(the spans, whether all): 12, "12-13", [3, "12-13"], "all", or absent (None: the summary). `line_of`:
    the line of a list's element k (None: of paras itself)."""
    if value is None:
        return None, False
    if value == "all":
        return (), True
    if isinstance(value, list):
        spans = tuple(_span(part, path, line_of(k), at) for k, part in enumerate(value))
    else:
        spans = (_span(value, path, line_of(None), at),)
    if not spans:
        raise ContentError(path, f"items[{at + 1}]: {PARAS_HINT}", line=line_of(None))
    return spans, False


def _span(part: object, path: Path, line: int, at: int) -> Span:
    if isinstance(part, int) and not isinstance(part, bool) and part > 0:
        return Span(part, part, line)
    match = RANGE.match(part) if isinstance(part, str) else None
    if match is None:
        foreign = isinstance(part, str) and any(c.isdigit() and not c.isascii() for c in part)
        hint = "write paragraph numbers with the digits 0-9" if foreign else PARAS_HINT
        raise ContentError(path, f"items[{at + 1}]: {hint}, not {part!r}", line=line)
    written = match.group(1), match.group(2) or match.group(1)
    if any(len(number) > 9 for number in written):                  # and int() of thousands of digits is refused
        raise ContentError(path, f"items[{at + 1}]: no decision has a paragraph {max(written, key=len)[:12]}...: "
                                 "check paras", line=line)
    first, last = int(written[0]), int(written[1])
    if not 0 < first <= last:
        raise ContentError(path, f"items[{at + 1}]: the range {part!r} must run upwards, from 1", line=line)
    return Span(first, last, line)


def is_collection_file(name: str) -> bool:
    """Is `name` (relative to the content folder, "/"-separated) a collection file?"""
    folder, _, file = name.rpartition("/")
    return folder == FOLDER and file.endswith(SUFFIXES) and not file.startswith(".")
