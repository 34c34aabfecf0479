"""Text as search sees it: folding, words, stems. `templates/static/search-core.js` does exactly the same in
the browser, and `tests/js/search-cases.json` holds the cases both sides are tested against.

- fold: compatibility-decompose (NFKD), lower-case, drop accents and other combining marks, and turn
  curly quotes and primes into straight ones: "Café’s" -> "cafe's".
- words: runs of letters and digits in folded text once apostrophes are taken out ("council's" ->
  "councils"); quoted phrases match on words.
- term: the stem of a word ("councils" -> "council", "delayed" -> "delai"); the word index and ordinary
  (unquoted) queries match on terms.

The stemmer is steps 1a, 1b, 1c and 5 of Porter's algorithm (plurals, -ed, -ing, final -y and -e): enough
to join delay, delays, delayed and delaying, small enough to write twice and keep identical.
"""
from __future__ import annotations

import re
import unicodedata

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


def term(word: str) -> str:
    return stem(word)


# ---------------------------------------------------------------- Porter steps 1 and 5

VOWELS = frozenset("aeiou")


def _consonant(word: str, i: int) -> bool:
    c = word[i]
    if c in VOWELS:
        return False
    if c == "y":
        return i == 0 or not _consonant(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """m in [C](VC)^m[V]: the number of vowel-consonant sequences."""
    m, i, n = 0, 0, len(stem)
    while i < n and _consonant(stem, i):
        i += 1
    while i < n:
        while i < n and not _consonant(stem, i):
            i += 1
        if i >= n:
            break
        m += 1
        while i < n and _consonant(stem, i):
            i += 1
    return m


def _has_vowel(stem: str) -> bool:
    return any(not _consonant(stem, i) for i in range(len(stem)))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    n = len(word)
    return (n >= 3 and _consonant(word, n - 3) and not _consonant(word, n - 2) and _consonant(word, n - 1)
            and word[-1] not in "wxy")


def stem(word: str) -> str:
    if len(word) <= 2 or not word.isalpha() or not word.isascii():
        return word
    # 1a: plurals
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    # 1b: -eed, -ed, -ing
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[:-len(suffix)]):
                word = word[:-len(suffix)]
                if word.endswith(("at", "bl", "iz")):
                    word += "e"
                elif _double_consonant(word) and word[-1] not in "lsz":
                    word = word[:-1]
                elif _measure(word) == 1 and _cvc(word):
                    word += "e"
                break
    # 1c: final y after a vowel-bearing stem
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    # 5a: final e
    if word.endswith("e"):
        m = _measure(word[:-1])
        if m > 1 or (m == 1 and not _cvc(word[:-1])):
            word = word[:-1]
    # 5b: -ll
    if _measure(word) > 1 and _double_consonant(word) and word.endswith("l"):
        word = word[:-1]
    return word
