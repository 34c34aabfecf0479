"""Numbers packed into strings, the index files' compact form: base 32, most significant digit first, every
digit but the last from the upper half of the alphabet, so a string of numbers needs no separators. Ids are
written as the gaps between them; numpy packs and unpacks whole arrays at once."""
from __future__ import annotations

import json
import re
from itertools import accumulate, chain, repeat
from operator import sub
from typing import Iterable, Iterator

import numpy as np


# A number is written in base 32, most significant digit first; every digit but the last comes from the
# upper half of the alphabet, so a string of numbers needs no separators.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


_SMALL = 1 << 15


ALPHABET_BYTES = np.frombuffer(ALPHABET.encode(), np.uint8)


DIGIT_OF = np.zeros(128, np.int64)
DIGIT_OF[ALPHABET_BYTES] = np.arange(64)


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
    if numbers and min(numbers) < 0:          # a table index from the end: refused, never wrapped
        raise ValueError(f"cannot pack a negative number: {min(numbers)}")
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


def json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def level_chars(levels: np.ndarray) -> str:
    """Weight levels (0..31) -> a character each."""
    if len(levels) and int(levels.min()) < 0:
        raise ValueError(f"cannot pack a negative number: {int(levels.min())}")
    return ALPHABET_BYTES[levels].tobytes().decode()


def levels_of(chars: str) -> np.ndarray:
    """`level_chars` undone."""
    return DIGIT_OF[np.frombuffer(chars.encode(), np.uint8)]


def run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal numbers starts in a sorted array, as a mask."""
    return np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(ordered) else np.zeros(0, bool)


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


def pack_all(numbers: np.ndarray) -> tuple[str, np.ndarray]:
    """`pack` for a numpy array of numbers, at once: (the text, where each number starts in it)."""
    if len(numbers) and int(numbers.min()) < 0:
        raise ValueError(f"cannot pack a negative number: {int(numbers.min())}")
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

