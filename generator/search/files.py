"""Entries -> the client-side search index under `search/`, deterministic (same content -> same bytes).

A query downloads only what it needs: the manifest and the document table once, then for each word its
word shard (and, while it is being typed or when it may hold a typo, one vocabulary file), for each quoted
phrase its pair shards, and for each result shown the text file holding its decision. Every file is JSON;
lists of numbers are packed into strings (see `pack`). No query needs HTTP Range requests. File by file,
for N decisions with ids 0..N-1 counted from the oldest (so a new decision is added at the end):

  search/index.json        manifest: format version, N, average length, facet value names, shard counts,
                           the names of the vocabulary files, the domain equivalents (`equivalents.py` and
                           site.yaml's `search_equivalents`, each member as its folded words)
  search/docs.json         one packed column per field, id by id: reference (yy * 1,000,000 + number;
                           a letter after it is in "suffix"), date (days since 1970 + 1, as the gap from
                           the previous id; 0 = no date), council, category, subcategory, outcome, band
                           (1-based positions in the manifest's lists; 0 = none), inferred (the facts
                           inferred rather than printed, as bits: 1 category, 2 subcategory, 4 outcome,
                           8 date; 0 = all printed), length code (for ranking): enough to list and count
                           results before any text is loaded
  search/totals.json       the remedy total in pounds of each id, packed; for sorting by largest remedy
  search/v/<a>.json        the words starting with <a>: {word: [term, decisions holding the term]}, for
  search/v/<ab>.json       prefixes as you type and for one-typo matches; a first letter whose words pass
                           VOCABULARY_CHARS has a file for each first two letters instead (characters
                           other than a-z and 0-9 are written u<hex>); the manifest lists the files
  search/t/x<crc>.json     a term too big to share a shard (listed in the manifest's ownFiles), alone
  search/t/<n>.json        term shard n = crc32(term) % termShards: {term: [id gaps, weights]}: the packed
                           gaps between the ids holding the term, and one character a decision for its
                           weighted frequency w (title x8, summary x4, category x2, text x1) as
                           round(3 * log2(min(w, 63)))
  search/p/<n>.json        pair shard n = crc32("a b") % pairShards: {"a b": id gaps}, for every two words
                           next to each other in one paragraph, the title, summary or category
  search/x/<ff>/<slug>.json  the text of one decision, or of two neighbours: {slug: {"r": reference,
                           "s": summary, "p": [[paragraph number, text], ...]}}. In slug order, a decision
                           whose slug's crc32 is even shares its file with the next when that one's is odd
                           (`text_groups`): about 0.75 files a decision, and an edit, an addition or a
                           removal changes one or two of them. The file is named by its first slug, in
                           folder <ff> = (crc32(name) >> 8) % 64 in two hex digits, so no folder holds
                           more than a sixty-fourth of them; names stay as they are when ids move.

Files per decision at 20,000 decisions: about 0.9 (BENCHMARKS.md)."""
from __future__ import annotations

import math
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from itertools import chain
from operator import sub
from typing import NamedTuple

from ..content.settings import SiteConfig
from ..model import OUTCOMES, Decision
from ..site.entries import Entry
from ..site.markdown import render_body
from ..site.pages import Page
from .equivalents import equivalents_for
from .packing import json_text, pack
from .postings import SearchState, update_state
from .reading import read_decision, terms_of, text_record


VERSION = 4


SHARD_CHARS = 8_000          # target size of a word or pair shard: one is fetched for each word


LENGTH_BASE = 1.5            # a length is kept as round(log base 1.5 of (words + 1)): ranking needs no more


FACETS = ("council", "category", "subcategory", "outcome", "band")


EPOCH = date(1970, 1, 1).toordinal()


# docs.json's "inferred" column: one bit a fact a search result may show as inferred.
INFERRED_BITS = {"category": 1, "subcategory": 2, "outcome": 4, "decision_date": 8}


def shard_of(text: str, shards: int) -> int:
    return crc_of(text) % shards


@lru_cache(maxsize=1 << 20)
def crc_of(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def own_file(term: str) -> str:
    """The file of a term too big to share a shard: 'x' and the hex of its crc32."""
    return f"x{zlib.crc32(term.encode('utf-8')):08x}"


VOCABULARY_CHARS = 4_000     # a first letter's words past this size get a file for each first two letters


TEXT_FOLDERS = 64


@lru_cache(maxsize=1 << 18)
def vocabulary_file(word: str, letters: int = 2) -> str:
    """'delay' -> 'de' (letters=1: 'd'); characters other than a-z and 0-9 are written as u<hex>."""
    return "".join(c if c.isascii() and c.isalnum() else f"u{ord(c):x}" for c in word[:letters])


def vocabulary_files(vocabulary: dict[str, list]) -> dict[str, dict[str, list]]:
    """Words by their first letter, or by their first two letters where a first letter has many."""
    by_first: defaultdict[str, dict[str, list]] = defaultdict(dict)
    for word, value in vocabulary.items():
        by_first[vocabulary_file(word, 1)][word] = value
    out: dict[str, dict[str, list]] = {}
    for first, found in by_first.items():
        if sum(len(word) + 12 for word in found) <= VOCABULARY_CHARS:
            out[first] = found
            continue
        for word, value in found.items():
            out.setdefault(vocabulary_file(word), {})[word] = value
    return out


def text_groups(slugs: list[str]) -> list[list[str]]:
    """Decisions' slugs -> the slugs of each text file, in slug order: a slug whose crc32 is even shares its
    file with the next one when that one's is odd. Whether two share depends on them alone, so a change
    anywhere changes one or two files."""
    ordered = sorted(slugs)
    return [group for at, group in enumerate(map(partial(text_group_at, ordered), range(len(ordered))))
            if group[0] == ordered[at]]


def text_group_at(ordered: list[str], at: int) -> list[str]:
    """The text file's group of `ordered[at]` (`ordered` sorted), from its neighbours alone: an even crc32
    only ever opens a pair and an odd one only closes it, so no pairing further away can take either."""
    slug = ordered[at]
    if crc_of(slug) % 2 == 0:
        if at + 1 < len(ordered) and crc_of(ordered[at + 1]) % 2 == 1:
            return [slug, ordered[at + 1]]
    elif at > 0 and crc_of(ordered[at - 1]) % 2 == 0:
        return [ordered[at - 1], slug]
    return [slug]


def text_path(group: list[str]) -> str:
    name = group[0]
    return f"search/x/{(crc_of(name) >> 8) % TEXT_FOLDERS:02x}/{name}.json"


def text_file(group: list[str], records: dict[str, str]) -> str:
    """The text file of a group, from its decisions' `text_record`s: {slug: record, ...}, keys in order."""
    return "{" + ",".join(f'"{slug}":{records[slug].rstrip()}' for slug in group) + "}\n"


@lru_cache(maxsize=1 << 16)
def doc_length_code(length: int) -> int:
    return round(math.log(length + 1) / math.log(LENGTH_BASE))


class EntryColumns(NamedTuple):
    """What the index takes from the entries alone (see `_from_entries`)."""
    facets: dict[str, list[str]]        # facet -> its values' names
    columns: dict[str, str]             # docs.json's columns but length, packed
    suffixes: dict[str, str]            # id -> the letter after its reference
    totals: str                         # the remedy totals, packed


@dataclass
class EntriesSeen:
    config: SiteConfig
    entries: list[Entry]                # by id
    found: EntryColumns


@dataclass
class ShardsMade:
    count: int
    postings: dict                      # name -> postings, as they were shared out
    shards: list[dict]


class MadeFile(NamedTuple):
    content: object                     # what was written out, as data (compared with the next build's)
    text: str                           # ... and as JSON


@dataclass
class IndexMemo:
    """What `index_files` made last time, kept by a preview so that after an edit it redoes only what the
    edit changed. Postings an edit did not touch are the very same strings, so comparing with what was made
    before is quick."""
    files: dict[str, MadeFile] = field(default_factory=dict)     # path -> what it holds
    same: set[str] = field(default_factory=set)        # the files last made again exactly as before
    entries: EntriesSeen | None = None
    shards: dict[str, ShardsMade] = field(default_factory=dict)  # "terms" or "pairs" -> their shards

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
    if before is not None and before.count == count:
        last, shards = before.postings, list(before.shards)
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
        memo.shards[kind] = ShardsMade(count, dict(postings), shards)
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


def _from_entries(config: SiteConfig, ordered: list[Entry], memo: IndexMemo | None) -> EntryColumns:
    """What the index takes from the entries alone: facet value names, docs.json's columns but length (all
    packed), the letters after references, the packed remedy totals. Again what they were last time
    (in the memo) for the same settings and entries whose fields read here are the same: an edit to a
    summary or a remedy's text changes none of them."""
    seen = memo.entries if memo is not None else None
    if seen is not None and seen.config == config and len(seen.entries) == len(ordered) and all(
            old.facts_digest == new.facts_digest or _docs_fields(old) == _docs_fields(new)
            for old, new in zip(seen.entries, ordered)):
        seen.entries = list(ordered)
        return seen.found
    facets = facet_values(config, ordered)
    number_of = {name: {value: i + 1 for i, value in enumerate(values)} for name, values in facets.items()}
    columns: dict[str, list[int]] = {name: [] for name in ("reference", "day", *FACETS, "inferred")}
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
        columns["inferred"].append(sum(bit for name, bit in INFERRED_BITS.items() if name in decision.inferred))
    days = columns.pop("day")
    columns = {"date": list(map(sub, days, chain((0,), days))), **columns}       # undated first: never < 0
    totals = pack(int(entry.decision.remedy.total) for entry in ordered)
    found = EntryColumns(facets, {name: pack(values) for name, values in columns.items()}, suffixes, totals)
    if memo is not None:
        memo.entries = EntriesSeen(config, list(ordered), found)
    return found


def _docs_fields(entry: Entry) -> tuple:
    """Every field of an entry that `_from_entries` reads."""
    d = entry.decision
    return (d.reference, d.decision_date, d.council, d.category, d.subcategory, d.outcome, entry.band.name,
            d.remedy.total, d.inferred)


def index_files(config: SiteConfig, ordered: list[Entry], state: SearchState,
                memo: IndexMemo | None = None) -> dict[str, str]:
    """The index's files but the text files, from the state; `ordered` is the entries by id (oldest first).
    With a memo (updated here), a file whose content is as last time is not written out again."""
    count = len(ordered)
    facets, entry_columns, suffixes, totals = _from_entries(config, ordered, memo)
    columns = {**entry_columns, "length": pack(map(doc_length_code, state.lengths))}
    held = {t: len(levels) for t, (_, levels) in state.terms.items()}
    held_words = list(state.words)
    vocabulary = vocabulary_files({word: [t, held[t]] for word, t in zip(held_words, terms_of(held_words))})
    # A term whose postings would fill half a shard has a file of its own, named in the manifest.
    term_postings = dict(state.terms)
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
        "equivalents": equivalents_for(config),
    }
    contents = {"search/index.json": manifest,
                "search/docs.json": {**columns, "suffix": suffixes},
                "search/totals.json": {"total": totals}}
    contents.update((f"search/v/{name}.json", found) for name, found in vocabulary.items())
    contents.update((f"search/t/{n}.json", shard) for n, shard in enumerate(term_files))
    contents.update((f"search/t/{name}.json", shard) for name, shard in own_files.items())
    contents.update((f"search/p/{n}.json", shard) for n, shard in enumerate(pair_files))
    if memo is None:
        return {path: json_text(content) for path, content in contents.items()}
    made = memo.files
    for path in made.keys() - contents.keys():
        del made[path]
    memo.same = set()
    for path, content in contents.items():
        before = made.get(path)
        if before is None or before.content != content:
            made[path] = MadeFile(content, json_text(content))
        else:
            memo.same.add(path)
    return {path: made[path].text for path in contents}


def render_search_index(config: SiteConfig, entries: list[Entry]) -> list[Page]:
    """The whole index in one go, for entries newest first (ids count from the oldest). The build makes
    the same files a piece at a time, reading each decision next to its page."""
    ordered = list(reversed(entries))
    paragraphs = [render_body(_whole(e).body).paragraphs for e in ordered]
    found = [read_decision(e.decision, p) for e, p in zip(ordered, paragraphs)]
    state = SearchState()
    update_state(state, [e.decision.slug for e in ordered], {}, [], found)
    files = index_files(config, ordered, state)
    records = {e.decision.slug: text_record(e.decision, p) for e, p in zip(ordered, paragraphs)}
    files.update((text_path(group), text_file(group, records)) for group in text_groups(list(records)))
    return [Page(path, text) for path, text in sorted(files.items())]


def _whole(entry: Entry) -> Decision:
    if not isinstance(entry.decision, Decision):
        raise TypeError("the whole index in one go needs entries made from whole decisions, bodies and all")
    return entry.decision
