"""Entries and taxonomies -> HTML pages through the Jinja2 templates.

A decision's page is rendered with its body (`render_decision`, run across processes by the build); every
other page is planned (`plan_pages`): what it shows is summed up as `inputs`, so the build renders it
again only when those, or its templates, change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from jinja2 import Environment

from ..content.settings import SiteConfig
from .charts import council_band_chart, home_charts
from .entries import Entry
from .indexes import Taxonomy, Term
from .markdown import Body


@dataclass(frozen=True)
class Page:
    path: str       # relative to the output folder: "decisions/24-001-566/index.html"
    text: str


HOME_TERMS = 12     # the home page lists up to this many of an index's terms (councils run to hundreds)


@dataclass(frozen=True)
class Shortlist:
    """An index as the home page lists it: every term with decisions, or the busiest HOME_TERMS of them."""
    taxonomy: Taxonomy
    terms: tuple[Term, ...]
    more: int                 # terms with decisions not listed

    @property
    def total(self) -> int:
        return len(self.terms) + self.more


def shortlist(taxonomy: Taxonomy) -> Shortlist:
    terms = [term for term in taxonomy.terms if term.count]
    if len(terms) <= HOME_TERMS:
        return Shortlist(taxonomy, tuple(terms), 0)
    busiest = sorted(terms, key=lambda term: -term.count)[:HOME_TERMS]     # stable: A to Z among equals
    return Shortlist(taxonomy, tuple(busiest), len(terms) - HOME_TERMS)


@dataclass(frozen=True)
class Planned:
    """Files to render when `inputs` (digests and names of what they show) or `templates` change."""
    name: str
    templates: tuple[str, ...]
    inputs: tuple[str, ...]
    make: Callable[[], list[Page]]


def page_path(url: str) -> str:
    """'/councils/essex/' -> 'councils/essex/index.html'."""
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


def render(env: Environment, config: SiteConfig, template: str, url: str, **context: object) -> Page:
    text = env.get_template(template).render(site=config, url=url, **context)
    return Page(page_path(url) if url.endswith("/") else url.lstrip("/"), text)


def render_decision(env: Environment, config: SiteConfig, entry: Entry, body: Body) -> Page:
    return render(env, config, "decision.html", entry.url, entry=entry, body=body)


def plan_pages(env: Environment, config: SiteConfig, entries: list[Entry], taxonomies: list[Taxonomy],
               listed: str) -> Iterator[Planned]:
    """Every page but the decisions' own, in a fixed order. `listed`: the digest of every entry's facts."""
    def planned(name: str, template: str, url: str, inputs: tuple[str, ...], **context: object) -> Planned:
        return Planned(name, (template,), inputs, lambda: [render(env, config, template, url, **context)])

    everything = (listed,)
    bands = next(t for t in taxonomies if t.folder == "remedies")
    band_counts = tuple(f"{t.name}={t.count}" for t in bands.terms)
    yield Planned("/", ("home.html",), everything,
                  lambda: [render(env, config, "home.html", "/", entries=entries,
                                  newest=entries[:config.home_newest], taxonomies=taxonomies,
                                  browse=[shortlist(taxonomy) for taxonomy in taxonomies],
                                  charts=home_charts(entries, taxonomies))])
    for taxonomy in taxonomies:
        yield planned(taxonomy.url, "taxonomy.html", taxonomy.url, everything, taxonomy=taxonomy)
        for term in taxonomy.terms:
            inputs: tuple[str, ...] = (term.name, term.listing_digest)
            if taxonomy.folder == "councils":
                inputs += band_counts
                yield Planned(term.url, ("term.html",), inputs, _council_page(env, config, taxonomy, term, entries, bands))
            else:
                yield planned(term.url, "term.html", term.url, inputs, taxonomy=taxonomy, term=term, chart=None)
    yield planned("/search/", "search.html", "/search/", ())
    yield planned("/about/", "about.html", "/about/", everything, entries=entries)
    yield planned("/404.html", "404.html", "/404.html", ())


def _council_page(env: Environment, config: SiteConfig, taxonomy: Taxonomy, term: Term, entries: list[Entry],
                  bands: Taxonomy) -> Callable[[], list[Page]]:
    return lambda: [render(env, config, "term.html", term.url, taxonomy=taxonomy, term=term,
                           chart=council_band_chart(term.entries, entries, bands))]
