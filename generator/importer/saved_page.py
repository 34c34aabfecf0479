"""A decision page saved from a browser (.html) -> the lines a copy of that page gives.

The page becomes the web-copy layout the reader in statement.py already knows: one line per block, list items
as "  3. ..." (numbered from the list's `start`) or "  • ...", nested lists indented deeper, a blank
before every block.  The same rules then read it as any other copy, so a saved page and a pasted page
give the same record.  Site furniture never reaches the lines: the head, scripts, navigation, forms,
the site header and footer (outside the article), cookie banners and hidden elements.  The page's
canonical link (or the "saved from" note a browser adds) says where the decision is on the
Ombudsman's site.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from .text import Line, clean

SITE = "https://www.lgo.org.uk/"

# Never part of the statement, wherever they are.
SKIPPED = frozenset("""
    head title script style noscript template svg math iframe object embed canvas video audio picture map
    nav form button select textarea input dialog aside img
""".split())
# Site header and footer: skipped unless inside the article, where <header> holds the title and metadata.
SITE_FRAME = frozenset({"header", "footer"})
CONTENT_ROOTS = frozenset({"article", "main"})
SKIPPED_ROLES = frozenset({"navigation", "banner", "contentinfo", "dialog", "alertdialog", "search", "menu",
                           "menubar", "toolbar"})
SKIPPED_CLASSES = frozenset({"sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "hidden",
                             "skip-link", "breadcrumb", "breadcrumbs"})
FURNITURE_WORDS = re.compile(r"cookie|consent|gdpr", re.I)

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements that end a line of text before and after them.
BLOCKS = frozenset("""
    address article aside blockquote body caption dd details div dl dt fieldset figcaption figure footer
    h1 h2 h3 h4 h5 h6 header hr html li main ol p pre section summary table tbody td tfoot th thead tr ul
""".split())
LISTS = frozenset({"ol", "ul"})
# Start tags that close an open element of the given kind ("<li>" closes the previous "<li>" ...),
# as browsers do, but never across the element that contains them.
IMPLIED_END = {
    "li": ({"li"}, LISTS),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
}
HEAD_CONTENT = frozenset("base link meta noscript script style template title".split())
MAX_DEPTH = 200          # deeper nesting is flattened, so a hostile page cannot exhaust the stack
SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)", re.I)


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Element | _Text] = field(default_factory=list)


@dataclass
class _Text:
    text: str
    line: int


@dataclass(frozen=True)
class Page:
    lines: list[Line]
    url: str | None       # the canonical address, when the page gives one


def looks_like_html(text: str) -> bool:
    """A saved page starts with a doctype or <html> (perhaps after a BOM, blank lines, an XML declaration
    or a comment such as the browser's "saved from url=...")."""
    start = text[:2048].lstrip("\ufeff \t\r\n")
    while start.startswith(("<!--", "<?")):
        end = start.find("-->" if start.startswith("<!--") else "?>")
        if end < 0:
            return False
        start = start[end + (3 if start.startswith("<!--") else 2):].lstrip()
    return bool(re.match(r"<(?:!doctype\s+html|html|head|body)\b", start, re.I))


def page_lines(text: str) -> Page:
    parser = _TreeBuilder()
    parser.feed(text)
    parser.close()
    writer = _Writer(has_article=parser.has_article)
    writer.block(parser.root, in_content=False)
    writer.flush()
    return Page(writer.lines, parser.url())


# --------------------------------------------------------------------------- HTML -> tree

class _TreeBuilder(HTMLParser):
    """A forgiving tree: unclosed <p>, <li>, <td> ... are closed where a browser would close them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root", {}, 1)
        self.stack = [self.root]
        self.canonical: str | None = None
        self.og_url: str | None = None
        self.saved_from: str | None = None
        self.has_article = False

    def url(self) -> str | None:
        for found in (self.canonical, self.og_url, self.saved_from):
            if found:
                return urljoin(SITE, found.strip())
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self._note_address(tag, values)
        self._close_implied(tag)
        self.has_article = self.has_article or tag in CONTENT_ROOTS
        element = _Element(tag, values, self.getpos()[0])
        self.stack[-1].children.append(element)
        if tag not in VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self._note_address(tag, values)
        self.stack[-1].children.append(_Element(tag, values, self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(_Text(data, self.getpos()[0]))

    def handle_comment(self, data: str) -> None:
        saved = SAVED_FROM.search(data)
        if saved and not self.saved_from:
            self.saved_from = saved.group(1)

    def _note_address(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "link" and "canonical" in attrs.get("rel", "").lower().split() and not self.canonical:
            self.canonical = attrs.get("href") or None
        elif tag == "meta" and attrs.get("property", "").lower() == "og:url" and not self.og_url:
            self.og_url = attrs.get("content") or None

    def _close_implied(self, tag: str) -> None:
        if tag not in HEAD_CONTENT and any(element.tag == "head" for element in self.stack):
            # <body>, or anything that belongs in it, ends an unclosed <head>.
            del self.stack[[element.tag for element in self.stack].index("head"):]
        if tag in IMPLIED_END:
            closes, limits = IMPLIED_END[tag]
        elif tag in BLOCKS:
            closes, limits = {"p"}, BLOCKS - {"p"}      # a block start ends an open paragraph
        else:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[depth].tag
            if open_tag in closes:
                del self.stack[depth:]
                return
            if open_tag in limits:
                return


# --------------------------------------------------------------------------- tree -> lines

class _Writer:
    """Walks the tree, writing one Line per block of text."""

    def __init__(self, has_article: bool) -> None:
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.first_line = 0
        self.after_blank = True
        # A page without <article> or <main> may keep its title in the site <header>: keep that then.
        self.frame = SITE_FRAME if has_article else SITE_FRAME - {"header"}

    def flush(self, indent: int = 0, marker: str = "", soft: bool = False) -> None:
        """End the current line; `soft` (a <br>) keeps the next line in the same block."""
        text = clean("".join(self.parts))
        self.parts = []
        if text:
            self.lines.append(Line(self.first_line, indent, f"{marker} {text}" if marker else text, self.after_blank))
        self.after_blank = not (soft and text)

    def text(self, text: str, line: int) -> None:
        if not self.parts:
            self.first_line = line
        self.parts.append(text)

    def block(self, element: _Element, in_content: bool) -> None:
        """Write an element's children, starting a new line at every block."""
        in_content = in_content or element.tag in CONTENT_ROOTS
        for child in element.children:
            if isinstance(child, _Text):
                self.text(child.text, child.line)
            elif self.skipped(child, in_content):
                continue
            elif child.tag == "br":
                self.flush(soft=True)
            elif child.tag in LISTS:
                self.flush()
                self.list(child, 0, in_content)
            elif child.tag in BLOCKS:
                self.flush()
                self.block(child, in_content)
                self.flush()
            else:
                self.block(child, in_content)     # inline: <a>, <strong>, <span> ...

    def list(self, element: _Element, depth: int, in_content: bool) -> None:
        number = _start(element)
        for child in element.children:
            if not isinstance(child, _Element) or self.skipped(child, in_content):
                continue
            if child.tag in LISTS:             # a list directly inside a list: one level deeper
                self.list(child, depth + 1, in_content)
            elif child.tag == "li":
                self.item(child, depth, _marker(element, number), in_content)
                number += 1
            else:
                self.block(child, in_content)
                self.flush()

    def item(self, element: _Element, depth: int, marker: str, in_content: bool) -> None:
        """One list item: its own text (every paragraph in it) on one line, then its nested lists.

        Text after a nested list (a closing citation, say) follows as a continuation line without a marker.
        """
        indent = 2 + 2 * depth
        for child in element.children:
            if isinstance(child, _Text):
                self.text(child.text, child.line)
            elif self.skipped(child, in_content):
                continue
            elif child.tag in LISTS:
                self.flush(indent, marker)
                marker = ""
                self.list(child, depth + 1, in_content)
                self.after_blank = False       # what follows still belongs to this item
            else:
                self.inline(child, in_content)
        self.flush(indent, marker)

    def inline(self, element: _Element, in_content: bool) -> None:
        """All the text inside an element as one run: paragraphs inside a list item join with a space."""
        separate = element.tag in BLOCKS or element.tag == "br"
        if separate:
            self.text(" ", element.line)
        for child in element.children:
            if isinstance(child, _Text):
                self.text(child.text, child.line)
            elif not self.skipped(child, in_content):
                self.inline(child, in_content)
        if separate:
            self.text(" ", element.line)

    def skipped(self, element: _Element, in_content: bool) -> bool:
        return (element.tag in self.frame and not in_content) or _is_furniture(element)


def _is_furniture(element: _Element) -> bool:
    attrs = element.attrs
    if element.tag in SKIPPED:
        return True
    if "hidden" in attrs or attrs.get("aria-hidden", "").lower() == "true":
        return True
    if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", attrs.get("style", ""), re.I):
        return True
    if attrs.get("role", "").lower() in SKIPPED_ROLES:
        return True
    classes = set(attrs.get("class", "").lower().split())
    names = attrs.get("id", "") + " " + attrs.get("class", "")
    return bool(classes & SKIPPED_CLASSES) or bool(FURNITURE_WORDS.search(names))


def _start(element: _Element) -> int:
    try:
        return int(element.attrs.get("start", "1").strip())
    except ValueError:
        return 1


def _marker(element: _Element, number: int) -> str:
    """"3." for an ordered list, "a." or "i." for lettered ones, "•" for bullets."""
    if element.tag == "ul":
        return "•"
    kind = element.attrs.get("type", "1")
    if kind in ("a", "A") and 1 <= number <= 26:
        letter = chr(ord("a") + number - 1)
        return f"{letter if kind == 'a' else letter.upper()}."
    if kind in ("i", "I") and 1 <= number <= 39:
        numeral = _roman(number)
        return f"{numeral if kind == 'i' else numeral.upper()}."
    return f"{number}."


def _roman(number: int) -> str:
    numerals = (("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    text = ""
    for numeral, value in numerals:
        while number >= value:
            text, number = text + numeral, number - value
    return text
