"""Records <-> content files: `content/decisions/<slug>.md`, YAML front matter plus a markdown body.

`dump(decision)` and `parse(text, path)` are symmetric: parse(dump(d)) == d for every valid record.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

import yaml

from .errors import ContentError, DigestError
from .model import OUTCOMES, REVIEWABLE, Decision, Payment, Remedy, normalise_reference, reference_slug

FENCE = "---"

# Front matter keys in the order they are written; other tools depend on these names.
KEYS = (
    "reference", "council", "category", "subcategory", "outcome", "decision_date", "summary",
    "remedy", "decided_by", "source", "lgsco_url", "aliases", "needs_review",
)
REMEDY_KEYS = ("total", "payments", "apology", "service_improvements", "actions", "deadline", "note")
PAYMENT_KEYS = ("amount", "purpose", "period")
ALIAS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")         # one path segment: a former slug
REQUIRED = ("reference", "council")
MAX_CONTENT_BYTES = 5_000_000

# libyaml's parser when PyYAML has it (about ten times faster); the same safe subset of YAML either way.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What to do about the YAML errors hand edits cause most.
YAML_HINTS = {
    "mapping values are not allowed here": 'a value containing ": " must be in double quotes',
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "could not find expected ':'": "each line needs `key: value`; a long value must be in double quotes",
}


# ---------------------------------------------------------------- writing

class _Quoted(str):
    """Written in double quotes: a reference like 24001566 must stay text, not become a number."""


class _Flow(list):
    """A short list written on one line: `needs_review: [category, outcome]`."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"'))
_Dumper.add_representer(_Flow, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True))


def canonical_body(body: str) -> str:
    """No blank lines around the body, one newline at its end."""
    body = body.strip("\n")
    return body + "\n" if body else ""


def front_matter(decision: Decision) -> dict:
    """Every front-matter field as plain values, in the order of KEYS (shared by the file and the data downloads)."""
    remedy = decision.remedy
    return {
        "reference": decision.reference,
        "council": decision.council,
        "category": decision.category,
        "subcategory": decision.subcategory,
        "outcome": decision.outcome,
        "decision_date": decision.decision_date,
        "summary": decision.summary,
        "remedy": {
            "total": remedy.total,
            "payments": [_payment_mapping(p) for p in remedy.payments],
            "apology": remedy.apology,
            "service_improvements": remedy.service_improvements,
            "actions": list(remedy.actions),
            "deadline": remedy.deadline,
            "note": remedy.note,
        },
        "decided_by": decision.decided_by,
        "source": decision.source,
        "lgsco_url": decision.lgsco_url,
        "aliases": list(decision.aliases),
        "needs_review": list(decision.needs_review),
    }


def dump(decision: Decision) -> str:
    """The content file for a record: front matter in a fixed key order, then the body."""
    meta = front_matter(decision)
    meta.update(reference=_Quoted(decision.reference), summary=_Quoted(decision.summary),
                aliases=_Flow(meta["aliases"]), needs_review=_Flow(meta["needs_review"]))
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)
    body = canonical_body(decision.body)
    return f"{FENCE}\n{front}{FENCE}\n\n{body}" if body else f"{FENCE}\n{front}{FENCE}\n"


def _payment_mapping(payment: Payment) -> dict:
    mapping: dict = {"amount": payment.amount, "purpose": payment.purpose}
    if payment.period:
        mapping["period"] = payment.period
    return mapping


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write `data` (or what `data(stream)` writes) via a temporary file in the same folder and rename, so
    no reader sees half a file. Ctrl-C is held back until the file is complete or gone, so an interrupt or
    a failure leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    with interrupts_deferred():
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.chmod(handle, mode)
            with os.fdopen(handle, "wb") as stream:
                data(stream) if callable(data) else stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _mode_for(path: Path) -> int:
    """The permissions a file written over `path` gets: those of the file it replaces, else what a new file
    gets here (the temporary file's own are for its owner alone)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM for the duration; one that arrives is acted on at the end. The handlers are
    swapped rather than the signal masked: a mask holds one thread only, and a signal sent to the process
    goes to any thread that does not block it (numpy's BLAS threads, the preview server's), whose
    handler would then interrupt the main thread at once. Python runs handlers in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum)) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


def save_decision(decision: Decision, content_dir: Path, force: bool = False) -> tuple[Path, str]:
    """Write `<content>/decisions/<slug>.md`. Returns (path, what happened): written, unchanged, exists, replaced.

    An existing file is never touched without `force`; with it, the old text is kept as `<slug>.md.bak`.
    """
    path = content_dir / "decisions" / f"{decision.slug}.md"
    data = dump(decision).encode("utf-8")
    if not path.exists():
        write_atomically(path, data)
        return path, "written"
    old = path.read_bytes()
    if old == data:
        return path, "unchanged"
    if not force:
        return path, "exists"
    write_atomically(path.with_name(path.name + ".bak"), old)
    write_atomically(path, data)
    return path, "replaced"


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class Source:
    """A content file as last read: its stamp (size, mtime) and digest, and what it held."""
    size: int
    mtime_ns: int
    digest: str                   # of the whole file
    front_digest: str             # of the front matter alone: what index pages, feeds and data show
    decision: Decision            # without its body, which is kept apart:
    body: bytes                   # UTF-8, half the memory of the text: at archive scale bodies are most of it
    warnings: tuple[DigestError, ...]

    def full(self) -> Decision:
        """The decision with its body."""
        return replace(self.decision, body=self.body.decode("utf-8"))


@dataclass(frozen=True)
class Loaded:
    decisions: list[Decision]
    errors: list[DigestError]
    warnings: list[DigestError]
    sources: dict[str, Source] = field(default_factory=dict)     # file name -> what was read


Stamp = tuple[int, int]                                         # a file's (size, mtime_ns)
Reader = Callable[[Path, list[str], dict[str, Stamp], dict[str, Source]], list[Source | ContentError]]


def load_decisions(content_dir: Path, strict: bool = False, known: dict[str, Source] | None = None,
                   stamps: dict[str, Stamp] | None = None, bodies: bool = True, read: Reader | None = None) -> Loaded:
    """Read every content file, collecting all errors rather than stopping at the first.
    With `strict`, warnings (unknown keys) count as errors. A file in `known` whose size and mtime, or
    failing those whose bytes, are as they were is not parsed again. `stamps`: the files' sizes and mtimes
    when the caller has just looked ("decisions/<name>": (size, mtime_ns)). Without `bodies`, the decisions
    come without their bodies (each source has it). `read`: what reads the files that need it, `read_files`
    or one that gives the same (see `workers.read_alongside`)."""
    folder = content_dir / "decisions"
    decisions, errors, warnings, sources = [], [], [], {}
    if not folder.is_dir():
        errors.append(ContentError(folder, "no decisions folder: run `digest import PATH` to create it"))
        return Loaded([], errors, [])
    known = known or {}
    if stamps is None:
        stamps = content_stamps(content_dir)
    # Names starting with a dot are other programs' (an editor's swap file, macOS's ._ files), as in serve.
    in_folder = sorted(name.removeprefix("decisions/") for name in stamps
                       if name.startswith("decisions/") and not name.startswith("decisions/."))
    names = [name for name in in_folder if name.endswith(".md")]
    stamp_of = {name: stamps[f"decisions/{name}"] for name in names}
    warnings.extend(ContentError(folder / name, "not read: a decision file's name ends in .md, in lower case")
                    for name in in_folder if name.lower().endswith(".md") and not name.endswith(".md"))
    where = f"{folder}{os.sep}"
    fresh = {name: before for name in names
             if _as_last_read(before := known.get(name), stamp_of[name])
             and str(before.decision.path) == where + name}   # nothing to do (the common case)
    to_read = [name for name in names if name not in fresh]     # read together: by `read`, or here
    read_now = dict(zip(to_read, (read or read_files)(folder, to_read, stamp_of, known), strict=True))
    for name in names:
        source = fresh[name] if name in fresh else read_now[name]
        if isinstance(source, ContentError):
            errors.append(source)
            continue
        sources[name] = source
        warnings.extend(source.warnings)
        decisions.append(source.full() if bodies else source.decision)
    errors.extend(_clashes(decisions))
    if strict:
        return Loaded(decisions, errors + warnings, [], sources)
    return Loaded(decisions, errors, warnings, sources)


def read_files(folder: Path, names: list[str], stamps: dict[str, Stamp],
               known: dict[str, Source]) -> list[Source | ContentError]:
    """Read the files `names` of `folder`: for each, in order, what it holds or the error that stops its use.
    `stamps`: each one's (size, mtime_ns); `known`: what some held when last read. Plain data in and out,
    and nothing else used: any process can read any share of the files."""
    return [_source_or_error(folder / name, known.get(name), stamps[name]) for name in names]


def _source_or_error(path: Path, before: Source | None, stamp: Stamp) -> Source | ContentError:
    try:
        return _read_source(path, before, stamp)
    except ContentError as error:
        return error


def content_stamps(content_dir: Path) -> dict[str, Stamp]:
    """Size and mtime of every file the content is read from: `site.yaml` and the like, `decisions/<name>`."""
    stamps = {}
    for prefix in ("", "decisions/"):
        try:
            with os.scandir(content_dir / prefix) as found:
                for item in found:
                    try:
                        if item.is_file():
                            info = item.stat()
                            stamps[prefix + item.name] = (info.st_size, info.st_mtime_ns)
                    except FileNotFoundError:    # gone since the folder was listed (an editor's swap file)
                        continue
        except FileNotFoundError:              # no such folder: reported by whoever needs it
            continue
        except OSError as error:
            raise ContentError(content_dir / prefix, f"cannot read this folder: {error.strerror}") from None
    return stamps


def _as_last_read(before: Source | None, stamp: Stamp) -> bool:
    """The file has the size and mtime it had when `before` was read from it."""
    return before is not None and (before.size, before.mtime_ns) == stamp


def _read_source(path: Path, before: Source | None, stamp: Stamp) -> Source:
    if _as_last_read(before, stamp):
        return before if before.decision.path == path else replace(before, decision=replace(before.decision, path=path))
    data = read_content_bytes(path)
    digest = _digest(data)
    size, mtime_ns = stamp
    if before and before.digest == digest:
        return replace(before, size=size, mtime_ns=mtime_ns, decision=replace(before.decision, path=path))
    front, body = split_front_matter(decode_content(data, path), path)
    decision, unknown = _parse(front, body, path)
    front_digest = _digest(front.encode("utf-8"))
    return Source(size, mtime_ns, digest, front_digest, replace(decision, body=""), decision.body.encode("utf-8"),
                  tuple(unknown))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_content_bytes(path: Path) -> bytes:
    """A content file's bytes, refusing one too big to be one (`decode_content` refuses what is not text)."""
    try:
        size = path.stat().st_size
        if size > MAX_CONTENT_BYTES:
            raise ContentError(path, f"file is {size / 1_000_000:.1f} MB; a decision file is far smaller "
                                     f"(limit {MAX_CONTENT_BYTES // 1_000_000} MB): is it the right file?")
        return path.read_bytes()
    except OSError as error:
        raise ContentError(path, f"cannot be read: {error.strerror}") from None


def decode_content(data: bytes, path: Path) -> str:
    if not data.strip():
        raise ContentError(path, "empty file: delete it, or import the decision again with `digest import`", line=1)
    if b"\x00" in data:
        raise ContentError(path, "binary file, not text: content files are UTF-8 markdown with YAML front matter")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ContentError(path, f"not UTF-8 text (byte {error.start}); save the file as UTF-8", line=line) from None


def _clashes(decisions: list[Decision]) -> list[DigestError]:
    """A file name must match its reference, and no two files may hold one reference."""
    errors: list[DigestError] = []
    seen: dict[str, Path] = {}
    for decision in decisions:
        assert decision.path is not None
        if not str(decision.path).endswith(f"{os.sep}{decision.slug}.md"):
            errors.append(ContentError(decision.path, f"file name does not match reference {decision.reference!r}: "
                                                       f"rename it to {decision.slug}.md (and add the old slug to aliases)"))
        if decision.slug in seen:
            errors.append(ContentError(decision.path, f"reference {decision.reference!r} is also in {seen[decision.slug]}; "
                                                       "keep one file per decision"))
        seen.setdefault(decision.slug, decision.path)
    for decision in decisions:
        for alias in decision.aliases:
            if alias in seen and alias != decision.slug:
                errors.append(ContentError(decision.path, f"alias {alias!r} is the address of {seen[alias]}: "
                                                           "take it out of aliases"))
    return errors


def parse(text: str, path: Path) -> Decision:
    return parse_with_warnings(text, path)[0]


def parse_with_warnings(text: str, path: Path) -> tuple[Decision, list[DigestError]]:
    """Read one content file; raise ContentError (with line) for anything an editor must fix."""
    return _parse(*split_front_matter(text, path), path)


def _parse(front: str, body: str, path: Path) -> tuple[Decision, list[DigestError]]:
    meta = _load(front, path)
    field = _FieldReader(path, front)
    warnings = [ContentError(path, f"unknown key {key!r} ignored; known keys: {', '.join(KEYS)}", line=field.line(key))
                for key in meta if key not in KEYS]
    for key in REQUIRED:
        if meta.get(key) in (None, ""):
            raise ContentError(path, f"missing {key!r} in the front matter", line=1)
    reference = normalise_reference(str(meta["reference"]))
    if reference is None:
        raise ContentError(path, f"reference {meta['reference']!r} is not like '24 001 566'", line=field.line("reference"))
    decision = Decision(
        reference=reference,
        council=field.text("council", meta),
        category=field.optional_text("category", meta),
        subcategory=field.optional_text("subcategory", meta),
        outcome=field.outcome(meta),
        decision_date=field.date("decision_date", meta),
        summary=field.optional_text("summary", meta) or "",
        remedy=field.remedy(meta.get("remedy")),
        decided_by=field.optional_text("decided_by", meta),
        source=field.optional_text("source", meta),
        lgsco_url=field.web_address("lgsco_url", meta),
        aliases=field.aliases(meta.get("aliases")),
        needs_review=field.review(meta.get("needs_review")),
        body=canonical_body(body),
        path=path,
    )
    return decision, warnings


def split_front_matter(text: str, path: Path) -> tuple[str, str]:
    """Split `---\\nYAML\\n---\\nbody` into (YAML, body). Lines are looked at only up to the closing fence:
    the body, most of the file, is taken whole."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    opening = text.find("\n")
    if (text if opening < 0 else text[:opening]).strip() != FENCE:
        raise ContentError(path, "the file must start with a '---' line opening the YAML front matter", line=1)
    start = at = opening + 1
    while opening >= 0:
        end = text.find("\n", at)
        if (text[at:] if end < 0 else text[at:end]).strip() == FENCE:
            return text[start:at - 1], "" if end < 0 else text[end + 1:]
        if end < 0:
            break
        at = end + 1
    raise ContentError(path, "the front matter has no closing '---' line", line=text.count("\n") + 1)


def _compose(front: str, path: Path) -> yaml.Node | None:
    try:
        return yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise _yaml_error(error, path) from None
    except RecursionError:
        raise ContentError(path, "front matter is nested too deeply to be a decision's") from None


def _load(front: str, path: Path) -> dict:
    try:
        meta = yaml.load(front, Loader=LOADER)
    except yaml.YAMLError:
        # Read it again with the pure-Python parser: same verdict, clearer message and position.
        try:
            yaml.load(front, Loader=yaml.SafeLoader)
        except yaml.YAMLError as error:
            raise _yaml_error(error, path) from None
        raise
    except (ValueError, OverflowError) as error:     # e.g. decision_date: 2025-02-30
        raise ContentError(path, f"front matter has a value that cannot be read ({error}); "
                                 "dates must be real days written 2025-01-14") from None
    if not isinstance(meta, dict):
        raise ContentError(path, "the front matter must be a mapping of key: value", line=2)
    return meta


def _yaml_error(error: yaml.YAMLError, path: Path) -> ContentError:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if problem in YAML_HINTS:
        problem += f" ({YAML_HINTS[problem]})"
    # +2: the front matter starts on the line after the opening fence.
    return ContentError(path, f"front matter is not valid YAML: {problem}",
                        line=mark.line + 2 if mark else None, column=mark.column + 1 if mark else None)


def _key_lines(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """File line of every key, by dotted path ('remedy.total'), for error messages."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            lines[key] = key_node.start_mark.line + 2
            lines.update(_key_lines(value_node, key + "."))
    return lines


class _FieldReader:
    """Type checks for front-matter values, each failing with the key's line and the fix."""

    def __init__(self, path: Path, front: str):
        self.path, self.front = path, front
        self.lines: dict[str, int] | None = None

    def line(self, key: str) -> int | None:
        """The key's line in the file, worked out only when an error or warning needs it."""
        if self.lines is None:
            self.lines = _key_lines(_compose(self.front, self.path))
        return self.lines.get(key)

    def fail(self, key: str, message: str) -> ContentError:
        return ContentError(self.path, f"{key}: {message}", line=self.line(key))

    def text(self, key: str, meta: dict) -> str:
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be text, not {value!r}")
        return value.strip()

    def optional_text(self, key: str, meta: dict) -> str | None:
        return None if meta.get(key) in (None, "") else self.text(key, meta)

    def web_address(self, key: str, meta: dict) -> str | None:
        value = self.optional_text(key, meta)
        if value is not None and not value.lower().startswith(("https://", "http://")):
            raise self.fail(key, f"must be a web address starting https://, not {value!r}")
        return value

    def outcome(self, meta: dict) -> str | None:
        value = meta.get("outcome")
        if value is None:
            return None
        if value not in OUTCOMES:
            raise self.fail("outcome", f"must be one of {', '.join(OUTCOMES)} (or null), not {value!r}")
        return value

    def date(self, key: str, meta: dict) -> date | None:
        value = meta.get(key)
        if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
            return value
        raise self.fail(key, f"must be a date like 2025-01-14 (or null), not {value!r}")

    def text_list(self, key: str, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, f"must be a list of text, not {value!r}")
        return tuple(value)

    def aliases(self, value: object) -> tuple[str, ...]:
        """Former slugs ('24-001-567'; a reference, '24 001 567', is taken as its slug): each becomes an
        address that redirects here, so it must be one path segment of letters, digits and hyphens."""
        slugs = []
        for alias in self.text_list("aliases", value):
            reference = None if ALIAS.fullmatch(alias) else normalise_reference(alias)
            slug = reference_slug(reference) if reference else alias
            if not ALIAS.fullmatch(slug):
                raise self.fail("aliases", f"{alias!r} is not a former slug: use lower-case letters, digits and "
                                           "hyphens, as in 24-001-566")
            slugs.append(slug)
        return tuple(slugs)

    def review(self, value: object) -> tuple[str, ...]:
        fields = self.text_list("needs_review", value)
        for name in fields:
            if name not in REVIEWABLE:
                raise self.fail("needs_review", f"{name!r} is not a field; use any of {', '.join(REVIEWABLE)}")
        return fields

    def whole(self, key: str, value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(key, f"must be a whole number of pounds, not {value!r}")
        return value

    def flag(self, key: str, value: object) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def remedy(self, value: object) -> Remedy:
        if value is None:
            return Remedy()
        if not isinstance(value, dict):
            raise self.fail("remedy", "must be a mapping with total, payments, apology, ...")
        unknown = set(value) - set(REMEDY_KEYS)
        if unknown:
            raise self.fail(f"remedy.{sorted(unknown)[0]}", f"unknown remedy key; known: {', '.join(REMEDY_KEYS)}")
        return Remedy(
            total=self.whole("remedy.total", value.get("total", 0)),
            payments=tuple(self.payment(item) for item in value.get("payments") or []),
            apology=self.flag("remedy.apology", value.get("apology", False)),
            service_improvements=self.flag("remedy.service_improvements", value.get("service_improvements", False)),
            actions=self.text_list("remedy.actions", value.get("actions")),
            deadline=None if value.get("deadline") is None else self._remedy_text("deadline", value),
            note=None if value.get("note") is None else self._remedy_text("note", value),
        )

    def _remedy_text(self, key: str, value: dict) -> str:
        if not isinstance(value[key], str):
            raise self.fail(f"remedy.{key}", f"must be text, not {value[key]!r}")
        return value[key]

    def payment(self, item: object) -> Payment:
        key = "remedy.payments"
        if not isinstance(item, dict) or set(item) - set(PAYMENT_KEYS) or "amount" not in item:
            raise self.fail(key, "each payment must be {amount: N, purpose: ..., period: ...}")
        amount = item["amount"]
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not 0 <= amount < math.inf:
            raise self.fail(key, f"amount must be a number of pounds, not {amount!r}")
        purpose, period = item.get("purpose") or "", item.get("period")
        if not isinstance(purpose, str) or not (period is None or isinstance(period, str)):
            raise self.fail(key, "purpose and period must be text")
        return Payment(amount=amount, purpose=purpose, period=period)
