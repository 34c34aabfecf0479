"""The search index as data, by id (`SearchState`): every term's and word pair's postings, kept in the
build's state between builds so that an edit changes only the postings of the words it touches; readings
of added decisions are merged in bulk (numpy sorts and packs tens of millions of postings at once)."""
from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from operator import sub
from typing import Iterable, Iterator

import numpy as np

from .packing import gaps, level_chars, levels_of, pack, pack_all, unpack_ids, run_starts
from .reading import Reading, halves

VALUE_BITS = 5                 # a term posting's weight level


@dataclass
class SearchState:
    """Everything the index files are made from, by id. Kept in the build cache so that an edit changes
    only the postings of the words it touches: `update_state` gives the same state, byte for byte, as
    reading every decision again."""
    slugs: list[str] = field(default_factory=list)                    # id -> decision
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)   # term -> packed ids, levels
    pairs: dict[str, str] = field(default_factory=dict)               # "a b" -> packed ids
    words: Counter = field(default_factory=Counter)                   # word -> decisions holding it
    lengths: list[int] = field(default_factory=list)


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
    # flat array (its term's or pair's number, its id, and for a term its weight level: see `_grouped`); a term, pair or word is a dict entry once, however many decisions hold it.
    keep = len(state.lengths)
    shift = max(len(slugs), 1).bit_length()                  # bits of an id
    term_numbers, pair_numbers, word_numbers = _Numbering(), _Numbering(), _Numbering()
    term_keys, pair_keys, words_held = array("q"), array("q"), array("i")
    for doc, reading in enumerate(added, start=keep):
        names = reading.terms()
        numbers = np.fromiter(map(term_numbers.__getitem__, names), np.int64, len(names))
        values = levels_of(reading.levels)
        term_keys.frombytes((numbers << (shift + VALUE_BITS) | doc << VALUE_BITS | values).tobytes())
        held = np.fromiter(map(word_numbers.__getitem__, reading.word_list()), np.int64)
        words_held.frombytes(held.astype(np.int32).tobytes())
        first, second = halves(reading.pair_codes())
        found = (held[first] << 32 | held[second]).tolist()                   # the pairs' words, numbered
        numbers = np.fromiter(map(pair_numbers.__getitem__, found), np.int64, len(found))
        pair_keys.frombytes((numbers << shift | doc).tobytes())
        state.lengths.append(reading.length)
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
    for number, ids, level in _grouped(np.frombuffer(term_keys, np.int64), shift, with_values=True):
        name = term_list[number]
        known = state.terms.get(name)
        state.terms[name] = (_append_ids(known[0], unpack_ids(ids)), known[1] + level) if known else (ids, level)
    del term_keys
    pair_list = list(pair_numbers)
    for number, ids, _ in _grouped(np.frombuffer(pair_keys, np.int64), shift, with_values=False):
        code = pair_list[number]
        name = f"{word_list[code >> 32]} {word_list[code & 0xFFFFFFFF]}"
        pair = state.pairs.get(name)
        state.pairs[name] = _append_ids(pair, unpack_ids(ids)) if pair else ids


class _Numbering(dict):
    """name -> 0, 1, 2 ... in the order names are first met."""
    def __missing__(self, name: str | int) -> int:
        number = self[name] = len(self)
        return number


GROUP_CHUNK = 1 << 18        # postings grouped at a time: the arrays made on the way stay small


def _grouped(keys: np.ndarray, shift: int, with_values: bool) -> Iterator[tuple[int, str, str]]:
    """Keys `number << (shift + VALUE_BITS) | id << VALUE_BITS | level` (no value bits: `number << shift |
    id`), one a posting, sorted here in place -> for each number in turn: the number, its ids packed
    (`pack(gaps(ids))`), and its levels (`level_chars`; empty without values)."""
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
        firsts = np.flatnonzero(run_starts(numbers))
        gaps = np.diff(ids, prepend=-1)
        gaps[firsts] = ids[firsts] + 1
        text, at = pack_all(gaps)
        bounds = np.append(at[firsts], len(text)).tolist()
        levels = level_chars(chunk & ((1 << VALUE_BITS) - 1)) if with_values else ""
        ends = [*firsts[1:].tolist(), len(chunk)]
        for k, (first, number) in enumerate(zip(firsts.tolist(), numbers[firsts].tolist())):
            yield number, text[bounds[k]:bounds[k + 1]], levels[first:ends[k]]
        start = end


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
        packed, levels = state.terms.get(t, ("", ""))
        ids = unpack_ids(packed) if packed else []
        at = bisect_left(ids, doc)
        if at < len(ids) and ids[at] == doc:
            del ids[at]
            levels = levels[:at] + levels[at + 1:]
        if value is not None:
            ids.insert(at, doc)
            levels = levels[:at] + value + levels[at:]
        if ids:
            state.terms[t] = (pack(gaps(ids)), levels)
        else:
            state.terms.pop(t, None)
    new_pairs = set(new.pair_names())
    for p in new_pairs.symmetric_difference(old.pair_names()):
        pair_ids = unpack_ids(state.pairs[p]) if p in state.pairs else []
        at = bisect_left(pair_ids, doc)
        if p in new_pairs:
            pair_ids.insert(at, doc)
        else:
            del pair_ids[at]
        if pair_ids:
            state.pairs[p] = pack(gaps(pair_ids))
        else:
            state.pairs.pop(p, None)
    _forget_words(state, [old])
    state.words.update(new.word_list())
    state.lengths[doc] = new.length


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
    del state.slugs[keep:], state.lengths[keep:]
    for t in terms:
        packed, levels = state.terms[t]
        ids = unpack_ids(packed)
        cut = bisect_left(ids, keep)
        if cut:
            state.terms[t] = (pack(gaps(ids[:cut])), levels[:cut])
        else:
            del state.terms[t]
    for p in pairs:
        pair_ids = unpack_ids(state.pairs[p])
        cut = bisect_left(pair_ids, keep)
        if cut:
            state.pairs[p] = pack(gaps(pair_ids[:cut]))
        else:
            del state.pairs[p]


