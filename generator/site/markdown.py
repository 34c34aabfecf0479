"""Decision body markdown -> HTML with stable anchors: `id="para-N"` per numbered paragraph, a slug per heading.

Paragraph anchors come from the numbers written in the content file (the Ombudsman's own numbering),
never from position, so a link to paragraph 12 keeps working when other text changes. (A number written
again, as when each section's list starts at 1., takes the next number no paragraph is written with.)

CommonMark is rendered by markdown-it.rs (`markdown_it_pyrs`, compiled: a tenth of the time of the pure
Python markdown-it-py, with the same HTML), without raw HTML (shown as text). markdown-it-py stays the
reference: it renders a body holding a link we refuse (links may only go to web, mail and in-site
addresses; its link check is ours, so such a link stays text), anything the two read differently
(REFERENCE_ONLY), or many link reference definitions (MAX_DEFINITIONS). The anchors are then put into the HTML. Where markdown-it.rs is not installed (it has
no wheels past Python 3.12), markdown-it-py renders every body: the pages are the same, only slower.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

from markdown_it import MarkdownIt
from markdown_it.token import Token

try:
    import markdown_it_pyrs
except ImportError:                 # see above: the reference renders everything
    markdown_it_pyrs = None  # type: ignore[assignment]

from ..model import slugify

# Ids the page layout uses itself; a heading never takes one of these.
RESERVED_IDS = frozenset({"main", "facts", "summary", "cite", "contents", "decision-text"})
SAFE_SCHEMES = ("http://", "https://", "mailto:")
# CommonMark's rules, less raw HTML (markdown-it's "zero" preset switches everything else off).
COMMONMARK_RULES = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
                    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline"]

# The two renderers part ways on lazy lines after a block quote (">"), code spans and fences ("`", "~"),
# numeric character references ("&#"), whitespace other than spaces, tabs and line ends (markdown-it-py
# trims a no-break space at the start of a paragraph, markdown-it.rs keeps it), and lists nested deeper
# than markdown-it-py goes: found by fuzzing (tests/test_markdown.py). Such bodies go to markdown-it-py,
# whose reading the digest's pages have always had.
REFERENCE_ONLY = (">", "`", "~", "&#", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680",
                  *map(chr, range(0x2000, 0x200b)), "\u2028", "\u2029", "\u202f", "\u205f", "\u3000")
MAX_NESTING = 12           # lists, items and quotes inside one another; markdown-it-py stops at 20 levels
# markdown-it.rs takes time growing with the square of the number of link reference definitions
# ("[label]: url"; 20,000 take it 20 s, markdown-it-py 0.5 s): a body with more than this many "]:" goes to
# markdown-it-py, which renders it the same (up to here the two take about as long).
MAX_DEFINITIONS = 500
LINK = re.compile(r'<(?:a href|img src)="([^"]*)"')
SOURCEPOS = re.compile(r' data-sourcepos="[^"]*"')
START_LINE = re.compile(r'data-sourcepos="(\d+):')
WRITTEN_NUMBER = re.compile(r"[ \t]*(\d+)")         # a list item's line: "  12. Text" -> 12
# Every "<" in the HTML starts a tag: raw HTML is off, so text and code come escaped.
BLOCK_TAG = re.compile(r"<(/?)(ol|ul|li|blockquote|h[1-6])(?:\s[^>]*)?>")
TEXT_BREAK = re.compile(r"<pre>.*?</pre>|</?(?:p|ol|ul|li|blockquote|h[1-6])(?:\s[^>]*)?>|<hr />", re.DOTALL)
INLINE_TAG = re.compile(r"<[^>]*>")


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
    """Only web, mail and in-site links: no javascript:, data:, file: or other schemes, and no "//host"
    (an address on another site, by whatever scheme the page was loaded with)."""
    lowered = url.strip().lower()
    if lowered.startswith("//"):
        return False
    return lowered.startswith(SAFE_SCHEMES) or lowered.startswith(("/", "#", "?")) or ":" not in lowered.split("/")[0]


def _checked_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.validateLink = _safe_link  # type: ignore[method-assign]
    return parser


# Each element comes with data-sourcepos="line:col-line:col": the line a list item starts on gives the
# number written there. (The attribute is taken out again; the syntax tree would give it too, slower.)
FAST = (markdown_it_pyrs.MarkdownIt("zero").enable_many([*COMMONMARK_RULES, "sourcepos"])  # type: ignore[list-item]
        if markdown_it_pyrs else None)
CHECKED = _checked_parser()


def render_body(markdown: str) -> Body:
    return _anchored(*(_compiled(markdown) or _checked(markdown)))


def render_prose(markdown: str) -> str:
    """Markdown that is not a decision (a collection's introduction): safe HTML, no anchors."""
    return CHECKED.render(markdown)


def _compiled(markdown: str) -> tuple[str, list[int]] | None:
    """The HTML of a body and the number written before each item of its top-level ordered lists, from
    markdown-it.rs; None when that is for the reference to do."""
    if (FAST is None or any(text in markdown for text in REFERENCE_ONLY)      # a search each: quicker than a regex
            or markdown.count("]:") > MAX_DEFINITIONS):
        return None
    try:
        placed = FAST.render(markdown)
    except BaseException as error:            # a panic in the Rust code arrives as pyo3's PanicException,
        if type(error).__name__ != "PanicException":     # a BaseException: that body goes to the reference
            raise
        return None
    numbers, deepest = _written_numbers(placed, markdown)
    html = SOURCEPOS.sub("", placed)
    if deepest >= MAX_NESTING or not all(_safe_link(unescape(url)) for url in LINK.findall(html)):
        return None
    return html, numbers


def _checked(markdown: str) -> tuple[str, list[int]]:
    """The same from markdown-it-py, which leaves a refused link as text."""
    tokens = CHECKED.parse(markdown)
    html = CHECKED.renderer.render(tokens, CHECKED.options, {})
    return html, _top_level_numbers(tokens)


def _written_numbers(placed: str, markdown: str) -> tuple[list[int], int]:
    """From HTML with source positions: the number written before each item of the top-level ordered lists
    and how deep lists, items and quotes go."""
    lines = markdown.splitlines()       # CommonMark's line ends; the other breaks splitlines knows never get here
    numbers: list[int] = []
    stack: list[str] = []
    deepest = 0
    for tag in BLOCK_TAG.finditer(placed):
        closing, name = tag.group(1), tag.group(2)
        if closing:
            stack.pop()
            continue
        if name == "li" and stack == ["ol"]:
            line = lines[int(_found(START_LINE.search(tag.group(0)))) - 1]
            numbers.append(int(_found(WRITTEN_NUMBER.match(line))))
        stack.append(name)
        deepest = max(deepest, len(stack))
    return numbers, deepest


def _found(match: re.Match[str] | None) -> str:
    """The first group of a match the rendered HTML always has."""
    if match is None:
        raise ValueError("markdown-it.rs gave a list item without its source position")
    return match.group(1)


def _top_level_numbers(tokens: list[Token]) -> list[int]:
    """The number written before each item of the top-level ordered lists, from markdown-it-py's tokens."""
    inside, found = False, []
    for token in tokens:
        if token.type in ("ordered_list_open", "ordered_list_close") and token.level == 0:
            inside = token.type == "ordered_list_open"
        elif token.type == "list_item_open" and inside and token.level == 1:
            found.append(int(token.info))
    return found


def _anchored(html: str, numbers: list[int]) -> Body:
    """Put an id on every heading and on each numbered paragraph (an item of a top-level ordered list,
    numbered by `paragraph_numbers`), with their links, reading their plain text too."""
    pieces: list[str] = []
    sections: list[Section] = []
    paragraphs: list[tuple[int, str]] = []
    taken_ids, taken_numbers = set(RESERVED_IDS), set()
    counters: dict[str, int] = {}
    written = iter(paragraph_numbers(numbers))
    stack: list[str] = []
    done = 0                   # html[:done] is in pieces
    heading_text = item_text = 0
    item_number = None
    for tag in BLOCK_TAG.finditer(html):
        closing, name = tag.group(1), tag.group(2)
        if name[0] == "h":
            if not closing:
                heading_text = tag.end()
                continue
            title = _plain(html[heading_text:tag.start()])
            anchor = _heading_anchor(title, taken_ids, counters)
            sections.append(Section(anchor, title, int(name[1])))
            pieces += [html[done:heading_text - 1], f' id="{escape(anchor)}">', html[heading_text:tag.start()],
                       _heading_link(anchor, title)]
            done = tag.start()
        elif not closing:
            if name == "li" and stack == ["ol"]:
                number = next(written, 0)
                if number not in taken_numbers:
                    taken_numbers.add(number)
                    item_number, item_text = number, tag.end() + html.startswith("\n", tag.end())
                    pieces += [html[done:tag.start()], _paragraph_opener(number)]
                    done = item_text
            stack.append(name)
        else:
            stack.pop()
            if name == "li" and stack == ["ol"] and item_number is not None:
                paragraphs.append((item_number, _item_plain(html[item_text:tag.start()])))
                item_number = None
    pieces.append(html[done:])
    return Body("".join(pieces), tuple(paragraphs), tuple(sections))


def _heading_anchor(title: str, taken: set[str], counters: dict[str, int]) -> str:
    """The slug of the title, made unique by the first of -2, -3, ... not taken; "para-" anchors belong to
    numbered paragraphs. `counters`: for each slug, the suffix to try next (those before it are taken for
    good), so that many headings with one title take linear time."""
    anchor = base = slugify(title)
    if base.startswith("para-"):
        anchor = base = f"section-{base}"
    counter = counters.get(base, 2)
    while anchor in taken:
        anchor, counter = f"{base}-{counter}", counter + 1
    counters[base] = counter
    taken.add(anchor)
    return anchor


def paragraph_numbers(written: list[int]) -> list[int]:
    """The anchor number of each numbered paragraph: the number written before it, unless an earlier one
    has it (a list that starts again at 1., as a copy of the web page numbers each section; every item
    written "1."): then the next number above those so far that no paragraph of the body is written with.
    A number written once keeps its anchor whatever comes before it."""
    used, taken, numbers, top = set(written), set(), [], 0
    for number in written:
        if number in taken:
            number = top + 1
            while number in used or number in taken:
                number += 1
        taken.add(number)
        numbers.append(number)
        top = max(top, number)
    return numbers


def _heading_link(anchor: str, title: str) -> str:
    return (f' <a class="anchor" href="#{escape(anchor)}">'
            f'<span aria-hidden="true">#</span>'
            f'<span class="visually-hidden">Link to section: {escape(title)}</span></a>')


def _paragraph_opener(number: int) -> str:
    return (f'<li id="para-{number}"><a class="para-num" href="#para-{number}" '
            f'title="Link to paragraph {number}">{number}.</a> ')


def _plain(inline_html: str) -> str:
    """The text of rendered inline markdown: tags dropped (an image's alt text too), breaks as spaces."""
    return unescape(INLINE_TAG.sub("", inline_html)).replace("\n", " ").strip()


def _item_plain(item_html: str) -> str:
    """The text of a list item and everything nested in it, a space between blocks; code blocks left out."""
    return " ".join(filter(None, map(_plain, TEXT_BREAK.split(item_html))))
