"""Damaged statements: random text, noise, truncation and re-encoding.

Whatever happens to a statement, reading it either gives a record or a one-line RawFormatError, never
anything else, and a field that is still printed in the damaged text keeps its value.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.format import dump, parse
from generator.errors import RawFormatError
from generator.model import OUTCOMES, REVIEWABLE, Decision
from generator.importer.statement import read_raw
from generator.importer.text import decode

from .conftest import FUZZ_EXAMPLES

TESTS = Path(__file__).parent
SEEDS = TESTS / "seeds"
FIXTURES = TESTS / "fixtures" / "raw"
QUICK = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _cases() -> dict[str, tuple[str, dict]]:
    """name -> (the statement's text, its expected record)."""
    found = {}
    for expected in sorted(FIXTURES.glob("*.expected.yaml")):
        want = yaml.safe_load(expected.read_text(encoding="utf-8"))
        path = SEEDS / want["seed"] if "seed" in want else FIXTURES / want["input"]
        found[path.name] = (decode(path.read_bytes(), path), want)
    return found


CASES = _cases()
NAMES = sorted(CASES)
TEXT_NAMES = [name for name in NAMES if not name.endswith(".html")]
# Cases with a body to damage (a statement that is only a header has nothing after it).
BODY_NAMES = [name for name in NAMES if CASES[name][1]["body"]["paragraphs"]]

# What a copy picks up on the way: stray punctuation, other spaces and line breaks, invisible characters.
NOISE = st.lists(st.sampled_from(list("ab Z9.,;:()-–•*£'’“”\t\u00a0\u200b\u00ad\u2028\u2029\x85\x0c\r\n") +
                                 ["Council", "£300", "Summary:", "Decision : Upheld", "Back to top", "  1. "]),
                 max_size=12).map("".join)


def assert_reads_or_rejects(text: str, name: str = "fuzz.txt") -> Decision | None:
    try:
        decision = read_raw(text, name)
    except RawFormatError as error:
        assert error.message and "\n" not in str(error)
        return None
    assert decision.reference and decision.council
    assert decision.body == "" or re.search(r"^\d+\. ", decision.body, re.M)
    assert decision.body.endswith("\n") or ("body" in decision.needs_review and not decision.body)
    assert decision.outcome in (*OUTCOMES, None)
    assert set(decision.needs_review) <= set(REVIEWABLE)
    assert decision.remedy.total >= 0
    return decision


def printed_fields(want: dict) -> dict:
    """The fields the statement prints in its header (not inferred ones, which may change with the body)."""
    fields = {name: want[name] for name in ("reference", "council", "summary")}
    for name in ("category", "subcategory", "outcome", "decision_date"):
        if name not in want["needs_review"]:
            fields[name] = want[name]
    return fields


def body_start(text: str) -> int:
    """Where the body starts: after the first section heading, so damage never reaches the header."""
    match = re.search(r"The complaint\s*(?:</h2>)?\s*\n", text)
    assert match, "every case starts its body with 'The complaint'"
    return match.end()


def same_printed_fields(decision: Decision, want: dict, why: str) -> None:
    for name, value in printed_fields(want).items():
        assert getattr(decision, name) == value, f"{why}: {name} changed"


# --------------------------------------------------------------------------- anything at all

@QUICK
@given(st.text(max_size=400))
def test_random_text_never_raises_anything_else(text: str):
    assert_reads_or_rejects(text)
    assert_reads_or_rejects("<!DOCTYPE html>" + text, "fuzz.html")


@QUICK
@given(st.lists(st.sampled_from(["<", ">", "/", "!", "--", "<!", "<?", "&", "#", ";", "x", "'", '"', "=", " ", "\n",
                                 "<![CDATA[", "]]>", "<li", "<ol start=", "<p", "<br/>", "<script>", "</script>",
                                 "<h1>", "Essex County Council (24 001 566)", "Summary: a.", "&#", "&#x", "1"]),
                max_size=80).map("".join))
def test_broken_markup_never_raises_anything_else(markup: str):
    assert_reads_or_rejects("<html><body><h1>Essex County Council (24 001 566)</h1>" + markup, "fuzz.html")


@QUICK
@given(st.lists(st.sampled_from(list("ab(1) -:£.;\n\t•'’") + ["Council", "Summary:", "Decision", "24 001 566",
                                                                  "The complaint", "agreed to pay", "\n- ", "\n  1. ",
                                                                  "Category :", "<li>", "<p>", "</ol>"]),
                max_size=60).map("".join))
def test_statement_like_noise_never_raises_anything_else(text: str):
    assert_reads_or_rejects("Essex County Council (24 001 566)\n" + text)
    assert_reads_or_rejects("<!DOCTYPE html><html><body><h1>Essex County Council (24 001 566)</h1>" + text, "x.html")


@QUICK
@given(st.sampled_from(NAMES), st.data())
def test_cut_pieces_of_any_case_with_noise_never_raise_anything_else(name: str, data: st.DataObject):
    text = CASES[name][0]
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, len(text)), label="end")
    noise = data.draw(NOISE, label="noise")
    at = data.draw(st.integers(0, end - start), label="at")
    piece = text[start:end]
    assert_reads_or_rejects(piece[:at] + noise + piece[at:], name)
    lines = text.splitlines()
    kept = data.draw(st.lists(st.sampled_from(lines), max_size=len(lines)), label="lines")
    assert_reads_or_rejects("\n".join([lines[0], *kept]), name)


# --------------------------------------------------------------------------- what is still printed stays

@QUICK
@given(st.sampled_from(BODY_NAMES), st.data())
def test_cutting_the_body_short_never_changes_a_printed_field(name: str, data: st.DataObject):
    text, want = CASES[name]
    cut = data.draw(st.integers(body_start(text), len(text)), label="cut")
    decision = assert_reads_or_rejects(text[:cut], name)
    assert decision is not None, "a statement cut after its header still imports"
    same_printed_fields(decision, want, f"{name} cut at {cut}")
    if decision.decided_by is None:
        assert "decided_by" in decision.needs_review


@QUICK
@given(st.sampled_from(BODY_NAMES), st.data())
def test_noise_in_the_body_never_changes_a_printed_field(name: str, data: st.DataObject):
    text, want = CASES[name]
    damaged = text
    for _ in range(data.draw(st.integers(1, 4), label="pieces")):
        at = data.draw(st.integers(body_start(text), len(damaged)), label="at")
        damaged = damaged[:at] + data.draw(NOISE, label="noise") + damaged[at:]
    decision = assert_reads_or_rejects(damaged, name)
    assert decision is not None
    same_printed_fields(decision, want, f"{name} with noise")


@QUICK
@given(st.sampled_from(TEXT_NAMES), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       st.sampled_from(["\n", "\r\n", "\r"]), st.booleans(), st.booleans())
def test_re_encoding_changes_nothing(name: str, encoding: str, newline: str, trailing: bool, tabs: bool):
    text, _ = CASES[name]
    original = read_raw(text, name)
    changed = re.sub(r"\r\n|\r|\n", lambda _: (" \t" if trailing else "") + newline, text)
    if tabs:
        changed = re.sub(r"^(?:  )+", lambda indent: "\t" * (len(indent.group(0)) // 2), changed, flags=re.M)
    try:
        data = changed.encode(encoding)
    except UnicodeEncodeError:
        return                               # a character Windows-1252 has no byte for: nothing to compare
    assert read_raw(decode(data, name), name) == original


# --------------------------------------------------------------------------- round trip

NAME_WORDS = st.sampled_from(["Essex", "North", "Tyneside", "Bath", "&", "St", "Helens", "Abbey", "Care", "Ltd",
                              "Borough", "City", "District", "NHS", "Trust", "O’Brien", "Council"])
WORDS = st.sampled_from(["Mrs", "X", "complained", "the", "Council", "did", "not", "£1,250.50", "pay", "£300",
                         "apologise", "to", "fault", "(section 17)", "*", "_", "[sic]", "#", "a", "month", "per",
                         "term", "within", "of", "final", "decision", "and", "‘injustice’", "100%", "<b>", "&amp;"])
SENTENCE = st.lists(WORDS, min_size=1, max_size=12).map(lambda words: " ".join(words).capitalize() + ".")


@st.composite
def raw_statements(draw: st.DrawFn) -> str:
    """A statement in one of the text layouts, built from realistic pieces."""
    council = " ".join(draw(st.lists(NAME_WORDS, min_size=1, max_size=4)))
    digits = draw(st.tuples(st.integers(10, 29), st.integers(0, 999), st.integers(0, 999)))
    reference = draw(st.sampled_from(["{:02d} {:03d} {:03d}", "{:02d}-{:03d}-{:03d}", "{:02d}{:03d}{:03d}",
                                      "{:02d} {:03d} {:03d}b"])).format(*digits)
    web = draw(st.booleans())
    lines = [f"{council} Council ({reference})"]
    if draw(st.booleans()):
        lines += ["Category : Adult care services > Charging", f"Decision : {draw(st.sampled_from(OUTCOMES))}",
                  "Decision date : 14 Jan 2025"]
    lines += ["The Ombudsman's final decision:", "Summary: " + draw(SENTENCE)]
    for heading in draw(st.lists(st.sampled_from(["The complaint", "What I found", "Analysis", "Agreed action",
                                                   "Final decision"]), min_size=1, max_size=5)):
        lines.append(heading)
        for number, sentence in enumerate(draw(st.lists(SENTENCE, min_size=1, max_size=4)), start=1):
            lines.append(f"  {number}. {sentence}" if web else f"- {sentence}")
            if sentence.endswith(".") and draw(st.booleans()):
                lines.append(("    • " if web else "- ") + "pay " + draw(SENTENCE).lower())
    if draw(st.booleans()):
        lines.append("Investigator's decision on behalf of the Ombudsman")
    return ("\n\n" if web else "\n").join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_statements())
def test_import_then_write_then_read_gives_back_the_record(text: str):
    decision = read_raw(text, "generated.txt")
    assert parse(dump(decision), Path(f"{decision.slug}.md")) == decision


@pytest.mark.parametrize("name", NAMES)
def test_every_case_survives_the_round_trip_even_when_cut(name: str):
    text, _ = CASES[name]
    for cut in (len(text), len(text) * 2 // 3, len(text) // 2):
        decision = assert_reads_or_rejects(text[:cut], name)
        if decision is not None:
            assert parse(dump(decision), Path(f"{decision.slug}.md")) == decision
