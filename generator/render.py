"""Entries and taxonomies -> pages (HTML, Atom, sitemap) through the Jinja2 templates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Iterator

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .config import SiteConfig
from .taxonomy import Entry, Taxonomy, format_date, format_money


@dataclass(frozen=True)
class Page:
    path: str       # relative to the output folder: "decisions/24-001-566/index.html"
    text: str


def make_environment(templates_dir: Path) -> Environment:
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

    yield render("home.html", "/", entries=entries, newest=entries[:config.home_newest], taxonomies=taxonomies)
    for entry in entries:
        yield render("decision.html", entry.url, entry=entry)
    for taxonomy in taxonomies:
        yield render("taxonomy.html", taxonomy.url, taxonomy=taxonomy)
        for term in taxonomy.terms:
            yield render("term.html", term.url, taxonomy=taxonomy, term=term)
    yield render("search.html", "/search/")
    yield render("404.html", "/404.html")


def render_feed(env: Environment, config: SiteConfig, entries: list[Entry]) -> Page:
    """Atom feed of the newest decisions; timestamps come from decision dates so output is stable."""
    newest = entries[:config.feed_size]
    dated = [e.decision.decision_date for e in entries if e.decision.decision_date]
    fallback = max(dated) if dated else date(2000, 1, 1)
    stamps = {e.url: atom_time(e.decision.decision_date or fallback) for e in newest}
    updated = max(stamps.values()) if stamps else atom_time(fallback)
    text = env.get_template("feed.xml").render(site=config, url="/feed.xml", entries=newest,
                                               stamps=stamps, updated=updated)
    return Page("feed.xml", text)


def render_sitemap(env: Environment, config: SiteConfig, pages: list[Page]) -> Page:
    urls = sorted("/" + p.path.removesuffix("index.html") for p in pages
                  if p.path.endswith("index.html"))
    return Page("sitemap.xml", env.get_template("sitemap.xml").render(site=config, url="/sitemap.xml", urls=urls))


def atom_time(day: date) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
