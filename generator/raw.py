"""Raw decision statement (text copied from the Ombudsman's website) -> Decision.

Three layouts are read, told apart line by line rather than guessed up front:

* plain text where every paragraph and every sub-point is a "- " bullet;
* the same with "Category : A > B", "Decision : Upheld" and "Decision date : 14 Jan 2025" lines;
* a copy of the web page: blank lines between everything, "1." numbering that restarts in
  each section, sub-points indented deeper ("    1.", "    •"), and page furniture
  ("Back to top", "Print this page", the cookie banner ...) that is dropped.

The body becomes markdown: "## " for the statement's top-level sections, "### " for any other
heading, every paragraph numbered continuously through the decision (the Ombudsman's own
numbering, which a copy of the web page loses), and sub-points as "- " items nested under the
paragraph that introduces them.

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
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .errors import RawFormatError
from .model import OUTCOMES, REVIEWABLE, Decision, Payment, Remedy, normalise_reference

UPHELD, NOT_UPHELD, CLOSED = OUTCOMES
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def _plain(text: str) -> str:
    """For matching only: straight apostrophes."""
    return text.translate(APOSTROPHES)


def _key(text: str) -> str:
    """Heading and furniture lines compared without case, apostrophe style, spacing or a final colon."""
    return " ".join(_plain(text).lower().rstrip(":").split())


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
    "Background",
    "Agreed action", "Agreed actions",
    "Action", "Actions",
    "Recommended action", "Recommended actions",
    "Recommendation", "Recommendations",
    "Final decision",
    "Decision",
)
ACTION_SECTIONS = (
    "Agreed action", "Agreed actions", "Action", "Actions",
    "Recommended action", "Recommended actions", "Recommendation", "Recommendations",
)
DECISION_SECTIONS = ("Final decision", "Decision")

# Lines of the web page around the statement, dropped wherever they appear.
PAGE_FURNITURE = ("Back to top", "Print this page", "LGO logogram")
# The cookie and privacy block: from here to the end of the text is not the statement.
PAGE_END_MARKERS = ("Review your privacy settings",)

TOP_LEVEL_KEYS = frozenset(map(_key, TOP_LEVEL_SECTIONS))
FURNITURE_KEYS = frozenset(map(_key, PAGE_FURNITURE))
PAGE_END_KEYS = frozenset(map(_key, PAGE_END_MARKERS))

# Category inference: only wording that leaves no doubt.  All signals found must agree.
CATEGORY_SIGNALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"statutory children's complaints? (?:procedure|process)", re.I), "Children's care services"),
    (re.compile(r"children's statutory complaints? (?:procedure|process)", re.I), "Children's care services"),
    (re.compile(r"share this decision with (?:the )?(?:Office for Standards in Education|Ofsted)", re.I),
     "Children's care services"),
    (re.compile(r"share this decision with the Care Quality Commission", re.I), "Adult care services"),
)

# Outcome inference from the Summary and the Final decision wording.  Checked in this order and
# each match is blanked out, so "not found fault" is never also read as "found fault".
OUTCOME_WORDING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:we|i) (?:will not|won't|cannot|can not|could not|shall not|have decided not to"
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
PROPER_WORDS = frozenset("Mr Mrs Ms Miss Dr Council I".split())
ABBREVIATIONS = frozenset("Mr Mrs Ms Dr St No eg ie e.g i.e etc para paras vs v".split())

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
FINAL_DECISION_LINE = re.compile(r"^The Ombudsman's final decision\s*:?$", re.I)
SIGNATURE = re.compile(
    r"^(?P<role>[A-Z][\w' -]{0,60}?)'s? decision on behalf of the (?:Local Government and Social Care )?Ombudsman\.?$")
ITEM = re.compile(r"^(?P<marker>\d{1,3}[.)]|[-–•·▪◦*]|\((?:[a-z]|[ivx]{1,4})\)|(?:[a-z]|[ivx]{1,4})[.)])\s+(?P<text>\S.*)$")
LGSCO_URL = re.compile(r"https?://(?:www\.)?lgo\.org\.uk[^\s<>()\"'“”‘’]*", re.I)
MONEY = re.compile(r"£\s?(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?(?!\d)")

# --------------------------------------------------------------------------- remedy patterns

# Where an agreed or recommended action starts in a sentence; the action is what follows.
ACTION_ANCHORS = (
    re.compile(r"\bagree[sd]? to\b(?!\s+(?:this|that|these|those|it|them|do so)\b)\s*", re.I),
    re.compile(r"\bagree[sd]? that\b[^.]*?\b(?:it|the Council) (?:will|would|should)\b\s*"),
    re.compile(r"\brecommend(?:s|ed)?(?:\s+that)?(?:\s*,?\s*(?:within|by)\b[^.]*?,)?\s+the\s+(?:[A-Z][\w']*\s+){0,2}?[A-Z][\w']*"),
    # "The Council should ...", at the start of a sentence or after a "Within a month," lead-in.
    re.compile(r"^(?:(?:Within|To|By|In order to)\b[^.]*?,\s*)?[Tt]he\s+(?:[A-Z][\w']*\s+){0,2}?[A-Z][\w']*"
               r"\s+(?:should|must|will)\s+(?:also\s+|now\s+)?"),
)
COMPLIANCE_BOILERPLATE = re.compile(r"\bprovide us with (?:evidence|details|confirmation)\b|\bevidence it has complied\b", re.I)
DEADLINE = re.compile(r"\bwithin\s+(?:[\w-]+\s+){1,3}?of\s+(?:the\s+date\s+of\s+)?(?:my|the|our|this)\s+(?:final\s+)?decision\b", re.I)
GENERIC_ACTION = re.compile(
    r"(?:(?:take|do|carry out|complete)\s+)?(?:the\s+)?(?:following|below)?\s*(?:actions?|steps?)?"
    r"\s*(?:to\s+remedy\s+(?:the|this|that)\s+injustice)?", re.I)
PAYMENT_ACTION = re.compile(r"^(?:pay|make (?:a|an)\b[^.£]{0,20}\bpayment|refund|reimburse)\b", re.I)
APOLOGY_ACTION = re.compile(r"^(?:apologi[sz]e|(?:send|give|provide|make|offer|write)\b[^.]{0,60}?\b(?:apology|apologi[sz]e))\b", re.I)
IMPROVEMENT_WORDS = re.compile(
    r"\b(?:polic(?:y|ies)|procedures?|process(?:es)?|guidance|training|train|staff|practice|systems?|learning"
    r"|service improvements?|remind\w*|improve\w*)\b", re.I)
# The summary's word for what was agreed: "The Council has agreed to apologise and make a payment."
SUMMARY_AGREED = re.compile(r"\b(?:has|have)\s+(?:also\s+)?agreed to\b|\bagreed to (?:pay|make|refund|remedy|provide)\b"
                            r"|\b(?:I|we)\s+(?:have\s+)?recommend\w*\b", re.I)
SUMMARY_APOLOGY = re.compile(r"\bapologi[sz]e\b", re.I)
SUMMARY_IMPROVEMENT = re.compile(r"\bservice improvements?\b|\bimprove (?:its|their)\b|\btraining\b"
                                 r"|\bremind\w* (?:its |relevant |all )?staff\b", re.I)
PERIOD = re.compile(r"^\s*(?:per|a|each|every)\s+(?P<unit>week|month|term|year)\b", re.I)
PURPOSE_AFTER_AMOUNT = re.compile(
    r"^\s*(?:(?:per|a|each|every)\s+(?:week|month|term|year)\b)?\s*,?\s*"
    r"(?:to\s+(?:recognise|recognize|remedy|acknowledge|reflect|address)|in\s+recognition\s+of"
    r"|in\s+acknowledgement\s+of|for)\s+(?P<purpose>\S.*)$", re.I | re.S)
PURPOSE_FOLLOW_UP = re.compile(
    r"^(?:This|It|That|The payment|This payment|The sum)\s+is\s+(?:to\s+(?:recognise|recognize|remedy|acknowledge|reflect|address)"
    r"|in\s+recognition\s+of|for)\s+(?P<purpose>\S.*)$", re.S)
ANAPHORIC_PURPOSE = re.compile(r"^(?:that|this|these|those|it|its|such)\b|^(?:the\s+)?injustice$", re.I)
ACCEPTED_OFFER = re.compile(r"\b(?:I|[Ww]e)\s+(?:\w+\s+)?(?:welcome|accept)s?\s+(?:the\s+)?[^.£]{0,60}?\boffer\s+(?:of\s+)?(?=£)")
OFFER = re.compile(r"\boffer(?:s|ed|ing)?\b", re.I)
OFFER_ENDORSED = re.compile(
    r"\bput right\b|\bremedied\b|\bin line with our guidance\b|\bin excess of\b"
    r"|\b(?:is|was) (?:appropriate|proportionate|sufficient|reasonable)\b", re.I)

# --------------------------------------------------------------------------- text clean-up

LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
INVISIBLES = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
BINARY_MESSAGE = "this is a binary file, not a decision statement; save the statement as plain text (.txt)"


@dataclass(frozen=True)
class _Line:
    number: int          # 1-based line number in the text as given
    indent: int
    text: str            # whitespace normalised, never empty
    after_blank: bool


@dataclass
class _Paragraph:
    text: str
    indent: int
    kind: str            # its marker: "number", "bullet", "letter", or "prose" for none
    points: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str


_Block = _Heading | _Paragraph


@dataclass(frozen=True)
class _Action:
    text: str            # as worded, lower-case first letter
    context: str = ""    # the sentence after it, which may say what a payment is for


# --------------------------------------------------------------------------- public API

def read_raw_file(path: Path) -> Decision:
    """Read a raw statement file: UTF-8 (with or without BOM), falling back to Windows-1252."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RawFormatError(path, f"cannot read the file: {error.strerror or error}") from None
    return _read(_decode(data, path), source=path.name, where=path)


def read_raw(text: str, source: str) -> Decision:
    """Read raw statement text; `source` names it in messages and in Decision.source."""
    return _read(text, source=source, where=source)


# --------------------------------------------------------------------------- reading

def _decode(data: bytes, path: Path) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RawFormatError(path, BINARY_MESSAGE) from None
    if b"\x00" in data:
        raise RawFormatError(path, BINARY_MESSAGE)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RawFormatError(path, "the file is neither UTF-8 nor Windows-1252 text; save it as UTF-8 plain text")


def _read(text: str, source: str, where: Path | str) -> Decision:
    _reject_binary(text, where)
    lines = _normalised_lines(text)
    if not lines:
        raise RawFormatError(where, "the file is empty; paste the whole decision statement into it")
    title_index, council, reference = _find_title(lines, where)
    statement, decided_by = _statement_lines(lines[title_index + 1:])
    metadata, summary, body_start = _header(statement)
    blocks = _build_blocks([line for line in statement[body_start:] if not _is_dropped(line.text)])
    if not any(isinstance(block, _Paragraph) for block in blocks):
        raise RawFormatError(where, "no statement paragraphs found after the title line; paste the whole "
                                    "statement, from the title to the signature", line=lines[title_index].number)
    return _decision(source, council, reference, metadata, summary, blocks, decided_by, text)


def _reject_binary(text: str, where: Path | str) -> None:
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\n\r\t\x0b\x0c")
    if "\x00" in text or controls > max(8, len(text) // 50):
        raise RawFormatError(where, BINARY_MESSAGE)


def _normalised_lines(text: str) -> list[_Line]:
    """Non-blank lines with CRLF, BOM, tabs and control characters smoothed out.

    str.split() treats every Unicode space (no-break, thin ...) as a space, so those need no rule of their own.
    """
    text = LINE_BREAKS.sub("\n", text.translate(INVISIBLES))
    lines, after_blank = [], False
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = "".join(char for char in raw if char == "\t" or unicodedata.category(char) != "Cc")
        raw = raw.expandtabs(4)
        content = " ".join(raw.split())
        if not content:
            after_blank = True
            continue
        lines.append(_Line(number, len(raw) - len(raw.lstrip()), content, after_blank))
        after_blank = False
    return lines


def _find_title(lines: list[_Line], where: Path | str) -> tuple[int, str, str]:
    for index, line in enumerate(lines):
        parsed = _parse_title(line.text)
        if parsed:
            return index, *parsed
    raise RawFormatError(where, "no 'Council (NN NNN NNN)' title line found; the statement must start with the "
                                "organisation and reference, e.g. 'Essex County Council (24 001 566)'",
                         line=lines[0].number)


def _parse_title(text: str) -> tuple[str, str] | None:
    if not text.endswith(")") or len(text) > 250 or ITEM.match(text) or SUMMARY.match(text):
        return None
    match = TITLE.match(text)
    if not match:
        return None
    reference = normalise_reference(match["reference"])
    council = match["council"].strip(" -–:,")
    if reference is None or not any(char.isalpha() for char in council):
        return None
    return council, reference


def _statement_lines(lines: list[_Line]) -> tuple[list[_Line], str | None]:
    """The lines up to the signature (or the cookie banner), and who signed it."""
    for index, line in enumerate(lines):
        signature = SIGNATURE.match(_plain(line.text))
        if signature:
            return lines[:index], signature["role"].strip()
        if _key(line.text) in PAGE_END_KEYS:
            return lines[:index], None
    return lines, None


def _header(lines: list[_Line]) -> tuple[dict[str, str], str | None, int]:
    """Category/Decision/Decision date lines (first of each), the Summary, and where the body starts."""
    metadata: dict[str, str] = {}
    summary, body_start = None, 0
    for index, line in enumerate(lines):
        field_line = METADATA.match(line.text)
        if field_line:
            metadata.setdefault(field_line["name"].lower(), field_line["value"].strip())
        elif summary is None and SUMMARY.match(line.text):
            summary, body_start = SUMMARY.match(line.text)["text"].strip(), index + 1
    return metadata, summary, body_start


def _is_dropped(text: str) -> bool:
    """Header lines, page furniture and bare links: nothing of these belongs in the body."""
    return (bool(METADATA.match(text)) or bool(SUMMARY.match(text)) or bool(FINAL_DECISION_LINE.match(_plain(text)))
            or _key(text) in FURNITURE_KEYS
            or bool(LGSCO_URL.fullmatch(text)))


# --------------------------------------------------------------------------- body structure

def _build_blocks(lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Paragraph | None = None      # the paragraph that sub-points attach to
    paragraph_kind: str | None = None      # marker of the first item: what paragraphs look like here
    in_section = False
    previous_was_text = False
    for line in lines:
        item = ITEM.match(line.text)
        if item:
            kind, text = _marker_kind(item["marker"]), item["text"]
            paragraph_kind = paragraph_kind or kind
            if current is not None and _is_sub_point(current, line.indent, kind, text, paragraph_kind):
                current.points.append(text)
            else:
                current = _Paragraph(text, line.indent, kind)
                blocks.append(current)
        elif previous_was_text and not line.after_blank and not _looks_like_heading(line.text):
            _continue_last_text(current, line.text)     # a paragraph wrapped over two lines
        elif _looks_like_heading(line.text):
            level = 2 if _is_top_level(line.text) or not in_section else 3
            in_section = in_section or level == 2
            blocks.append(_Heading(level, line.text))
            current, previous_was_text = None, False
            continue
        else:
            current = _Paragraph(line.text, line.indent, "prose")
            blocks.append(current)
        previous_was_text = True
    return blocks


def _marker_kind(marker: str) -> str:
    if marker[0].isdigit():
        return "number"
    return "letter" if marker[0].isalpha() or marker[0] == "(" else "bullet"


def _continue_last_text(current: _Paragraph | None, text: str) -> None:
    if current is None:
        return
    if current.points:
        current.points[-1] += " " + text
    else:
        current.text += " " + text


def _looks_like_heading(text: str) -> bool:
    if _is_top_level(text):
        return True
    words = text.split()
    return (len(words) <= 15 and len(text) <= 120 and not text[0].islower()
            and any(char.isalpha() for char in text) and text[-1] not in ".,;:!")


def _is_top_level(text: str) -> bool:
    return _key(text) in TOP_LEVEL_KEYS


def _is_sub_point(current: _Paragraph, indent: int, kind: str, text: str, paragraph_kind: str) -> bool:
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
    if not lead.text.endswith(":"):
        return False                                    # rule 3
    points = lead.points
    if not points:
        return True                                     # rule 3
    if not _ends_sentence(points[-1]):
        return True                                     # rule 5: "...;" goes on
    if not all(_ends_sentence(point) for point in points):
        return False                                    # rule 5: closed by its "."
    if not _starts_with_subject(points[0]):             # rule 6
        return not ((_starts_with_subject(text) and _has_finite_verb(text)) or len(_sentences(text)) > 1)
    return not (DATE_START.match(text) or _restarts_subject(lead.text, text))   # rule 7


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"”’')]").endswith((".", "!", "?"))


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


def _sentences(text: str) -> list[str]:
    """Split at ". " before a capital, not after Mr./e.g. and the like."""
    sentences, start = [], 0
    for match in re.finditer(r"[.!?][\"”’')\]]*\s+(?=[A-Z£“‘\"'(])", text):
        before = text[max(start, match.start() - 12):match.start()].split()
        if before and before[-1].rstrip(".") in ABBREVIATIONS:
            continue
        sentences.append(text[start:match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    return sentences + [rest] if rest else sentences


# --------------------------------------------------------------------------- markdown

def _render_body(blocks: list[_Block]) -> str:
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
        run.extend(" " * len(marker) + "- " + _escape_markdown(point) for point in block.points)
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

def _decision(source: str, council: str, reference: str, metadata: dict[str, str], summary: str | None,
              blocks: list[_Block], decided_by: str | None, text: str) -> Decision:
    printed_category, printed_subcategory = _printed_category(metadata.get("category"))
    category = printed_category or _inferred_category(summary, blocks)
    printed_outcome = _printed_outcome(metadata.get("decision"))
    outcome = printed_outcome or _inferred_outcome(summary, blocks)
    decision_date = _printed_date(metadata.get("decision date"))
    remedy = _remedy(blocks, summary or "", outcome)
    unreliable = {
        "category": printed_category is None,
        "subcategory": printed_subcategory is None,
        "outcome": printed_outcome is None,
        "decision_date": decision_date is None,
        "summary": not summary,
        "remedy": remedy.note is not None,
        "decided_by": decided_by is None,
    }
    url = LGSCO_URL.search(text)
    return Decision(
        reference=reference, council=council, summary=summary or "", body=_render_body(blocks),
        category=category, subcategory=printed_subcategory, outcome=outcome, decision_date=decision_date,
        remedy=remedy, decided_by=decided_by, source=source,
        lgsco_url=url.group(0).rstrip(".,;:") if url else None,
        needs_review=tuple(name for name in REVIEWABLE if unreliable.get(name)),
    )


def _printed_category(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    category, _, subcategory = (part.strip() for part in value.partition(">"))
    return category or None, subcategory or None


def _printed_outcome(value: str | None) -> str | None:
    key = (value or "").strip().lower()
    return next((outcome for outcome in OUTCOMES if key.startswith(outcome.lower())), None)


def _printed_date(value: str | None) -> date | None:
    text = " ".join((value or "").replace("Sept ", "Sep ").replace(",", " ").split())
    for pattern in ("%d %b %Y", "%d %B %Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _inferred_category(summary: str | None, blocks: list[_Block]) -> str | None:
    text = _plain(" ".join([summary or "", *_all_text(blocks)]))
    found = {category for pattern, category in CATEGORY_SIGNALS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def _inferred_outcome(summary: str | None, blocks: list[_Block]) -> str | None:
    paragraphs = _paragraphs_in(blocks, DECISION_SECTIONS)
    text = _plain(" ".join([summary or "", *(part for p in paragraphs for part in [p.text, *p.points])]))
    found = set()
    for pattern, outcome in OUTCOME_WORDING:
        if pattern.search(text):
            found.add(outcome)
            text = pattern.sub(lambda match: " " * len(match.group(0)), text)
    return found.pop() if len(found) == 1 else None


def _all_text(blocks: list[_Block]) -> list[str]:
    return [part for block in blocks if isinstance(block, _Paragraph) for part in [block.text, *block.points]]


def _paragraphs_in(blocks: list[_Block], sections: tuple[str, ...]) -> list[_Paragraph]:
    """Paragraphs under the named top-level sections, sub-headings included."""
    wanted, inside, found = {_key(name) for name in sections}, False, []
    for block in blocks:
        if isinstance(block, _Heading) and block.level == 2:
            inside = _key(block.text) in wanted
        elif isinstance(block, _Paragraph) and inside:
            found.append(block)
    return found


# --------------------------------------------------------------------------- remedy

def _remedy(blocks: list[_Block], summary: str, outcome: str | None) -> Remedy:
    action_paragraphs = _paragraphs_in(blocks, ACTION_SECTIONS)
    actions = _agreed_actions(action_paragraphs)
    sentences = [sentence for text in [summary, *_all_text(blocks)] for sentence in _sentences(text)]
    payments = [payment for action in actions for payment in _payments_in(action.text, action.context)]
    for payment in _accepted_offers(sentences) + _summary_payments(summary):
        if payment.amount not in {known.amount for known in payments}:
            payments.append(payment)
    payments = [_with_resolved_purpose(payment, sentences) for payment in payments]
    note = _unrecorded_offer_note(sentences, payments)
    if note is None and outcome == UPHELD and not actions and not payments:
        note = "No agreed or recommended action was found although the complaint is upheld."
    if note is None and any(payment.period for payment in payments):
        note = "A recurring payment is counted once in the total."
    return Remedy(
        total=int(sum((Decimal(str(p.amount)) for p in payments), Decimal(0)).quantize(Decimal(1), ROUND_HALF_UP)),
        payments=tuple(payments),
        apology=any(APOLOGY_ACTION.match(a.text) for a in actions) or _summary_agrees(summary, SUMMARY_APOLOGY),
        service_improvements=(any(_is_improvement(a.text) for a in actions)
                              or _summary_agrees(summary, SUMMARY_IMPROVEMENT)),
        actions=tuple(action.text for action in actions),
        deadline=_deadline(action_paragraphs),
        note=note,
    )


def _agreed_actions(paragraphs: list[_Paragraph]) -> list[_Action]:
    actions: list[_Action] = []
    for paragraph in paragraphs:
        if COMPLIANCE_BOILERPLATE.search(paragraph.text):
            continue
        sentences = _sentences(paragraph.text)
        for index, sentence in enumerate(sentences):
            clause = _action_clause(sentence)
            if clause is None:
                continue
            if _is_generic(clause):      # "... agreed to take the following actions:" - the points are the actions
                actions += [_Action(_tidy_action(point)) for point in paragraph.points
                            if not COMPLIANCE_BOILERPLATE.search(point)]
            else:
                following = sentences[index + 1] if index + 1 < len(sentences) else ""
                actions.append(_Action(_tidy_action(clause), following))
    return [action for action in actions if action.text]


def _action_clause(sentence: str) -> str | None:
    matches = [match for anchor in ACTION_ANCHORS if (match := anchor.search(sentence))]
    if not matches:
        return None
    return sentence[min(matches, key=lambda match: match.start()).end():]


def _is_generic(clause: str) -> bool:
    text = re.sub(r"\([^()]*\)", " ", DEADLINE.sub(" ", clause))
    text = " ".join(re.sub(r"[,;:.]", " ", text).split())
    return bool(GENERIC_ACTION.fullmatch(text))


def _tidy_action(text: str) -> str:
    text = re.sub(r"^[\s,;:]*" + DEADLINE.pattern + r"[\s,;:]*", "", text, flags=re.I)
    text = re.sub(r"[\s,;]*" + DEADLINE.pattern + r"[\s,;:.]*$", "", text, flags=re.I)
    return _lower_first(_trim_end(text.lstrip(" ,;:")))


def _trim_end(text: str) -> str:
    """Drop the punctuation and the dangling "and"/"or" that join a list's items."""
    previous = None
    while previous != text:
        previous = text = text.rstrip(" ,;:.")
        for joiner in (" and", " or"):
            text = text.removesuffix(joiner)
    return text


def _lower_first(text: str) -> str:
    """"Apologise to Mrs X" -> "apologise to Mrs X"; names ("Mrs X", "Council B") and acronyms keep their capitals."""
    first = text.split(" ", 1)[0]
    if not first or first[1:] != first[1:].lower() or first.rstrip(".,") in PROPER_WORDS:
        return text
    return text[0].lower() + text[1:]


def _deadline(paragraphs: list[_Paragraph]) -> str | None:
    for paragraph in paragraphs:
        match = DEADLINE.search(paragraph.text)
        if match:
            return _lower_first(" ".join(match.group(0).split()))
    return None


def _is_improvement(action: str) -> bool:
    return not PAYMENT_ACTION.match(action) and not APOLOGY_ACTION.match(action) and bool(IMPROVEMENT_WORDS.search(action))


def _payments_in(text: str, follow_up: str = "") -> list[Payment]:
    payments = []
    for match in MONEY.finditer(text):
        after = text[match.end():]
        period = PERIOD.match(after)
        payments.append(Payment(
            amount=_amount(match),
            purpose=_purpose_after(after) or _purpose_follow_up(follow_up),
            period=f"per {period['unit'].lower()}" if period else None,
        ))
    return payments


def _amount(match: re.Match[str]) -> int | float:
    value = Decimal(match["pounds"].replace(",", "") + "." + (match["pence"] or "0"))
    return int(value) if value == value.to_integral_value() else float(value)


def _purpose_after(after: str) -> str:
    match = PURPOSE_AFTER_AMOUNT.match(after)
    if not match:
        return ""
    return _trim_end(re.split(r"(?:,?\s+(?:and|plus)\s+)?£", match["purpose"], maxsplit=1)[0])


def _purpose_follow_up(sentence: str) -> str:
    match = PURPOSE_FOLLOW_UP.match(sentence)
    return _trim_end(match["purpose"]) if match else ""


def _accepted_offers(sentences: list[str]) -> list[Payment]:
    """Offers the Ombudsman explicitly takes as the remedy: "I welcome the Council's offer of £300 ..."."""
    return [payment for sentence in sentences if (match := ACCEPTED_OFFER.search(sentence))
            for payment in _payments_in(sentence[match.end():])[:1]]


def _summary_payments(summary: str) -> list[Payment]:
    """Sums the summary says were agreed or recommended."""
    return [payment for sentence in _agreed_sentences(summary) for payment in _payments_in(sentence)]


def _agreed_sentences(summary: str) -> list[str]:
    return [sentence for sentence in _sentences(summary) if SUMMARY_AGREED.search(sentence)]


def _summary_agrees(summary: str, wording: re.Pattern[str]) -> bool:
    return any(wording.search(sentence[SUMMARY_AGREED.search(sentence).start():])
               for sentence in _agreed_sentences(summary))


def _with_resolved_purpose(payment: Payment, sentences: list[str]) -> Payment:
    """"... offer of £300 to recognise that injustice": say what "that" is, from the offer itself."""
    if payment.purpose and not ANAPHORIC_PURPOSE.match(payment.purpose):
        return payment
    for sentence in sentences:
        if not OFFER.search(sentence) or ACCEPTED_OFFER.search(sentence):
            continue
        for offered in _payments_in(sentence):
            if offered.amount == payment.amount and offered.purpose and not ANAPHORIC_PURPOSE.match(offered.purpose):
                return Payment(payment.amount, offered.purpose, payment.period)
    return payment


def _unrecorded_offer_note(sentences: list[str], payments: list[Payment]) -> str | None:
    """Money the Council offered, which the decision says was enough, yet no remedy was agreed."""
    recorded = {payment.amount for payment in payments}
    offered: list[str] = []
    endorsed = False
    for sentence in sentences:
        if not OFFER.search(sentence):
            continue
        endorsed = endorsed or bool(OFFER_ENDORSED.search(sentence))
        for match in MONEY.finditer(sentence):
            label = "£" + match.group(0)[1:].strip()
            if _amount(match) not in recorded and label not in offered:
                offered.append(label)
    if not (endorsed and offered):
        return None
    sums = offered[0] if len(offered) == 1 else ", ".join(offered[:-1]) + " and " + offered[-1]
    return (f"The Council offered {sums} in its own complaints procedure and the decision treats the offer as "
            f"remedying the injustice, but the Ombudsman did not agree or recommend a payment, so none is counted.")

