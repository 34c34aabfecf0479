"""Entries and taxonomies -> HTML pages through the Jinja2 templates."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .assets import Assets
from .charts import council_band_chart, home_charts
from .config import SiteConfig
from .taxonomy import Entry, Taxonomy, format_date, format_money


@dataclass(frozen=True)
class Page:
    path: str       # relative to the output folder: "decisions/24-001-566/index.html"
    text: str


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
    return env


def page_path(url: str) -> str:
    """'/councils/essex/' -> 'councils/essex/index.html'."""
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


def render_pages(env: Environment, config: SiteConfig, entries: list[Entry],
                 taxonomies: list[Taxonomy]) -> Iterator[Page]:
    """Every HTML page of the site, in a fixed order."""
    def render(template: str, url: str, **context) -> Page:
        text = env.get_template(template).render(site=config, url=url, **context)
        return Page(page_path(url) if url.endswith("/") else url.lstrip("/"), text)

    bands = next(t for t in taxonomies if t.key == "remedies")
    yield render("home.html", "/", entries=entries, newest=entries[:config.home_newest], taxonomies=taxonomies,
                 charts=home_charts(entries, taxonomies))
    for entry in entries:
        yield render("decision.html", entry.url, entry=entry)
    for taxonomy in taxonomies:
        yield render("taxonomy.html", taxonomy.url, taxonomy=taxonomy)
        for term in taxonomy.terms:
            chart = council_band_chart(term.entries, entries, bands) if taxonomy.key == "councils" else None
            yield render("term.html", term.url, taxonomy=taxonomy, term=term, chart=chart)
    yield render("search.html", "/search/")
    yield render("about.html", "/about/", entries=entries)
    yield render("404.html", "/404.html")
