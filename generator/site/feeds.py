"""Atom feeds: the site's newest decisions, and each council's, category's, remedy band's and outcome's."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Iterator

from jinja2 import Environment

from ..content.settings import SiteConfig
from .entries import Entry
from .indexes import Taxonomy
from .pages import Page, Planned

FEED_NAME = "feed.xml"


def plan_feeds(env: Environment, config: SiteConfig, entries: list[Entry], taxonomies: list[Taxonomy],
               listed: str) -> Iterator[Planned]:
    """The site-wide feed, then one per council, category, remedy band and outcome, at `<index page>/feed.xml`.
    `listed`: the digest of every entry's facts."""
    yield _planned_feed(env, config, config.title, "/", entries, listed)
    for taxonomy in taxonomies:
        for term in taxonomy.terms:
            title = f"{config.title}: {taxonomy.singular} {term.name}"
            yield _planned_feed(env, config, title, term.url, list(term.entries), term.listing_digest)


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


