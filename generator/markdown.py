"""Decision body markdown -> HTML with stable anchors: `id="para-N"` per numbered paragraph, a slug per heading.

Paragraph anchors come from the numbers written in the content file (the Ombudsman's own numbering),
never from position, so a link to paragraph 12 keeps working when other text changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .model import slugify

# Ids the page layout uses itself; a heading never takes one of these.
RESERVED_IDS = frozenset({"main", "facts", "summary", "cite", "contents", "decision-text"})
SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    level: int


@dataclass(frozen=True)
class Body:
    html: str                                   # safe HTML: raw HTML in the markdown is escaped
    paragraphs: tuple[tuple[int, str], ...]     # (number, plain text) of each numbered paragraph
    sections: tuple[Section, ...]


def _safe_link(url: str) -> bool:
    """Only web, mail and in-site links: no javascript:, data:, file: or other schemes."""
    lowered = url.strip().lower()
    return lowered.startswith(SAFE_SCHEMES) or lowered.startswith(("/", "#", "?")) or ":" not in lowered.split("/")[0]


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.validateLink = _safe_link
    parser.add_render_rule("list_item_open", _render_list_item_open)
    parser.add_render_rule("heading_close", _render_heading_close)
    return parser


def render_body(markdown: str) -> Body:
    tokens = PARSER.parse(markdown)
    sections = _anchor_headings(tokens)
    paragraphs = _anchor_paragraphs(tokens)
    return Body(PARSER.renderer.render(tokens, PARSER.options, {}), tuple(paragraphs), tuple(sections))


def _anchor_headings(tokens: list[Token]) -> list[Section]:
    sections, used = [], set(RESERVED_IDS)
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        title = plain_text(tokens[index + 1])
        anchor = base = slugify(title)
        counter = 2
        while anchor in used or anchor.startswith("para-"):
            anchor, counter = f"{base}-{counter}", counter + 1
        used.add(anchor)
        token.attrSet("id", anchor)
        token.meta["title"] = title
        sections.append(Section(anchor, title, int(token.tag[1])))
    return sections


def _anchor_paragraphs(tokens: list[Token]) -> list[tuple[int, str]]:
    """Every item of a top-level ordered list is a numbered paragraph; nested points belong to it."""
    paragraphs, depth_of_ordered, used = [], None, set()
    for index, token in enumerate(tokens):
        if token.type == "ordered_list_open" and token.level == 0:
            depth_of_ordered = token.level + 1
        elif token.type == "ordered_list_close" and token.level == 0:
            depth_of_ordered = None
        elif token.type == "list_item_open" and token.level == depth_of_ordered and token.info.isdigit():
            number = int(token.info)
            if number in used:       # a duplicated number keeps its first anchor only
                continue
            used.add(number)
            token.attrSet("id", f"para-{number}")
            token.meta["number"] = number
            paragraphs.append((number, _item_text(tokens, index)))
    return paragraphs


def _item_text(tokens: list[Token], start: int) -> str:
    """Plain text of a list item and everything nested in it."""
    level, parts = tokens[start].level, []
    for token in tokens[start + 1:]:
        if token.type == "list_item_close" and token.level == level:
            break
        if token.type == "inline":
            parts.append(plain_text(token))
    return " ".join(part for part in parts if part)


def plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _render_list_item_open(self, tokens, index, options, env) -> str:
    token = tokens[index]
    number = token.meta.get("number")
    if number is None:
        return self.renderToken(tokens, index, options, env)
    return (f'<li id="para-{number}"><a class="para-num" href="#para-{number}" '
            f'title="Link to paragraph {number}">{number}.</a> ')


def _render_heading_close(self, tokens, index, options, env) -> str:
    opener = tokens[index - 2]
    anchor = opener.attrGet("id")
    link = ""
    if anchor:
        link = (f' <a class="anchor" href="#{escape(str(anchor))}">'
                f'<span aria-hidden="true">#</span>'
                f'<span class="visually-hidden">Link to section: {escape(opener.meta.get("title", ""))}</span></a>')
    return f"{link}</{tokens[index].tag}>\n"


PARSER = _parser()
