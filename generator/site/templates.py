"""The Jinja2 environment the pages are rendered with: its settings (autoescape, strict undefined names),
the filters and globals templates use, and what each template is made of (for the incremental build)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, meta, nodes, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from ..digest import digest
from .assets import Assets
from .entries import Entry


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
    env.filters["number"] = format_number
    env.filters["isodate"] = lambda day: day.isoformat() if day else ""
    env.globals["asset"] = assets.url
    env.globals["list_items"] = ListItems(env)
    env.globals["payment_states"] = PAYMENT_STATE_NAMES
    return env


# How a payment that was not simply agreed stands, as its line in the facts panel says.
PAYMENT_STATE_NAMES = {
    "recommended": "recommended by the Ombudsman",
    "paid": "already paid, accepted as the remedy",
    "offered": "offered by the organisation, accepted by the Ombudsman",
}


class KeptItem(NamedTuple):
    facts_digest: str           # of the entry it was rendered for
    html: Markup


class ListItems:
    """`list_items(entries, template)` in a template: each entry rendered by `template`, joined. An entry's
    item is rendered once and kept while its facts are the same and the build says the templates and
    settings are (`made_with`): a decision is listed on five or six pages, and after an edit to one summary
    the preview renders one item again, not the thousands on its band and outcome pages."""

    def __init__(self, env: Environment):
        self.env = env
        self.made_for = ""                     # digest of the settings and templates the items were made with
        self.items: dict[str, KeptItem] = {}   # slug -> its item

    def made_with(self, inputs: str) -> None:
        """Called before each build renders: items made with other settings or templates are dropped."""
        if inputs != self.made_for:
            self.made_for, self.items = inputs, {}

    @pass_context
    def __call__(self, context: Context, entries: Iterable[Entry], name: str) -> Markup:
        template, site, items = self.env.get_template(name), context["site"], self.items
        out = []
        for entry in entries:
            kept = items.get(entry.decision.slug)
            if kept is None or kept.facts_digest != entry.facts_digest:
                kept = items[entry.decision.slug] = KeptItem(
                    entry.facts_digest, Markup(template.render(site=site, entry=entry)))
            out.append(kept.html)
        return Markup("".join(out))



@lru_cache(maxsize=8192)
def format_date(day: date | None) -> str:
    """'5 March 2025'. Listing pages show tens of thousands of dates, and strftime is slow: a few thousand
    distinct days are worked out once."""
    return f"{day.day} {day:%B %Y}" if day else "Date not printed"


def format_number(count: int) -> str:
    """'2,000': every count on every page is written one way (the charts and search write theirs so too)."""
    return f"{count:,}"


def format_money(amount: int | float) -> str:
    if isinstance(amount, float) and not amount.is_integer():
        return f"£{amount:,.2f}"
    return f"£{int(amount):,}"



def template_digests(templates_dir: Path) -> dict[str, str]:
    """Each template's digest, covering every template it extends, includes or imports."""
    names = [name for name in FileSystemLoader(templates_dir).list_templates() if not name.startswith("static/")]
    return dict(_template_digests(templates_dir, tuple(_stamp(templates_dir / name) for name in names),
                                  tuple(names)))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@lru_cache(maxsize=8)
def _template_digests(templates_dir: Path, stamps: tuple, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(Worked out again only when a template's size or mtime changes.)"""
    sources = {name: (templates_dir / name).read_bytes() for name in names}
    uses = {name: _references(source) & sources.keys() for name, source in sources.items()}

    def closure(name: str) -> list[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(uses[current])
        return sorted(seen)

    return tuple((name, digest(*(part for used in closure(name) for part in (used, sources[used])))) for name in names)


@lru_cache(maxsize=256)
def _references(source: bytes) -> frozenset[str]:
    """The templates a template's text names in extends, include and import, and as the item template of
    `list_items` (see `render.ListItems`)."""
    try:
        parsed = Environment().parse(source.decode("utf-8"))
    except Exception:            # a template the build will report; its digest is then its bytes alone
        return frozenset()
    items = (call.args[1].value for call in parsed.find_all(nodes.Call)
             if isinstance(call.node, nodes.Name) and call.node.name == "list_items" and len(call.args) == 2
             and isinstance(call.args[1], nodes.Const))
    return frozenset(name for name in (*meta.find_referenced_templates(parsed), *items) if isinstance(name, str))

