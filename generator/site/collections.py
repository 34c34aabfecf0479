"""Collections as pages: `/collections/<slug>/` quotes each item's paragraphs (or the decision's summary) with
its facts line and note; `/collections/` lists them. The paragraphs' text comes from the quoted decisions'
bodies, rendered here (the build keeps only front matter), and is among each page's inputs, so an edit to a
quoted paragraph renders its collection again and an edit elsewhere does not."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from jinja2 import Environment

from ..content.collections import Collection, Collections, Item
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
    """The collections read, the paragraphs of each decision they quote (slug -> number -> plain text), and a
    digest of both: with the facts of the decisions listed, all that the collections' pages show."""
    collections: tuple[Collection, ...] = ()
    texts: dict[str, dict[int, str]] = field(default_factory=dict)
    made_from: str = ""


def quoting(found: Collections, body_of: Callable[[str], str | None]) -> tuple[Quoting, list[DigestError]]:
    """`found` with its quoted paragraphs' text; the errors of `found`, and of paragraphs not there."""
    texts, errors = quoted_paragraphs(found.found, body_of)
    made_from = digest(*(repr((c.slug, c.title, c.intro, c.items)) for c in found.found),
                       *(f"{slug}:{number}={text}" for slug in sorted(texts) for number, text in texts[slug].items()))
    return Quoting(found.found, texts, made_from), [*found.errors, *errors]


def quoted_paragraphs(collections: tuple[Collection, ...], body_of: Callable[[str], str | None]
                      ) -> tuple[dict[str, dict[int, str]], list[DigestError]]:
    """The numbered paragraphs (number -> plain text) of each decision some item quotes, by slug, and an
    error (with the item's line) for each paragraph asked for that the decision does not have. `body_of`:
    a decision's body, None when its file could not be read (its own error says so)."""
    texts: dict[str, dict[int, str]] = {}
    errors: list[DigestError] = []
    for collection in collections:
        for item in collection.items:
            if item.paras is None:
                continue
            if item.slug not in texts:
                body = body_of(item.slug)
                if body is None:
                    continue
                texts[item.slug] = dict(render_body(body).paragraphs)
            missing = [number for number in item.paras if number not in texts[item.slug]]
            if missing or (item.whole and not texts[item.slug]):
                have = f"it has paragraphs 1-{max(texts[item.slug])}" if texts[item.slug] else "it has none numbered"
                what = f"paragraph {missing[0]}" if missing else "numbered paragraphs"
                errors.append(ContentError(collection.path, f"{item.reference} has no {what} ({have}): check paras",
                                           line=item.paras_line))
    return texts, errors


def shelved(quoting: Quoting, entries: list[Entry]) -> list[tuple[Collection, tuple[Quote, ...]]]:
    """Each collection with its items as its page quotes them."""
    texts = quoting.texts
    by_slug = {entry.decision.slug: entry for entry in entries} if quoting.collections else {}
    shelf = []
    for collection in quoting.collections:
        quotes = []
        for item in collection.items:
            paragraphs = None
            if item.paras is not None:
                numbers = sorted(texts[item.slug]) if item.whole else item.paras
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
