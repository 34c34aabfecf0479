"""Text as search sees it: folding, words, stems. `templates/static/search-core.js` does exactly the same in
the browser, and `tests/js/search-cases.json` holds the cases both sides are tested against.

- fold: compatibility-decompose (NFKD), lower-case, drop accents and other combining marks, and turn
  curly quotes and primes into straight ones: "Café’s" -> "cafe's".
- words: runs of letters and digits in folded text once apostrophes are taken out ("council's" ->
  "councils"); quoted phrases match on words.
- term: the word's family ("councils" -> "council", "apologised" and "apology" -> "apolog"); the word
  index and ordinary (unquoted) queries match on terms. A term is made in three steps:
  1. British -ise/-yse spellings become -ize/-yze ("apologising" -> "apologizing"), except in words whose
     -ise is no such ending (`ISE_KEPT`: advise, promise, exercise ...; and any -wise, -vise, -prise,
     -aise, -oise, -uise);
  2. the Snowball English ("Porter2") stemmer, from the Snowball project's own `snowballstemmer` package
     (the 2.x algorithm, which the browser's vendored `porter2.js`, wink-porter2-stemmer, implements
     too: tests/js/search-cases.json holds the cases both are held to);
  3. `FAMILIES`, a short curated table joining stems Porter2 leaves apart in the Ombudsman's vocabulary
     (decide/decision, refer/referral, explain/explanation, enquiry/inquiry ...).
  Words of fewer than three letters, or with digits or letters outside a-z, are their own term.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from snowballstemmer.english_stemmer import EnglishStemmer

QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
})
# Bytes of UTF-8 text -> themselves, but a space for each ASCII character that is not a letter or digit:
# with the other characters that are not (`str.isalnum`) made spaces too, words are what is left between
# spaces. The same words as re.findall(r"[^\W_]+"), in a third of the time.
_WORD_BYTES = bytes(c if c >= 128 or chr(c).isalnum() else 32 for c in range(256))

# Words too common to narrow an unquoted query; they are still indexed, and still count inside "phrases".
STOP_WORDS = frozenset("""a an and are as at be but by for from had has have he her his i if in into is it its
of on or our she so that the their them there they this to was we were which who will with""".split())


_NON_ASCII = re.compile("[^\x00-\x7f]")   # the few characters folding can change: found in C, not a loop
_REPLACE: dict[str, str] = {}     # non-ASCII character -> what it folds to, filled as characters appear


def fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).lower()
    if not folded.isascii():
        for c in set(_NON_ASCII.findall(folded)):
            replacement = _REPLACE.get(c)
            if replacement is None:
                replacement = _REPLACE[c] = ("" if unicodedata.category(c).startswith("M")
                                             else c.translate(QUOTES))
            if replacement != c:
                folded = folded.replace(c, replacement)
    return folded


def words(folded: str) -> list[str]:
    if not folded.isascii():
        for c in set(_NON_ASCII.findall(folded)):
            if not c.isalnum():
                folded = folded.replace(c, " ")
    return folded.encode().translate(_WORD_BYTES, b"'").decode().split()


# Words ending in -ise (-ised, -ising, -isation ...) whose -ise is not the -ize ending: spelled as they are.
ISE_KEPT = frozenset("""advertise chastise circumcise compromise concise demise despise enfranchise excise
exercise expertise franchise incise merchandise mortise paradise practise precise premise promise surmise
treatise valise""".split())

# ... nor is it after these letters (otherwise, revise, surprise, raise, noise, cruise), nor after fewer than
# three letters (rise, arise, crises).
ISE_KEPT_AFTER = ("w", "v", "pr", "a", "o", "u")

_ISE = re.compile(r"^([a-z]{3,}?)(is|ys)(e|es|ed|ing|ation|ations|er|ers)$")

# Stems Porter2 leaves apart that a reader takes for one word: stem -> the family's stem.
FAMILIES = {
    "decis": "decid", "referr": "refer", "explan": "explain", "respons": "respond", "conclus": "conclud",
    "failur": "fail", "provis": "provid", "applic": "appli", "notif": "notifi", "resolut": "resolv",
    "intervent": "interven", "behaviour": "behav", "behavior": "behav", "judgement": "judg",
    "judgment": "judg", "enquiri": "enquir", "inquir": "enquir", "inquiri": "enquir", "licens": "licenc",
    "practis": "practic", "children": "child", "complaint": "complain", "paid": "pay", "payment": "pay",
}

_STEMMER = EnglishStemmer()


def spelling(word: str) -> str:
    """British -ise/-yse endings spelled -ize/-yze, where they are that ending."""
    found = _ISE.match(word)
    if found is None:
        return word
    before, middle, ending = found.groups()
    if middle == "is" and (f"{before}ise" in ISE_KEPT or before.endswith(ISE_KEPT_AFTER)):
        return word
    return f"{before}{middle[0]}z{ending}"


@lru_cache(maxsize=1 << 17)
def term(word: str) -> str:
    """A folded word -> its term, as the index and the browser have it."""
    if len(word) < 3 or not word.isascii() or not word.isalpha():
        return word
    stem = _STEMMER.stemWord(spelling(word))
    return FAMILIES.get(stem, stem)
