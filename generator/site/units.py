"""Every group of files the site is made of but the decisions' own pages and the search index: the index
pages, feeds, sitemap, redirects and data downloads, each with what it shows summed up as digests, so the
build renders a unit again only when those, or its templates, change."""
from __future__ import annotations

from typing import Iterator

from jinja2 import Environment

from ..content.settings import SiteConfig
from ..digest import digest
from .collections import Quoting, plan_collections
from .downloads import DataMemo, render_data
from .entries import Entry
from .feeds import plan_feeds
from .indexes import make_taxonomies
from .layout import choose_layout
from .links import render_sitemaps
from .pages import Planned, plan_pages
from .redirects import render_redirects


def site_units(env: Environment, config: SiteConfig, entries: list[Entry],
               data_memo: DataMemo | None = None, quoting: Quoting = Quoting()) -> Iterator[Planned]:
    """In a fixed order. `entries`: newest first; `quoting`: the collections."""
    taxonomies = make_taxonomies(entries, config)
    listed = digest(*(e.facts_digest for e in entries))
    pages = [*plan_pages(env, config, entries, taxonomies), *plan_collections(env, config, entries, quoting)]
    yield from pages
    yield from plan_feeds(env, config, entries, taxonomies, listed)
    urls = [page.name for page in pages] + [entry.url for entry in entries]
    yield Planned("sitemap.xml", ("sitemap.xml", "sitemap-index.xml"), (digest(*urls),),
                  lambda: render_sitemaps(env, config, urls))
    # The redirects name slugs, aliases, index pages' former slugs and the layout: an edit to a summary or a
    # remedy leaves them as they are.
    layout = choose_layout(config, [entry.decision for entry in entries])
    names = (digest(*(" ".join((e.decision.slug, *e.decision.aliases)) for e in entries)), repr(layout),
             digest(*(f"{t.url}<{t.former_slug}" for taxonomy in taxonomies for t in taxonomy.terms)))
    yield Planned("_redirects", (), names, lambda: [render_redirects(entries, taxonomies, layout)])
    yield Planned("decisions.json", (), (listed,), lambda: render_data(config, entries, data_memo))
