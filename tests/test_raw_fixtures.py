"""Every hand-checked case: a raw statement paired with the record it must import to.

The cases are the five real seed statements (tests/seeds/) and the statements in tests/fixtures/raw/,
each beside its `<name>.expected.yaml`.  A failure names the case and every field that differs.
"""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from generator.content.format import dump, parse
from generator.model import Decision, Payment, Remedy, Waiver
from generator.importer.statement import read_raw, read_raw_file
from generator.importer.saved_page import looks_like_html, page_lines
from generator.importer.text import decode

TESTS = Path(__file__).parent
SEEDS = TESTS / "seeds"
FIXTURES = TESTS / "fixtures" / "raw"
EXPECTED = sorted(FIXTURES.glob("*.expected.yaml"))
MARKDOWN = MarkdownIt("commonmark", {"html": False})

FIELDS = ("reference", "council", "category", "subcategory", "outcome", "decision_date", "summary", "decided_by",
          "source", "lgsco_url")
# Text of the web page or the header that must never reach the body.
NOT_BODY = ("Back to top", "Print this page", "LGO logogram", "cookies", "Privacy settings", "Required cookies",
            "decision on behalf of the Ombudsm", "Summary:", "Category :", "Decision :", "Decision date",
            "final decision:", "Skip to main content", "lgo.org.uk/decisions", "Related decisions", "Make a complaint",
            "PO Box 4771", "16:12")


def case_name(expected: Path) -> str:
    return expected.name.removesuffix(".expected.yaml")


def load(expected: Path) -> dict:
    return yaml.safe_load(expected.read_text(encoding="utf-8"))


def raw_path(want: dict) -> Path:
    return SEEDS / want["seed"] if "seed" in want else FIXTURES / want["input"]


CASES = {case_name(path): load(path) for path in EXPECTED}


@pytest.fixture(scope="module")
def imported() -> dict[str, Decision]:
    return {name: read_raw_file(raw_path(want)) for name, want in CASES.items()}


def expected_remedy(want: dict) -> Remedy:
    remedy = want["remedy"]
    return Remedy(
        total=remedy["total"],
        payments=tuple(Payment(**payment) for payment in remedy["payments"]),
        waived=tuple(Waiver(**waiver) for waiver in remedy.get("waived", [])),
        apology=remedy["apology"],
        service_improvements=remedy["service_improvements"],
        actions=tuple(remedy["actions"]),
        deadline=remedy["deadline"],
        note=remedy["note"],
    )


def numbered(body: str) -> list[tuple[int, str]]:
    return [(int(number), " ".join(text.split()[:6])) for number, text in re.findall(r"^(\d+)\. (.*)$", body, re.M)]


def headings(body: str) -> list[list]:
    return [[len(hashes), text] for hashes, text in re.findall(r"^(#+) (.*)$", body, re.M)]


def nested_points(body: str) -> list[str]:
    return re.findall(r"^ +- (.*)$", body, re.M)


def differences(want: dict, got: Decision) -> list[str]:
    """One line per field that differs: "remedy.total: expected 450, got 900"."""
    found = [f"{name}: expected {want[name]!r}, got {getattr(got, name)!r}"
             for name in FIELDS if getattr(got, name) != want[name]]
    if got.needs_review != tuple(want["needs_review"]):
        found.append(f"needs_review: expected {want['needs_review']!r}, got {list(got.needs_review)!r}")
    remedy = expected_remedy(want)
    for name in ("total", "payments", "waived", "apology", "service_improvements", "actions", "deadline", "note"):
        if getattr(got.remedy, name) != getattr(remedy, name):
            found.append(f"remedy.{name}: expected {getattr(remedy, name)!r}, got {getattr(got.remedy, name)!r}")
    body = want["body"]
    checks = {
        "body.numbered": ([tuple(pair) for pair in body["numbered"]], numbered(got.body)),
        "body.paragraphs": (body["paragraphs"], len(numbered(got.body))),
        "body.headings": (body["headings"], headings(got.body)),
        "body.nested_points": (body["nested_points"], len(nested_points(got.body))),
    }
    found += [f"{name}: expected {wanted!r}, got {actual!r}" for name, (wanted, actual) in checks.items()
              if wanted != actual]
    return found


# --------------------------------------------------------------------------- the cases

def test_there_are_enough_cases_for_every_layout():
    assert len(CASES) >= 60
    assert sum("seed" in want for want in CASES.values()) == 5
    assert all(raw_path(want).is_file() for want in CASES.values())
    suffixes = {raw_path(want).suffix for want in CASES.values()}
    assert suffixes == {".txt", ".html"}
    outcomes = {want["outcome"] for want in CASES.values()}
    assert outcomes == {"Upheld", "Not upheld", "Closed after initial enquiries"}


def test_every_fixture_input_has_an_expected_record():
    inputs = {want["input"] for want in CASES.values() if "input" in want}
    raw = {path.name for path in FIXTURES.iterdir()
           if not path.name.endswith(".yaml") and not path.name.startswith(".")}
    assert raw == inputs


@pytest.mark.parametrize("name", sorted(CASES))
def test_record_matches_the_hand_checked_one(name: str, imported: dict[str, Decision]):
    found = differences(CASES[name], imported[name])
    assert not found, f"{name}: " + "; ".join(found)


@pytest.mark.parametrize("name", sorted(CASES))
def test_paragraphs_are_numbered_continuously_from_one(name: str, imported: dict[str, Decision]):
    numbers = [number for number, _ in numbered(imported[name].body)]
    assert numbers == list(range(1, len(numbers) + 1)), name


@pytest.mark.parametrize("name", sorted(CASES))
def test_body_has_no_page_furniture_header_or_signature(name: str, imported: dict[str, Decision]):
    body = imported[name].body.lower()
    for text in NOT_BODY:
        assert text.lower() not in body, f"{name}: {text!r} in the body"


@pytest.mark.parametrize("name", sorted(CASES))
def test_body_layout(name: str, imported: dict[str, Decision]):
    body = imported[name].body
    if not body:
        assert "body" in imported[name].needs_review
        return
    assert body.startswith("## The complaint\n\n1. ")
    assert body.endswith("\n") and not body.endswith("\n\n")
    assert "\n\n\n" not in body
    assert all(line == line.rstrip() for line in body.splitlines())
    assert re.findall(r"^#+ .*\n(?!\n)", body, re.M) == []            # one blank line after every heading


def printed_text(want: dict) -> str:
    """The statement's words as printed, whitespace normalised: the page's text for a saved page."""
    path = raw_path(want)
    text = decode(path.read_bytes(), path)
    if looks_like_html(text):
        return " ".join(line.text for line in page_lines(text).lines)
    return " ".join(text.split())


def visible(text: str) -> str:
    """What a reader sees: no soft hyphens or zero-width characters, one space between words."""
    text = re.sub("[\u00ad\u200b\u200c\u200d\u2060\u200e\u0090]", "", text)
    return " ".join(text.replace("£ ", "£").split())


@pytest.mark.parametrize("name", sorted(CASES))
def test_rendered_paragraphs_read_as_printed(name: str, imported: dict[str, Decision]):
    """Each rendered paragraph and point is text of the statement, word for word."""
    printed = visible(printed_text(CASES[name]))
    soup = BeautifulSoup(MARKDOWN.render(imported[name].body), "html.parser")
    for item in soup.find_all("li"):
        own = item.find("p", recursive=False)
        text = own.get_text() if own else "".join(item.find_all(string=True, recursive=False))
        for part in re.split(r"(?<=\)) (?=\()", visible(text)):     # a point and the citation joined to it
            assert part in printed, f"{name}: {part[:80]!r}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_import_write_read_gives_back_the_record(name: str, imported: dict[str, Decision]):
    decision = imported[name]
    assert parse(dump(decision), Path(f"{decision.slug}.md")) == decision


@pytest.mark.parametrize("name", sorted(name for name, want in CASES.items() if raw_path(want).suffix == ".txt"))
def test_text_fixtures_read_the_same_in_every_encoding(name: str, imported: dict[str, Decision], tmp_path: Path):
    path = raw_path(CASES[name])
    text = decode(path.read_bytes(), path)
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1252"):
        try:
            data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode(encoding)
        except UnicodeEncodeError:
            continue                     # a character Windows-1252 has no byte for
        copy = tmp_path / path.name
        copy.write_bytes(data)
        assert read_raw_file(copy) == imported[name], encoding


def test_a_saved_page_and_its_text_give_the_same_fields(imported: dict[str, Decision]):
    """The page, turned into lines, is read by the same rules: pasting its text gives the same record."""
    name = "html_saved_page_sen_upheld"
    page = (FIXTURES / CASES[name]["input"]).read_text(encoding="utf-8")
    text = "\n\n".join(" " * line.indent + line.text for line in page_lines(page).lines)
    pasted = read_raw(text, CASES[name]["input"])
    assert replace(pasted, lgsco_url=imported[name].lgsco_url) == imported[name]


def test_digest_import_reads_every_case_and_check_lists_what_to_review(tmp_path: Path):
    """As a user runs it: one line per decision with what was guessed, then `digest check` field by field."""
    run = [sys.executable, "-m", "generator"]
    imported = subprocess.run([*run, "import", FIXTURES, SEEDS, "--content", tmp_path], capture_output=True, text=True,
                              timeout=120, cwd=TESTS.parent)
    assert imported.returncode == 0, imported.stderr
    *lines, summary = imported.stdout.splitlines()                  # a line per decision, then the sum
    assert len(lines) == len(CASES) and imported.stderr == ""
    assert summary.startswith(f"{len(CASES)} statements: {len(CASES)} written, ")
    assert "17-002-402b  written: " in imported.stdout
    checked = subprocess.run([*run, "check", "--content", tmp_path], capture_output=True, text=True, timeout=120,
                             cwd=TESTS.parent)
    assert checked.returncode == 0, checked.stdout
    assert "  - body: not printed (empty)" in checked.stdout                     # the header-only statement
    assert "  - body: may be cut short or split wrongly: compare it with the published statement" in checked.stdout
    assert "  - remedy: total £3,750 (A recurring payment is counted once in the total.)" in checked.stdout
