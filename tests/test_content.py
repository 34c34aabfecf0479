"""Content files: the writer and reader are symmetric, and bad front matter is reported with its line."""
from __future__ import annotations

import os
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.folder import load_decisions, save_decision

from generator.content.format import KEYS, dump, parse
from generator.errors import ContentError
from tests.conftest import CONTENT
from generator.model import OUTCOMES, PAYMENT_STATES, REVIEWABLE, Decision, Payment, Remedy, Waiver

# Printable text: control characters (NEL, form feed ...) are removed by the importer before they get here.
CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
TEXT = st.text(CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)
OPTIONAL = st.none() | TEXT


AMOUNTS = st.integers(0, 100_000) | st.decimals(0, 100_000, places=2).map(float)


def payments() -> st.SearchStrategy[Payment]:
    return st.builds(Payment, amount=AMOUNTS, purpose=st.text(CHARS, max_size=40), period=st.none() | st.just("per month"),
                     state=st.sampled_from(PAYMENT_STATES))


DECISIONS = st.builds(
    Decision,
    reference=st.tuples(st.integers(10, 29), st.integers(0, 999), st.integers(0, 999), st.sampled_from(["", "a", "b"]))
    .map(lambda t: f"{t[0]:02d} {t[1]:03d} {t[2]:03d}{t[3]}"),
    council=TEXT,
    summary=TEXT,
    body=st.just("## The complaint\n\n1. Mrs X complained.\n") | st.text(CHARS, max_size=200),
    category=OPTIONAL,
    subcategory=OPTIONAL,
    outcome=st.none() | st.sampled_from(OUTCOMES),
    decision_date=st.none() | st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    remedy=st.builds(Remedy, total=st.integers(0, 100_000), payments=st.lists(payments(), max_size=3).map(tuple),
                     waived=st.lists(st.builds(Waiver, amount=AMOUNTS, purpose=st.text(CHARS, max_size=40)),
                                     max_size=2).map(tuple),
                     apology=st.booleans(), service_improvements=st.booleans(),
                     actions=st.lists(st.text(CHARS, max_size=60), max_size=3).map(tuple),
                     deadline=st.none() | st.text(CHARS, max_size=40), note=st.none() | st.text(CHARS, max_size=40)),
    decided_by=OPTIONAL,
    source=OPTIONAL,
    lgsco_url=st.none() | st.just("https://www.lgo.org.uk/decisions/children/24-001-566"),
    aliases=st.lists(st.sampled_from(["24-001-565", "24001566"]), max_size=2, unique=True).map(tuple),
    needs_review=st.lists(st.sampled_from(REVIEWABLE), max_size=3, unique=True).map(tuple),
)


def canonical(decision: Decision) -> Decision:
    """What a content file can hold: the body without surrounding blank lines, ending in one newline."""
    from dataclasses import replace
    body = decision.body.strip("\n")
    return replace(decision, body=body + "\n" if body else "")


@settings(max_examples=150, deadline=None)
@given(DECISIONS)
def test_dump_then_parse_gives_back_the_record(decision: Decision) -> None:
    path = Path(f"{decision.slug}.md")
    assert parse(dump(decision), path) == canonical(decision)


def test_written_file_matches_the_documented_format() -> None:
    decision = Decision(reference="24 001 566", council="Essex County Council", summary="Mrs X complained.",
                        body="## The complaint\n\n1. Mrs X complained.\n", outcome="Upheld",
                        decision_date=date(2025, 1, 14), remedy=Remedy(total=200, payments=(Payment(200, "distress"),)),
                        needs_review=("category",))
    text = dump(decision)
    assert text.startswith('---\nreference: "24 001 566"\ncouncil: Essex County Council\n')
    assert "decision_date: 2025-01-14\n" in text
    assert "needs_review: [category]\n" in text
    assert text.endswith("---\n\n## The complaint\n\n1. Mrs X complained.\n")


def test_files_without_the_new_keys_are_written_back_byte_for_byte() -> None:
    """A payment as agreed has no `state` line and a remedy with nothing waived no `waived` line, so the
    files written before both keys existed read and write back unchanged."""
    without = 0
    for path in sorted((CONTENT / "decisions").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        without += "state:" not in text and "waived:" not in text
        assert dump(parse(text, path)) == text, path.name
    assert without >= 4


def test_payment_states_and_waived_sums_are_written_and_read_back() -> None:
    remedy = Remedy(total=450, payments=(Payment(300, "her distress", state="recommended"), Payment(150, "his time")),
                    waived=(Waiver(346.2, "the charges for cancelled visits"),))
    decision = Decision(reference="24 001 566", council="Essex County Council", summary="Mrs X complained.",
                        body="", remedy=remedy)
    text = dump(decision)
    assert ("  payments:\n  - amount: 300\n    purpose: her distress\n    state: recommended\n"
            "  - amount: 150\n    purpose: his time\n"
            "  waived:\n  - amount: 346.2\n    purpose: the charges for cancelled visits\n  apology: false\n") in text
    assert parse(text, Path("24-001-566.md")) == decision


def test_a_reference_in_full_width_digits_is_the_same_reference(tmp_path: Path) -> None:
    """'２４ ００１ ５６６' typed in a content file is 24 001 566: its own file name, and a second file with the
    same reference is the duplicate it is."""
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "24-001-566.md").write_text(GOOD.replace('"24 001 566"', '"２４ ００１ ５６６"'), encoding="utf-8")
    loaded = load_decisions(tmp_path)
    assert not loaded.errors and [d.reference for d in loaded.decisions] == ["24 001 566"]
    (folder / "24-001-566a.md").write_text(GOOD.replace('"24 001 566"', '"２４－００１－５６６"'), encoding="utf-8")
    messages = [str(error) for error in load_decisions(tmp_path).errors]
    assert any("24-001-566a.md" in m and "does not match reference" in m for m in messages), messages
    assert any("24-001-566a.md" in m and "also in" in m for m in messages), messages


GOOD = """\
---
reference: "24 001 566"
council: Essex County Council
category: null
subcategory: null
outcome: Upheld
decision_date: 2025-01-14
summary: Mrs X complained.
remedy:
  total: 200
decided_by: Investigator
---

1. Text.
"""


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("decision_date: 2025-01-14", "decision_date: next week", 7, "must be a date like 2025-01-14"),
    ("  total: 200", "  total: five hundred", 10, "whole number of pounds"),
    ("outcome: Upheld", "outcome: 7", 6, "must be one of Upheld"),
    ("council: Essex County Council", "council: [unclosed", 4, "not valid YAML"),
    ("council: Essex County Council", "council: Essex: the County", 3, 'containing ": " must be in double quotes'),
    ('reference: "24 001 566"', 'reference: "next year"', 2, "is not like '24 001 566'"),
])
def test_wrong_values_name_the_file_line_and_fix(tmp_path: Path, old: str, new: str, line: int, words: str) -> None:
    path = tmp_path / "24-001-566.md"
    with pytest.raises(ContentError) as caught:
        parse(GOOD.replace(old, new), path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}")
    assert words in str(caught.value)


def test_missing_closing_fence_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no closing '---'"):
        parse(GOOD.replace("---\n\n1. Text.", "1. Text."), tmp_path / "24-001-566.md")


def test_load_collects_every_error_and_unknown_keys_warn(tmp_path: Path) -> None:
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "24-001-566.md").write_text(GOOD.replace("decided_by", "colour: blue\ndecided_by"), encoding="utf-8")
    (folder / "24-001-567.md").write_text(GOOD.replace("outcome: Upheld", "outcome: Maybe"), encoding="utf-8")
    (folder / "24-009-999.md").write_text(GOOD, encoding="utf-8")   # file name does not match the reference
    loaded = load_decisions(tmp_path)
    messages = [str(error) for error in loaded.errors]
    assert any("24-001-567.md:6" in m and "Maybe" in m for m in messages)
    assert any("24-009-999.md" in m and "does not match reference" in m for m in messages)
    assert any("24-009-999.md" in m and "also in" in m for m in messages)
    assert [str(w) for w in loaded.warnings] == [
        f"{folder / '24-001-566.md'}:11: unknown key 'colour' ignored; known keys: " + ", ".join(KEYS)]


def test_save_never_overwrites_without_force_and_keeps_a_backup(tmp_path: Path) -> None:
    decision = parse(GOOD, Path("24-001-566.md"))
    path, what, _ = save_decision(decision, tmp_path)
    assert what == "written"
    assert save_decision(decision, tmp_path) == (path, "unchanged", None)
    edited = path.read_text(encoding="utf-8").replace("1. Text.", "1. Edited by hand.")
    path.write_text(edited, encoding="utf-8")
    assert save_decision(decision, tmp_path) == (path, "exists", None)
    assert path.read_text(encoding="utf-8") == edited
    backup = path.with_name("24-001-566.md.bak")
    assert save_decision(decision, tmp_path, force=True) == (path, "replaced", backup)
    assert backup.read_text(encoding="utf-8") == edited
    assert "1. Text." in path.read_text(encoding="utf-8")
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_backup_is_never_overwritten(tmp_path: Path) -> None:
    """Import, hand-edit, replace, hand-edit again, replace: both hand edits are kept, each in its own backup,
    and none of the backups is read as content."""
    decision = parse(GOOD, Path("24-001-566.md"))
    path = save_decision(decision, tmp_path).path
    edits = []
    for number in range(3):
        edits.append(path.read_text(encoding="utf-8").replace("1. Text.", f"1. Edit {number}."))
        path.write_text(edits[-1], encoding="utf-8")
        saved = save_decision(decision, tmp_path, force=True)
        assert saved.what == "replaced"
        assert saved.backup == path.with_name(["24-001-566.md.bak", "24-001-566.md.1.bak", "24-001-566.md.2.bak"][number])
    assert [path.with_name(name).read_text(encoding="utf-8") for name in
            ("24-001-566.md.bak", "24-001-566.md.1.bak", "24-001-566.md.2.bak")] == edits
    loaded = load_decisions(tmp_path)
    assert loaded.errors == [] and loaded.warnings == [] and [d.slug for d in loaded.decisions] == ["24-001-566"]


def test_body_text_is_kept_verbatim() -> None:
    body = textwrap.dedent("""\
        ## What I found

        7. The Council said:
           - it would pay;
           - it would apologise.
        """)
    decision = parse(GOOD.replace("1. Text.\n", body), Path("24-001-566.md"))
    assert decision.body == body


def test_a_file_gone_between_listing_and_looking_leaves_the_others_counted(content_copy: Path, monkeypatch) -> None:
    """An editor's swap file that goes while the folder is read: only it is left out."""
    from generator.content import folder as content
    decisions = content_copy / "decisions"
    swap = decisions / ".24-001-566.md.swp"
    swap.write_text("scratch", encoding="utf-8")
    listed = os.scandir

    class Listing(list):                        # os.scandir's entries, the swap file first (any order is
        def __enter__(self):                    # the system's to give), the file gone once listed
            return iter(self)

        def __exit__(self, *_):
            return False

    def scandir_then_remove(path):
        with listed(path) as found:
            entries = Listing(sorted(found, key=lambda entry: entry.name != swap.name))
        if Path(path) == decisions:
            swap.unlink(missing_ok=True)
        return entries

    monkeypatch.setattr(content.os, "scandir", scandir_then_remove)
    stamps = content.content_stamps(content_copy)
    assert sorted(name for name in stamps if name.startswith("decisions/")) == sorted(
        f"decisions/{path.name}" for path in decisions.glob("*.md"))
    assert "site.yaml" in stamps


def test_files_starting_with_a_dot_are_not_decisions(content_copy: Path) -> None:
    """macOS leaves `._<name>` files beside copied ones, editors leave swap files: neither is read."""
    decisions = content_copy / "decisions"
    (decisions / "._24-001-566.md").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    (decisions / ".24-001-566.md").write_text("---\nhalf: saved\n", encoding="utf-8")
    loaded = load_decisions(content_copy)
    assert loaded.errors == [] and loaded.warnings == []
    assert sorted(d.slug for d in loaded.decisions) == sorted(p.stem for p in decisions.glob("[!.]*.md"))


def test_a_decision_file_named_in_capitals_is_not_read_and_says_so(content_copy: Path) -> None:
    decisions = content_copy / "decisions"
    (decisions / "24-001-566.md").rename(decisions / "24-001-566.MD")
    loaded = load_decisions(content_copy)
    assert "24-001-566" not in {d.slug for d in loaded.decisions}
    assert [str(w) for w in loaded.warnings] == [
        f"{content_copy / 'decisions' / '24-001-566.MD'}: not read: a decision file's name ends in .md, "
        "in lower case"]


YAML_MINDED = "abc \"'\\:#-?!&*|>%@`{}[],£’“”é中\u0301\u00a0 0123456789.=~"     # what YAML quotes or escapes


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(YAML_MINDED, max_size=60), st.text(max_size=20)), min_size=4, max_size=4))
def test_a_content_file_is_the_same_text_whichever_yaml_emitter_writes_it(texts: list[str]) -> None:
    """libyaml's emitter writes the front matter when every string is one it writes as PyYAML's own does."""
    from generator.content import format as content_format

    if content_format._CDumper is None:
        pytest.skip("PyYAML without libyaml")
    summary, council, action, purpose = texts
    decision = Decision(reference="24 001 566", council=council or "Essex", summary=summary, body="1. Text.\n",
                        remedy=Remedy(total=100, payments=(Payment(100, purpose),), actions=(action,)))
    written = dump(decision)
    python = content_format._CDumper
    try:
        content_format._CDumper = None
        assert dump(decision) == written
    finally:
        content_format._CDumper = python
