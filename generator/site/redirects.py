"""The site's `_redirects` for Netlify (and the preview, which applies the same file): former addresses,
the rewrites that serve sharded decision pages at their addresses, and the short forms of references,
as prefix rules whose number grows with the reference years and groups, not with the decisions.

In the order Netlify applies them (ARCHITECTURE.md says why):
1. one rule per alias: `/decisions/24-001-567 /decisions/24-001-566/ 301`;
2. one per index page whose address changed when slugs began to keep accented letters as plain ones:
   `/councils/ynys-m-n/* /councils/ynys-mon/:splat 301`;
3. sharded only, one rewrite per shard: `/decisions/24-001-* /decision-pages/24-001/24-001-:splat 200`;
4. the short forms, one rule per shard and one per year:
   `/decisions/24001* /decisions/24-001-:splat 301` and `/24* /decisions/24:splat 301`, so `/24-001-566`
   is one redirect from its page and `/24001566` two.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .entries import Entry
from .host_rules import Rule
from .indexes import Taxonomy
from .layout import STORE, Layout, shard_of
from .pages import Page

SLUG = re.compile(r"\d{2}-\d{3}-\d{3}[a-z]?")


@dataclass(frozen=True)
class Redirects:
    aliases: tuple[Rule, ...]        # one per alias
    moved: tuple[Rule, ...]          # one per index page whose address changed
    rewrites: tuple[Rule, ...]       # one per shard, when sharded
    short_forms: tuple[Rule, ...]    # one per shard and one per year

    @property
    def generated(self) -> tuple[Rule, ...]:
        """The rules whose number is bounded by the reference years and groups (the aliases and moved
        pages are one rule each, counted apart)."""
        return self.rewrites + self.short_forms

    def text(self) -> str:
        blocks = (("Former addresses of decisions (aliases)", self.aliases),
                  ("Index pages whose addresses changed", self.moved),
                  ("Decision pages, stored by reference year and group, served at their addresses", self.rewrites),
                  ("Short forms of references: /24-001-566, /24001566, /decisions/24001566", self.short_forms))
        return "".join(f"# {title}\n" + "".join(rule.line() + "\n" for rule in rules)
                       for title, rules in blocks if rules)


def redirects(entries: list[Entry], taxonomies: list[Taxonomy], layout: Layout) -> Redirects:
    slugs = [entry.decision.slug for entry in entries]
    former = [alias for entry in entries for alias in entry.decision.aliases if SLUG.fullmatch(alias)]
    return Redirects(alias_rules(entries), moved_rules(taxonomies), rewrite_rules(slugs, layout),
                     short_form_rules([*slugs, *former]))


def render_redirects(entries: list[Entry], taxonomies: list[Taxonomy], layout: Layout) -> Page:
    return Page("_redirects", redirects(entries, taxonomies, layout).text())


def alias_rules(entries: list[Entry]) -> tuple[Rule, ...]:
    rules = {f"/decisions/{alias}": entry.url for entry in entries for alias in entry.decision.aliases
             if alias != entry.decision.slug}
    return tuple(Rule(source, target, 301) for source, target in sorted(rules.items()))


def moved_rules(taxonomies: list[Taxonomy]) -> tuple[Rule, ...]:
    """From each index page's former address (its feed and pages with it) to the one it has now."""
    rules: dict[str, str] = {}
    for taxonomy in taxonomies:
        taken = {term.slug for term in taxonomy.terms}
        for term in taxonomy.terms:
            if term.former_slug and term.former_slug not in taken:
                rules.setdefault(f"/{taxonomy.folder}/{term.former_slug}/*", f"{term.url}:splat")
    return tuple(Rule(source, target, 301) for source, target in sorted(rules.items()))


def rewrite_rules(slugs: list[str], layout: Layout) -> tuple[Rule, ...]:
    if not layout.sharded:
        return ()
    return tuple(Rule(f"/decisions/{shard}-*", f"/{STORE}/{shard}/{shard}-:splat", 200)
                 for shard in sorted({shard_of(slug) for slug in slugs}))


def short_form_rules(slugs: list[str]) -> tuple[Rule, ...]:
    """`/decisions/24001566` and `/24...` (`/24-001-566`, `/24001566`) lead to the page."""
    shards = sorted({shard_of(slug) for slug in slugs})
    years = sorted({shard[:2] for shard in shards})
    return (*(Rule(f"/decisions/{shard.replace('-', '')}*", f"/decisions/{shard}-:splat", 301) for shard in shards),
            *(Rule(f"/{year}*", f"/decisions/{year}:splat", 301) for year in years))
