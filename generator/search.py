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
  search/x/<id>-<k>.json   text part k of decision id: {"r": reference, "s": summary (part 0 only),
                           "p": [[paragraph number, text], ...]}, about 3,000 characters of paragraphs
"""
from __future__ import annotations

import gc
import json
import math
import os
import sys
import zlib
from collections import Counter, defaultdict, deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, repeat
from multiprocessing import get_context
from operator import add, mul, or_, sub
from typing import Iterable, Iterator

from .config import SiteConfig
from .model import OUTCOMES
from .render import Page
from .search_text import fold, term, words
from .taxonomy import Entry

VERSION = 2
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
PARALLEL_FROM = 2000         # from this many decisions, two processes share the reading (where fork exists)
FACETS = ("council", "category", "subcategory", "outcome", "band")
EPOCH = date(1970, 1, 1).toordinal()

# ---------------------------------------------------------------- packing numbers into strings

# A number is written in base 32, most significant digit first; every digit but the last comes from the
# upper half of the alphabet, so a string of numbers needs no separators.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_SMALL = 1 << 15


def _pack_one(n: int) -> str:
    if n < 0:
        raise ValueError(f"cannot pack a negative number: {n}")
    digits = [ALPHABET[n & 31]]
    n >>= 5
    while n:
        digits.append(ALPHABET[32 + (n & 31)])
        n >>= 5
    return "".join(reversed(digits))


PACKED = [_pack_one(n) for n in range(_SMALL)]


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


def _first_number_end(text: str) -> int:
    for index, char in enumerate(text):
        if ALPHABET.index(char) < 32:
            return index + 1
    raise ValueError("no number in packed text")


def gaps(ids: list[int]) -> Iterator[int]:
    """Ascending ids -> the first id + 1, then the difference from each id to the next."""
    return map(sub, ids, chain((-1,), ids))


def shard_of(text: str, shards: int) -> int:
    return zlib.crc32(text.encode("utf-8")) % shards


def own_file(term: str) -> str:
    """The file of a term too big to share a shard: 'x' and the hex of its crc32."""
    return f"x{zlib.crc32(term.encode('utf-8')):08x}"


def vocabulary_file(word: str) -> str:
    """'delay' -> 'de'; characters other than a-z and 0-9 are written as u<hex>."""
    return "".join(c if c.isascii() and c.isalnum() else f"u{ord(c):x}" for c in word[:2])


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


# weight level * 64 + part mask -> the character of each
LEVEL_CHAR = [ALPHABET[v >> 6] for v in range(32 * 64)]
MASK_CHAR = [ALPHABET[v & 63] for v in range(32 * 64)]

# ---------------------------------------------------------------- reading decisions

@dataclass
class _Reading:
    """What a run of consecutive ids contributes to the index; two runs merge into one."""
    first: int
    term_of: dict[str, str] = field(default_factory=dict)
    # term or pair -> first id, last id, packed postings, how many
    terms: dict[str, tuple[int, int, str, int]] = field(default_factory=dict)
    pairs: dict[str, tuple[int, int, str, int]] = field(default_factory=dict)
    texts: list[tuple[str, str]] = field(default_factory=list)               # (path, JSON) of text parts
    columns: dict[str, list[int]] = field(default_factory=dict)
    total_length: int = 0
    suffixes: dict[str, str] = field(default_factory=dict)         # id -> letter after the reference


_ENTRIES: list[Entry] = []       # what a forked reader reads (inherited, not sent)


def _read(start: int, stop: int, number_of: dict[str, dict[str, int]]) -> _Reading:
    """Read decisions start..stop-1 of `_ENTRIES`. The inner loops are map() over C methods: at 20,000
    decisions they run tens of millions of times."""
    term_of: dict[str, str] = {}
    term_docs: defaultdict[str, list[int]] = defaultdict(list)
    term_values: defaultdict[str, list[int]] = defaultdict(list)           # weight * 64 + part mask
    pair_docs: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    texts: list[tuple[str, str]] = []
    columns: dict[str, list[int]] = {name: [] for name in ("reference", "day", *FACETS, "total", "length", "parts")}
    suffixes: dict[str, str] = {}
    total_length = 0

    def terms_of(found: list[str]) -> list[str]:
        for word in set(found).difference(term_of):
            term_of[word] = term(word)
        return list(map(term_of.__getitem__, found))

    for doc in range(start, stop):
        entry = _ENTRIES[doc]
        decision = entry.decision
        parts = split_parts(entry.body.paragraphs)

        title = words(fold(f"{decision.council} {decision.reference}"))
        summary = words(fold(decision.summary))
        category = words(fold(f"{decision.category or ''} {decision.subcategory or ''}"))
        pairs = set(zip(title, title[1:]))
        pairs.update(zip(summary, summary[1:]))
        pairs.update(zip(category, category[1:]))
        weights: Counter[str] = Counter()
        masks: dict[str, int] = {}                                         # term -> the parts holding it
        get = masks.get
        length = len(title) + len(summary)
        for k, part in enumerate(parts):
            found = words(fold(BETWEEN.join(text for _, text in part)))
            length += len(found) - len(part) + 1
            pairs.update(zip(found, found[1:]))
            found_terms = terms_of(found)
            weights.update(found_terms)
            held = set(found_terms)
            masks.update(zip(held, map(or_, map(get, held, repeat(0)), repeat(1 << k))))
            record = {"r": decision.reference, "p": [[n, text] for n, text in part]}
            if k == 0:
                record["s"] = decision.summary
            texts.append((f"search/x/{doc}-{k}.json", _json(record)))
        weights.pop(BETWEEN_WORD, None)
        for found, weight in ((title, WEIGHT_TITLE), (summary, WEIGHT_SUMMARY), (category, WEIGHT_CATEGORY)):
            for t in terms_of(found):
                weights[t] += weight

        names = list(weights)
        deque(map(list.append, map(term_docs.__getitem__, names), repeat(doc)), maxlen=0)
        levels = map(WEIGHT_LEVEL.__getitem__, map(min, weights.values(), repeat(MAX_WEIGHT)))
        deque(map(list.append, map(term_values.__getitem__, names),
                  map(add, map(mul, levels, repeat(64)), map(get, names, repeat(0)))), maxlen=0)
        deque(map(list.append, map(pair_docs.__getitem__, pairs), repeat(doc)), maxlen=0)
        columns["parts"].append(len(parts))

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
        columns["total"].append(int(decision.remedy.total))
        columns["length"].append(doc_length_code(length))
        total_length += length

    term_of.pop(BETWEEN_WORD, None)
    reading = _Reading(start, term_of, texts=texts, columns=columns, total_length=total_length,
                       suffixes=suffixes)
    for t, docs in term_docs.items():
        values = term_values[t]
        reading.terms[t] = (docs[0], docs[-1], (pack(gaps(docs)), "".join(map(LEVEL_CHAR.__getitem__, values)),
                                                "".join(map(MASK_CHAR.__getitem__, values))), len(docs))
    for (a, b), docs in pair_docs.items():
        if a != BETWEEN_WORD and b != BETWEEN_WORD:
            reading.pairs[f"{a} {b}"] = (docs[0], docs[-1], pack(gaps(docs)), len(docs))
    return reading


def _join(first: dict, second: dict) -> None:
    """Add the postings of a later run of ids to those of an earlier one; the later run's first gap was
    counted from -1 and is recounted from the earlier run's last id."""
    for name, later in second.items():
        before = first.get(name)
        if before is None:
            first[name] = later
            continue
        low, high, packed, n = later
        gap = low - before[1]
        gap = PACKED[gap] if gap < _SMALL else _pack_one(gap)
        if isinstance(packed, tuple):
            ids, weights, masks = packed
            joined = (before[2][0] + gap + ids[_first_number_end(ids):], before[2][1] + weights, before[2][2] + masks)
        else:
            joined = before[2] + gap + packed[_first_number_end(packed):]
        first[name] = (before[0], high, joined, before[3] + n)


def _read_all(count: int, number_of: dict[str, dict[str, int]]) -> _Reading:
    middle = count // 2
    if count >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 and sys.platform.startswith("linux"):
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork")) as pool:
                later = pool.submit(_read, middle, count, number_of)
                reading = _read(0, middle, number_of)
                rest = later.result()
        except (OSError, RuntimeError):
            reading, rest = _read(0, middle, number_of), _read(middle, count, number_of)
    else:
        reading = _read(0, middle, number_of)
        rest = _read(middle, count, number_of)
    reading.term_of.update(rest.term_of)
    _join(reading.terms, rest.terms)
    _join(reading.pairs, rest.pairs)
    reading.texts += rest.texts
    for name, values in rest.columns.items():
        reading.columns[name] += values
    reading.total_length += rest.total_length
    reading.suffixes.update(rest.suffixes)
    return reading


# ---------------------------------------------------------------- the index

def _shards(postings: dict) -> tuple[int, list[dict]]:
    size = sum(len(k) + (sum(map(len, v)) if isinstance(v, list) else len(v)) + 8 for k, v in postings.items())
    count = max(1, -(-size // SHARD_CHARS))
    shards: list[dict[str, str]] = [{} for _ in range(count)]
    for name, packed in postings.items():
        shards[shard_of(name, count)][name] = packed
    return count, shards


def render_search_index(config: SiteConfig, entries: list[Entry]) -> list[Page]:
    """Entries arrive newest first; ids count from the oldest, so the newest has the highest id."""
    # Millions of small objects are made and kept to the end: the cycle collector would only walk them
    # again and again, so it waits meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    global _ENTRIES
    _ENTRIES = list(reversed(entries))
    try:
        return _index(config, _ENTRIES)
    finally:
        _ENTRIES = []
        if collecting:
            gc.enable()


def _index(config: SiteConfig, ordered: list[Entry]) -> list[Page]:
    facets = {
        "council": sorted({e.decision.council for e in ordered}, key=str.casefold),
        "category": sorted({e.decision.category for e in ordered if e.decision.category}, key=str.casefold),
        "subcategory": sorted({e.decision.subcategory for e in ordered if e.decision.subcategory},
                              key=str.casefold),
        "outcome": list(OUTCOMES),
        "band": [band.name for band in config.remedy_bands],
    }
    number_of = {name: {value: i + 1 for i, value in enumerate(values)} for name, values in facets.items()}
    count = len(ordered)
    reading = _read_all(count, number_of)

    columns = reading.columns
    days = columns.pop("day")
    columns = {"date": list(map(sub, days, chain((0,), days))), **columns}   # undated come first: never < 0
    vocabulary: defaultdict[str, dict[str, list]] = defaultdict(dict)
    for word, t in reading.term_of.items():
        if t in reading.terms:
            vocabulary[vocabulary_file(word)][word] = [t, reading.terms[t][3]]
    # A term in more than a quarter of the decisions narrows little where in them it is: no part masks.
    # A term whose postings would fill half a shard has a file of its own, named in the manifest.
    term_postings = {t: [ids, levels, masks if n * 4 <= count else ""]
                     for t, (_, _, (ids, levels, masks), n) in reading.terms.items()}
    own = sorted(t for t, p in term_postings.items() if sum(map(len, p)) > SHARD_CHARS // 2)
    own_files: defaultdict[str, dict] = defaultdict(dict)
    for t in own:
        own_files[own_file(t)][t] = term_postings.pop(t)
    term_shards, term_files = _shards(term_postings)
    pair_shards, pair_files = _shards({p: packed for p, (_, _, packed, _) in reading.pairs.items()})
    manifest = {
        "version": VERSION,
        "count": count,
        "averageLength": round(reading.total_length / count, 2) if count else 0,
        "lengthBase": LENGTH_BASE,
        "facets": facets,
        "termShards": term_shards,
        "ownFiles": own,
        "pairShards": pair_shards,
        "vocabulary": sorted(vocabulary),
    }
    pages = [Page("search/index.json", _json(manifest)),
             Page("search/docs.json", _json({**{name: pack(values) for name, values in columns.items()
                                                if name != "total"}, "suffix": reading.suffixes})),
             Page("search/totals.json", _json({"total": pack(columns["total"])}))]
    pages.extend(Page(f"search/v/{name}.json", _json(found)) for name, found in sorted(vocabulary.items()))
    pages.extend(Page(f"search/t/{n}.json", _json(shard)) for n, shard in enumerate(term_files))
    pages.extend(Page(f"search/t/{name}.json", _json(shard)) for name, shard in sorted(own_files.items()))
    pages.extend(Page(f"search/p/{n}.json", _json(shard)) for n, shard in enumerate(pair_files))
    pages.extend(Page(path, text) for path, text in reading.texts)
    return pages

