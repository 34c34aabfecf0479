"""The plain records that flow between the stages: raw text -> Decision -> content file -> site."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from datetime import date
from pathlib import Path

OUTCOMES = ("Upheld", "Not upheld", "Closed after initial enquiries")

# Field names an editor may list under `needs_review`.
REVIEWABLE = (
    "reference", "council", "category", "subcategory", "outcome", "decision_date",
    "summary", "remedy", "decided_by", "body",
)


# What a facts panel shows that the importer may have guessed: such a field listed in `needs_review` with a
# value is marked "inferred" wherever it shows.  (A remedy, summary or body under review was read from the
# text, not guessed: its note says what to check.)
FACTS = ("reference", "council", "category", "subcategory", "outcome", "decision_date", "decided_by")

# How a payment stands: agreed by the organisation (the default), recommended by the Ombudsman, already
# paid and accepted as the remedy, or offered by the organisation and endorsed by the Ombudsman.
PAYMENT_STATES = ("agreed", "recommended", "paid", "offered")


@dataclass(frozen=True)
class Payment:
    amount: int | float          # exact amount as printed (pence kept: 1250.5)
    purpose: str                 # what the payment recognises, as worded in the decision
    period: str | None = None    # "per month", "per term" ... when the sum recurs
    state: str = "agreed"        # one of PAYMENT_STATES


@dataclass(frozen=True)
class Waiver:
    """A refund of the organisation's own charge, or a charge waived or written off: money the person no
    longer owes or gets back, not a payment for injustice, so outside `Remedy.total`."""
    amount: int | float
    purpose: str                 # what was charged, as worded: "the charges for cancelled visits"


@dataclass(frozen=True)
class Remedy:
    total: int = 0                                   # whole pounds of every payment; 0 when none
    payments: tuple[Payment, ...] = ()
    waived: tuple[Waiver, ...] = ()
    apology: bool = False
    service_improvements: bool = False
    actions: tuple[str, ...] = ()
    deadline: str | None = None                      # "within four weeks of the final decision"
    note: str | None = None                          # why the remedy needs a human look


@dataclass(frozen=True)
class FrontMatter:
    """A decision's facts, everything but its body: what index pages, feeds, search filters and the data
    downloads show. The build keeps decisions this way (bodies are most of an archive's memory) and reads a
    body only to render the decision's own page."""
    reference: str                                   # "24 001 566", as the Ombudsman prints it
    council: str                                     # the organisation in the title line
    summary: str
    category: str | None = None
    subcategory: str | None = None
    outcome: str | None = None
    decision_date: date | None = None
    remedy: Remedy = field(default_factory=Remedy)
    decided_by: str | None = None
    source: str | None = None                        # raw file the record was imported from
    lgsco_url: str | None = None
    aliases: tuple[str, ...] = ()                    # former slugs that must keep working
    needs_review: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)   # the content file it was read from

    @cached_property
    def slug(self) -> str:
        return reference_slug(self.reference)

    @property
    def title(self) -> str:
        return f"{self.council} ({self.reference})"

    @cached_property
    def inferred(self) -> frozenset[str]:
        """The facts that were not printed in the statement but inferred from its text (see FACTS)."""
        return frozenset(name for name in self.needs_review
                         if name in FACTS and getattr(self, name) not in (None, ""))

    def with_body(self, body: str) -> Decision:
        return Decision(**{f.name: getattr(self, f.name) for f in fields(FrontMatter)}, body=body)


@dataclass(frozen=True)
class Decision(FrontMatter):
    """A whole decision: its facts and its body, as imported and as written in its content file."""
    body: str = ""                                   # markdown: ## sections, continuously numbered paragraphs

    def front_matter(self) -> FrontMatter:
        return FrontMatter(**{f.name: getattr(self, f.name) for f in fields(FrontMatter)})


_REFERENCE = re.compile(r"^\s*([0-9]{2})[\s-]?([0-9]{3})[\s-]?([0-9]{3})([a-z]?)\s*$", re.IGNORECASE)


def ascii_digits(text: str) -> str:
    """Digits of any script ('２４', '٢٤') as ASCII digits, and full-width letters and dashes as their plain
    forms (NFKC), so a reference typed with them is the same reference."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(char)) if not char.isascii() and unicodedata.decimal(char, None) is not None
                   else char for char in text)


def normalise_reference(text: str) -> str | None:
    """'24001566', '24-001-566' or '24 001 566' -> '24 001 566'; joint-case suffixes kept ('17 002 402b').
    Digits of other scripts and full-width forms ('２４ ００１ ５６６') are read as ASCII digits, so one
    decision has one reference (and one file name and address) however it was typed."""
    match = _REFERENCE.match(ascii_digits(text))
    if not match:
        return None
    first, second, third, suffix = match.groups()
    return f"{first} {second} {third}{suffix.lower()}"


@lru_cache(maxsize=None)
def reference_slug(reference: str) -> str:
    """'24 001 566' -> '24-001-566' (the decision's URL slug and content file name)."""
    return "-".join(reference.split())


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """'Children's care services' -> 'childrens-care-services', '£1,001 to £5,000' -> '1001-to-5000': an
    anchor id (headings, subcategories). Apostrophes and commas go without a break, so thousands stay whole.
    Letters outside a-z break words ('Ynys Môn' -> 'ynys-m-n'): ids are published as such, and a fragment
    cannot be redirected, so they keep this form; addresses use `path_slug`."""
    text = text.lower().replace("’", "").replace("'", "").replace(",", "").replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "untitled"


# Letters that Unicode does not decompose into a plain letter and a mark.
_PLAIN_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                                "þ": "th", "ı": "i", "ŀ": "l", "ħ": "h"})


@lru_cache(maxsize=65536)
def path_slug(text: str) -> str:
    """A page address's slug: as `slugify`, with accented letters kept as their plain letters ('Ynys Môn' ->
    'ynys-mon', 'Straße' -> 'strasse')."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_PLAIN_LETTERS))
    return slugify("".join(char for char in decomposed if not unicodedata.combining(char)))
