"""YAML as a content file's front matter and `site.yaml` are read: one mapping of plain values, and every
error one line with its place.

Refused with the line: anchors and aliases (`&a`, `*a`: a few lines of them can stand for billions of
values), a key written twice (YAML would keep the last silently), and a value that cannot be read
(`2025-02-30`, a number thousands of digits long), named by its key. Where a key is written is worked out
only when an error or warning needs it (`Places`), and never by following an alias.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import ContentError

# libyaml's parser when PyYAML has it (about ten times faster); the same safe subset of YAML either way.
FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What to do about the YAML errors hand edits cause most.
HINTS = {
    "mapping values are not allowed here": 'a value containing ": " must be in double quotes',
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "could not find expected ':'": "each line needs `key: value`; a long value must be in double quotes",
}


class _Unreadable(Exception):
    """A scalar that YAML recognised (a date, a number) but cannot turn into a value."""

    def __init__(self, node: yaml.Node, error: Exception):
        super().__init__(str(error))
        self.node = node


class _Twice(Exception):
    """A key written twice in one mapping."""

    def __init__(self, key: str, first: yaml.Node, second: yaml.Node):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


class _Checks:
    """What both loaders check while they build the values (mixed into PyYAML's safe loaders)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except (ValueError, OverflowError) as error:       # raised by the scalar itself: callers see the node
            raise _Unreadable(node, error) from None

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    first = seen.setdefault(key_node.value, key_node)
                    if first is not key_node:
                        raise _Twice(key_node.value, first, key_node)
        return super().construct_mapping(node, deep)  # type: ignore[misc]


class _FastLoader(_Checks, FAST):  # type: ignore[misc,valid-type]
    pass


class _PureLoader(_Checks, yaml.SafeLoader):
    pass


def read_mapping(text: str, path: Path, first_line: int, subject: str, empty: dict | None = None) -> dict:
    """The mapping written in `text`, which starts on line `first_line` of the file `path`; `subject` names
    it in messages ("front matter", "the file"). `empty`: what a text with no value in it (blank, or only
    comments) stands for, if it may have none. Anything else is a ContentError with the line."""
    refuse_anchors(text, path, first_line, subject)
    try:
        value = yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError as error:
        raise _explained(error, text, path, first_line, subject) from None
    except _Unreadable as error:
        raise _unreadable(error, text, path, first_line) from None
    except _Twice as error:
        lines = error.first.start_mark.line + first_line, error.second.start_mark.line + first_line
        raise ContentError(path, f"{error.key!r} is written twice, on lines {lines[0]} and {lines[1]}: keep one",
                           line=lines[1]) from None
    except RecursionError:
        raise _too_deep(path, subject) from None
    if value is None and empty is not None:
        return empty
    if not isinstance(value, dict):
        raise ContentError(path, f"{subject} must be a mapping of key: value", line=first_line)
    return value


def _explained(error: yaml.YAMLError, text: str, path: Path, first_line: int, subject: str) -> ContentError:
    """libyaml's verdict, with the clearer message and position of the pure-Python parser."""
    try:
        yaml.load(text, Loader=_PureLoader)
    except yaml.YAMLError as clearer:
        return yaml_error(clearer, path, first_line, subject)
    except RecursionError:
        return _too_deep(path, subject)
    except (_Unreadable, _Twice):
        pass
    return yaml_error(error, path, first_line, subject)


def _too_deep(path: Path, subject: str) -> ContentError:
    return ContentError(path, f"{subject} is nested too deeply to be read")


def refuse_anchors(text: str, path: Path, first_line: int, subject: str) -> None:
    """Anchors and aliases are refused before anything is built from them. (A file without "&" and "*" has
    neither, and is not looked at twice.)"""
    if "&" not in text and "*" not in text:
        return
    try:
        for event in yaml.parse(text, Loader=FAST):
            name = getattr(event, "anchor", None)
            if name is not None:
                sign, kind = ("*", "alias") if isinstance(event, yaml.AliasEvent) else ("&", "anchor")
                line = event.start_mark.line + first_line if event.start_mark else None
                raise ContentError(path, f"{subject} uses the YAML {kind} {sign}{name}: anchors and aliases are "
                                         "not allowed; write each value out in full", line=line)
    except yaml.YAMLError:
        return                   # reported by the reading, with its place


def yaml_error(error: yaml.YAMLError, path: Path, first_line: int, subject: str) -> ContentError:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if problem in HINTS:
        problem += f" ({HINTS[problem]})"
    return ContentError(path, f"{subject} is not valid YAML: {problem}",
                        line=mark.line + first_line if mark else None, column=mark.column + 1 if mark else None)


def _unreadable(error: _Unreadable, text: str, path: Path, first_line: int) -> ContentError:
    node = error.node
    key = next((_shown(name) for name, _, value in _entries(yaml.compose(text, Loader=FAST))
                if value.start_mark.index == node.start_mark.index), "value")
    line = node.start_mark.line + first_line
    if node.tag.endswith(":timestamp"):
        return ContentError(path, f"{key}: {node.value} is not a real day ({error}): write dates like 2025-01-14",
                            line=line)
    if node.tag.endswith(":int"):
        return ContentError(path, f"{key}: a number {len(node.value):,} digits long cannot be right: check it "
                                  "(a text value goes in double quotes)", line=line)
    return ContentError(path, f"{key}: {node.value[:40]!r} cannot be read ({error})", line=line)


def _shown(name: str) -> str:
    """A key's path as messages write it: 'remedy.payments.0.amount' -> 'remedy.payments[1].amount'."""
    return re.sub(r"\.(\d+)(?=\.|$)", lambda number: f"[{int(number.group(1)) + 1}]", name)


def _entries(root: yaml.Node | None) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """(dotted path, the node where it is written, its value node) of every mapping entry and list item
    under `root`: 'remedy.total', and by position 'remedy.payments.0', 'remedy.payments.0.amount' (a list
    item is written where its value is). Each node is visited once: an alias, were there one, is never
    followed."""
    seen: set[int] = set()
    stack: list[tuple[str, yaml.Node | None]] = [("", root)]
    while stack:
        prefix, here = stack.pop()
        if here is None or id(here) in seen:
            continue
        seen.add(id(here))
        if isinstance(here, yaml.MappingNode):
            pairs = [(f"{prefix}.{key.value}" if prefix else str(key.value), key, value) for key, value in here.value]
        elif isinstance(here, yaml.SequenceNode):
            pairs = [(f"{prefix}.{position}", item, item) for position, item in enumerate(here.value)]
        else:
            continue
        for name, written, value in pairs:
            yield name, written, value
            stack.append((name, value))


class Places:
    """Where the keys of a mapping read by `read_mapping` are written, worked out only when an error or
    warning needs them."""

    def __init__(self, text: str, path: Path, first_line: int):
        self.text, self.path, self.first_line = text, path, first_line
        self._root: yaml.Node | None = None
        self._lines: dict[str, int] | None = None

    def root(self) -> yaml.Node | None:
        if self._root is None:
            try:
                self._root = yaml.compose(self.text, Loader=FAST)
            except RecursionError:
                raise ContentError(self.path, "nested too deeply to be read") from None
        return self._root

    def line(self, key: str) -> int | None:
        """The line of `key`: "remedy.total", the key total in the mapping remedy; "remedy.payments.0" the
        first item of that list, "remedy.payments.0.amount" its key amount."""
        if self._lines is None:
            self._lines = {name: written.start_mark.line + self.first_line
                           for name, written, _ in _entries(self.root())}
        return self._lines.get(key)

    def written(self, key: str) -> str | None:
        """The top-level key's value as written in the file, when it is one scalar: `05001566` as those
        eight characters, where YAML reads an octal number."""
        root = self.root()
        if isinstance(root, yaml.MappingNode):
            for key_node, value_node in root.value:
                if key_node.value == key and isinstance(value_node, yaml.ScalarNode):
                    return value_node.value
        return None
