"""One decision -> what it adds to the search index (a `Reading`: its terms with their weights, its word
pairs, its words), and its text as a result shows it (`text_record`). Worked out next to the decision's
page, in any process."""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from itertools import chain, count

import numpy as np

from ..model import FrontMatter
from .packing import json_text, level_chars, run_starts
from .text import fold, term, words


WEIGHT_TITLE = 8             # council and reference


WEIGHT_SUMMARY = 4


WEIGHT_CATEGORY = 2


MAX_WEIGHT = 63


# A weighted frequency w is kept as round(3 * log2(w)) (0..31): ranking needs its size, not its digits.
WEIGHT_LEVEL = [0] + [min(31, round(3 * math.log2(w))) for w in range(1, MAX_WEIGHT + 1)]


BETWEEN_WORD = "\u01c2"      # a letter (ǂ) put between paragraphs read as one text, so no pair spans two


BETWEEN = f" {BETWEEN_WORD} "


PAIR_CODE = np.dtype("<i8")


LEVELS = np.array(WEIGHT_LEVEL, np.int64)        # WEIGHT_LEVEL for numpy


@dataclass(frozen=True)
class Reading:
    """What one decision adds to the index, whatever its id: worked out next to its page, in any process,
    and kept to a few strings, which pass between processes cheaply."""
    names: str                    # the terms it holds, a line each
    levels: str                   # for each term, its weight level (WEIGHT_LEVEL), one character
    pairs: bytes                  # the word pairs it holds, each as two positions in `words`: a * 2**32 + b,
                                  # int64 little-endian (numbers cost less than text to pass and to merge)
    words: str                    # the words it holds, a line each
    length: int                   # words, for ranking

    def terms(self) -> list[str]:
        return self.names.split("\n") if self.names else []

    def values(self) -> dict[str, str]:
        return dict(zip(self.terms(), self.levels))

    def word_list(self) -> list[str]:
        return self.words.split("\n") if self.words else []

    def pair_codes(self) -> np.ndarray:
        return np.frombuffer(self.pairs, PAIR_CODE)

    def pair_names(self) -> list[str]:
        """The pairs as the index names them: "a b"."""
        held = self.word_list()
        first, second = halves(self.pair_codes())
        return list(map("{} {}".format, map(held.__getitem__, first.tolist()), map(held.__getitem__, second.tolist())))


_TERMS: dict[str, str] = {}      # word -> term: stemming is pure, so a process keeps what it has worked out


def terms_of(found: list[str]) -> list[str]:
    for word in set(found).difference(_TERMS):
        _TERMS[word] = term(word)
    return list(map(_TERMS.__getitem__, found))


def read_decision(decision: FrontMatter, paragraphs: tuple[tuple[int, str], ...]) -> Reading:
    """A decision and its numbered paragraphs -> what it adds to the index. Words are numbered once, in the
    order met; counting, weighing and pairing them is then numpy's work on arrays of numbers: at 20,000
    decisions there are tens of millions of words."""
    fields = ((f"{decision.council} {decision.reference}", WEIGHT_TITLE), (decision.summary, WEIGHT_SUMMARY),
              (f"{decision.category or ''} {decision.subcategory or ''}", WEIGHT_CATEGORY),
              *((text, 1) for _, text in paragraphs))
    # Every word in order, each stretch (a field, a paragraph) ended by BETWEEN_WORD: no pair spans two.
    tokens: list[str] = []
    sizes, weights = [], []
    for text, stretch_weight in fields:
        found = words(fold(text))
        tokens += found
        tokens.append(BETWEEN_WORD)
        sizes.append(len(found) + 1)
        weights.append(stretch_weight)
    length = len(tokens) - len(sizes) - (sizes[2] - 1)                 # the category's words not counted
    held, seq = number_words(tokens)
    word_terms = terms_of(held)
    term_number = dict(zip(dict.fromkeys(word_terms), count()))
    names = list(term_number)
    apart = len(names)                                                   # BETWEEN_WORD's "term"
    to_term = np.fromiter(chain(map(term_number.__getitem__, word_terms), (apart,)), np.int64, len(held) + 1)
    term_seq = to_term[seq]
    weight = np.bincount(term_seq, np.repeat(np.array(weights, np.float64), np.array(sizes)), apart + 1)[:apart]
    levels = level_chars(LEVELS[np.minimum(weight.astype(np.int64), MAX_WEIGHT)])
    return Reading("\n".join(names), levels, pair_codes(seq, len(held)).tobytes(), "\n".join(held), length)


def number_words(tokens: list[str]) -> tuple[list[str], np.ndarray]:
    """Words in order, BETWEEN_WORD where a stretch ends -> the distinct words (in the order met) and the
    position of each word in that list (BETWEEN_WORD: one past the end)."""
    held = dict.fromkeys(tokens)
    held.pop(BETWEEN_WORD, None)
    number = dict(zip(held, range(len(held))))
    number[BETWEEN_WORD] = len(held)
    return list(held), np.fromiter(map(number.__getitem__, tokens), np.int64, len(tokens))


def pair_codes(seq: np.ndarray, apart: int) -> np.ndarray:
    """Words as numbers in order, `apart` where a stretch ends -> the distinct pairs of neighbours within
    a stretch, each as a * 2**32 + b."""
    first, second = seq[:-1], seq[1:]
    codes = (first << 32 | second)[(first != apart) & (second != apart)]
    codes.sort()                                   # then each pair once (np.unique is slower on so few)
    return codes[run_starts(codes)].astype(PAIR_CODE)


def halves(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair codes (a << 32 | b) -> (a, b)."""
    return codes >> 32, codes & 0xFFFFFFFF


def text_record(decision: FrontMatter, paragraphs: tuple[tuple[int, str], ...]) -> str:
    """A decision's text as a result shows it, JSON: {"r": reference, "s": summary, "p": [[number, text], ...]}."""
    return json_text({"r": decision.reference, "s": decision.summary, "p": [[n, text] for n, text in paragraphs]})


def packed_record(record: str) -> bytes:
    """A text record as it waits for its file: a cold build holds every decision's until the text files are
    made, and a str with one curly quote takes two bytes a character (1.2 GB at 60,000); this, a tenth."""
    return zlib.compress(record.encode("utf-8"), 1)


def unpacked_record(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")
