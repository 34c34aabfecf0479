"""Made for training material: collections of quoted paragraphs, and related decisions on every decision page."""
from __future__ import annotations

import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.build import BuildRequest, build
from generator.content.collections import Span, read_collection
from generator.content.folder import load_decisions
from generator.content.settings import load_config
from generator.errors import ContentError
from generator.model import FrontMatter, Remedy
from generator.serve import Preview
from generator.site.entries import make_entries
from generator.site.markdown import render_body
from generator.site.related import related_decisions, related_digests

from .conftest import CONTENT, TEMPLATES
from .sitecheck import soup
from .test_cli import digest

SAMPLE = "/collections/looked-after-children/"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ collections

def test_a_collection_quotes_its_paragraphs_each_linked_and_a_summary(built_site: Path) -> None:
    page = soup(built_site, SAMPLE)
    loaded = load_decisions(CONTENT)
    body = render_body(loaded.sources["24-001-566.md"].body_text())
    first, second = page.select("li.collection-item")
    quoted = first.select("ol.quoted > li")
    assert [li.a["href"] for li in quoted] == ["/decisions/24-001-566/#para-12", "/decisions/24-001-566/#para-13"]
    assert [li.a.get_text() for li in quoted] == ["12.", "13."]
    paragraphs = dict(body.paragraphs)
    assert [li.get_text(" ", strip=True).split(" ", 1)[1] for li in quoted] == [paragraphs[12], paragraphs[13]]
    assert first.h2.a["href"] == "/decisions/24-001-566/"
    assert first.select_one(".facts-line").get_text(" ", strip=True) == \
        "Essex County Council 14 January 2025 Upheld £200"
    assert first.select_one(".note").get_text(strip=True).startswith("The statutory timescales")
    summary = loaded.sources["24-013-077.md"].front.summary
    assert not second.select("ol.quoted")
    assert second.select_one(".quoted-summary").get_text(" ", strip=True) == f"Summary: {summary}"
    listing = soup(built_site, "/collections/")
    assert [a["href"] for a in listing.select(".collection-list a")] == [SAMPLE]
    assert soup(built_site, "/").select_one('header nav a[href="/collections/"]').get_text() == "Collections"


def test_paras_take_a_number_a_range_a_list_or_all(content_copy: Path, tmp_path: Path) -> None:
    renamed = content_copy / "decisions" / "24-001-146.md"            # its former reference stands for it
    write(renamed, renamed.read_text(encoding="utf-8").replace("aliases: []", "aliases: [23-999-001]"))
    path = write(content_copy / "collections" / "mixed.yaml", 'title: Mixed\nintro: "*Read* these."\nitems:\n'
                 '  - {reference: "24001566", paras: [3, "12-13"]}\n  - {reference: 24-013-077, paras: all}\n'
                 '  - {reference: 23 999 001, paras: 2}\n')
    collection = read_collection(path)
    assert [item.paras for item in collection.items] == [(Span(3, 3, 4), Span(12, 13, 4)), (), (Span(2, 2, 6),)]
    assert [item.whole for item in collection.items] == [False, True, False]
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    page = soup(tmp_path / "site", "/collections/mixed/")
    assert page.select_one(".intro em").get_text() == "Read"
    lists = page.select("ol.quoted")
    assert [a["href"].rpartition("#")[2] for a in lists[0].select("a.para-num")] == ["para-3", "para-12", "para-13"]
    assert len(lists[1].select("li")) == 11                 # every numbered paragraph of 24 013 077
    assert lists[2].select_one("a.para-num")["href"] == "/decisions/24-001-146/#para-2"


def test_an_unknown_reference_or_paragraph_is_a_file_line_error_from_build_and_check(content_copy: Path,
                                                                                     tmp_path: Path) -> None:
    path = write(content_copy / "collections" / "course.yaml", "title: A course\nitems:\n"
                 "  - reference: 24 001 566\n    paras: 12\n  - reference: 99 999 999\n"
                 "  - reference: 24 001 566\n    paras: [3, \"40-41\"]\n")
    out = tmp_path / "site"
    built = digest("build", "--content", content_copy, "--out", out)
    assert built.returncode == 1
    assert built.stderr.splitlines() == [
        f"error: {path}:5: reference '99 999 999' is not a decision in the digest: check it, or import the "
        "decision first",
        f"error: {path}:7: 24 001 566 has no paragraph 40 (it has paragraphs 1-33): check paras",
        "build failed: 2 error(s); nothing was written"]
    assert not out.exists()
    checked = digest("check", "--content", content_copy, "--out", out)
    assert checked.returncode == 1
    assert f"error: {path}:5: reference '99 999 999'" in checked.stdout
    assert f"error: {path}:7: 24 001 566 has no paragraph 40" in checked.stdout
    decision = content_copy / "decisions" / "24-001-566.md"        # a decision with an error: that one error
    write(decision, decision.read_text(encoding="utf-8").replace("decision_date: 2025-01-14", "decision_date: soon"))
    broken = digest("check", "--content", content_copy, "--out", out)
    assert broken.returncode == 1 and [line for line in broken.stdout.splitlines() if line.startswith("error")] == [
        f"error: {decision}:7: decision_date: must be a date like 2025-01-14 (or null), not 'soon'",
        f"error: {path}:5: reference '99 999 999' is not a decision in the digest: check it, or import the "
        "decision first"]
    write(path, "title: A course\nitems:\n  - reference: &r 24 001 566\n")
    refused = digest("build", "--content", content_copy, "--out", out)
    assert refused.returncode == 1 and f"{path}:3: the file uses the YAML anchor &r" in refused.stderr


def test_paragraphs_a_decision_lacks_are_named_at_their_own_line_and_errors_come_in_line_order(
        content_copy: Path, tmp_path: Path) -> None:
    path = write(content_copy / "collections" / "course.yaml", "title: A course\nitems:\n"
                 '  - reference: 24 001 566\n    paras: "1-100000"\n'            # far past its 33 paragraphs
                 "  - reference: 24 013 077\n    paras:\n      - 3\n      - 77\n"
                 "  - reference: 99 999 999\n")
    out = tmp_path / "site"
    expected = [f"error: {path}:4: 24 001 566 has no paragraph 100000 (it has paragraphs 1-33): check paras",
                f"error: {path}:8: 24 013 077 has no paragraph 77 (it has paragraphs 1-11): check paras",
                f"error: {path}:9: reference '99 999 999' is not a decision in the digest: check it, or import "
                "the decision first"]
    built = digest("build", "--content", content_copy, "--out", out)
    assert built.returncode == 1 and built.stderr.splitlines()[:-1] == expected
    checked = digest("check", "--content", content_copy, "--out", out)
    assert [line for line in checked.stdout.splitlines() if line.startswith("error")] == expected


def test_paras_are_written_with_the_digits_0_to_9(tmp_path: Path) -> None:
    for written in ("١-٣", "１２", "3-٥"):
        path = write(tmp_path / "collections" / "course.yaml",
                     f'title: A course\nitems:\n  - reference: 24 001 566\n    paras: ["2", "{written}"]\n')
        with pytest.raises(ContentError) as refused:
            read_collection(path)
        assert str(refused.value) == f"{path}:4: items[1]: write paragraph numbers with the digits 0-9, not {written!r}"
    write(path, 'title: A course\nitems:\n  - reference: 24 001 566\n    paras: "1-99999999999999999999999"\n')
    with pytest.raises(ContentError, match=r":4: items\[1\]: no decision has a paragraph 999999999999\.\.\."):
        read_collection(path)


def test_a_collection_too_big_to_be_a_reading_list_is_refused_without_counting_it_out(content_copy: Path,
                                                                                   tmp_path: Path) -> None:
    folder = content_copy / "collections"
    path = write(folder / "many.yaml", "title: Many\nitems:\n" + "  - reference: 24 001 566\n" * 501)
    with pytest.raises(ContentError, match=r"many.yaml:2: items: 501 of them, and a collection has at most 500"):
        read_collection(path)
    path = write(folder / "many.yaml", "title: Many\nitems:\n  - reference: 24 001 566\n    paras:\n"
                 + '      - "1-500"\n' * 20_000)                             # 160 KB
    tracemalloc.start()
    try:
        with pytest.raises(ContentError, match=r"many.yaml:5005: paras: more than 5,000 paragraphs quoted in all"):
            read_collection(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 60_000_000, peak                     # the YAML read; ten million numbers were 300 MB
    write(path, "title: Many\nitems:\n" + "  - reference: 24 001 566\n    paras: all\n" * 160)    # 160 x 33
    checked = digest("check", "--content", content_copy, "--out", tmp_path / "site")
    assert checked.returncode == 1
    assert f"error: {path}:306: paras: more than 5,000 paragraphs quoted in all: split the collection into " \
        "smaller ones" in checked.stdout.splitlines()


def test_a_folder_is_not_a_collection_and_a_yml_file_is_one(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    folder = content_copy / "collections"
    (folder / "dir.yaml").mkdir()
    assert digest("build", "--content", content_copy, "--out", out).returncode == 0
    assert digest("build", "--content", content_copy, "--out", out, "--clean").returncode == 0
    checked = digest("check", "--content", content_copy, "--out", out)
    assert checked.returncode == 0 and "dir.yaml" not in checked.stdout
    assert not (out / "collections" / "dir").exists()
    short = write(folder / "short.yml", "title: Short\nitems:\n  - reference: 24 001 566\n    paras: 3\n")
    incremental = digest("build", "--content", content_copy, "--out", out)
    assert incremental.returncode == 0, incremental.stderr
    assert soup(out, "/collections/short/").select_one("a.para-num")["href"] == "/decisions/24-001-566/#para-3"
    assert [a["href"] for a in soup(out, "/collections/").select(".collection-list a")] == \
        [SAMPLE, "/collections/short/"]
    twin = write(folder / "short.yaml", short.read_text(encoding="utf-8"))
    refused = digest("build", "--content", content_copy, "--out", out)
    assert refused.returncode == 1 and refused.stderr.splitlines()[0] == \
        f"error: {short}: {twin.name} is this collection too (the address /collections/short/): keep one of the two files"


def test_the_preview_rebuilds_a_collection_after_an_edit_to_it_or_to_a_quoted_paragraph(content_copy: Path,
                                                                                        tmp_path: Path) -> None:
    preview = Preview(content_copy, tmp_path / "site", TEMPLATES, jobs=1)
    preview.memory.changes.watching()             # as `digest serve` does: each rebuild is told what changed
    preview.rebuild()
    collection = content_copy / "collections" / "looked-after-children.yaml"
    write(collection, collection.read_text(encoding="utf-8").replace("Two decisions", "TWO decisions"))
    preview.rebuild([str(collection)])
    assert not preview.errors and "TWO decisions" in soup(tmp_path / "site", SAMPLE).select_one(".intro").get_text()
    decision = content_copy / "decisions" / "24-001-566.md"
    write(decision, decision.read_text(encoding="utf-8").replace("12. The whole stage two", "12. EDITED stage two"))
    preview.rebuild([str(decision)])
    assert "EDITED stage two" in soup(tmp_path / "site", SAMPLE).select_one("ol.quoted").get_text()
    cold = tmp_path / "cold"
    build(BuildRequest(content_copy, cold, TEMPLATES, mode="cold"))
    for name in (SAMPLE, "/collections/", "/decisions/24-001-566/"):
        assert soup(tmp_path / "site", name).decode() == soup(cold, name).decode()


# ------------------------------------------------------------ related decisions

def test_every_seed_decision_lists_at_least_three_related_decisions(built_site: Path) -> None:
    slugs = [path.stem for path in (CONTENT / "decisions").glob("*.md")]
    for slug in slugs:
        links = [a["href"] for a in soup(built_site, f"/decisions/{slug}/").select("section#related li > a")]
        assert 3 <= len(links) <= 5 and f"/decisions/{slug}/" not in links and len(set(links)) == len(links)
    essex = soup(built_site, "/decisions/24-001-566/").select_one("section#related li")
    assert essex.a.get_text() == "West Northamptonshire Council (24 001 146)"       # the nearest date
    assert essex.select_one(".facts-line").get_text(" ", strip=True) == \
        "5 March 2025 Not upheld No financial remedy"


def decision(reference: str, council: str = "A Council", category: str | None = "Housing",
             subcategory: str | None = None, day: date | None = date(2024, 6, 1), total: int = 0) -> FrontMatter:
    return FrontMatter(reference=reference, council=council, summary="S.", category=category, subcategory=subcategory,
                       decision_date=day, remedy=Remedy(total=total))


def related_slugs(decisions: list[FrontMatter]) -> dict[str, list[str]]:
    entries = make_entries(decisions, load_config(CONTENT))
    return {slug: [line.slug for line in lines] for slug, lines in related_decisions(entries).items()}


def test_related_are_the_same_subcategory_then_council_then_nearest_date_remedy_and_slug() -> None:
    base = date(2024, 6, 1)
    decisions = [
        decision("24 000 001", subcategory="Allocations"),
        decision("24 000 002", subcategory="Allocations", council="B Council", day=base + timedelta(days=40)),
        decision("24 000 003", subcategory="Allocations", council="B Council", day=base - timedelta(days=10)),
        decision("24 000 004", subcategory="Allocations", council="B Council", day=base + timedelta(days=10),
                 total=900),
        decision("24 000 005", subcategory="Allocations", council="B Council", day=base + timedelta(days=10),
                 total=100),
        decision("24 000 006", subcategory="Homelessness", day=base),               # same council, other subcategory
        decision("24 000 007", subcategory="Allocations", council="C Council", day=None),
        decision("24 000 008", category="Planning", subcategory="Allocations", day=base),    # another category
        decision("24 000 009", subcategory="Allocations", council="A Council", day=date(2020, 1, 1)),
    ]
    chosen = related_slugs(decisions)
    # Same subcategory: the same council first, then by nearness of date (10 days: the nearer remedy first).
    assert chosen["24-000-001"] == ["24-000-009", "24-000-003", "24-000-005", "24-000-004", "24-000-002"]
    # Nothing else in its subcategory: the same council in the category, then the rest by date.
    assert chosen["24-000-006"][:2] == ["24-000-001", "24-000-009"]
    assert "24-000-008" not in chosen["24-000-006"]
    assert chosen["24-000-008"] == []
    # Undated: every other is as far; the nearest remedy, then the slug.
    assert chosen["24-000-007"] == ["24-000-001", "24-000-002", "24-000-003", "24-000-009", "24-000-005"]
    assert chosen == related_slugs(list(reversed(decisions)))                  # whatever the order read


def test_related_lists_for_twenty_thousand_decisions_take_well_under_a_second() -> None:
    """Nine categories of five subcategories (one decision in seven without), 350 councils, 2% undated."""
    categories = [(f"Category {c}", [f"Sub {c}.{s}" for s in range(5)]) for c in range(9)]
    decisions = []
    for n in range(20_000):
        category, subs = categories[n % 9]
        day = None if n % 50 == 0 else date(2021, 1, 1) + timedelta(days=(n * 7919) % 1800)
        decisions.append(decision(f"{21 + n % 5} {n // 1000:03d} {n % 1000:03d}", council=f"Council {n % 350}",
                                  category=category, subcategory=subs[n % 7] if n % 7 < 5 else None, day=day,
                                  total=(n * 37) % 2000))
    entries = make_entries(decisions, load_config(CONTENT))
    start = time.process_time()                 # this process's time: the machine may be busy with others
    related = related_decisions(entries)
    digests = related_digests(related)
    took = time.process_time() - start
    assert took < 0.8, took                     # about 0.4 s on the machine of BENCHMARKS.md
    assert len(digests) == 20_000
    assert all(len(lines) == 5 for lines in related.values())


def test_a_front_matter_edit_elsewhere_renders_the_pages_listing_it_and_a_body_edit_only_its_own(
        content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    path = content_copy / "decisions" / "24-013-077.md"
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("if we are satisfied", "where we are satisfied"))            # the body only
    body_edit = build(BuildRequest(content_copy, out, TEMPLATES))
    pages = [name for name in body_edit.written_paths if name.startswith("decisions/") and name.endswith(".html")]
    assert pages == ["decisions/24-013-077/index.html"]
    write(path, text.replace("  total: 500", "  total: 50"))                 # shown in the others' related lists
    facts_edit = build(BuildRequest(content_copy, out, TEMPLATES))
    pages = [name for name in facts_edit.written_paths if name.startswith("decisions/2") and name.endswith(".html")]
    assert len(pages) == 5
    cold = tmp_path / "cold"
    build(BuildRequest(content_copy, cold, TEMPLATES, mode="cold"))
    for slug in ("24-001-566", "24-012-183"):
        assert (out / f"decisions/{slug}/index.html").read_bytes() == (cold / f"decisions/{slug}/index.html").read_bytes()


def test_in_the_preview_only_pages_whose_related_list_changed_are_rendered_again(content_copy: Path,
                                                                                tmp_path: Path) -> None:
    preview = Preview(content_copy, tmp_path / "site", TEMPLATES, jobs=1)
    preview.memory.changes.watching()             # as `digest serve` does: each rebuild is told what changed
    preview.rebuild()
    page = tmp_path / "site" / "decisions" / "24-001-566" / "index.html"
    before = page.stat().st_mtime_ns
    path = content_copy / "decisions" / "24-001-146.md"
    write(path, path.read_text(encoding="utf-8").replace("decision_date: 2025-03-05", "decision_date: 2025-03-06"))
    preview.rebuild([str(path)])
    assert not preview.errors
    assert "6 March 2025" in soup(tmp_path / "site", "/decisions/24-001-566/").select_one("#related").get_text()
    assert page.stat().st_mtime_ns != before
    untouched = tmp_path / "site" / "decisions" / "24-012-183" / "index.html"
    stamp = untouched.stat().st_mtime_ns
    kept = preview.memory.related
    body = content_copy / "decisions" / "24-001-146.md"
    write(body, body.read_text(encoding="utf-8").replace("We investigate complaints", "We look into complaints")
          .replace("summary: \"", "summary: \"EDITED "))                # the body and the summary: no list moves
    preview.rebuild([str(body)])
    assert not preview.errors and preview.memory.related is kept          # not even chosen again
    assert untouched.stat().st_mtime_ns == stamp
    cold = tmp_path / "cold"
    build(BuildRequest(content_copy, cold, TEMPLATES, mode="cold"))
    for slug in ("24-001-566", "24-012-183", "24-001-146"):
        assert (tmp_path / "site" / f"decisions/{slug}/index.html").read_bytes() == \
            (cold / f"decisions/{slug}/index.html").read_bytes()

