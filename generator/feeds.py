"""Files for other programs: Atom feeds (site-wide and per index page), the sitemap, and Netlify redirects."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from typing import Iterator

from jinja2 import Environment

from .config import SiteConfig
from .render import Page, Planned
from .taxonomy import Entry, Taxonomy

FEED_NAME = "feed.xml"


def plan_feeds(env: Environment, config: SiteConfig, entries: list[Entry], taxonomies: list[Taxonomy],
               listed: str) -> Iterator[Planned]:
    """The site-wide feed, then one per council, category, remedy band and outcome, at `<index page>/feed.xml`.
    `listed`: the digest of every entry's key."""
    yield _planned_feed(env, config, config.title, "/", entries, listed)
    for taxonomy in taxonomies:
        for term in taxonomy.terms:
            title = f"{config.title}: {taxonomy.singular} {term.name}"
            yield _planned_feed(env, config, title, term.url, list(term.entries), term.key)


def _planned_feed(env: Environment, config: SiteConfig, title: str, page_url: str, entries: list[Entry],
                  listed: str) -> Planned:
    inputs = (title, listed)
    return Planned(page_url + FEED_NAME, ("feed.xml",), inputs, lambda: [_feed(env, config, title, page_url, entries)])


def _feed(env: Environment, config: SiteConfig, title: str, page_url: str, entries: list[Entry]) -> Page:
    """`entries` newest first, undated last, as every list is. Timestamps come from decision dates (undated:
    the newest date known, the first), so output never changes by itself."""
    newest = entries[:config.feed_size]
    fallback = next((e.decision.decision_date for e in entries if e.decision.decision_date), date(2000, 1, 1))
    stamps = {e.url: atom_time(e.decision.decision_date or fallback) for e in newest}
    feed_url = page_url + FEED_NAME
    text = env.get_template("feed.xml").render(
        site=config, url=feed_url, title=title, page_url=page_url, entries=newest, stamps=stamps,
        updated=max(stamps.values()) if stamps else atom_time(fallback))
    return Page(feed_url.lstrip("/"), text)


def atom_time(day: date) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


def render_sitemap(env: Environment, config: SiteConfig, urls: list[str]) -> Page:
    """`urls`: every page's address; those of folders ('/about/') are listed."""
    urls = sorted(url for url in urls if url.endswith("/"))
    return Page("sitemap.xml", env.get_template("sitemap.xml").render(site=config, url="/sitemap.xml", urls=urls))


def short_forms(slug: str) -> list[str]:
    """'24-001-566' -> '24-001-566', '24001566': the ways a reference gets typed into a URL."""
    compact = slug.replace("-", "")
    return [slug, compact] if compact != slug else [slug]


def redirect_rules(entries: list[Entry]) -> list[tuple[str, str]]:
    """(from, to) pairs: short forms and former slugs (`aliases`) of every decision lead to its page."""
    rules: dict[str, str] = {}
    for entry in entries:
        names = short_forms(entry.decision.slug)
        for alias in entry.decision.aliases:
            names += short_forms(alias)
        for name in dict.fromkeys(names):
            for source in (f"/{name}", f"/{name}/", f"/decisions/{name}", f"/decisions/{name}/"):
                if source != entry.url:
                    rules.setdefault(source, entry.url)
    return sorted(rules.items())


def render_redirects(entries: list[Entry]) -> Page:
    """Netlify's `_redirects`: one permanent (301) redirect a line."""
    lines = [f"{source} {target} 301" for source, target in redirect_rules(entries)]
    return Page("_redirects", "\n".join(lines) + "\n" if lines else "")
