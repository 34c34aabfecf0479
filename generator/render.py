"""Entries and taxonomies -> HTML pages through the Jinja2 templates.

A decision's page is rendered with its body (`render_decision`, run across processes by the build); every
other page is planned (`plan_pages`): what it shows is summed up as `inputs`, so the build renders it
again only when those, or its templates, change.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from .assets import Assets
from .charts import council_band_chart, home_charts
from .config import SiteConfig
from .markdown import Body
from .taxonomy import Entry, Taxonomy, format_date, format_money


@dataclass(frozen=True)
class Page:
    path: str       # relative to the output folder: "decisions/24-001-566/index.html"
    text: str


@dataclass(frozen=True)
class Planned:
    """Files to render when `inputs` (digests and names of what they show) or `templates` change."""
    name: str
    templates: tuple[str, ...]
    inputs: tuple[str, ...]
    make: Callable[[], list[Page]]


def make_environment(templates_dir: Path, assets: Assets) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = format_date
    env.filters["money"] = format_money
    env.filters["isodate"] = lambda day: day.isoformat() if day else ""
    env.globals["asset"] = assets.url
    env.globals["list_items"] = ListItems(env)
    return env


class ListItems:
    """`list_items(entries, template)` in a template: each entry rendered by `template`, joined. An entry's
    item is rendered once and kept while its key (what lists show of it), the template and the settings are
    the same: a decision is listed on five or six pages, and after an edit to one summary the preview renders
    one item again, not the thousands on its band and outcome pages."""

    def __init__(self, env: Environment):
        self.env = env
        self.made_with: tuple | None = None            # (template, settings) the kept items were made with
        self.items: dict[str, tuple[str, Markup]] = {}   # slug -> (entry key, item)

    @pass_context
    def __call__(self, context: Context, entries: Iterable[Entry], name: str) -> Markup:
        template, site = self.env.get_template(name), context["site"]
        if self.made_with is None or self.made_with[0] is not template or self.made_with[1] != site:
            self.made_with, self.items = (template, site), {}
        items = self.items
        out = []
        for entry in entries:
            kept = items.get(entry.decision.slug)
            if kept is None or kept[0] != entry.key:
                kept = items[entry.decision.slug] = (entry.key, Markup(template.render(site=site, entry=entry)))
            out.append(kept[1])
        return Markup("".join(out))


def page_path(url: str) -> str:
    """'/councils/essex/' -> 'councils/essex/index.html'."""
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


def render(env: Environment, config: SiteConfig, template: str, url: str, **context) -> Page:
    text = env.get_template(template).render(site=config, url=url, **context)
    return Page(page_path(url) if url.endswith("/") else url.lstrip("/"), text)


def render_decision(env: Environment, config: SiteConfig, entry: Entry, body: Body) -> Page:
    return render(env, config, "decision.html", entry.url, entry=entry, body=body)


def plan_pages(env: Environment, config: SiteConfig, entries: list[Entry], taxonomies: list[Taxonomy],
               listed: str) -> Iterator[Planned]:
    """Every page but the decisions' own, in a fixed order. `listed`: the digest of every entry's key."""
    def planned(name: str, template: str, url: str, inputs: tuple[str, ...], **context) -> Planned:
        return Planned(name, (template,), inputs, lambda: [render(env, config, template, url, **context)])

    everything = (listed,)
    bands = next(t for t in taxonomies if t.key == "remedies")
    band_counts = tuple(f"{t.name}={t.count}" for t in bands.terms)
    yield Planned("/", ("home.html",), everything,
                  lambda: [render(env, config, "home.html", "/", entries=entries,
                                  newest=entries[:config.home_newest], taxonomies=taxonomies,
                                  charts=home_charts(entries, taxonomies))])
    for taxonomy in taxonomies:
        yield planned(taxonomy.url, "taxonomy.html", taxonomy.url, everything, taxonomy=taxonomy)
        for term in taxonomy.terms:
            inputs = (term.name, term.key)
            if taxonomy.key == "councils":
                inputs += band_counts
                yield Planned(term.url, ("term.html",), inputs, _council_page(env, config, taxonomy, term, entries, bands))
            else:
                yield planned(term.url, "term.html", term.url, inputs, taxonomy=taxonomy, term=term, chart=None)
    yield planned("/search/", "search.html", "/search/", ())
    yield planned("/about/", "about.html", "/about/", everything, entries=entries)
    yield planned("/404.html", "404.html", "/404.html", ())


def _council_page(env, config, taxonomy, term, entries, bands) -> Callable[[], list[Page]]:
    return lambda: [render(env, config, "term.html", term.url, taxonomy=taxonomy, term=term,
                           chart=council_band_chart(term.entries, entries, bands))]
