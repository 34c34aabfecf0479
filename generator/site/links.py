"""Files for other programs that find pages: the sitemap and Netlify's `_redirects`."""
from __future__ import annotations

from jinja2 import Environment

from ..content.settings import SiteConfig
from .entries import Entry
from .pages import Page


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

