"""The sitemap, for programs that find pages: one file, or past the protocol's 50,000 addresses a sitemap
index (still `/sitemap.xml`) of `/sitemaps/<n>.xml`, 50,000 addresses each."""
from __future__ import annotations

from jinja2 import Environment

from ..content.settings import SiteConfig
from .pages import Page

SITEMAP_LIMIT = 50_000


def render_sitemaps(env: Environment, config: SiteConfig, urls: list[str], limit: int = SITEMAP_LIMIT) -> list[Page]:
    """`urls`: every page's address; those of folders ('/about/') are listed."""
    urls = sorted(url for url in urls if url.endswith("/"))
    template = env.get_template("sitemap.xml")
    if len(urls) <= limit:
        return [Page("sitemap.xml", template.render(site=config, url="/sitemap.xml", urls=urls))]
    parts = [urls[start:start + limit] for start in range(0, len(urls), limit)]
    names = [f"/sitemaps/{number}.xml" for number in range(1, len(parts) + 1)]
    index = env.get_template("sitemap-index.xml").render(site=config, url="/sitemap.xml", sitemaps=names)
    return [Page("sitemap.xml", index),
            *(Page(name.lstrip("/"), template.render(site=config, url=name, urls=part))
              for name, part in zip(names, parts))]
