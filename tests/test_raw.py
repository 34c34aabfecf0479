"""Raw statement -> Decision: layout details, normalisation, errors, and each reading rule on its own.

Whole statements are checked field by field in test_raw_fixtures.py; random damage in test_raw_properties.py.
"""
from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.errors import RawFormatError
from generator.model import REVIEWABLE, Decision, Payment, Waiver
from generator.importer.statement import read_raw, read_raw_file
from generator.importer.text import MAX_BYTES

from .conftest import FUZZ_EXAMPLES

SEEDS = Path(__file__).parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
MARKDOWN = MarkdownIt("commonmark", {"html": False})
QUICK = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def numbered(body: str) -> list[tuple[int, str]]:
    return [(int(number), " ".join(text.split()[:6])) for number, text in re.findall(r"^(\d+)\. (.*)$", body, re.M)]


def headings(body: str) -> list[list]:
    return [[len(hashes), text] for hashes, text in re.findall(r"^(#+) (.*)$", body, re.M)]


def minimal(body_lines: list[str], title: str = "Essex County Council (24 001 566)") -> str:
    return "\n".join([title, "Summary: We upheld this complaint.", "The complaint", *body_lines, ""])


def rendered_items(body: str) -> list[str]:
    """Plain text of every top-level list item's own paragraph, as a browser would show it."""
    soup = BeautifulSoup(MARKDOWN.render(body), "html.parser")
    return [item.find("p", recursive=False).get_text() if item.find("p", recursive=False)
            else item.find(string=True, recursive=False) or "" for ol in soup.find_all("ol", recursive=False)
            for item in ol.find_all("li", recursive=False)]


# --------------------------------------------------------------------------- the five real statements
# (every field of every case is checked in test_raw_fixtures.py; these are the layout details)

@pytest.fixture(scope="module")
def decisions() -> dict[str, Decision]:
    return {seed.name: read_raw_file(seed) for seed in SEED_FILES}


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
    (b"%PDF-1.7\n" + bytes(range(1, 32)) * 40, "binary"),
    ("Summary: We upheld this complaint.\n- Mrs X complained.\n".encode(), "no 'Council (NN NNN NNN)' title line"),
    (b"<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>", "no 'Council (NN NNN NNN)' title line"),
    (b"Essex County Council (24 001 566)\nThe complaint\n", "nothing of the statement after the title line"),
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


def test_nothing_after_the_title_names_the_title_line():
    with pytest.raises(RawFormatError) as caught:
        read_raw("Notes\n\nEssex County Council (24 001 566)\n\nBack to top\n", "pasted.txt")
    assert str(caught.value).startswith("pasted.txt:3: nothing of the statement after the title line")


def test_unreadable_file_is_a_format_error(tmp_path: Path):
    with pytest.raises(RawFormatError, match="cannot read"):
        read_raw_file(tmp_path / "missing.txt")
    with pytest.raises(RawFormatError, match="cannot read"):
        read_raw_file(tmp_path)


def test_bytes_that_are_neither_utf8_nor_windows_1252_name_their_line(tmp_path: Path):
    path = tmp_path / "statement.txt"
    path.write_bytes(seed_text("000_3361a64780ec40b8.txt").encode().replace(b"The complaint", b"The \x81complaint"))
    with pytest.raises(RawFormatError) as caught:
        read_raw_file(path)
    assert caught.value.line == 4
    assert "byte 0x81" in caught.value.message and "save the file as UTF-8" in caught.value.message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "export.txt"
    with path.open("wb") as stream:                 # 50 MB, sparse: nothing is actually written
        stream.truncate(50 * 1024 * 1024)
    opened = []
    monkeypatch.setattr(Path, "open", lambda self, *args, **kwargs: opened.append(self))
    with pytest.raises(RawFormatError) as caught:
        read_raw_file(path)
    assert opened == []
    assert str(caught.value).startswith(f"{path}: the file is 50.0 MB, too big to be a decision statement")
    assert "limit is 5.0 MB" in caught.value.message


def test_text_over_the_limit_is_refused():
    with pytest.raises(RawFormatError, match="too long to be a decision statement"):
        read_raw("Essex County Council (24 001 566)\n" + "a" * MAX_BYTES, "pasted.txt")


@pytest.mark.parametrize("line", [
    "Mrs X complained " * 6000,
    "agreed that " * 9000 + "it will pay £1.",
    "- " + "£1, " * 25000,
    ", " * 50000,
    " and" * 25000,
    "(" * 50000,
    "The Council has agreed to pay Mrs X £" + "9" * 99000,
    "a" * 100000,
    "within " * 14000 + "of the final decision",
    "https://www.lgo.org.uk/decisions/" + "a/" * 50000,
])
def test_a_100000_character_line_does_not_hang(line: str):
    """Every pattern is linear: a pasted line of 100,000 characters is read in well under five seconds."""
    text = minimal(["- Mrs X complained.", "Agreed action", "- The Council has agreed to:", line,
                    "Final decision", line, "- I find fault causing injustice."])
    started = time.perf_counter()
    try:
        read_raw(text, "long.txt")
    except RawFormatError:
        pass
    assert time.perf_counter() - started < 5


def test_deep_html_nesting_does_not_exhaust_the_stack():
    page = ("<!DOCTYPE html><html><body>" + "<div>" * 20000 + "<h1>Essex County Council (24 001 566)</h1>"
            "<p>Summary: We upheld this complaint.</p><h2>The complaint</h2><ol><li>Mrs X complained.</li></ol>"
            + "</div>" * 20000 + "</body></html>")
    assert read_raw(page, "deep.html").reference == "24 001 566"


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
    assert decision.needs_review == ("category", "subcategory", "outcome", "decision_date", "summary", "remedy",
                                     "decided_by", "body")
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
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Cn", "Zl", "Zp")), min_size=1, max_size=80))
def test_any_paragraph_text_renders_as_printed(text: str):
    text = " ".join(text.split())
    if not text or text.endswith(":") or text[0].islower():
        return
    decision = read_raw(minimal(["- First paragraph.", f"- A {text}"]), "t.txt")
    assert rendered_items(decision.body)[1] == f"A {text}"


# --------------------------------------------------------------------------- header and title

def test_labels_above_their_values_and_a_summary_over_several_lines():
    text = "\n".join([
        "Decisions > Adult care services > Essex County Council (24 001 566)",
        "Category", "Adult care services > Charging", "Decision", "Upheld", "Decision date", "3 September 2024",
        "The Ombudsman’s final decision:", "Summary", "Mrs X complained about her care charges.",
        "We upheld her complaint.", "The complaint", "- Mrs X complained.",
    ])
    decision = read_raw(text, "t.txt")
    assert (decision.council, decision.category, decision.subcategory) == (
        "Essex County Council", "Adult care services", "Charging")
    assert (decision.outcome, decision.decision_date) == ("Upheld", date(2024, 9, 3))
    assert decision.summary == "Mrs X complained about her care charges. We upheld her complaint."
    assert numbered(decision.body) == [(1, "Mrs X complained.")]


def test_fields_are_read_from_the_header_only():
    text = minimal(["- Mrs X complained.", "- Decision: the Council refused her request.", "- Summary: of events",
                    "- Category : not a field here either."])
    decision = read_raw(text, "t.txt")
    assert decision.category is None and "outcome" in decision.needs_review      # inferred from the summary
    assert decision.summary == "We upheld this complaint."
    assert [text for _, text in numbered(decision.body)] == [
        "Mrs X complained.", "Decision: the Council refused her request.", "Summary: of events",
        "Category : not a field here"]


@pytest.mark.parametrize("value, outcome", [
    ("Upheld", "Upheld"), ("Upheld: maladministration and injustice", "Upheld"), ("Not Upheld", "Not upheld"),
    ("Not upheld: no maladministration", "Not upheld"),
    ("Closed after initial enquiries - out of jurisdiction", "Closed after initial enquiries"), ("Withdrawn", None),
])
def test_printed_outcomes_are_normalised(value: str, outcome: str | None):
    text = minimal(["- Mrs X complained."]).replace("Summary:", f"Decision : {value}\nSummary:")
    decision = read_raw(text.replace("We upheld this complaint.", "Mrs X complained."), "t.txt")
    assert decision.outcome == outcome
    assert ("outcome" in decision.needs_review) is (outcome is None)


@pytest.mark.parametrize("value", ["14 Jan 2025", "14 January 2025", "Tuesday 14th January 2025", "14/01/2025",
                                   "2025-01-14", "January 14, 2025", "14 Jan, 2025"])
def test_printed_dates(value: str):
    text = minimal(["- Mrs X complained."]).replace("Summary:", f"Decision date : {value}\nSummary:")
    assert read_raw(text, "t.txt").decision_date == date(2025, 1, 14)


def test_category_uses_the_sites_straight_apostrophe():
    text = minimal(["- Mrs X complained."]).replace("Summary:", "Category : Children’s care services\nSummary:")
    decision = read_raw(text, "t.txt")
    assert decision.category == "Children's care services" and decision.subcategory is None
    assert "subcategory" in decision.needs_review


@pytest.mark.parametrize("signature, role", [
    ("Investigator's decision on behalf of the Ombudsman", "Investigator"),
    ("Investigator’s decision on behalf of the Ombudsman.", "Investigator"),
    ("Assistant Ombudsman’s decision on behalf of the Ombudsman", "Assistant Ombudsman"),
    ("Assessment Team Leader's decision on behalf of the Local Government and Social Care Ombudsman",
     "Assessment Team Leader"),
    ("Investigator's decision on behalf of the Ombudsmen", "Investigator"),
    ("Deputy Ombudsman's decision", "Deputy Ombudsman"),
    ("Ombudsman’s final decision", "Ombudsman"),
])
def test_who_signed_the_decision(signature: str, role: str):
    decision = read_raw(minimal(["- Mrs X complained.", "Final decision", "- I find fault.", signature,
                                 "- Text after the signature is not the statement."]), "t.txt")
    assert decision.decided_by == role
    assert "after the signature" not in decision.body


def test_a_joint_statement_speaks_for_both_ombudsmen():
    body = read_raw(minimal(["- Ms F complained.", "The Ombudsmen’s role and powers", "- We investigate.",
                             "How we considered this complaint", "- We read.", "What we found", "Our findings",
                             "- We found fault."]), "t.txt").body
    assert headings(body) == [[2, "The complaint"], [2, "The Ombudsmen’s role and powers"],
                              [2, "How we considered this complaint"], [2, "What we found"], [3, "Our findings"]]


# --------------------------------------------------------------------------- body structure

def test_a_citation_line_closes_the_paragraph_it_belongs_to():
    body = read_raw(minimal([
        "- We may decide not to start or continue with an investigation if we believe:",
        "- it is unlikely we would find fault, or",
        "- there is another body better placed to consider this complaint.",
        "- (Local Government Act 1974, section 24A(6), as amended)",
        "- We cannot investigate late complaints.",
    ]), "t.txt").body
    assert numbered(body) == [(1, "We may decide not to start"), (2, "We cannot investigate late complaints.")]
    assert "   - there is another body better placed to consider this complaint. (Local Government Act 1974" in body


def test_lines_wrapped_by_a_printed_page_join_their_paragraph():
    text = "\n".join([
        "Essex County Council (24 001 566)", "Summary: We upheld this complaint.", "The complaint",
        "1. Mrs X complained the Council failed to respond.", "Councils have up to 20 working days",
        "to respond to a complaint. The Council took", "three months", "2. She said so.", "What I found",
        "3. The Council was at fault.",
        "14/01/2025, 10:32 Essex County Council (24 001 566) - Local Government and Social Care Ombudsman",
        "https://www.lgo.org.uk/decisions/children-s-care-services/looked-after-children/24-001-566 2/5",
    ])
    decision = read_raw(text, "t.txt")
    assert numbered(decision.body) == [(1, "Mrs X complained the Council failed"), (2, "She said so."),
                                       (3, "The Council was at fault.")]
    assert "failed to respond. Councils have up to 20 working days to respond to a complaint. The Council took " \
           "three months\n" in decision.body
    assert headings(decision.body) == [[2, "The complaint"], [2, "What I found"]]
    assert decision.lgsco_url.endswith("/24-001-566") and "10:32" not in decision.body


def test_printed_numbers_that_disagree_with_the_count_flag_the_body():
    lines = ["1. Mrs X complained.", "2. She said so.", "What I found", "4. The Council was at fault.",
             "Final decision", "5. I find fault causing injustice.",
             "Investigator's decision on behalf of the Ombudsman"]
    assert "body" in read_raw(minimal(lines), "t.txt").needs_review
    assert "body" not in read_raw(minimal([line.replace("4.", "3.").replace("5.", "4.") for line in lines]),
                                  "t.txt").needs_review


AGREED = ["Agreed action", "- The Council has agreed to pay Mrs X £100 for her distress."]


@pytest.mark.parametrize("ending, body_flagged, remedy_flagged", [
    ([*AGREED, "Final decision", "- I find fault causing injustice.",
      "Investigator's decision on behalf of the Ombudsman"], False, False),
    ([*AGREED, "Final decision", "- I find fault causing injustice."], False, False),   # complete, just not signed
    ([*AGREED, "Final decision", "- I find fault causing"], True, False),               # cut in its last sentence
    (["Agreed action", "- The Council has agreed to pay Mrs X £100 for"], True, True),
    ([], True, True),
])
def test_a_statement_cut_short_is_imported_and_flagged(ending: list[str], body_flagged: bool, remedy_flagged: bool):
    decision = read_raw(minimal(["- Mrs X complained.", *ending]), "t.txt")
    assert decision.outcome == "Upheld"
    assert ("body" in decision.needs_review) is body_flagged
    assert ("remedy" in decision.needs_review) is remedy_flagged


def test_only_the_header_and_summary_import_with_an_empty_body():
    decision = read_raw("Essex County Council (24 001 566)\nDecision : Upheld\nSummary: The Council has agreed to "
                        "pay Mrs X £250 for her distress.\n", "t.txt")
    assert decision.body == "" and decision.outcome == "Upheld"
    assert decision.remedy.payments == (Payment(250, "her distress"),) and decision.remedy.total == 250
    assert decision.needs_review == ("category", "subcategory", "decision_date", "remedy", "decided_by", "body")
    assert "summary" in decision.remedy.note


# --------------------------------------------------------------------------- the decision's address

@pytest.mark.parametrize("line, url", [
    ("https://www.lgo.org.uk/decisions/adult-care-services/charging/24-001-566",
     "https://www.lgo.org.uk/decisions/adult-care-services/charging/24-001-566"),
    ("See www.lgo.org.uk/decisions/adult-care-services/charging/24-001-566.",
     "https://www.lgo.org.uk/decisions/adult-care-services/charging/24-001-566"),
    ("Our guidance is at https://www.lgo.org.uk/information-centre/reports/guidance-notes/guidance-on-remedies", None),
    ("A similar case: https://www.lgo.org.uk/decisions/adult-care-services/charging/23-005-111", None),
])
def test_only_this_decisions_address_is_its_lgsco_url(line: str, url: str | None):
    assert read_raw(minimal(["- Mrs X complained.", f"- {line}"]), "t.txt").lgsco_url == url


# --------------------------------------------------------------------------- remedy rules

def remedy_of(*points: str, summary: str = "We upheld this complaint."):
    text = minimal(["- Mrs X complained.", "Agreed action", "- Within one month of the final decision, the Council "
                    "has agreed to:", *points, "Final decision", "- I find fault causing injustice."])
    return read_raw(text.replace("We upheld this complaint.", summary), "t.txt")


def test_sums_that_explain_or_compare_a_payment_are_not_payments():
    remedy = remedy_of("- pay Mrs X £1,800 (£900 a term for two terms) to recognise the lost provision;",
                       "- pay Mrs X £500, which includes the £150 it offered at stage two;",
                       "- pay Mrs X £700, calculated at £100 a month for seven months; and",
                       "- pay Mrs X £300, within the range of £100 to £300 our guidance suggests.").remedy
    assert [p.amount for p in remedy.payments] == [1800, 500, 700, 300]
    assert remedy.payments[0] == Payment(1800, "the lost provision")
    assert remedy.note is None


def test_two_sums_sharing_one_verb_are_both_payments():
    remedy = remedy_of("- pay Mrs X £300 for her distress and £150 for her time and trouble.").remedy
    assert remedy.payments == (Payment(300, "her distress"), Payment(150, "her time and trouble"))
    assert remedy.total == 450


def test_sums_that_are_not_fixed_or_not_paid_are_left_to_an_editor():
    decision = remedy_of("- pay Mrs X up to £500 towards a new assessment;",
                         "- waive the £80 summons costs; and", "- pay Mrs X £100 for her time and trouble.")
    assert decision.remedy.payments == (Payment(100, "her time and trouble"),)
    assert decision.remedy.waived == (Waiver(80, "the summons costs"),)        # a charge waived: outside the total
    assert decision.remedy.total == 100
    assert decision.remedy.note == ("The agreed action also mentions £500, not counted as a payment; check "
                                    "whether it is part of the remedy.")
    assert "remedy" in decision.needs_review


def test_a_summary_sum_the_agreed_action_does_not_have_is_flagged():
    decision = remedy_of("- pay Mrs X £150 for her distress.",
                         summary="We upheld this complaint. The Council has agreed to pay Mrs X £250.")
    assert decision.remedy.total == 150
    assert "summary mentions £250" in decision.remedy.note


def test_not_agreeing_to_pay_is_not_an_action():
    decision = remedy_of("- apologise to Mrs X.", "- The Council did not agree to pay Mrs X £500 for her garden wall.")
    assert decision.remedy.actions == ("apologise to Mrs X",) and decision.remedy.total == 0


def test_an_earlier_offer_the_ombudsman_rejects_is_neither_counted_nor_noted():
    text = minimal(["- Mrs X complained.", "What I found", "- The Council offered Mrs X £100 at stage two.",
                    "- The Council’s offer did not put right the injustice and its offer of £100 is not sufficient.",
                    "Agreed action", "- The Council has agreed to pay Mrs X £300 for her distress.",
                    "Final decision", "- I find fault causing injustice."])
    remedy = read_raw(text, "t.txt").remedy
    assert remedy.payments == (Payment(300, "her distress"),) and remedy.note is None


@pytest.mark.parametrize("point, purpose", [
    ("- refund Mrs X £185, the cost of the assessment, on receipt of the invoice.", "the cost of the assessment"),
    ("- refund the £250 she paid for the assessment.", "the assessment"),
    ("- refund the £75 compliance fee Mrs X paid.", "the compliance fee Mrs X paid"),
    ("- make a payment of £200 to Mrs X to recognise her distress.", "her distress"),
    ("- pay Mrs X £200. This is to recognise the time she spent.", "the time she spent"),
])
def test_what_a_payment_is_for(point: str, purpose: str):
    remedy = remedy_of(point).remedy
    assert (remedy.payments or remedy.waived)[0].purpose == purpose


@pytest.mark.parametrize("point, kind", [
    ("- refund Mrs X £185, the cost of the assessment, on receipt of the invoice.", "payment"),
    ("- refund Mrs X £75.60, the cost of her son’s bus pass.", "payment"),
    ("- reimburse Mrs X £1,250, the cost of the taxis she paid for.", "payment"),
    ("- refund the £75 compliance fee Mrs X paid.", "waived"),
    ("- refund Mrs X £1,250.50, the charges she paid for care she did not receive.", "waived"),
    ("- refund Mrs X £300.", "waived"),
    ("- waive the £1,200 care charges for May and June 2024.", "waived"),
    ("- write off £346.20 of charges for cancelled visits.", "waived"),
    ("- reduce Mrs X’s council tax bill by £420.", "waived"),
])
def test_a_refund_of_a_charge_is_waived_and_of_a_cost_is_a_payment(point: str, kind: str):
    remedy = remedy_of(point).remedy
    assert (len(remedy.payments), len(remedy.waived)) == ((1, 0) if kind == "payment" else (0, 1)), remedy
    assert remedy.total == (round(remedy.payments[0].amount) if kind == "payment" else 0)


def test_third_person_recommendations_are_payments_apologies_and_improvements():
    text = minimal(["- Mrs X complained.", "Recommended action",
                    "- I recommend that within one month of my final decision the Council:", "- apologises to Mrs X;",
                    "- pays Mrs X £200 for her distress; and", "- reviews how it records requests for assessments.",
                    "Final decision", "- I find fault causing injustice."])
    remedy = read_raw(text, "t.txt").remedy
    assert remedy.apology and remedy.service_improvements and remedy.total == 200
    assert remedy.deadline == "within one month of my final decision"


# --------------------------------------------------------------------------- saved web pages

PAGE = """<!DOCTYPE html>
<html><head><title>Essex County Council (24 001 566)</title>
<link rel="canonical" href="/decisions/children-s-care-services/looked-after-children/24-001-566"></head>
<body><div class="cookie-banner"><p>We use cookies.</p></div>
<header><nav><ul><li>Home</li></ul></nav><p>Site header text</p></header>
<main><article><header><h1>Essex County Council (24 001 566)</h1>
<p><strong>Category :</strong> Children's care services &gt; Looked after children<br>
<strong>Decision :</strong> Upheld<br><strong>Decision date :</strong> 14 Jan 2025</p></header>
<p>Summary: Mrs X
complained. We upheld
this complaint.
<h2>The complaint</h2>
<ol><li>Mrs X complained the Council:<ol type="a"><li>failed to visit;<li>lost her file.</ol>
<li>She said so.<span class="visually-hidden">(opens in a new window)</span>
<li hidden>A hidden item.
<li style="display: none">Another hidden item.</li>
</ol>
<div aria-hidden="true">Decorative text</div>
<h2>Agreed action</h2><ol start="3"><li>The Council has agreed to apologise to Mrs X.</li></ol>
<h2>Final decision</h2><ol start="4"><li>I find fault causing injustice.</li></ol>
<p>Investigator’s decision on behalf of the Ombudsman</p>
</article></main><footer><p>Contact us</p></footer></body></html>"""


def test_a_saved_page_reads_like_its_text():
    decision = read_raw(PAGE, "page.html")
    assert (decision.council, decision.category, decision.subcategory, decision.outcome, decision.decision_date) == (
        "Essex County Council", "Children's care services", "Looked after children", "Upheld", date(2025, 1, 14))
    assert decision.summary == "Mrs X complained. We upheld this complaint."
    assert decision.body == ("## The complaint\n\n1. Mrs X complained the Council:\n   - failed to visit;\n"
                             "   - lost her file.\n2. She said so.\n\n## Agreed action\n\n"
                             "3. The Council has agreed to apologise to Mrs X.\n\n## Final decision\n\n"
                             "4. I find fault causing injustice.\n")
    assert decision.lgsco_url == \
        "https://www.lgo.org.uk/decisions/children-s-care-services/looked-after-children/24-001-566"
    assert decision.decided_by == "Investigator" and decision.needs_review == ()


@pytest.mark.parametrize("start", ["<!DOCTYPE html>", "\ufeff  <!doctype HTML>", "<!-- saved -->\n<html>",
                                   "<html lang='en'>", "\n\n<HEAD>", '<?xml version="1.0" encoding="utf-8"?>\n<html>'])
def test_pages_are_recognised_by_their_start(start: str):
    page = start + "<body><h1>Essex County Council (24 001 566)</h1><p>Summary: We upheld it.</p></body></html>"
    assert read_raw(page, "page.txt").summary == "We upheld it."


def test_a_page_saved_without_a_canonical_link_keeps_the_address_the_browser_noted():
    page = PAGE.replace('<link rel="canonical" href="/decisions/children-s-care-services/looked-after-children/'
                        '24-001-566">', "").replace(
        "<!DOCTYPE html>", "<!DOCTYPE html>\n<!-- saved from url=(0086)https://www.lgo.org.uk/decisions/"
                           "children-s-care-services/looked-after-children/24-001-566 -->")
    assert read_raw(page, "page.html").lgsco_url.endswith("/looked-after-children/24-001-566")


# --------------------------------------------------------------------------- the summary alone (a statement cut short)

def summary_remedy(summary: str):
    """The remedy of a statement that stops after its summary, as the first lines of a page give it."""
    return read_raw(f"Essex County Council (24 001 566)\nSummary: {summary}\n", "t.txt").remedy


def sums(remedy) -> list[tuple]:
    return [(payment.amount, payment.state) for payment in remedy.payments]


@pytest.mark.parametrize("summary, payments, apology", [
    ("We found fault. The Council should apologise, make a symbolic payment of £300 to Mrs X and review its "
     "procedures.", [(300, "recommended")], True),
    ("We found fault causing injustice. The Council has agreed to apologise to Mrs X and pays her a total of £1,200.",
     [(1200, "agreed")], True),
    ("The Care Provider agreed to apologise and pay Mr Y £250 for his distress.", [(250, "agreed")], True),
    ("We found fault. The Council agreed to apologise to Ms Z.", [], True),
    ("We found fault. The Council has agreed to pay Mrs X £500 for her distress and £3,000 for the care she lost.",
     [(500, "agreed"), (3000, "agreed")], False),
    ("We found fault. The Council has agreed to pay Mrs X £500 and £3,000.", [(500, "agreed"), (3000, "agreed")], False),
    ("The Council has already paid Mrs X £250, which I consider a suitable remedy for her distress.",
     [(250, "paid")], False),
    ("We recommended the Council pay Mr B £400 and apologise.", [(400, "recommended")], True),
    ("I recommend the Council apologises to Mr B and pays him £400.", [(400, "recommended")], True),
    ("We found fault and the Council must pay Mr B £400.", [(400, "recommended")], False),
    ("The Council has agreed to my recommendation to pay Mrs X £350 and apologise.", [(350, "agreed")], True),
    ("I welcome the Council’s agreement to apologise and pay Mrs X £350.", [(350, "agreed")], True),
    ("To remedy the injustice, the Council will apologise and pay Mrs X £350.", [(350, "agreed")], True),
    ("We recommended the Council pay Mr B £400. The Council has accepted our recommendations.",
     [(400, "agreed")], False),
    ("The Council has agreed to pay £200 to each of Mr and Mrs X.", [(400, "agreed")], False),
    ("The Council has agreed to pay Mrs X £600, in addition to the £150 it offered at stage two.",
     [(600, "agreed"), (150, "offered")], False),
    ("The Council has agreed to pay Mrs X a total of £1,100 (£800 for the lost care and £300 for her distress).",
     [(800, "agreed"), (300, "agreed")], False),
    ("I welcome the Council’s offer of £300 to recognise her distress.", [(300, "offered")], False),
])
def test_the_summary_says_what_was_agreed_or_recommended(summary: str, payments: list, apology: bool):
    remedy = summary_remedy(summary)
    assert sums(remedy) == payments
    assert remedy.total == sum(amount for amount, _ in payments)
    assert remedy.apology is apology


@pytest.mark.parametrize("summary", [
    "Mr X complained the Council would not pay him £5,000 compensation. We did not find fault.",
    "Mrs X says the Council should pay her £2,000 for the damage to her car. We will not investigate.",
    "Mr X wants the Council to agree to pay him £800. We have not found fault.",
    "Mr X said the Council had agreed to pay him £500, but it did not. We found no evidence of that agreement.",
    "Ms Y asked the Council to refund £300 and apologise. We did not find fault.",
    "The Council should have apologised and paid Mrs X the £250 it owed her. It has since done so.",
    "Mrs X complained the Council had not paid her the £400 it agreed to pay. We did not find fault.",
    "The Council has already paid Mrs X £250, but I do not consider that a suitable remedy.",
    "The Council has now paid Mr Z the arrears of £5,894 it owed him.",
    "The Council did not agree to pay Mrs X £500.",
])
def test_sums_the_complainant_asked_for_or_disputed_are_never_counted(summary: str):
    remedy = summary_remedy(summary)
    assert remedy.payments == () and remedy.total == 0 and not remedy.apology, remedy


def test_a_charge_waived_in_the_summary_is_recorded_as_waived():
    remedy = summary_remedy("We found fault. The Council has agreed to waive £1,200 of care charges, apologise and "
                            "pay Mrs X £150.")
    assert remedy.waived == (Waiver(1200, "care charges"),)
    assert sums(remedy) == [(150, "agreed")] and remedy.total == 150 and remedy.apology


@pytest.mark.parametrize("summary", [
    "The Council has agreed to apologise and remind its staff of the need to reply to emails.",
    "The Council should review its procedures for assessing carers.",
    "The Council has agreed to provide training to its social workers and produce an action plan.",
    "The Care Provider agreed to apologise and issue guidance to its care staff.",
])
def test_service_improvements_in_the_summary(summary: str):
    assert summary_remedy(summary).service_improvements


def test_the_categories_that_wording_settles_are_the_ombudsmans_own():
    from generator.importer.categories import CATEGORIES, SIGNALS, ombudsman_slug
    for _, category, subcategory in SIGNALS:
        assert category in CATEGORIES and (subcategory is None or subcategory in CATEGORIES[category])
    assert ombudsman_slug("Children's care services") == "children-s-care-services"


def test_a_reference_in_full_width_digits_imports_as_the_same_decision(tmp_path: Path):
    """'(２４ ００１ ５６６)' is 24 001 566: the same file name and address, and beside the ASCII one it is the
    same decision twice, refused, not a second decision."""
    import subprocess
    import sys
    text = seed_text("004_c63c2500b19da48a.txt")
    wide = tmp_path / "raw" / "wide.txt"
    wide.parent.mkdir()
    wide.write_text(text.replace("(24 001 566)", "(２４ ００１ ５６６)", 1), encoding="utf-8")
    assert read_raw_file(wide).reference == "24 001 566"
    run = [sys.executable, "-m", "generator", "import", "--content", str(tmp_path / "content")]
    alone = subprocess.run([*run, str(wide)], capture_output=True, text=True, timeout=60)
    assert alone.returncode == 0 and "24-001-566  written:" in alone.stdout, alone.stderr
    assert [p.name for p in (tmp_path / "content" / "decisions").iterdir()] == ["24-001-566.md"]
    (tmp_path / "raw" / "ascii.txt").write_text(text, encoding="utf-8")
    both = subprocess.run([*run, str(tmp_path / "raw")], capture_output=True, text=True, timeout=60)
    assert both.returncode == 1 and "24-001-566: the same reference is in" in both.stderr


def test_a_text_cut_short_inside_its_agreed_action_takes_the_summarys_sums():
    text = minimal(["- Mrs X complained.", "Agreed action", "- Within one month of the final decision, the Council "
                    "has agreed to:", "- apologise to Mrs X;", "- pa"])
    remedy = read_raw(text.replace("We upheld this complaint.", "We found fault. The Council has agreed to apologise "
                                   "and pay Mrs X £250 for her distress."), "t.txt").remedy
    assert [(p.amount, p.state) for p in remedy.payments] == [(250, "agreed")] and remedy.total == 250
    assert remedy.note.startswith("The text ends before the final decision")
