"""Raw statement -> Decision: the five real statements, normalisation, errors and robustness."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.errors import RawFormatError
from generator.model import OUTCOMES, REVIEWABLE, Decision, Payment, Remedy
from generator.raw import read_raw, read_raw_file

SEEDS = Path(__file__).parent / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "raw"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
MARKDOWN = MarkdownIt("commonmark", {"html": False})
QUICK = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text of the web page or the header that must never reach the body.
NOT_BODY = ("Back to top", "Print this page", "LGO logogram", "cookies", "privacy", "Privacy settings",
            "decision on behalf of the Ombudsman", "Summary:", "Category :", "Decision :", "Decision date",
            "final decision:")


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def expected(seed: Path) -> dict:
    return yaml.safe_load((FIXTURES / f"{seed.stem}.expected.yaml").read_text(encoding="utf-8"))


def numbered(body: str) -> list[tuple[int, str]]:
    return [(int(number), " ".join(text.split()[:6])) for number, text in re.findall(r"^(\d+)\. (.*)$", body, re.M)]


def headings(body: str) -> list[list]:
    return [[len(hashes), text] for hashes, text in re.findall(r"^(#+) (.*)$", body, re.M)]


def nested_points(body: str) -> list[str]:
    return re.findall(r"^ +- (.*)$", body, re.M)


def minimal(body_lines: list[str], title: str = "Essex County Council (24 001 566)") -> str:
    return "\n".join([title, "Summary: We upheld this complaint.", "The complaint", *body_lines, ""])


def rendered_items(body: str) -> list[str]:
    """Plain text of every top-level list item's own paragraph, as a browser would show it."""
    soup = BeautifulSoup(MARKDOWN.render(body), "html.parser")
    return [item.find("p", recursive=False).get_text() if item.find("p", recursive=False)
            else item.find(string=True, recursive=False) or "" for ol in soup.find_all("ol", recursive=False)
            for item in ol.find_all("li", recursive=False)]


# --------------------------------------------------------------------------- the five real statements

@pytest.fixture(scope="module")
def decisions() -> dict[str, Decision]:
    return {seed.name: read_raw_file(seed) for seed in SEED_FILES}


def test_there_are_five_seeds_with_fixtures():
    assert len(SEED_FILES) == 5
    assert all((FIXTURES / f"{seed.stem}.expected.yaml").is_file() for seed in SEED_FILES)


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
def test_record_matches_hand_checked_fixture(seed: Path, decisions: dict[str, Decision]):
    want, got = expected(seed), decisions[seed.name]
    assert want["seed"] == seed.name
    for name in ("reference", "council", "category", "subcategory", "outcome", "decision_date", "summary",
                 "decided_by", "source", "lgsco_url"):
        assert getattr(got, name) == want[name], name
    assert got.needs_review == tuple(want["needs_review"])
    remedy = want["remedy"]
    assert got.remedy == Remedy(
        total=remedy["total"],
        payments=tuple(Payment(**payment) for payment in remedy["payments"]),
        apology=remedy["apology"],
        service_improvements=remedy["service_improvements"],
        actions=tuple(remedy["actions"]),
        deadline=remedy["deadline"],
        note=remedy["note"],
    )


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
def test_body_numbering_headings_and_nesting(seed: Path, decisions: dict[str, Decision]):
    want, body = expected(seed)["body"], decisions[seed.name].body
    assert numbered(body) == [tuple(pair) for pair in want["numbered"]]
    assert len(numbered(body)) == want["paragraphs"]
    assert [number for number, _ in numbered(body)] == list(range(1, want["paragraphs"] + 1))
    assert headings(body) == want["headings"]
    assert len(nested_points(body)) == want["nested_points"]


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
def test_body_has_no_page_furniture_header_or_signature(seed: Path, decisions: dict[str, Decision]):
    body = decisions[seed.name].body
    for text in NOT_BODY:
        assert text.lower() not in body.lower(), text


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
def test_body_layout(seed: Path, decisions: dict[str, Decision]):
    body = decisions[seed.name].body
    assert body.startswith("## The complaint\n\n1. ")
    assert body.endswith("\n") and not body.endswith("\n\n")
    assert "\n\n\n" not in body
    assert all(line == line.rstrip() for line in body.splitlines())
    assert re.findall(r"^#+ .*\n(?!\n)", body, re.M) == []            # one blank line after every heading


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
def test_rendered_paragraphs_read_as_printed(seed: Path, decisions: dict[str, Decision]):
    """Each rendered paragraph is a paragraph of the statement, word for word, at its number."""
    body = decisions[seed.name].body
    printed = " ".join(seed.read_text(encoding="utf-8").split())
    items = rendered_items(body)
    assert len(items) == len(numbered(body))
    for item in items:
        assert " ".join(item.split()) in printed
    starts = [int(ol.get("start", 1)) for ol in BeautifulSoup(MARKDOWN.render(body), "html.parser").find_all("ol")]
    assert starts[0] == 1 and starts == sorted(starts)


def test_plain_layout_nesting_matches_the_ombudsman(decisions: dict[str, Decision]):
    body = decisions["001_564f538b0e741d0b.txt"].body
    assert "1. Mrs X complained the Council:\n   - Excluded her from a Child in Need meeting" in body
    assert "   - Delayed considering contact between her and Z.\n" in body
    assert "\n13. A child is in need if:\n    - they are unlikely" in body        # nested under a two-digit number
    assert "    - they are disabled.\n14. Under the Children Act 1989" in body
    body = decisions["003_f8ef0f724d4f740d.txt"].body
    assert "    - He had not received the hard copy documents" in body
    assert "\n31. Mr B also raised some new issues" in body


def test_web_layout_numbering_continues_across_sections(decisions: dict[str, Decision]):
    body = decisions["004_c63c2500b19da48a.txt"].body
    assert "## The Ombudsman’s role and powers\n\n3. We investigate complaints" in body
    assert "### What happened\n\n16. In 2022, Mrs X complained" in body
    assert "## Final decision\n\n33. I have completed my investigation." in body


# --------------------------------------------------------------------------- normalisation

def variants(text: str) -> dict[str, str]:
    tabbed = re.sub(r"^- ", "-\t", re.sub(r"^  (\d)", r"\t\1", text, flags=re.M), flags=re.M)
    return {
        "crlf": text.replace("\n", "\r\n"),
        "bom": "\ufeff" + text,
        "nbsp": text.replace("Mrs X", "Mrs\u00a0X").replace("Mr X", "Mr\u00a0X").replace("- ", "-\u00a0"),
        "tabs": tabbed.replace(" the Council", "\tthe\tCouncil"),
        "trailing spaces": text.replace("\n", "  \n"),
        "all at once": "\ufeff" + tabbed.replace("Mrs X", "Mrs\u00a0X").replace("\n", " \t\r\n"),
    }


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
def test_normalised_text_gives_the_same_record(seed: Path, decisions: dict[str, Decision]):
    text = seed.read_text(encoding="utf-8")
    for name, variant in variants(text).items():
        assert read_raw(variant, seed.name) == decisions[seed.name], name


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda path: path.stem)
@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_encodings_give_the_same_record(seed: Path, encoding: str, tmp_path: Path, decisions: dict[str, Decision]):
    copy = tmp_path / seed.name
    copy.write_bytes(seed.read_text(encoding="utf-8").replace("\n", "\r\n").encode(encoding))
    assert read_raw_file(copy) == decisions[seed.name]


# --------------------------------------------------------------------------- errors

@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"  \r\n\n\t \n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (bytes(range(256)) * 4, "binary"),
    ("Summary: We upheld this complaint.\n- Mrs X complained.\n".encode(), "no 'Council (NN NNN NNN)' title line"),
    (b"Essex County Council (24 001 566)\nSummary: We upheld it.\nThe complaint\n", "no statement paragraphs"),
])
def test_not_a_decision(content: bytes, message: str, tmp_path: Path):
    path = tmp_path / "broken statement.txt"
    path.write_bytes(content)
    with pytest.raises(RawFormatError) as caught:
        read_raw_file(path)
    assert message in caught.value.message
    assert "broken statement.txt" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_title_points_at_the_first_line_and_says_what_to_do():
    with pytest.raises(RawFormatError) as caught:
        read_raw("\n\nThe complaint\n- Mrs X complained.\n", "pasted.txt")
    assert caught.value.line == 3
    assert str(caught.value).startswith("pasted.txt:3: no 'Council (NN NNN NNN)' title line found")
    assert "Essex County Council (24 001 566)" in caught.value.message


def test_unreadable_file_is_a_format_error(tmp_path: Path):
    with pytest.raises(RawFormatError, match="cannot read"):
        read_raw_file(tmp_path / "missing.txt")


# --------------------------------------------------------------------------- fields

@pytest.mark.parametrize("title, council, reference", [
    ("Essex County Council (24-001-566)", "Essex County Council", "24 001 566"),
    ("Essex County Council (24001566)", "Essex County Council", "24 001 566"),
    ("Abbey Care Ltd (17 002 402b)", "Abbey Care Ltd", "17 002 402b"),
    ("London Borough of Hackney (23 009 123)", "London Borough of Hackney", "23 009 123"),
    ("Leeds City Council and Leeds Community Healthcare NHS Trust (22 017 001)",
     "Leeds City Council and Leeds Community Healthcare NHS Trust", "22 017 001"),
])
def test_title_line(title: str, council: str, reference: str):
    decision = read_raw(minimal(["- Mrs X complained."], title=title), "t.txt")
    assert (decision.council, decision.reference, decision.title) == (council, reference, f"{council} ({reference})")


def test_printed_metadata_and_signature_variants():
    text = minimal(["- Mrs X complained.", "Assistant Ombudsman’s decision on behalf of the Ombudsman"]).replace(
        "Summary:", "Category : Adult care services > Charging\nDecision : Not upheld: no maladministration\n"
                    "Decision date : 3 September 2024\nSummary:")
    decision = read_raw(text, "t.txt")
    assert (decision.category, decision.subcategory) == ("Adult care services", "Charging")
    assert decision.outcome == "Not upheld"
    assert decision.decision_date == date(2024, 9, 3)
    assert decision.decided_by == "Assistant Ombudsman"
    assert decision.needs_review == ()


def test_missing_fields_are_listed_for_review_in_front_matter_order():
    decision = read_raw("Essex County Council (24 001 566)\nThe complaint\n- Mrs X complained.\n", "t.txt")
    assert decision.summary == "" and decision.outcome is None and decision.decided_by is None
    assert decision.needs_review == ("category", "subcategory", "outcome", "decision_date", "summary", "decided_by")
    assert set(decision.needs_review) <= set(REVIEWABLE)


@pytest.mark.parametrize("wording, outcome", [
    ("We will not investigate this complaint because it is late.", "Closed after initial enquiries"),
    ("We have decided not to investigate Mr X’s complaint.", "Closed after initial enquiries"),
    ("I have not found fault causing injustice.", "Not upheld"),
    ("There was no fault in how the Council decided.", "Not upheld"),
    ("I find fault causing injustice.", "Upheld"),
    ("We upheld this complaint.", "Upheld"),
    ("I have completed my investigation.", None),
    ("I find fault. We will not investigate the rest.", None),        # two outcomes: unclear
])
def test_outcome_inferred_from_decision_wording(wording: str, outcome: str | None):
    text = minimal(["- Mrs X complained.", "Final decision", f"- {wording}"]).replace(
        "Summary: We upheld this complaint.", "Summary: Mrs X complained about the Council.")
    decision = read_raw(text, "t.txt")
    assert decision.outcome == outcome
    assert "outcome" in decision.needs_review


def test_category_not_inferred_without_clear_wording(decisions: dict[str, Decision]):
    decision = read_raw(minimal(["- Mrs X complained about her council tax bill of £1,200."]), "t.txt")
    assert decision.category is None
    assert decision.remedy.total == 0 and decision.remedy.payments == ()
    assert decisions["000_3361a64780ec40b8.txt"].category == "Children's care services"


def test_payments_keep_pence_periods_and_round_the_total():
    decision = read_raw(minimal([
        "- Mrs X complained.",
        "Agreed action",
        "- Within four weeks of the final decision, the Council has agreed to:",
        "- pay Mrs X £1,250.50 to recognise the distress caused;",
        "- pay Mrs X £100 per month to reflect the lost care, until a new assessment is done; and",
        "- review its charging policy and train staff on it.",
        "- The Council should provide us with evidence it has complied with the above actions.",
        "- Our guidance suggests between £100 and £300 for distress, which the Council should consider.",
    ]), "t.txt")
    remedy = decision.remedy
    assert remedy.payments == (
        Payment(1250.5, "the distress caused"),
        Payment(100, "the lost care, until a new assessment is done", "per month"),
    )
    assert remedy.total == 1351
    assert remedy.actions == ("pay Mrs X £1,250.50 to recognise the distress caused",
                              "pay Mrs X £100 per month to reflect the lost care, until a new assessment is done",
                              "review its charging policy and train staff on it")
    assert remedy.service_improvements is True and remedy.apology is False
    assert remedy.deadline == "within four weeks of the final decision"
    assert "remedy" in decision.needs_review                      # recurring sums need a human look


def test_actions_after_agreed_that_and_sums_the_summary_does_not_agree():
    text = minimal([
        "- Mrs X complained the Council did not agree to refund £500 of care charges.",
        "Agreed action",
        "- The Council has agreed that, within one month of my final decision, it will:",
        "- Apologise to Mrs X;",
        "- Council B will be told of the error; and",
        "- pay Mrs X £250 for her time and trouble.",
    ]).replace("Summary: We upheld this complaint.",
               "Summary: Mrs X said the Council did not agree to refund £500. We upheld this complaint.")
    remedy = read_raw(text, "t.txt").remedy
    assert remedy.actions == ("apologise to Mrs X", "Council B will be told of the error",
                              "pay Mrs X £250 for her time and trouble")
    assert remedy.payments == (Payment(250, "her time and trouble"),)
    assert remedy.total == 250 and remedy.apology is True and remedy.service_improvements is False
    assert remedy.deadline == "within one month of my final decision"


def test_unnumbered_line_in_a_web_copy_does_not_swallow_the_next_paragraphs():
    text = "\n\n".join([
        "Essex County Council (24 001 566)", "Summary: We upheld this complaint.", "The complaint",
        "  1. Mrs X complained.", "A paragraph that lost its number when it was copied.", "  2. She said so.",
    ])
    assert numbered(read_raw(text, "t.txt").body) == [
        (1, "Mrs X complained."), (2, "A paragraph that lost its number"), (3, "She said so.")]


def test_unconfirmed_council_offer_is_not_counted(decisions: dict[str, Decision]):
    remedy = decisions["002_58b6955ca68011e7.txt"].remedy
    assert remedy.total == 0 and remedy.payments == ()
    assert "£600 and £500" in remedy.note and remedy.note.count(".") == 1


def test_lgsco_url_found_and_kept_out_of_the_body():
    url = "https://www.lgo.org.uk/decisions/children-s-care-services/looked-after-children/24-001-566"
    decision = read_raw(minimal(["- Mrs X complained.", url]), "t.txt")
    assert decision.lgsco_url == url
    assert "lgo.org.uk" not in decision.body


def test_web_layout_nested_sub_points_by_indent():
    text = "\n\n".join([
        "Essex County Council (24 001 566)", "Summary: We upheld this complaint.", "The complaint",
        "  1. Mrs X complained the Council:", "    1. failed to visit;", "    2. lost her file.",
        "  2. She said this caused distress.", "Back to top", "Agreed action",
        "  1. The Council has agreed to:", "    • apologise to Mrs X;", "    • pay her £150 for her distress.",
        "Final decision", "  1. I find fault causing injustice.",
    ])
    body = read_raw(text, "t.txt").body
    assert body == ("## The complaint\n\n1. Mrs X complained the Council:\n   - failed to visit;\n   - lost her file.\n"
                    "2. She said this caused distress.\n\n## Agreed action\n\n3. The Council has agreed to:\n"
                    "   - apologise to Mrs X;\n   - pay her £150 for her distress.\n\n## Final decision\n\n"
                    "4. I find fault causing injustice.\n")


def test_two_digit_paragraph_points_render_nested():
    lines = [f"- Paragraph {n} is here." for n in range(1, 10)] + ["- The Council should:", "- apologise.",
                                                                   "- It has agreed."]
    body = read_raw(minimal(lines), "t.txt").body
    assert "10. The Council should:\n    - apologise.\n11. It has agreed." in body
    html = MARKDOWN.render(body)
    assert "<li>The Council should:\n<ul>\n<li>apologise.</li>" in html


@pytest.mark.parametrize("text", [
    "Mrs X said *this* was _wrong_ [sic] and C:\\files\\report `x` <b>bold</b> &amp; ~~gone~~.",
    "# not a heading", "> not a quote", "- not a list", "+ not a list", "2021. A year.", "1) no list",
    "--- not a rule", "=== still text", "[link]: http://example.com", "Trailing hashes ##",
])
def test_markup_is_escaped_so_text_renders_as_printed(text: str):
    decision = read_raw(minimal([f"- {text}"]), "t.txt")
    assert rendered_items(decision.body) == [text]


@pytest.mark.parametrize("heading", ["Use of C# ##", "Stage *two* [review]", "Decision:"])
def test_headings_render_as_printed(heading: str):
    body = read_raw(minimal(["- Mrs X complained.", heading, "- It was late."]), "t.txt").body
    html = BeautifulSoup(MARKDOWN.render(body), "html.parser")
    assert [tag.get_text() for tag in html.find_all(["h2", "h3"])] == ["The complaint", heading]


@QUICK
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=80))
def test_any_paragraph_text_renders_as_printed(text: str):
    text = " ".join(text.split())
    if not text or text.endswith(":") or text[0].islower():
        return
    decision = read_raw(minimal(["- First paragraph.", f"- A {text}"]), "t.txt")
    assert rendered_items(decision.body)[1] == f"A {text}"


# --------------------------------------------------------------------------- robustness

def assert_reads_or_rejects(text: str) -> None:
    try:
        decision = read_raw(text, "fuzz.txt")
    except RawFormatError as error:
        assert error.message and "\n" not in error.message
        return
    assert decision.reference and decision.council
    assert decision.body.endswith("\n") and re.search(r"^\d+\. ", decision.body, re.M)
    assert decision.outcome in (*OUTCOMES, None)
    assert set(decision.needs_review) <= set(REVIEWABLE)
    assert decision.remedy.total >= 0


@QUICK
@given(st.text(max_size=400))
def test_random_text_never_raises_anything_else(text: str):
    assert_reads_or_rejects(text)


@QUICK
@given(st.lists(st.sampled_from(list("ab(1) -:£.;\n\t•'’") + ["Council", "Summary:", "Decision", "24 001 566",
                                                                  "The complaint", "agreed to pay", "\n- "]),
                max_size=60).map("".join))
def test_statement_like_noise_never_raises_anything_else(text: str):
    assert_reads_or_rejects("Essex County Council (24 001 566)\n" + text)


@QUICK
@given(st.sampled_from([path.name for path in SEED_FILES]), st.data())
def test_truncated_and_noisy_seeds_never_raise_anything_else(name: str, data: st.DataObject):
    text = seed_text(name)
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, len(text)), label="end")
    noise = data.draw(st.text(max_size=20), label="noise")
    at = data.draw(st.integers(0, end - start), label="at")
    piece = text[start:end]
    assert_reads_or_rejects(piece[:at] + noise + piece[at:])
    lines = text.splitlines()
    kept = data.draw(st.lists(st.sampled_from(lines), max_size=len(lines)), label="lines")
    assert_reads_or_rejects("\n".join([lines[0], *kept]))
