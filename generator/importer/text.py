"""Raw statement bytes -> clean lines: size limit, decoding, binary check, whitespace and invisible characters.

The first stage of reading a raw decision statement.  Whatever the source -- a text file, pasted text
or a saved web page (saved_page.py) -- the reader in statement.py sees the same `Line`s, so one set of rules
reads them all.  The helpers at the end (`plain`, `key`, `sentences` ...) are how the later stages
compare and split that text.
"""
from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import RawFormatError

# A long statement is about 100 KB and a saved decision page well under 1 MB; anything much bigger
# is the wrong file (a PDF bundle, a log, a database dump), refused before it is read into memory.
MAX_BYTES = 5 * 1024 * 1024

BINARY_MESSAGE = "this is a binary file, not a decision statement; save the statement as plain text (.txt)"

# Every way a text can end a line.  str.splitlines() knows the same ones, so a character left in
# here would split a line later, in the content file or the browser: they all become "\n".
LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Control characters that are not line breaks or tabs: a few are noise, many mean a binary file.
STRAY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


@dataclass(frozen=True)
class Line:
    number: int          # 1-based line number in the file as given (the source line, for a web page)
    indent: int          # leading spaces, tabs counted as four
    text: str            # whitespace normalised, never empty
    after_blank: bool    # a blank line (or, in a web page, the end of a block) comes before it


# --------------------------------------------------------------------------- bytes -> text

def read_limited(path: Path) -> bytes:
    """The file's bytes, refusing a file too big to be a statement before reading it."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RawFormatError(path, f"the file is {_megabytes(size)}, too big to be a decision statement (the "
                                       f"limit is {_megabytes(MAX_BYTES)}); check this is the right file")
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)      # the file may have grown since stat()
    except OSError as error:
        raise RawFormatError(path, f"cannot read the file: {error.strerror or error}") from None
    return check_size(data, path)


def check_size(data: bytes, where: Path | str, what: str = "the file") -> bytes:
    """`data`, read as `MAX_BYTES + 1` bytes at most, refused if that is more than the limit."""
    if len(data) > MAX_BYTES:
        raise RawFormatError(where, f"{what} is bigger than {_megabytes(MAX_BYTES)}, too big to be a decision "
                                    f"statement; check this is the right {what.split()[-1]}")
    return data


def check_length(text: str, where: Path | str) -> None:
    """The same limit for text handed over directly (a UTF-8 character is at least one byte)."""
    if len(text) > MAX_BYTES:
        raise RawFormatError(where, f"the text is {len(text):,} characters, too long to be a decision statement "
                                    f"(the limit is {MAX_BYTES:,}); check this is the right text")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class _UndecodableByte(Exception):
    def __init__(self, position: int):
        self.position = position


def _windows_1252_byte(error: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: a byte that is not UTF-8 is read as Windows-1252 (Word's "smart quotes")."""
    assert isinstance(error, UnicodeDecodeError)
    byte = error.object[error.start:error.start + 1]
    try:
        return bytes(byte).decode("cp1252"), error.start + 1
    except UnicodeDecodeError:
        raise _UndecodableByte(error.start) from None


codecs.register_error("digest-windows-1252", _windows_1252_byte)


def decode(data: bytes, where: Path | str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; bytes that are not UTF-8 are read as Windows-1252.

    Byte by byte rather than all-or-nothing, so a UTF-8 file with one pasted Windows-1252 quote still
    reads right instead of turning every other curly quote into mojibake.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RawFormatError(where, BINARY_MESSAGE) from None
    if b"\x00" in data:
        raise RawFormatError(where, BINARY_MESSAGE)
    try:
        return data.decode("utf-8-sig", errors="digest-windows-1252")
    except _UndecodableByte as error:
        line = data.count(b"\n", 0, error.position) + 1
        raise RawFormatError(where, f"byte 0x{data[error.position]:02X} is neither UTF-8 nor Windows-1252 text; "
                                    "save the file as UTF-8 plain text", line=line) from None


def reject_binary(text: str, where: Path | str) -> None:
    """A few stray control characters are noise; many mean this is not text at all."""
    if "\x00" in text:
        raise RawFormatError(where, BINARY_MESSAGE)
    controls = sum(1 for _ in STRAY_CONTROLS.finditer(text))
    if controls > max(8, len(text) // 50):
        raise RawFormatError(where, BINARY_MESSAGE)


# --------------------------------------------------------------------------- text -> lines

@cache
def _invisible_characters() -> dict[int, None]:
    """Characters removed from the text: controls (but tabs and line breaks), format characters (zero-width spaces, soft
    hyphens, direction marks, BOM), surrogates and non-characters.  None of them is visible in a statement,
    and some cannot be written to a content file and read back."""
    removed: dict[int, None] = {}
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category in ("Cc", "Cf", "Cs") and not chr(code).isspace():     # tabs and line breaks stay spaces
            removed[code] = None
        elif category == "Cn" and (0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
            removed[code] = None
    return removed


@cache
def _invisible_set() -> frozenset[str]:
    return frozenset(map(chr, _invisible_characters()))


def without_invisible(text: str) -> str:
    """`text` less its invisible characters. Most texts have none, and telling so (a set of its characters)
    takes a fifth of the time a `translate` through the table does."""
    if _invisible_set().isdisjoint(set(text)):
        return text
    return text.translate(_invisible_characters())


# "£<no-break space>250": a no-break space a word processor put after the pound sign; the Ombudsman prints "£250".
SPACED_POUNDS = re.compile(r"£[^\S\n]+(?=\d)")


def clean(text: str) -> str:
    """One line of visible text: invisible characters removed, every run of spaces (no-break, thin, tab ...)
    one space, nothing at either end.  str.split() knows every Unicode space, so none needs a rule."""
    return SPACED_POUNDS.sub("£", " ".join(without_invisible(text).split()))


def normalise_breaks(text: str) -> str:
    return LINE_BREAKS.sub("\n", text)


def text_lines(text: str) -> list[Line]:
    """The non-blank lines of a text, with CRLF, BOM, tabs and control characters smoothed out."""
    lines, after_blank = [], False
    text = SPACED_POUNDS.sub("£", without_invisible(normalise_breaks(text)))
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.expandtabs(4)
        content = " ".join(raw.split())
        if not content:
            after_blank = True
            continue
        lines.append(Line(number, len(raw) - len(raw.lstrip()), content, after_blank))
        after_blank = False
    return lines


# --------------------------------------------------------------------------- matching helpers

APOSTROPHE_FORMS = ("’", "‘", "ʼ", "′")
ABBREVIATIONS = frozenset("Mr Mrs Ms Dr St No eg ie e.g i.e etc para paras vs v".split())
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[A-Z£“‘\"'(])")


def plain(text: str) -> str:
    """For matching only: straight apostrophes. (`replace` a kind: several times quicker than `translate`.)"""
    if text.isascii():
        return text
    for curly in APOSTROPHE_FORMS:
        text = text.replace(curly, "'")
    return text


def key(text: str) -> str:
    """Heading and furniture lines compared without case, apostrophe style, spacing or a final colon."""
    return " ".join(plain(text).lower().rstrip(":").split())


def ends_sentence(text: str) -> bool:
    return text.rstrip("\"”’')]").endswith((".", "!", "?"))


def sentences(text: str) -> list[str]:
    """Split at ". " before a capital, not after Mr./e.g. and the like."""
    found, start = [], 0
    for match in SENTENCE_END.finditer(text):
        before = text[max(start, match.start() - 12):match.start()].split()
        if before and before[-1].rstrip(".") in ABBREVIATIONS:
            continue
        found.append(text[start:match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    return found + [rest] if rest else found


def trim_end(text: str) -> str:
    """Drop the punctuation and the dangling "and"/"or" that join a list's items.

    Works on an index rather than re-slicing, so a line ending in thousands of "and"s stays linear.
    """
    end = len(text)
    while True:
        while end and text[end - 1] in " ,;:.":
            end -= 1
        for joiner in (" and", " or"):
            if text.endswith(joiner, 0, end):
                end -= len(joiner)
                break
        else:
            return text[:end]
