"""Raw decision statement (text or a saved web page) -> Decision.

Reading goes in stages, one module each: text.py turns bytes into clean lines (saved_page.py does
the same for a saved page), this module finds the statement's structure and printed fields in those
lines, and remedy.py reads what was agreed.  Layouts are told apart line by line, not guessed up front:

* plain text where every paragraph and every sub-point is a "- " bullet;
* the same with "Category : A > B", "Decision : Upheld" and "Decision date : 14 Jan 2025" lines;
* a copy of the web page: blank lines between everything, "1." numbering that restarts in
  each section, sub-points indented deeper ("    1.", "    •"), and page furniture
  ("Back to top", "Print this page", the cookie banner ...) that is dropped;
* the web page saved from a browser (.html), turned into the copy's lines by saved_page.py;
* a page printed to PDF and copied: paragraphs wrapped over several lines, the browser's date,
  title, address and page number lines between them (dropped, the address kept as lgsco_url).

The body becomes markdown: "## " for the statement's top-level sections, "### " for any other
heading, every paragraph numbered continuously through the decision (the Ombudsman's own
numbering, which a copy of the web page loses), and sub-points as "- " items nested under the
paragraph that introduces them.

The header, between the title line and the first section, holds the printed fields.  A label may
share its line with its value ("Decision : Upheld") or stand above it ("Decision", then "Upheld"),
as a saved page's label/value pairs come out; the summary may go on over several lines.

Nesting rules, needed where paragraphs and sub-points look alike ("- " for both):

1. An item indented deeper than the paragraph before it, or marked differently from the
   paragraphs (a bullet under numbered paragraphs, a number under "- " ones), is a sub-point.
2. An item ending in ":" always starts a new paragraph: it introduces points of its own.
3. Only a paragraph ending in ":" opens a list, and the first item after it is a sub-point.
4. An item starting with a lower-case letter is a sub-point: a paragraph never does.
5. After a sub-point that does not end a sentence ("...;", "...; or", "... and") the list goes
   on; such a list is closed by its first item ending in ".".
6. If the first sub-point is a fragment ("Excluded her from ...", "Lack of support ..."), the
   list ends at the first item that reads as a paragraph: it starts with a sentence subject
   (The, It, Mrs, In, When ...) and has a finite verb (was, said, should, ...ed), or it has
   more than one sentence.
7. If the first sub-point is a sentence ("The Council should have ..."), the list ends at an
   item starting with a date ("On 10 October 2024", "In April 2024") or with the subject of the
   paragraph that introduced it ("Mr B tried ... for example:" ... "Mr B also raised ...").
8. A line that is only a bracketed citation ("(Local Government Act 1974, section 24A(6), as
   amended)") ends the paragraph before it and is never a paragraph of its own.

A line that does not follow a blank line continues the text before it (a wrapped paragraph) unless
it is a section heading, or the text before it ended a sentence and the line reads as a heading
(and the line after it does not carry on in lower case, as the next line of a wrapped page does).

A statement is complete when it is signed, or when its final decision section ends a sentence.
Anything less was cut short: the record keeps what is there and lists `body` for review.  So does
a body whose paragraphs, counted through, disagree with numbers printed continuously through the
statement (a saved page's <ol start=N>): the printed numbers are the Ombudsman's own.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import RawFormatError
from ..model import OUTCOMES, REVIEWABLE, Decision, ascii_digits, normalise_reference, reference_slug
from .saved_page import looks_like_html, page_lines
from .text import (Line, check_length, decode, ends_sentence, key, plain, read_limited, reject_binary,
                       sentences, text_lines)
from .categories import ombudsman_slug, settle_category
from .remedy import Passage, read_remedy

UPHELD, NOT_UPHELD, CLOSED = OUTCOMES

# --------------------------------------------------------------------------- tables

# The statement's own top-level sections; any other heading line inside one is a sub-heading.
TOP_LEVEL_SECTIONS = (
    "The complaint",
    "The Ombudsman's role and powers",
    "How I considered this complaint",
    "What I have investigated",
    "What I have not investigated",
    "What I have and have not investigated",
    "What I found",
    "My assessment",
    "Assessment",                    # older statements (2013-2016)
    "Background",
    "Agreed action", "Agreed actions",
    "Action", "Actions",
    "Recommended action", "Recommended actions",
    "Recommendation", "Recommendations",
    "Final decision",
    "Decision",
    "Conclusion", "Conclusions",
)
RECOMMENDATION_SECTIONS = ("Recommended action", "Recommended actions", "Recommendation", "Recommendations")
ACTION_SECTIONS = ("Agreed action", "Agreed actions", "Action", "Actions", *RECOMMENDATION_SECTIONS)
DECISION_SECTIONS = ("Final decision", "Decision", "Conclusion", "Conclusions")

# Lines of the web page around the statement, dropped wherever they appear.
PAGE_FURNITURE = ("Back to top", "Print this page", "LGO logogram", "Skip to main content", "Share this page")
# The cookie and privacy block: from here to the end of the text is not the statement.
PAGE_END_MARKERS = ("Review your privacy settings",)
HEADER_LABELS = ("Category", "Decision", "Decision date", "Summary")

SECTION_WORDS = {"ombudsmen's": "ombudsman's", "we": "i", "our": "my"}
TOP_LEVEL_KEYS = frozenset(map(key, TOP_LEVEL_SECTIONS))
FURNITURE_KEYS = frozenset(map(key, PAGE_FURNITURE))
PAGE_END_KEYS = frozenset(map(key, PAGE_END_MARKERS))
LABEL_KEYS = frozenset(map(key, HEADER_LABELS))

# Outcome inference from the Summary and the Final decision wording.  Checked in this order and
# each match is blanked out, so "not found fault" is never also read as "found fault".
OUTCOME_WORDING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:we|i|the ombudsm[ae]n) (?:will not|won't|cannot|can not|could not|shall not|have decided not to"
                r"|decided not to|are not going to|will not be) (?:investigat\w*|start an investigation"
                r"|continue (?:to investigate|our investigation|the investigation|my investigation))", re.I), CLOSED),
    (re.compile(r"\bdiscontinu\w* (?:our|my|the) investigation", re.I), CLOSED),
    (re.compile(r"\bnot upheld\b", re.I), NOT_UPHELD),
    (re.compile(r"\b(?:do|did|will) not uphold\b", re.I), NOT_UPHELD),
    (re.compile(r"\b(?:not|no|never) (?:found|find|finding)\b[^.]{0,30}?\bfault\b", re.I), NOT_UPHELD),
    (re.compile(r"\bno (?:evidence of )?fault\b", re.I), NOT_UPHELD),
    (re.compile(r"\bnot at fault\b", re.I), NOT_UPHELD),
    (re.compile(r"\b(?:we|i) (?:have )?(?:upheld|uphold)\b", re.I), UPHELD),
    (re.compile(r"\bcomplaint (?:is|was|has been) upheld\b", re.I), UPHELD),
    (re.compile(r"\b(?:found|find|finding)\b[^.]{0,40}?\bfault\b", re.I), UPHELD),
    (re.compile(r"\bfault causing (?:\w+ )?injustice\b", re.I), UPHELD),
)

# Words that open a sentence (rule 6 and 7 of the nesting rules).
SENTENCE_SUBJECTS = frozenset("""
    The A An This That These Those There It Its He She They We I You His Her Their Our My
    Mr Mrs Ms Miss Dr In On At By When While Although Though However After Before During
    Following If As Under Where Since Because All Some Each Both Neither Once Until
""".split())
# Words that make a clause a sentence; besides these, any word ending in "-ed".
FINITE_VERBS = frozenset("""
    is are was were has have had does did do will would can could should shall may might must
    said says told found made gave took sent agreed decided thought felt
""".split())
# Words that take the next word into a paragraph's subject: "Mr B", "The Council".
SUBJECT_PREFIXES = frozenset("Mr Mrs Ms Miss Dr The A An This His Her Their Its Our My".split())

MONTHS = (r"January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
DATE_START = re.compile(
    rf"^(?:(?:On|In|By|From|Between|During|Since|Until|Throughout|Later in|Early in"
    rf"|At the (?:start|end|beginning) of)\s+(?:(?:early|late|mid)[\s-]+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?"
    rf"(?:{MONTHS}|\d{{4}})\b|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\b|(?:{MONTHS})\s+\d{{4}}\b)")

# --------------------------------------------------------------------------- line patterns

TITLE = re.compile(r"^(?P<council>[^\s(].*?)\s*\((?P<reference>[\d \-]{8,12}[a-zA-Z]?)\)$")
METADATA = re.compile(r"^(?P<name>Category|Decision date|Decision)\s*:\s*(?P<value>\S.*)$", re.I)
SUMMARY = re.compile(r"^Summary\s*:\s*(?P<text>.*)$", re.I)
FINAL_DECISION_LINE = re.compile(r"^The Ombudsm[ae]n's final decision\s*:?$", re.I)
SIGNATURES = (
    # "Investigator's decision on behalf of the Ombudsman"
    re.compile(r"^(?P<role>[A-Z][\w' -]{0,60}?)'s? (?:final )?decision on behalf of the "
               r"(?:Local Government and Social Care )?(?:Ombudsman|Ombudsmen|two Ombudsmen)\.?$"),
    # "Deputy Ombudsman's decision" - never the header's "The Ombudsman's final decision:"
    re.compile(r"^(?!The )(?:Local Government and Social Care )?(?P<role>(?:[A-Z][\w-]*\s){0,3}?Ombudsman)'s "
               r"(?:final )?decision\.?$"),
)
ITEM = re.compile(r"^(?P<marker>\d{1,3}[.)]|[-–•·▪◦*]|\((?:[a-z]|[ivx]{1,4})\)|(?:[a-z]|[ivx]{1,4})[.)])\s+(?P<text>\S.*)$")
LGSCO_DECISIONS = "https://www.lgo.org.uk/decisions/"
DECISION_URL = re.compile(r"(?:https?://)?(?:www\.)?lgo\.org\.uk/decisions/[^\s<>()\"'“”‘’]+", re.I)
# A browser's print header and footer, left in a copy of the printed page: "14/01/2025, 10:32 <title>"
# and "https://www.lgo.org.uk/... 2/5".
PRINT_HEADER = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4},? \d{1,2}:\d{2}(?:\s?[AaPp][Mm])?\b")
PAGE_ADDRESS = re.compile(r"^(?:https?://)?(?:www\.)?lgo\.org\.uk(?:/\S*)?(?:\s+\d{1,3}/\d{1,3})?$", re.I)
CITATION_WORDS = re.compile(r"\b(?:Act|Acts|Regulations|section|sections|Order|Rules|Code)\b")


@dataclass
class _Paragraph:
    parts: list[str]                 # its text, as the lines it was wrapped over
    indent: int
    kind: str                        # its marker: "number", "bullet", "letter", or "prose" for none
    printed: int | None = None       # the number printed before it, if any
    closed: bool = False             # a citation ended it: nothing more belongs to it (rule 8)
    points: list[list[str]] = field(default_factory=list)
    open_points: int = 0             # points before the last that do not end a sentence (rule 5)

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    def point_texts(self) -> list[str]:
        return [" ".join(point) for point in self.points]

    def add_point(self, text: str) -> None:
        if self.points and not ends_sentence(self.points[-1][-1]):
            self.open_points += 1
        self.points.append([text])

    def add_text(self, text: str) -> None:
        """A wrapped line: it goes on the last point, or the paragraph's own text."""
        (self.points[-1] if self.points else self.parts).append(text)


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str


_Block = _Heading | _Paragraph


@dataclass(frozen=True)
class _Header:
    metadata: dict[str, str]         # "category", "decision", "decision date" -> the printed value
    summary: str | None
    body: list[Line]                 # the statement's lines after the header


# --------------------------------------------------------------------------- public API

def read_raw_file(path: Path) -> Decision:
    """Read a raw statement file: text (UTF-8, UTF-16 or Windows-1252) or a saved web page."""
    path = Path(path)
    return _only(read_statements(decode(read_limited(path), path), source=path.name, where=path), path)


def read_raw(text: str, source: str) -> Decision:
    """Read raw statement text (or a page's HTML); `source` names it in messages and in Decision.source."""
    return _only(read_statements(text, source=source, where=source), source)


def read_statements(text: str, source: str, where: Path | str) -> list[Decision]:
    """Every statement in a raw text, in order: a text file may hold several, one after another (a saved
    page holds one: see `statement_references`)."""
    lines, page_url = _raw_lines(text, where)
    starts = _statement_starts(lines, where, page_url is not None)
    ends = [*starts[1:], len(lines)]
    return [_read_lines(lines[start:end] if at else lines[:end], source, where, page_url)
            for at, (start, end) in enumerate(zip(starts, ends))]


def statement_references(text: str, where: Path | str) -> list[str]:
    """The references of the statements in a raw text, in order, read from their title lines alone: what
    `read_statements` will give, for a tenth of the work."""
    lines, page_url = _raw_lines(text, where)
    return [_title_reference(lines[start]) for start in _statement_starts(lines, where, page_url is not None)]


def _only(decisions: list[Decision], where: Path | str) -> Decision:
    if len(decisions) > 1:
        raise RawFormatError(where, f"holds {len(decisions)} statements ({_listed(decisions)}); "
                                    "read it with read_statements")
    return decisions[0]


def _listed(decisions: list[Decision]) -> str:
    return ", ".join(decision.reference for decision in decisions)


# --------------------------------------------------------------------------- reading

def _raw_lines(text: str, where: Path | str) -> tuple[list[Line], str | None]:
    """The text's lines, and the page's own address if it is a saved page ("" for one without)."""
    check_length(text, where)
    reject_binary(text, where)
    if looks_like_html(text):
        page = page_lines(text)
        return page.lines, page.url or ""
    return text_lines(text), None


def _statement_starts(lines: list[Line], where: Path | str, saved_page: bool) -> list[int]:
    """Where each statement starts: the first title line, then every title line that a header field follows
    ("Summary:", "Decision : Upheld" ...), so a title quoted in the text is no start, and that is of another
    reference or comes after the statement's signature (the same statement pasted twice: a web page's
    breadcrumb and heading both name it). A saved page is one statement: a second is refused, naming both."""
    if not lines:
        raise RawFormatError(where, "the file is empty; paste the whole decision statement into it")
    first = _find_title(lines, where)[0]
    starts, reference, signed = [first], _title_reference(lines[first]), False
    for index in range(first + 1, len(lines)):
        text = lines[index].text
        parsed = _parse_title(text)
        if parsed and (parsed[1] != reference or signed) and _header_follows(lines, index):
            starts.append(index)
            reference, signed = parsed[1], False
        elif not signed and _signature(text):
            signed = True
    if saved_page and len(starts) > 1:
        found = " and ".join(_title_reference(lines[start]) for start in starts)
        raise RawFormatError(where, f"this saved page holds {len(starts)} statements ({found}); save each "
                                    "decision's page to a file of its own", line=lines[starts[1]].number)
    return starts


def _title_reference(line: Line) -> str:
    parsed = _parse_title(line.text)
    assert parsed is not None
    return parsed[1]


HEADER_REACH = 6         # lines after a title in which a statement's header fields start


def _header_follows(lines: list[Line], index: int) -> bool:
    return any(_label_pair(lines, at) is not None or FINAL_DECISION_LINE.match(plain(lines[at].text))
               for at in range(index + 1, min(index + 1 + HEADER_REACH, len(lines))))


def _read_lines(lines: list[Line], source: str, where: Path | str, page_url: str | None) -> Decision:
    title_index, council, reference = _find_title(lines, where)
    statement, decided_by = _statement_lines(lines[title_index + 1:])
    header = _header(statement)
    blocks = _build_blocks([line for line in header.body if not _is_furniture(line.text)])
    if not any(isinstance(block, _Paragraph) for block in blocks):
        if not header.summary:
            raise RawFormatError(where, "nothing of the statement after the title line (no summary, no numbered "
                                        "paragraphs); paste the whole statement, from the title to the signature",
                                 line=lines[title_index].number)
        blocks = []
    url = _lgsco_url(page_url, lines, reference)
    return _decision(source, council, reference, header, blocks, decided_by, url)


def _find_title(lines: list[Line], where: Path | str) -> tuple[int, str, str]:
    for index, line in enumerate(lines):
        parsed = _parse_title(line.text)
        if parsed:
            return index, *parsed
    raise RawFormatError(where, "no 'Council (NN NNN NNN)' title line found; the statement must start with the "
                                "organisation and reference, e.g. 'Essex County Council (24 001 566)'",
                         line=lines[0].number)


def _parse_title(text: str) -> tuple[str, str] | None:
    if not unicodedata.normalize("NFKC", text[-1:]).endswith(")"):     # most lines: told at a glance
        return None
    text = ascii_digits(text)        # "(２４ ００１ ５６６)" is the reference 24 001 566
    if not text.endswith(")") or len(text) > 250 or ITEM.match(text) or SUMMARY.match(text):
        return None
    match = TITLE.match(text)
    if not match:
        return None
    reference = normalise_reference(match["reference"])
    # A breadcrumb ("Home > Decisions > Essex County Council") ends with the organisation.
    council = match["council"].rpartition(" > ")[2].strip(" -–:,")
    if reference is None or not any(char.isalpha() for char in council):
        return None
    return council, reference


def _statement_lines(lines: list[Line]) -> tuple[list[Line], str | None]:
    """The lines up to the signature (or the cookie banner), and who signed it."""
    for index, line in enumerate(lines):
        role = _signature(line.text)
        if role:
            return lines[:index], role
        if key(line.text) in PAGE_END_KEYS:
            return lines[:index], None
    return lines, None


def _signature(text: str) -> str | None:
    if len(text) > 120:
        return None
    for pattern in SIGNATURES:
        match = pattern.match(plain(text))
        if match:
            return match["role"].strip()
    return None


# --------------------------------------------------------------------------- header

def _header(lines: list[Line]) -> _Header:
    """Category/Decision/Decision date (first of each), the Summary, and the lines of the body.

    The header ends at the first section heading or numbered/bulleted item.  Lines in it that are
    neither fields nor furniture go on the summary; before any summary they are kept for the body
    only when there is no summary at all (a copy that lost its "Summary:" label).
    """
    metadata: dict[str, str] = {}
    summary: list[str] | None = None
    unknown: list[Line] = []
    index = 0
    while index < len(lines):
        text = lines[index].text
        pair = _label_pair(lines, index)
        if pair is not None:
            name, value, used = pair
            if name == "summary":
                summary = summary if summary is not None else [value] if value else []
            else:
                metadata.setdefault(name, value)
            index += used
            continue
        if _is_top_level(text) or ITEM.match(text):
            break
        if _is_furniture(text):
            pass
        elif summary is not None:
            if summary and _looks_like_heading(text):
                break
            summary.append(text)
        else:
            unknown.append(lines[index])
        index += 1
    body = lines[index:] if summary is not None else unknown + lines[index:]
    return _Header(metadata, " ".join(summary) if summary else None, body)


def _label_pair(lines: list[Line], index: int) -> tuple[str, str, int] | None:
    """("category", value, lines used) for "Category : value", or for a "Category" line above its value."""
    text = lines[index].text
    field_line = METADATA.match(text)
    if field_line:
        return field_line["name"].lower(), field_line["value"].strip(), 1
    summary = SUMMARY.match(text)
    if summary:
        return "summary", summary["text"].strip(), 1
    name = key(text)
    if name not in LABEL_KEYS or index + 1 >= len(lines):
        return None
    value = lines[index + 1].text
    if key(value) in LABEL_KEYS or METADATA.match(value) or SUMMARY.match(value) or ITEM.match(value):
        return None
    if name != "summary" and (_is_top_level(value) or len(value) > 150):
        return None
    return name, value, 2


def _is_furniture(text: str) -> bool:
    """The header's "final decision:" line, page furniture, a browser's print header and footer, and bare
    links to the Ombudsman's site: never part of the statement."""
    return (bool(FINAL_DECISION_LINE.match(plain(text))) or key(text) in FURNITURE_KEYS
            or bool(PAGE_ADDRESS.match(text)) or bool(PRINT_HEADER.match(text)))


# --------------------------------------------------------------------------- body structure

def _build_blocks(lines: list[Line]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Paragraph | None = None      # the paragraph that sub-points attach to
    paragraph_kind: str | None = None      # marker of the first item: what paragraphs look like here
    in_section = False
    previous_text: str | None = None       # the line before, when it was paragraph text
    for index, line in enumerate(lines):
        item = ITEM.match(line.text)
        text = item["text"] if item else line.text
        following = lines[index + 1] if index + 1 < len(lines) else None
        if current is not None and _is_citation(text):
            current.add_text(text)                              # rule 8
            current.closed = True
        elif item:
            kind = _marker_kind(item["marker"])
            paragraph_kind = paragraph_kind or kind
            if current is not None and _is_sub_point(current, line.indent, kind, text, paragraph_kind):
                current.add_point(text)
            else:
                current = _Paragraph([text], line.indent, kind, _printed_number(item["marker"]))
                blocks.append(current)
        elif current is not None and _continues(previous_text, line, following):
            current.add_text(text)                              # a paragraph wrapped over two lines
        elif _looks_like_heading(text):
            level = 2 if _is_top_level(text) or not in_section else 3
            in_section = in_section or level == 2
            blocks.append(_Heading(level, text))
            current, previous_text = None, None
            continue
        else:
            current = _Paragraph([text], line.indent, "prose")
            blocks.append(current)
        previous_text = line.text
    return blocks


def _marker_kind(marker: str) -> str:
    if marker[0].isdigit():
        return "number"
    return "letter" if marker[0].isalpha() or marker[0] == "(" else "bullet"


def _printed_number(marker: str) -> int | None:
    return int(marker[:-1]) if marker[:-1].isdigit() else None


def _numbering_disagrees(blocks: list[_Block]) -> bool:
    """Printed numbers that run on through the sections are the Ombudsman's own: if ours differ, a
    paragraph was split or merged wrongly.  (Numbers that restart in each section, as a copy of the
    web page gives, say nothing.)"""
    found = [block.printed for block in blocks if isinstance(block, _Paragraph)]
    printed = [number for number in found if number is not None]
    if not printed or len(printed) < len(found) or any(b <= a for a, b in zip(printed, printed[1:])):
        return False
    return printed != list(range(1, len(printed) + 1))


def _is_citation(text: str) -> bool:
    """"(Local Government Act 1974, section 26(6)(c), as amended)" - rule 8."""
    return (len(text) <= 200 and text.startswith("(") and text.rstrip(".").endswith(")")
            and bool(CITATION_WORDS.search(text)))


def _continues(previous_text: str | None, line: Line, following: Line | None) -> bool:
    """A line wrapped from the one before: it follows text without a blank line, and does not read as a
    heading - or it does, but the text goes on after it ("... to respond." / "Councils have up to 20
    working days" / "to respond to a complaint."), as a page's wrapped lines do."""
    if previous_text is None or line.after_blank or _is_top_level(line.text):
        return False
    if not (_looks_like_heading(line.text) and _ends_block(previous_text)):
        return True
    return (following is not None and not following.after_blank and following.text[0].islower()
            and not ITEM.match(following.text))


def _ends_block(text: str) -> bool:
    return ends_sentence(text) or text.endswith((":", ";", ")"))


def _looks_like_heading(text: str) -> bool:
    if _is_top_level(text):
        return True
    words = text.split()
    return (len(words) <= 15 and len(text) <= 120 and not text[0].islower()
            and any(char.isalpha() for char in text) and text[-1] not in ".,;:!")


def _is_top_level(text: str) -> bool:
    return len(text) <= 60 and _section_key(text) in TOP_LEVEL_KEYS


def _section_key(text: str) -> str:
    """A joint statement speaks for both Ombudsmen: "How we considered ..." is "How I considered ..."."""
    return " ".join(SECTION_WORDS.get(word, word) for word in key(text).split())


def _is_sub_point(current: _Paragraph, indent: int, kind: str, text: str, paragraph_kind: str) -> bool:
    if current.closed:
        return False                                    # rule 8
    if indent != current.indent and current.kind != "prose":
        return indent > current.indent                  # rule 1: deeper is nested
    if kind != paragraph_kind:
        return True                                     # rule 1: marked differently
    if kind == "number":
        return False                                    # explicit numbers are paragraphs
    return _is_plain_sub_point(current, text)


def _is_plain_sub_point(lead: _Paragraph, text: str) -> bool:
    """Rules 2-7 for a "- " item following the paragraph `lead` (and its points so far)."""
    if text.endswith(":"):
        return False                                    # rule 2
    if text[0].islower():
        return True                                     # rule 4
    if not lead.parts[-1].endswith(":"):
        return False                                    # rule 3
    if not lead.points:
        return True                                     # rule 3
    if not ends_sentence(lead.points[-1][-1]):
        return True                                     # rule 5: "...;" goes on
    if lead.open_points:
        return False                                    # rule 5: closed by its "."
    first = lead.points[0][0]
    if not _starts_with_subject(first):                 # rule 6
        return not ((_starts_with_subject(text) and _has_finite_verb(text)) or len(sentences(text)) > 1)
    return not (DATE_START.match(text) or _restarts_subject(lead.parts[0], text))   # rule 7


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][\w'’-]*", text)


def _starts_with_subject(text: str) -> bool:
    words = _words(text[:40])
    return bool(words) and text.lstrip("“‘\"'(").startswith(words[0]) and words[0] in SENTENCE_SUBJECTS


def _has_finite_verb(text: str) -> bool:
    return any(word.lower() in FINITE_VERBS or (len(word) > 4 and word.endswith("ed") and not word.endswith("eed"))
               for word in _words(text))


def _subject(text: str) -> list[str]:
    words = text.split()[:2]
    return words if words and words[0] in SUBJECT_PREFIXES else words[:1]


def _restarts_subject(lead: str, text: str) -> bool:
    subject = _subject(lead)
    return bool(subject) and text.split()[:len(subject)] == subject


# --------------------------------------------------------------------------- markdown

def _render_body(blocks: list[_Block]) -> str:
    if not blocks:
        return ""
    chunks: list[str] = []
    run: list[str] = []
    number = 0
    for block in blocks:
        if isinstance(block, _Heading):
            if run:
                chunks.append("\n".join(run))
                run = []
            chunks.append("#" * block.level + " " + _escape_heading(block.text))
            continue
        number += 1
        marker = f"{number}. "
        run.append(marker + _escape_markdown(block.text))
        # Nested items sit under the paragraph's text column, so "10. " needs four spaces.
        run.extend(" " * len(marker) + "- " + _escape_markdown(point) for point in block.point_texts())
    if run:
        chunks.append("\n".join(run))
    return "\n\n".join(chunks) + "\n"


def _escape_markdown(text: str) -> str:
    """Backslash-escape what CommonMark would read as markup, so the rendered text is the printed text."""
    text = re.sub(r"([\\`*_\[\]<~])", r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    text = re.sub(r"^([#>+=-])", r"\\\1", text)               # heading, quote, list, rule at line start
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)           # "1990. ..." is not a list item


def _escape_heading(text: str) -> str:
    return re.sub(r"(\s)#", r"\1\\#", _escape_markdown(text))      # " ##" at the end would close the heading


# --------------------------------------------------------------------------- fields

def _decision(source: str, council: str, reference: str, header: _Header, blocks: list[_Block],
              decided_by: str | None, url: str | None) -> Decision:
    summary = header.summary
    printed_category, printed_subcategory = _printed_category(header.metadata.get("category"))
    category, subcategory = _settled_category(printed_category, printed_subcategory, summary, blocks)
    printed_outcome = _printed_outcome(header.metadata.get("decision"))
    outcome = printed_outcome or _inferred_outcome(summary, blocks)
    decision_date = _printed_date(header.metadata.get("decision date"))
    has_decision = bool(_paragraphs_in(blocks, DECISION_SECTIONS))
    complete = decided_by is not None or (has_decision and _ends_cleanly(blocks))
    remedy = read_remedy(summary or "", _passages(blocks), _all_text(blocks), outcome,
                         cut_short=not complete and not has_decision)
    unreliable = {
        "category": printed_category is None,
        "subcategory": printed_subcategory is None,
        "outcome": printed_outcome is None,
        "decision_date": decision_date is None,
        "summary": not summary,
        "remedy": remedy.note is not None,
        "decided_by": decided_by is None,
        "body": not complete or not blocks or _numbering_disagrees(blocks),
    }
    return Decision(
        reference=reference, council=council, summary=summary or "", body=_render_body(blocks),
        category=category, subcategory=subcategory, outcome=outcome, decision_date=decision_date,
        remedy=remedy, decided_by=decided_by, source=source,
        lgsco_url=url or _derived_url(printed_category, printed_subcategory, reference),
        needs_review=tuple(name for name in REVIEWABLE if unreliable.get(name)),
    )


def _settled_category(category: str | None, subcategory: str | None, summary: str | None,
                      blocks: list[_Block]) -> tuple[str | None, str | None]:
    """The printed category and subcategory; what is not printed, from wording that leaves no doubt (a
    subcategory only where the category settled is the printed one, if one is printed)."""
    if category and subcategory:
        return category, subcategory
    settled_category, settled_subcategory = settle_category(plain(" ".join([summary or "", *_all_text(blocks)])))
    if category is None:
        return settled_category, settled_subcategory
    return category, settled_subcategory if settled_category == category else None


def _derived_url(category: str | None, subcategory: str | None, reference: str) -> str | None:
    """The decision's address on the Ombudsman's site follows from its printed category and subcategory:
    never made up from guessed ones."""
    if not (category and subcategory):
        return None
    return f"{LGSCO_DECISIONS}{ombudsman_slug(category)}/{ombudsman_slug(subcategory)}/{reference_slug(reference)}"


def _printed_category(value: str | None) -> tuple[str | None, str | None]:
    """"Children's care services > Looked after children", with the site's straight apostrophes, so one
    category is one index page however it was typed."""
    if not value:
        return None, None
    category, _, subcategory = (part.strip() for part in plain(value).partition(">"))
    return category or None, subcategory or None


def _printed_outcome(value: str | None) -> str | None:
    """"Upheld", "Not upheld: no maladministration", "Closed after initial enquiries - out of jurisdiction"."""
    text = (value or "").strip().lower()
    return next((outcome for outcome in OUTCOMES if text.startswith(outcome.lower())), None)


def _printed_date(value: str | None) -> date | None:
    """"14 Jan 2025", "05 March 2025", "Tuesday 14th January 2025", "14/01/2025", "2025-01-14"."""
    text = re.sub(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+", "", (value or "").strip(), flags=re.I)
    text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", text)
    text = " ".join(text.replace("Sept ", "Sep ").replace(",", " ").split())
    for pattern in ("%d %b %Y", "%d %B %Y", "%B %d %Y", "%b %d %Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _inferred_outcome(summary: str | None, blocks: list[_Block]) -> str | None:
    paragraphs = _paragraphs_in(blocks, DECISION_SECTIONS)
    text = plain(" ".join([summary or "", *(part for p in paragraphs for part in [p.text, *p.point_texts()])]))
    found = set()
    for pattern, outcome in OUTCOME_WORDING:
        if pattern.search(text):
            found.add(outcome)
            text = pattern.sub(lambda match: " " * len(match.group(0)), text)
    return found.pop() if len(found) == 1 else None


def _ends_cleanly(blocks: list[_Block]) -> bool:
    """The last paragraph (or its last point) ends a sentence: the text was not cut off mid-way."""
    last = next((block for block in reversed(blocks) if isinstance(block, _Paragraph)), None)
    return last is not None and _ends_block((last.point_texts() or [last.text])[-1])


def _lgsco_url(page_url: str | None, lines: list[Line], reference: str) -> str | None:
    """The decision's address on the Ombudsman's site: the saved page's own, or one printed in the text.

    Only an address of this decision counts (it ends with the reference's slug), never a link to
    guidance or to another decision.
    """
    candidates = [page_url] if page_url else []
    # One search of the lines joined (an address never spans a line break), and none without the site's name.
    text = "\n".join(line.text for line in lines)
    if "lgo.org.uk" in text.lower():
        candidates += [match.group(0) for match in DECISION_URL.finditer(text)]
    slug = reference_slug(reference).lower()
    for candidate in candidates:
        url = candidate.rstrip(".,;:")
        url = url if "://" in url else "https://" + url
        parts = urlsplit(url)
        if parts.netloc.lower().endswith("lgo.org.uk") and parts.path.rstrip("/").lower().endswith("/" + slug):
            return url
    return None


def _all_text(blocks: list[_Block]) -> list[str]:
    return [part for block in blocks if isinstance(block, _Paragraph) for part in [block.text, *block.point_texts()]]


def _paragraphs_in(blocks: list[_Block], sections: tuple[str, ...]) -> list[_Paragraph]:
    """Paragraphs under the named top-level sections, sub-headings included."""
    wanted, inside, found = {key(name) for name in sections}, False, []
    for block in blocks:
        if isinstance(block, _Heading) and block.level == 2:
            inside = _section_key(block.text) in wanted
        elif isinstance(block, _Paragraph) and inside:
            found.append(block)
    return found


def _passages(blocks: list[_Block]) -> list[Passage]:
    """The paragraphs of the action sections, each saying whether its section recommends."""
    recommended = {id(paragraph) for paragraph in _paragraphs_in(blocks, RECOMMENDATION_SECTIONS)}
    return [Passage(paragraph.text, tuple(paragraph.point_texts()), id(paragraph) in recommended)
            for paragraph in _paragraphs_in(blocks, ACTION_SECTIONS)]
