"""Collections as pages: `/collections/<slug>/` quotes each item's paragraphs (or the decision's summary) with
its facts line and note; `/collections/` lists them. The paragraphs' text comes from the quoted decisions'
bodies, rendered here (the build keeps only front matter), and is among each page's inputs, so an edit to a
quoted paragraph renders its collection again and an edit elsewhere does not."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count

from jinja2 import Environment

from ..content.collections import MAX_QUOTED, Collection, Collections, Item
from ..content.settings import SiteConfig
from ..digest import digest
from ..errors import ContentError, DigestError
from .entries import Entry
from .markdown import render_body, render_prose
from .pages import Planned, render
from .related import Line, line_of

INDEX_URL = "/collections/"


@dataclass(frozen=True)
class Quote:
    """One item as its collection page shows it."""
    item: Item
    entry: Entry
    line: Line                                           # its facts line
    paragraphs: tuple[tuple[int, str], ...] | None     # (number, text) quoted; None: the summary is shown


@dataclass(frozen=True)
class Quoting:
    """The collections read, the paragraphs of each decision they quote (slug -> number -> plain text), the
    numbers each item quotes ((collection slug, item's index) -> numbers), and a digest of it all: with the
    facts of the decisions listed, all that the collections' pages show."""
    collections: tuple[Collection, ...] = ()
    texts: dict[str, dict[int, str]] = field(default_factory=dict)
    quoted: dict[tuple[str, int], tuple[int, ...]] = field(default_factory=dict)
    made_from: str = ""


def quoting(found: Collections, body_of: Callable[[str], str | None]) -> tuple[Quoting, list[DigestError]]:
    """`found` with its quoted paragraphs' text; the errors of `found`, and of paragraphs not there, each
    file's in the order of their lines."""
    texts, quoted, errors = quoted_paragraphs(found.found, body_of)
    made_from = digest(*(repr((c.slug, c.title, c.intro, c.items)) for c in found.found),
                       *(f"{slug}:{number}={text}" for slug in sorted(texts) for number, text in texts[slug].items()))
    in_order = sorted([*found.errors, *errors], key=lambda error: (str(error.path), error.line or 0))
    return Quoting(found.found, texts, quoted, made_from), in_order


def quoted_paragraphs(collections: tuple[Collection, ...], body_of: Callable[[str], str | None]
                      ) -> tuple[dict[str, dict[int, str]], dict[tuple[str, int], tuple[int, ...]], list[DigestError]]:
    """The numbered paragraphs (number -> plain text) of each decision some item quotes, by slug; the numbers
    each item quotes; and an error (with its line) for each item asking for a paragraph its decision does not
    have, and for a collection quoting more than `MAX_QUOTED` paragraphs. `body_of`: a decision's body, None
    when its file could not be read (its own error says so)."""
    texts: dict[str, dict[int, str]] = {}
    quoted: dict[tuple[str, int], tuple[int, ...]] = {}
    errors: list[DigestError] = []
    for collection in collections:
        total = 0
        for at, item in enumerate(collection.items):
            if item.paras is None:
                continue
            if item.slug not in texts:
                body = body_of(item.slug)
                if body is None:
                    continue
                texts[item.slug] = dict(render_body(body).paragraphs)
            numbers, lacking = numbers_quoted(item, sorted(texts[item.slug]))
            if lacking is not None:
                errors.append(ContentError(collection.path, lacking[0], line=lacking[1]))
                continue
            total += len(numbers)
            if total > MAX_QUOTED:
                errors.append(ContentError(collection.path, f"paras: more than {MAX_QUOTED:,} paragraphs quoted in "
                                           "all: split the collection into smaller ones", line=item.paras_line))
                break
            quoted[(collection.slug, at)] = numbers
    return texts, quoted, errors


def numbers_quoted(item: Item, have: list[int]) -> tuple[tuple[int, ...], tuple[str, int] | None]:
    """The numbers `item` quotes, in the order given, each once (`have`: its decision's paragraphs, in
    order); or (what it asks for that the decision lacks, the line where it asks). A range is walked over
    `have` only, never counted out: `"1-100000"` is paragraph 100000 lacking, found at once."""
    where = f"it has paragraphs 1-{have[-1]}" if have else "it has none numbered"
    if item.whole:
        lacks = f"{item.reference} has no numbered paragraphs ({where}): check paras"
        return tuple(have), None if have else (lacks, item.paras_line)
    numbers: dict[int, None] = {}
    for span in item.paras or ():
        inside = have[bisect_left(have, span.first):bisect_right(have, span.last)]
        if not inside or inside[0] != span.first:
            missing: int | None = span.first
        else:
            missing = next((n for n, number in zip(count(span.first), inside) if n != number),
                           None if inside[-1] == span.last else span.last)
        if missing is not None:
            return (), (f"{item.reference} has no paragraph {missing} ({where}): check paras", span.line)
        numbers.update(dict.fromkeys(inside))
    return tuple(numbers), None


def shelved(quoting: Quoting, entries: list[Entry]) -> list[tuple[Collection, tuple[Quote, ...]]]:
    """Each collection with its items as its page quotes them."""
    texts = quoting.texts
    by_slug = {entry.decision.slug: entry for entry in entries} if quoting.collections else {}
    shelf = []
    for collection in quoting.collections:
        quotes = []
        for at, item in enumerate(collection.items):
            paragraphs = None
            if item.paras is not None:
                numbers = quoting.quoted[(collection.slug, at)]
                paragraphs = tuple((number, texts[item.slug][number]) for number in numbers)
            quotes.append(Quote(item, by_slug[item.slug], line_of(by_slug[item.slug]), paragraphs))
        shelf.append((collection, tuple(quotes)))
    return shelf


def shown_by(collection: Collection, quotes: tuple[Quote, ...]) -> tuple[str, ...]:
    """What a collection's page shows, as digests and text: its own words, and each item's facts and quotes."""
    return (collection.slug, collection.title, collection.intro,
            *(digest(quote.entry.facts_digest, repr(quote.item.note), repr(quote.paragraphs)) for quote in quotes))


def plan_collections(env: Environment, config: SiteConfig, entries: list[Entry], quoting: Quoting
                     ) -> Iterator[Planned]:
    """Each collection's page, then the list of them (the site's navigation links to it, even empty)."""
    shelf = shelved(quoting, entries)
    for collection, quotes in shelf:
        yield Planned(collection_url(collection), ("collection.html",), shown_by(collection, quotes),
                      _page(env, config, collection, quotes))
    listed = tuple(f"{c.slug}={c.title}={len(quotes)}" for c, quotes in shelf)
    yield Planned(INDEX_URL, ("collections.html",), listed,
                  lambda: [render(env, config, "collections.html", INDEX_URL, shelf=shelf)])


def _page(env: Environment, config: SiteConfig, collection: Collection, quotes: tuple[Quote, ...]) -> Callable:
    url = collection_url(collection)
    return lambda: [render(env, config, "collection.html", url, collection=collection, quotes=quotes,
                           intro=render_prose(collection.intro))]


def collection_url(collection: Collection) -> str:
    return f"{INDEX_URL}{collection.slug}/"
