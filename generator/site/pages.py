"""Entries and taxonomies -> HTML pages through the Jinja2 templates.

A decision's page is rendered with its body (`render_decision`, run across processes by the build); every
other page is planned (`plan_pages`): what it shows is summed up as `inputs`, so the build renders it
again only when those, or its templates, change. Lists of decisions are paginated (`lists.py`): each page
is a unit of its own.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from jinja2 import Environment

from ..content.settings import SiteConfig
from .charts import council_band_chart, home_charts
from .entries import Entry
from .indexes import Taxonomy, Term, search_url
from .lists import ListPage, paginate
from .markdown import Body
from .related import Line

HOME_TERMS = 12             # the home page lists up to this many of an index's terms (councils run to hundreds)
SECTION_NEWEST = 5          # a category page shows each subcategory's newest decisions


@dataclass(frozen=True)
class Page:
    path: str       # relative to the output folder: "decisions/24-001-566/index.html"
    text: str


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


def render_decision(env: Environment, config: SiteConfig, entry: Entry, body: Body,
                    related: Sequence[Line] = ()) -> Page:
    """At its address (`entry.url`), stored where the layout puts it (`entry.page`), with its related
    decisions."""
    text = env.get_template("decision.html").render(site=config, url=entry.url, entry=entry, body=body,
                                                    related=related)
    return Page(entry.page, text)


def planned(env: Environment, config: SiteConfig, template: str, url: str, inputs: tuple[str, ...],
            **context: object) -> Planned:
    return Planned(url, (template,), inputs, lambda: [render(env, config, template, url, **context)])


def plan_pages(env: Environment, config: SiteConfig, entries: list[Entry],
               taxonomies: list[Taxonomy]) -> Iterator[Planned]:
    """Every page but the decisions' own, in a fixed order."""
    yield plan_home(env, config, entries, taxonomies)
    yield from plan_decision_lists(env, config, entries)
    for taxonomy in taxonomies:
        counts = tuple(f"{term.name}={term.count}" for term in taxonomy.terms)
        yield planned(env, config, "taxonomy.html", taxonomy.url, counts, taxonomy=taxonomy)
        for term in taxonomy.terms:
            if taxonomy.folder == "councils":
                yield from plan_council(env, config, taxonomy, term, entries, taxonomies)
            elif term.groups:
                yield from plan_category(env, config, taxonomy, term)
            else:
                yield from plan_list(env, config, "term.html", term.url, term.entries, (term.name,),
                                     taxonomy=taxonomy, term=term, chart=None)
    yield planned(env, config, "search.html", "/search/", ())
    yield planned(env, config, "about.html", "/about/", (str(len(entries)),), entries=entries)
    yield planned(env, config, "404.html", "/404.html", ())


def plan_list(env: Environment, config: SiteConfig, template: str, base: str, entries: Sequence[Entry],
              inputs: tuple[str, ...], **context: object) -> Iterator[Planned]:
    """A list's pages, each a unit: `inputs` (what every page shows besides its decisions) and its own."""
    for page in paginate(base, entries, config.list_page_size):
        yield planned(env, config, template, page.url, (*inputs, *page.inputs()), page=page, **context)


def plan_home(env: Environment, config: SiteConfig, entries: list[Entry], taxonomies: list[Taxonomy]) -> Planned:
    """The newest decisions, the charts, and each index shortlisted (the councils with most decisions)."""
    newest = entries[:config.home_newest]
    charts = home_charts(entries, taxonomies)
    browse = [shortlist(taxonomy) for taxonomy in taxonomies]
    shown = (repr(charts), f"{len(entries)} decisions, {len(taxonomies[0].terms)} councils",
             *(f"{t.name}={t.count}" for each in browse for t in each.terms), *(str(each.more) for each in browse))
    return planned(env, config, "home.html", "/", (*shown, *(e.facts_digest for e in newest)),
                   entries=entries, newest=newest, taxonomies=taxonomies, browse=browse, charts=charts)


def plan_decision_lists(env: Environment, config: SiteConfig, entries: list[Entry]) -> Iterator[Planned]:
    """`/decisions/`, every decision newest first, and `/decisions/<year>/` for each year."""
    by_year: dict[int, list[Entry]] = {}
    for entry in entries:
        if entry.decision.decision_date:
            by_year.setdefault(entry.decision.decision_date.year, []).append(entry)
    # Every page links to every year (not their counts, which a new decision would change on every page).
    years = [(year, f"/decisions/{year}/") for year in sorted(by_year, reverse=True)]
    shown = tuple(str(year) for year, _ in years)
    yield from plan_list(env, config, "decisions.html", "/decisions/", entries, shown, years=years, year=None,
                         search_url=None)
    for year, url in years:
        yield from plan_list(env, config, "decisions.html", url, by_year[year], (str(year), *shown), years=years,
                             year=year, search_url=search_url(year=str(year)))


def plan_council(env: Environment, config: SiteConfig, taxonomy: Taxonomy, term: Term, entries: list[Entry],
                 taxonomies: list[Taxonomy]) -> Iterator[Planned]:
    """A council's pages; the first has its remedy bands beside the whole digest's."""
    bands = next(t for t in taxonomies if t.folder == "remedies")
    mine = Counter(entry.band.name for entry in term.entries)
    shares = tuple(f"{band.name}={mine[band.name]}/{band.count}" for band in bands.terms)
    for page in paginate(term.url, term.entries, config.list_page_size):
        first = page.number == 1
        yield Planned(page.url, ("term.html",), (term.name, *(shares if first else ()), *page.inputs()),
                      _council_page(env, config, taxonomy, term, page, entries, bands if first else None))


def _council_page(env: Environment, config: SiteConfig, taxonomy: Taxonomy, term: Term, page: ListPage,
                  entries: list[Entry], bands: Taxonomy | None) -> Callable[[], list[Page]]:
    return lambda: [render(env, config, "term.html", page.url, taxonomy=taxonomy, term=term, page=page,
                           chart=council_band_chart(term.entries, entries, bands) if bands else None)]


def plan_category(env: Environment, config: SiteConfig, taxonomy: Taxonomy, term: Term) -> Iterator[Planned]:
    """A category's page (each subcategory's newest decisions, under its published anchor) and each
    subcategory's own list."""
    shown: list[str] = [term.name, str(term.count)]
    for group in term.groups:
        shown += [f"{group.name}={group.count}", *(e.facts_digest for e in group.entries[:SECTION_NEWEST])]
    yield planned(env, config, "term.html", term.url, tuple(shown), taxonomy=taxonomy, term=term, page=None,
                  chart=None, newest=SECTION_NEWEST)
    for group in term.groups:
        yield from plan_list(env, config, "subcategory.html", group.url, group.entries, (term.name, group.name),
                             taxonomy=taxonomy, term=term, group=group)
