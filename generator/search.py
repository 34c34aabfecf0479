"""Entries -> the sharded client-side search index under `search/`, deterministic (same content -> same bytes).

A query downloads only what it needs: the manifest and the document table once, then for each word one
vocabulary file and one word shard, for each quoted phrase its pair shards, and for each result shown one
text part. Every file is JSON; lists of numbers are packed into strings (see `pack`). File by file, for N
decisions with ids 0..N-1 counted from the oldest (so a new decision is added at the end):

  search/index.json        manifest: format version, N, average length, facet value names, shard counts,
                           the names of the vocabulary files
  search/docs.json         one packed column per field, id by id: reference (yy * 1,000,000 + number;
                           a letter after it is in "suffix"), date (days since 1970 + 1, as the gap from
                           the previous id; 0 = no date), council, category, subcategory, outcome, band
                           (1-based positions in the manifest's lists; 0 = none), length code (for
                           ranking), number of text parts: enough to list and count results before any
                           text is loaded
  search/totals.json       the remedy total in pounds of each id, packed; for sorting by largest remedy
  search/v/<ab>.json       the words starting with <ab>: {word: [term, decisions holding the term]}, for
                           prefixes as you type and for one-typo matches
  search/t/x<crc>.json     a word too big to share a shard (listed in the manifest's ownFiles), alone
  search/t/<n>.json        word shard n = crc32(term) % termShards: {term: [id gaps, weights, masks]}: the
                           packed gaps between the ids holding the term; one character a decision for its
                           weighted frequency w (title x8, summary x4, category x2, text x1) as
                           round(3 * log2(min(w, 63)));
                           one character a decision for the bit mask of the text parts holding the term
                           (left empty for a term in more than a quarter of the decisions)
  search/p/<n>.json        pair shard n = crc32("a b") % pairShards: {"a b": id gaps}, for every two words
                           next to each other in one paragraph, the title, summary or category
  search/x/<slug>-<k>.json text part k of a decision, named by its slug (24-001-566), not its id, so it
                           stays as it is when ids move: {"r": reference, "s": summary (part 0 only),
                           "p": [[paragraph number, text], ...]}, about 3,000 characters of paragraphs
"""
from __future__ import annotations

import json
import math
import re
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate, chain, count, repeat
from operator import sub
from typing import Iterable, Iterator

import numpy as np

from .config import SiteConfig
from .markdown import render_body
from .model import OUTCOMES, Decision
from .render import Page
from .search_text import fold, term, words
from .taxonomy import Entry

VERSION = 3
PART_CHARS = 3000            # text per part file; a result downloads one part
MAX_PARTS = 6                # a longer decision gets longer parts; a mask fits one character
SHARD_CHARS = 8_000          # target size of a word or pair shard: one is fetched for each word
WEIGHT_TITLE = 8             # council and reference
WEIGHT_SUMMARY = 4
WEIGHT_CATEGORY = 2
MAX_WEIGHT = 63
# A weighted frequency w is kept as round(3 * log2(w)) (0..31): ranking needs its size, not its digits.
WEIGHT_LEVEL = [0] + [min(31, round(3 * math.log2(w))) for w in range(1, MAX_WEIGHT + 1)]
LENGTH_BASE = 1.5            # a length is kept as round(log base 1.5 of (words + 1)): ranking needs no more
BETWEEN_WORD = "\u01c2"      # a letter (ǂ) put between paragraphs read as one text, so no pair spans two
BETWEEN = f" {BETWEEN_WORD} "
FACETS = ("council", "category", "subcategory", "outcome", "band")
EPOCH = date(1970, 1, 1).toordinal()

# ---------------------------------------------------------------- packing numbers into strings

# A number is written in base 32, most significant digit first; every digit but the last comes from the
# upper half of the alphabet, so a string of numbers needs no separators.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_SMALL = 1 << 15
ALPHABET_BYTES = np.frombuffer(ALPHABET.encode(), np.uint8)
PAIR_CODE = np.dtype("<i8")
DIGIT_OF = np.zeros(128, np.int64)
DIGIT_OF[ALPHABET_BYTES] = np.arange(64)
VALUE_BITS = 11                # a term posting's weight level (5 bits) and part mask (6 bits)


def _pack_one(n: int) -> str:
    if n < 0:
        raise ValueError(f"cannot pack a negative number: {n}")
    digits = [ALPHABET[n & 31]]
    n >>= 5
    while n:
        digits.append(ALPHABET[32 + (n & 31)])
        n >>= 5
    return "".join(reversed(digits))


_LOW, _HIGH = ALPHABET[:32], ALPHABET[32:]
# `_pack_one` of 0 .. _SMALL - 1 (one, two and three digits), made at once: this module loads with every build
PACKED = [*_LOW, *(h + low for h in _HIGH[1:] for low in _LOW),
          *(a + h + low for a in _HIGH[1:] for h in _HIGH for low in _LOW)]


def pack_each(numbers: Iterable[int]) -> list[str]:
    """Each number packed on its own (a table lookup for all but very large numbers)."""
    numbers = list(numbers)
    try:
        return list(map(PACKED.__getitem__, numbers))
    except IndexError:
        return list(map(_pack_one, numbers))


def pack(numbers: Iterable[int]) -> str:
    return "".join(pack_each(numbers))


def unpack(text: str) -> list[int]:
    out, value = [], 0
    for char in text:
        digit = ALPHABET.index(char)
        value = value * 32 + (digit & 31)
        if digit < 32:
            out.append(value)
            value = 0
    return out


def gaps(ids: list[int]) -> Iterator[int]:
    """Ascending ids -> the first id + 1, then the difference from each id to the next."""
    return map(sub, ids, chain((-1,), ids))


def shard_of(text: str, shards: int) -> int:
    return crc_of(text) % shards


@lru_cache(maxsize=1 << 20)
def crc_of(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def own_file(term: str) -> str:
    """The file of a term too big to share a shard: 'x' and the hex of its crc32."""
    return f"x{zlib.crc32(term.encode('utf-8')):08x}"


@lru_cache(maxsize=1 << 18)
def vocabulary_file(word: str) -> str:
    """'delay' -> 'de'; characters other than a-z and 0-9 are written as u<hex>."""
    return "".join(c if c.isascii() and c.isalnum() else f"u{ord(c):x}" for c in word[:2])


@lru_cache(maxsize=1 << 16)
def doc_length_code(length: int) -> int:
    return round(math.log(length + 1) / math.log(LENGTH_BASE))


def split_parts(paragraphs: tuple[tuple[int, str], ...]) -> list[list[tuple[int, str]]]:
    total = sum(len(text) for _, text in paragraphs)
    size = max(PART_CHARS, -(-total // MAX_PARTS))
    parts: list[list[tuple[int, str]]] = [[]]
    filled = 0
    for number, text in paragraphs:
        if parts[-1] and filled + len(text) > size and len(parts) < MAX_PARTS:
            parts.append([])
            filled = 0
        parts[-1].append((number, text))
        filled += len(text)
    return parts


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


LEVELS = np.array(WEIGHT_LEVEL, np.int64)        # WEIGHT_LEVEL for numpy

# ---------------------------------------------------------------- reading one decision

@dataclass(frozen=True)
class Reading:
    """What one decision adds to the index, whatever its id: worked out next to its page, in any process,
    and kept to a few strings, which pass between processes cheaply."""
    names: str                    # the terms it holds, a line each
    levels: str                   # for each term, its weight level (WEIGHT_LEVEL), one character
    masks: str                    # for each term, the mask of the text parts holding it, one character
    pairs: bytes                  # the word pairs it holds, each as two positions in `words`: a * 2**32 + b,
                                  # int64 little-endian (numbers cost less than text to pass and to merge)
    words: str                    # the words it holds, a line each
    length: int                   # words, for ranking
    part_count: int

    def terms(self) -> list[str]:
        return self.names.split("\n") if self.names else []

    def values(self) -> dict[str, tuple[str, str]]:
        return dict(zip(self.terms(), zip(self.levels, self.masks)))

    def word_list(self) -> list[str]:
        return self.words.split("\n") if self.words else []

    def pair_codes(self) -> np.ndarray:
        return np.frombuffer(self.pairs, PAIR_CODE)

    def pair_names(self) -> list[str]:
        """The pairs as the index names them: "a b"."""
        held = self.word_list()
        first, second = _halves(self.pair_codes())
        return list(map("{} {}".format, map(held.__getitem__, first.tolist()), map(held.__getitem__, second.tolist())))


_TERMS: dict[str, str] = {}      # word -> term: stemming is pure, so a process keeps what it has worked out


def _terms_of(found: list[str]) -> list[str]:
    for word in set(found).difference(_TERMS):
        _TERMS[word] = term(word)
    return list(map(_TERMS.__getitem__, found))


def read_decision(decision: Decision, parts: list[list[tuple[int, str]]]) -> Reading:
    """A decision, its paragraphs in text parts (`split_parts`) -> what it adds to the index. Words are
    numbered once, in the order met; counting, weighing and pairing them is then numpy's work on arrays of
    numbers: at 20,000 decisions there are tens of millions of words."""
    fields = ((f"{decision.council} {decision.reference}", WEIGHT_TITLE), (decision.summary, WEIGHT_SUMMARY),
              (f"{decision.category or ''} {decision.subcategory or ''}", WEIGHT_CATEGORY))
    # Every word in order, each stretch (a field, a text part) ended by BETWEEN_WORD, as are paragraphs
    # within a part: no pair spans two. A stretch's words weigh the same and are in one part (or none).
    tokens: list[str] = []
    sizes, weights, places = [], [], []
    for place, (text, weight) in chain(((-1, field) for field in fields),
                                       enumerate((BETWEEN.join(text for _, text in part), 1) for part in parts)):
        found = words(fold(text))
        tokens += found
        tokens.append(BETWEEN_WORD)
        sizes.append(len(found) + 1)
        weights.append(weight)
        places.append(place)
    title, summary = sizes[0] - 1, sizes[1] - 1
    length = title + summary + sum(size - len(part) for size, part in zip(sizes[3:], parts))
    held, seq = number_words(tokens)
    word_terms = _terms_of(held)
    term_number = dict(zip(dict.fromkeys(word_terms), count()))
    names = list(term_number)
    apart = len(names)                                                   # BETWEEN_WORD's "term"
    to_term = np.fromiter(chain(map(term_number.__getitem__, word_terms), (apart,)), np.int64, len(held) + 1)
    term_seq = to_term[seq]
    sizes_of = np.array(sizes)
    weight = np.bincount(term_seq, np.repeat(np.array(weights, np.float64), sizes_of), apart + 1)[:apart]
    part_of = np.repeat(np.array(places), sizes_of)
    in_text = part_of >= 0
    masks = np.zeros(apart + 1, np.int64)
    np.bitwise_or.at(masks, term_seq[in_text], 1 << part_of[in_text])
    levels, mask_chars = _value_chars(LEVELS[np.minimum(weight.astype(np.int64), MAX_WEIGHT)] << 6 | masks[:apart])
    return Reading("\n".join(names), levels, mask_chars, pair_codes(seq, len(held)).tobytes(), "\n".join(held),
                   length, len(parts))


def _value_chars(values: np.ndarray) -> tuple[str, str]:
    """Term values (weight level << 6 | part mask) -> the levels and the masks, a character each."""
    return ALPHABET_BYTES[values >> 6].tobytes().decode(), ALPHABET_BYTES[values & 63].tobytes().decode()


def _values_of(levels: str, masks: str) -> np.ndarray:
    """`_value_chars` undone."""
    return (DIGIT_OF[np.frombuffer(levels.encode(), np.uint8)] << 6
            | DIGIT_OF[np.frombuffer(masks.encode(), np.uint8)])


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
    return codes[_run_starts(codes)].astype(PAIR_CODE)


def _halves(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair codes (a << 32 | b) -> (a, b)."""
    return codes >> 32, codes & 0xFFFFFFFF


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal numbers starts in a sorted array, as a mask."""
    return np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(ordered) else np.zeros(0, bool)


def text_parts(decision: Decision, parts: list[list[tuple[int, str]]]) -> tuple[str, ...]:
    records = [{"r": decision.reference, "p": [[n, text] for n, text in part]} for part in parts]
    records[0]["s"] = decision.summary
    return tuple(map(_json, records))


def text_part_files(slug: str, parts: tuple[str, ...]) -> dict[str, str]:
    """The text parts a result page loads."""
    return {text_part_path(slug, k): text for k, text in enumerate(parts)}


def text_part_path(slug: str, k: int) -> str:
    return f"search/x/{slug}-{k}.json"


# ---------------------------------------------------------------- the index as data, kept between builds

@dataclass
class SearchState:
    """Everything the index files are made from, by id. Kept in the build cache so that an edit changes
    only the postings of the words it touches: `update_state` gives the same state, byte for byte, as
    reading every decision again."""
    slugs: list[str] = field(default_factory=list)                    # id -> decision
    terms: dict[str, tuple[str, str, str]] = field(default_factory=dict)   # term -> packed ids, levels, masks
    pairs: dict[str, str] = field(default_factory=dict)               # "a b" -> packed ids
    words: Counter = field(default_factory=Counter)                   # word -> decisions holding it
    lengths: list[int] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)


_NUMBER = re.compile("[W-Za-z_-]*[0-9A-V]")
_UNPACKED = {text: n for n, text in enumerate(PACKED)}


def unpack_ids(packed: str) -> list[int]:
    """Packed gaps -> ascending ids."""
    numbers = _NUMBER.findall(packed)
    try:
        found = list(map(_UNPACKED.__getitem__, numbers))
    except KeyError:
        found = [unpack(n)[0] for n in numbers]
    return list(map(sub, accumulate(found), repeat(1)))


def common_prefix(old: list[str], new: list[str]) -> int:
    """How many ids keep their decision."""
    for index, (a, b) in enumerate(zip(old, new)):
        if a != b:
            return index
    return min(len(old), len(new))


def update_state(state: SearchState, slugs: list[str], changed: dict[int, tuple[Reading, Reading]],
                 removed: Iterable[Reading], added: Iterable[Reading]) -> None:
    """Bring the state to `slugs` (the decisions by id). Ids below `keep = common_prefix(state.slugs, slugs)`
    keep their decision; those in `changed` have a new reading (old, new) and are changed in place. Ids
    from `keep` on are dropped (their old readings are `removed`) and `added` take their place in order.

    A fresh index is update_state(SearchState(), slugs, {}, [], every reading). Only the postings of the
    words an edit touches are opened again; added decisions are merged in bulk and joined on at the end.
    """
    keep = common_prefix(state.slugs, slugs)
    for doc, (old, new) in sorted(changed.items()):
        replace_reading(state, doc, old, new)
    drop_from(state, keep, removed)
    extend_state(state, slugs, added)


def extend_state(state: SearchState, slugs: list[str], added: Iterable[Reading]) -> None:
    """Add readings as the ids after the last, up to `slugs` (the decisions by id)."""
    # Tens of millions of postings pass through here at archive scale. Each is one 64-bit sort key in a
    # flat array (its term's or pair's number, its id, and for a term its weight level and part mask:
    # see `_grouped`); a term, pair or word is a dict entry once, however many decisions hold it.
    keep = len(state.lengths)
    shift = max(len(slugs), 1).bit_length()                  # bits of an id
    term_numbers, pair_numbers, word_numbers = _Numbering(), _Numbering(), _Numbering()
    term_keys, pair_keys, words_held = array("q"), array("q"), array("i")
    for doc, reading in enumerate(added, start=keep):
        names = reading.terms()
        numbers = np.fromiter(map(term_numbers.__getitem__, names), np.int64, len(names))
        values = _values_of(reading.levels, reading.masks)
        term_keys.frombytes((numbers << (shift + VALUE_BITS) | doc << VALUE_BITS | values).tobytes())
        held = np.fromiter(map(word_numbers.__getitem__, reading.word_list()), np.int64)
        words_held.frombytes(held.astype(np.int32).tobytes())
        first, second = _halves(reading.pair_codes())
        found = (held[first] << 32 | held[second]).tolist()                   # the pairs' words, numbered
        numbers = np.fromiter(map(pair_numbers.__getitem__, found), np.int64, len(found))
        pair_keys.frombytes((numbers << shift | doc).tobytes())
        state.lengths.append(reading.length)
        state.parts.append(reading.part_count)
    if len(state.lengths) != len(slugs):
        raise ValueError("search state: the readings added do not match the decisions")
    if max(len(term_numbers) << VALUE_BITS, len(pair_numbers)) >= 1 << (63 - shift):
        raise ValueError("search state: too many terms or pairs for the index's sort keys")
    state.slugs = list(slugs)
    word_list = list(word_numbers)
    if words_held:
        counts = np.bincount(np.frombuffer(words_held, np.int32), minlength=len(word_list))
        state.words.update(dict(zip(word_list, counts.tolist())))
    del words_held
    term_list = list(term_numbers)
    for number, ids, (level, mask) in _grouped(np.frombuffer(term_keys, np.int64), shift, with_values=True):
        name = term_list[number]
        before = state.terms.get(name)
        state.terms[name] = ((_append_ids(before[0], unpack_ids(ids)), before[1] + level, before[2] + mask)
                             if before else (ids, level, mask))
    del term_keys
    pair_list = list(pair_numbers)
    for number, ids, _ in _grouped(np.frombuffer(pair_keys, np.int64), shift, with_values=False):
        code = pair_list[number]
        name = f"{word_list[code >> 32]} {word_list[code & 0xFFFFFFFF]}"
        before = state.pairs.get(name)
        state.pairs[name] = _append_ids(before, unpack_ids(ids)) if before else ids


class _Numbering(dict):
    """name -> 0, 1, 2 ... in the order names are first met."""
    def __missing__(self, name: str | int) -> int:
        number = self[name] = len(self)
        return number


GROUP_CHUNK = 1 << 18        # postings grouped at a time: the arrays made on the way stay small


def _grouped(keys: np.ndarray, shift: int, with_values: bool) -> Iterator[tuple[int, str, tuple[str, str]]]:
    """Keys `number << (shift + VALUE_BITS) | id << VALUE_BITS | value` (no value bits: `number << shift |
    id`), one a posting, sorted here in place -> for each number in turn: the number, its ids packed
    (`pack(gaps(ids))`), and its values as levels and masks (`_value_chars`; empty without values)."""
    keys.sort()
    value_bits = VALUE_BITS if with_values else 0
    top = shift + value_bits
    start = 0
    while start < len(keys):
        end = min(len(keys), start + GROUP_CHUNK)
        if end < len(keys):                                 # on to the end of the last number's postings
            end = int(np.searchsorted(keys, ((int(keys[end - 1]) >> top) + 1) << top))
        chunk = keys[start:end]
        numbers = chunk >> top
        ids = chunk >> value_bits & ((1 << shift) - 1)
        firsts = np.flatnonzero(_run_starts(numbers))
        gaps = np.diff(ids, prepend=-1)
        gaps[firsts] = ids[firsts] + 1
        text, at = _pack_all(gaps)
        bounds = np.append(at[firsts], len(text)).tolist()
        upper, lower = _value_chars(chunk & ((1 << VALUE_BITS) - 1)) if with_values else ("", "")
        ends = [*firsts[1:].tolist(), len(chunk)]
        for k, (first, number) in enumerate(zip(firsts.tolist(), numbers[firsts].tolist())):
            yield number, text[bounds[k]:bounds[k + 1]], (upper[first:ends[k]], lower[first:ends[k]])
        start = end


def _pack_all(numbers: np.ndarray) -> tuple[str, np.ndarray]:
    """`pack` for a numpy array of numbers, at once: (the text, where each number starts in it)."""
    top, places = int(numbers.max()), 1
    digits = np.ones(len(numbers), np.int64)
    while top >> (5 * places):
        digits += numbers >= (1 << (5 * places))
        places += 1
    last = np.cumsum(digits)                       # one past each number's last digit
    out = np.empty(int(last[-1]), np.uint8)
    last -= 1
    out[last] = ALPHABET_BYTES[numbers & 31]       # the last digit from the lower half of the alphabet,
    for place in range(1, places):                 # those before it from the upper half
        has = np.flatnonzero(digits > place)
        out[last[has] - place] = ALPHABET_BYTES[((numbers[has] >> (5 * place)) & 31) + 32]
    last += 1
    last -= digits
    return out.tobytes().decode("ascii"), last


def _append_ids(packed: str, docs: list[int]) -> str:
    """Packed ascending ids + later ids."""
    last = unpack_ids(packed)[-1]
    return packed + pack(map(sub, docs, chain((last,), docs)))


def replace_reading(state: SearchState, doc: int, old: Reading, new: Reading) -> None:
    """Swap one decision's reading for another under the same id. Only the postings of terms that came,
    went or changed weight, and of pairs that came or went, are opened: an edit touches a few words."""
    old_values, new_values = old.values(), new.values()
    for t in old_values.keys() | new_values.keys():
        value = new_values.get(t)
        if old_values.get(t) == value:
            continue
        ids, levels, masks = state.terms.get(t, ("", "", ""))
        ids = unpack_ids(ids) if ids else []
        at = bisect_left(ids, doc)
        if at < len(ids) and ids[at] == doc:
            del ids[at]
            levels, masks = levels[:at] + levels[at + 1:], masks[:at] + masks[at + 1:]
        if value is not None:
            ids.insert(at, doc)
            levels, masks = levels[:at] + value[0] + levels[at:], masks[:at] + value[1] + masks[at:]
        if ids:
            state.terms[t] = (pack(gaps(ids)), levels, masks)
        else:
            state.terms.pop(t, None)
    new_pairs = set(new.pair_names())
    for p in new_pairs.symmetric_difference(old.pair_names()):
        ids = unpack_ids(state.pairs[p]) if p in state.pairs else []
        at = bisect_left(ids, doc)
        if p in new_pairs:
            ids.insert(at, doc)
        else:
            del ids[at]
        if ids:
            state.pairs[p] = pack(gaps(ids))
        else:
            state.pairs.pop(p, None)
    _forget_words(state, [old])
    state.words.update(new.word_list())
    state.lengths[doc], state.parts[doc] = new.length, new.part_count


def _forget_words(state: SearchState, readings: Iterable[Reading]) -> None:
    words = state.words
    for reading in readings:
        for word in reading.word_list():
            left = words[word] - 1
            if left > 0:
                words[word] = left
            else:
                del words[word]


def drop_from(state: SearchState, keep: int, readings: Iterable[Reading]) -> None:
    """Drop ids `keep`..; `readings` are theirs (only the words they hold can have postings to cut)."""
    terms: set[str] = set()
    pairs: set[str] = set()
    for reading in readings:
        terms.update(reading.terms())
        pairs.update(reading.pair_names())
        _forget_words(state, [reading])
    del state.slugs[keep:], state.lengths[keep:], state.parts[keep:]
    for t in terms:
        ids, levels, masks = state.terms[t]
        ids = unpack_ids(ids)
        cut = bisect_left(ids, keep)
        if cut:
            state.terms[t] = (pack(gaps(ids[:cut])), levels[:cut], masks[:cut])
        else:
            del state.terms[t]
    for p in pairs:
        ids = unpack_ids(state.pairs[p])
        cut = bisect_left(ids, keep)
        if cut:
            state.pairs[p] = pack(gaps(ids[:cut]))
        else:
            del state.pairs[p]


# ---------------------------------------------------------------- the index files

@dataclass
class IndexMemo:
    """What `index_files` made last time, kept by a long-running caller (the preview) so that after an edit
    it redoes only what the edit changed. Postings an edit did not touch are the very same strings, so
    comparing with what was made before is quick."""
    files: dict[str, tuple[object, str]] = field(default_factory=dict)   # path -> (content, JSON)
    same: set[str] = field(default_factory=set)        # the files last made again exactly as before
    entries: tuple | None = None           # (entries, config, what _from_entries found)
    shards: dict[str, tuple[int, dict, list[dict]]] = field(default_factory=dict)   # kind -> count, postings, shards

    def clear(self) -> None:
        self.files.clear()
        self.same.clear()
        self.entries = None
        self.shards.clear()


_ABSENT = object()


def _shards(postings: dict, memo: IndexMemo | None = None, kind: str = "") -> tuple[int, list[dict]]:
    """The postings shared out by crc32 into shards of about SHARD_CHARS. With a memo, the shards made last
    time are brought up to date by what changed since; a shard that changes is a new dict, so the last one
    stays as it was for comparison."""
    values = postings.values()
    packed = chain.from_iterable(values) if values and isinstance(next(iter(values)), tuple) else values
    size = sum(map(len, postings)) + sum(map(len, packed)) + 8 * len(postings)
    count = max(1, -(-size // SHARD_CHARS))
    before = memo.shards.get(kind) if memo is not None else None
    if before is not None and before[0] == count:
        _, last, shards = before
        shards = list(shards)
        # Untouched postings are the very strings of last time: `!=` on them stops at their identity.
        changed = [name for name, value in postings.items() if last.get(name, _ABSENT) != value]
        added = sum(name not in last for name in changed)
        gone = last.keys() - postings.keys() if len(last) + added != len(postings) else ()   # else none
        for number in {crc_of(name) % count for name in chain(gone, changed)}:
            shards[number] = dict(shards[number])
        for name in gone:
            del shards[crc_of(name) % count][name]
        for name in changed:
            shards[crc_of(name) % count][name] = postings[name]
    else:
        shards = [{} for _ in range(count)]
        for name, crc, value in zip(postings, map(crc_of, postings), values):
            shards[crc % count][name] = value
    if memo is not None:
        memo.shards[kind] = (count, dict(postings), shards)
    return count, shards


def facet_values(config: SiteConfig, ordered: list[Entry]) -> dict[str, list[str]]:
    return {
        "council": sorted({e.decision.council for e in ordered}, key=str.casefold),
        "category": sorted({e.decision.category for e in ordered if e.decision.category}, key=str.casefold),
        "subcategory": sorted({e.decision.subcategory for e in ordered if e.decision.subcategory},
                              key=str.casefold),
        "outcome": list(OUTCOMES),
        "band": [band.name for band in config.remedy_bands],
    }


def _from_entries(config: SiteConfig, ordered: list[Entry], memo: IndexMemo | None) -> tuple:
    """What the index takes from the entries alone: facet value names, docs.json's columns but length and
    parts (packed), the letters after references, the packed remedy totals. Again what they were last time
    (in the memo) for the same settings and entries whose fields read here are the same: an edit to a
    summary or a remedy's text changes none of them."""
    if memo is not None and memo.entries is not None:
        before, made_with, found = memo.entries
        if made_with == config and len(before) == len(ordered) and all(
                old is new or _docs_fields(old) == _docs_fields(new) for old, new in zip(before, ordered)):
            memo.entries = (list(ordered), config, found)
            return found
    facets = facet_values(config, ordered)
    number_of = {name: {value: i + 1 for i, value in enumerate(values)} for name, values in facets.items()}
    columns: dict[str, list[int]] = {name: [] for name in ("reference", "day", *FACETS)}
    suffixes: dict[str, str] = {}
    for doc, entry in enumerate(ordered):
        decision = entry.decision
        first, second, third = decision.reference.split()
        columns["reference"].append(int(first) * 1_000_000 + int(second) * 1000 + int(third[:3]))
        if third[3:]:
            suffixes[str(doc)] = third[3:]
        day = decision.decision_date
        columns["day"].append(day.toordinal() - EPOCH + 1 if day else 0)
        for name, value in (("council", decision.council), ("category", decision.category),
                            ("subcategory", decision.subcategory), ("outcome", decision.outcome),
                            ("band", entry.band.name)):
            columns[name].append(number_of[name].get(value, 0) if value else 0)
    days = columns.pop("day")
    columns = {"date": list(map(sub, days, chain((0,), days))), **columns}       # undated first: never < 0
    columns = {name: pack(values) for name, values in columns.items()}
    totals = pack(int(entry.decision.remedy.total) for entry in ordered)
    found = (facets, columns, suffixes, totals)
    if memo is not None:
        memo.entries = (list(ordered), config, found)
    return found


def _docs_fields(entry: Entry) -> tuple:
    """Every field of an entry that `_from_entries` reads."""
    d = entry.decision
    return (d.reference, d.decision_date, d.council, d.category, d.subcategory, d.outcome, entry.band.name,
            d.remedy.total)


def index_files(config: SiteConfig, ordered: list[Entry], state: SearchState,
                memo: IndexMemo | None = None) -> dict[str, str]:
    """The index's files but the text parts, from the state; `ordered` is the entries by id (oldest first).
    With a memo (updated here), a file whose content is as last time is not written out again."""
    count = len(ordered)
    facets, entry_columns, suffixes, totals = _from_entries(config, ordered, memo)
    columns = {**entry_columns, "length": pack(map(doc_length_code, state.lengths)), "parts": pack(state.parts)}
    vocabulary: defaultdict[str, dict[str, list]] = defaultdict(dict)
    held = {t: len(levels) for t, (_, levels, _) in state.terms.items()}
    held_words = list(state.words)
    for word, t in zip(held_words, _terms_of(held_words)):
        vocabulary[vocabulary_file(word)][word] = [t, held[t]]
    # A term in more than a quarter of the decisions narrows little where in them it is: no part masks.
    # A term whose postings would fill half a shard has a file of its own, named in the manifest.
    term_postings = {t: (ids, levels, masks if held[t] * 4 <= count else "")
                     for t, (ids, levels, masks) in state.terms.items()}
    own = sorted(t for t, p in term_postings.items() if sum(map(len, p)) > SHARD_CHARS // 2)
    own_files: defaultdict[str, dict] = defaultdict(dict)
    for t in own:
        own_files[own_file(t)][t] = term_postings.pop(t)
    term_shards, term_files = _shards(term_postings, memo, "terms")
    pair_shards, pair_files = _shards(state.pairs, memo, "pairs")
    manifest = {
        "version": VERSION,
        "count": count,
        "averageLength": round(sum(state.lengths) / count, 2) if count else 0,
        "lengthBase": LENGTH_BASE,
        "facets": facets,
        "termShards": term_shards,
        "ownFiles": own,
        "pairShards": pair_shards,
        "vocabulary": sorted(vocabulary),
    }
    contents = {"search/index.json": manifest,
                "search/docs.json": {**columns, "suffix": suffixes},
                "search/totals.json": {"total": totals}}
    contents.update((f"search/v/{name}.json", found) for name, found in vocabulary.items())
    contents.update((f"search/t/{n}.json", shard) for n, shard in enumerate(term_files))
    contents.update((f"search/t/{name}.json", shard) for name, shard in own_files.items())
    contents.update((f"search/p/{n}.json", shard) for n, shard in enumerate(pair_files))
    if memo is None:
        return {path: _json(content) for path, content in contents.items()}
    made = memo.files
    for path in made.keys() - contents.keys():
        del made[path]
    memo.same = set()
    for path, content in contents.items():
        before = made.get(path)
        if before is None or before[0] != content:
            made[path] = (content, _json(content))
        else:
            memo.same.add(path)
    return {path: made[path][1] for path in contents}


def render_search_index(config: SiteConfig, entries: list[Entry]) -> list[Page]:
    """The whole index in one go, for entries newest first (ids count from the oldest). The build makes
    the same files a piece at a time, reading each decision next to its page."""
    ordered = list(reversed(entries))
    parts = [split_parts(render_body(e.decision.body).paragraphs) for e in ordered]
    found = [read_decision(e.decision, p) for e, p in zip(ordered, parts)]
    state = SearchState()
    update_state(state, [e.decision.slug for e in ordered], {}, [], found)
    files = index_files(config, ordered, state)
    for entry, p in zip(ordered, parts):
        files.update(text_part_files(entry.decision.slug, text_parts(entry.decision, p)))
    return [Page(path, text) for path, text in sorted(files.items())]
