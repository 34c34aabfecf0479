"""One content file's format: `content/decisions/<slug>.md`, YAML front matter plus a markdown body.

`dump(decision)` and `parse(text, path)` are symmetric: parse(dump(d)) == d for every valid record.
Every value an editor can get wrong fails with the file, the line and the fix.
"""
from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import yaml

from ..errors import ContentError, ContentWarning, DigestError
from ..model import (OUTCOMES, PAYMENT_STATES, REVIEWABLE, Decision, FrontMatter, Payment, Remedy, Waiver,
                     normalise_reference, reference_slug)
from .yaml_text import Places, read_mapping

FENCE = "---"

# Front matter keys in the order they are written; other tools depend on these names.
KEYS = (
    "reference", "council", "category", "subcategory", "outcome", "decision_date", "summary",
    "remedy", "decided_by", "source", "lgsco_url", "aliases", "needs_review",
)
REMEDY_KEYS = ("total", "payments", "waived", "apology", "service_improvements", "actions", "deadline", "note")
PAYMENT_KEYS = ("amount", "purpose", "period", "state")
WAIVER_KEYS = ("amount", "purpose")
ALIAS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")         # one path segment: a former slug
REQUIRED = ("reference", "council")
FIRST_LINE = 2                  # of the front matter: the line after the opening fence
FIRST_DECISIONS = date(1974, 1, 1)       # the Ombudsman was set up by the Local Government Act 1974
LARGEST_TOTAL = 10 ** 12        # pounds; above any remedy, and exact in the search page's numbers
MAX_CONTENT_BYTES = 5_000_000

# ---------------------------------------------------------------- writing

class _Quoted(str):
    """Written in double quotes: a reference like 24001566 must stay text, not become a number."""


class _Flow(list):
    """A short list written on one line: `needs_review: [category, outcome]`."""


class _Dumper(yaml.SafeDumper):
    pass


# libyaml's emitter, where PyYAML has it: the same text for the strings `_same_in_c` lets through, in a
# sixth of the time (most of a bulk import's writing). Others (line breaks, characters outside the BMP,
# anything unprintable) it escapes differently, so they go to the Python emitter.
_CDumper: type[yaml.CSafeDumper] | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CDumper(yaml.CSafeDumper):    # type: ignore[no-redef]
        pass

for _dumper in (_Dumper, _CDumper):
    if _dumper is None:
        continue
    _dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value),
                                                                                 style='"'))
    _dumper.add_representer(_Flow, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value,
                                                                                 flow_style=True))


def _same_in_c(value: object) -> bool:
    """Does libyaml write every string in `value` as PyYAML's own emitter does? (Printable, in the BMP.)"""
    if isinstance(value, str):
        return value.isprintable() and (value.isascii() or max(value) <= "\uffff")
    if isinstance(value, dict):
        return all(_same_in_c(item) for item in value.values())
    if isinstance(value, list):
        return all(_same_in_c(item) for item in value)
    return True


def canonical_body(body: str) -> str:
    """No blank lines around the body, one newline at its end."""
    body = body.strip("\n")
    return body + "\n" if body else ""


def front_matter(decision: FrontMatter) -> dict:
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
            "waived": [{"amount": w.amount, "purpose": w.purpose} for w in remedy.waived],
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
    if not meta["remedy"]["waived"]:
        del meta["remedy"]["waived"]          # left out when empty, as files written before it had it
    meta.update(reference=_Quoted(decision.reference), summary=_Quoted(decision.summary),
                aliases=_Flow(meta["aliases"]), needs_review=_Flow(meta["needs_review"]))
    dumper = _CDumper if _CDumper is not None and _same_in_c(meta) else _Dumper
    front = yaml.dump(meta, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)
    body = canonical_body(decision.body)
    return f"{FENCE}\n{front}{FENCE}\n\n{body}" if body else f"{FENCE}\n{front}{FENCE}\n"


def _payment_mapping(payment: Payment) -> dict:
    """Period and state only when they say something: a sum paid once, as agreed, is the usual case."""
    mapping: dict = {"amount": payment.amount, "purpose": payment.purpose}
    if payment.period:
        mapping["period"] = payment.period
    if payment.state != "agreed":
        mapping["state"] = payment.state
    return mapping


# ---------------------------------------------------------------- reading


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


def parse(text: str, path: Path) -> Decision:
    return parse_with_warnings(text, path)[0]


def parse_with_warnings(text: str, path: Path) -> tuple[Decision, list[DigestError]]:
    """Read one content file; raise ContentError (with line) for anything an editor must fix."""
    return parse_parts(*split_front_matter(text, path), path)


def parse_parts(front: str, body: str, path: Path) -> tuple[Decision, list[DigestError]]:
    meta = read_mapping(front, path, FIRST_LINE, "front matter")
    field = _FieldReader(path, front)
    warnings: list[DigestError] = [
        ContentWarning(path, f"unknown key {key!r} ignored; known keys: {', '.join(KEYS)}", line=field.line(key),
                       strict_message=f"unknown key {key!r} (refused with --strict): correct its name or take it out; "
                                      f"known keys: {', '.join(KEYS)}")
        for key in meta if key not in KEYS]
    for key in REQUIRED:
        if meta.get(key) in (None, ""):
            raise ContentError(path, f"missing {key!r} in the front matter", line=1)
    reference = field.reference(meta)
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


def key_line(path: Path, key: str) -> int | None:
    """The line of a front-matter key in a file that was read without error (for a warning found later)."""
    try:
        return Places(split_front_matter(path.read_text(encoding="utf-8"), path)[0], path, FIRST_LINE).line(key)
    except (OSError, ValueError, ContentError):          # changed since: the warning goes without its line
        return None


def split_front_matter(text: str, path: Path) -> tuple[str, str]:
    """Split `---\\nYAML\\n---\\nbody` into (YAML, body). Lines are looked at only up to the closing fence:
    the body, most of the file, is taken whole."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if "\r" in text:                      # line ends of old Macs: a line end to YAML and markdown alike
        text = text.replace("\r", "\n")
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


class _FieldReader:
    """Type checks for front-matter values, each failing with the key's line and the fix."""

    def __init__(self, path: Path, front: str):
        self.path = path
        self.places = Places(front, path, FIRST_LINE)

    def line(self, key: str) -> int | None:
        """The key's line in the file, worked out only when an error or warning needs it."""
        return self.places.line(key)

    def fail(self, key: str, message: str, at: str | None = None) -> ContentError:
        """`at`: where in the file, when more exact than the key ('remedy.payments.1.state')."""
        return ContentError(self.path, f"{key}: {message}", line=(at and self.line(at)) or self.line(key))

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

    def reference(self, meta: dict) -> str:
        """The reference as written: YAML reads `05001566` unquoted as an octal number, 1311606."""
        value = meta["reference"]
        written = value if isinstance(value, str) else self.places.written("reference") or str(value)
        reference = normalise_reference(written)
        if reference is None:
            raise self.fail("reference", f"{written!r} is not like '24 001 566'")
        return reference

    def date(self, key: str, meta: dict) -> date | None:
        value = meta.get(key)
        if value is None:
            return None
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.fail(key, f"must be a date like 2025-01-14 (or null), not {value!r}")
        if value < FIRST_DECISIONS:
            raise self.fail(key, f"{value} is before {FIRST_DECISIONS.year}, when the Ombudsman began: check the year")
        return value

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
        if value >= LARGEST_TOTAL:
            raise self.fail(key, f"must be under £{LARGEST_TOTAL:,} (a remedy is far smaller): check it")
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
            payments=tuple(self.payment(position, item) for position, item in enumerate(self.items(value, "payments"))),
            waived=tuple(self.waiver(position, item) for position, item in enumerate(self.items(value, "waived"))),
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

    def items(self, remedy: dict, key: str) -> list:
        value = remedy.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"remedy.{key}", f"must be a list (or []), not {value!r}")
        return value

    def payment(self, position: int, item: object) -> Payment:
        where = f"remedy.payments.{position}"
        name = f"remedy.payments[{position + 1}]"
        amount, purpose = self._sum(item, where, name, PAYMENT_KEYS, "{amount: N, purpose: ..., period: ..., state: ...}")
        assert isinstance(item, dict)
        period, state = item.get("period"), item.get("state", "agreed")
        if not (period is None or isinstance(period, str)):
            raise self.fail(f"{name}.period", f"must be text (or left out), not {period!r}", at=f"{where}.period")
        if state not in PAYMENT_STATES:
            raise self.fail(f"{name}.state", f"must be one of {', '.join(PAYMENT_STATES)} (or left out for agreed), "
                                             f"not {state!r}", at=f"{where}.state")
        return Payment(amount=amount, purpose=purpose, period=period, state=state)

    def waiver(self, position: int, item: object) -> Waiver:
        amount, purpose = self._sum(item, f"remedy.waived.{position}", f"remedy.waived[{position + 1}]", WAIVER_KEYS,
                                    "{amount: N, purpose: ...}")
        return Waiver(amount=amount, purpose=purpose)

    def _sum(self, item: object, where: str, name: str, keys: tuple[str, ...], shape: str) -> tuple[int | float, str]:
        """The amount and purpose every payment and waiver has, checked; `where` finds its line."""
        if not isinstance(item, dict) or "amount" not in item:
            raise self.fail(name, f"each must be {shape}", at=where)
        unknown = sorted(set(map(str, item)) - set(keys))
        if unknown:
            raise self.fail(f"{name}.{unknown[0]}", f"unknown key; known: {', '.join(keys)}", at=f"{where}.{unknown[0]}")
        amount = item["amount"]
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not 0 <= amount < math.inf:
            raise self.fail(f"{name}.amount", f"must be a number of pounds, not {amount!r}", at=f"{where}.amount")
        purpose = item.get("purpose") or ""
        if not isinstance(purpose, str):
            raise self.fail(f"{name}.purpose", f"must be text, not {purpose!r}", at=f"{where}.purpose")
        return amount, purpose
