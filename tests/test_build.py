"""The whole site built from the committed content (the five imported seed decisions), read back as a browser would."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from benchmarks.corpus import write_corpus
from generator.content.settings import load_config
from generator.build import BuildRequest, build
from generator.incremental.state import state_folder
from generator.errors import BuildErrors, ContentError, DigestError
from generator.incremental.output import staging_folder

from .conftest import TEMPLATES, file_size_limited
from .sitecheck import broken_links, file_for, html_pages, soup

SLUGS = {
    "24-013-077": "Warwickshire County Council",
    "25-006-373": "Worcestershire County Council",
    "24-001-146": "West Northamptonshire Council",
    "24-012-183": "Cornwall Council",
    "24-001-566": "Essex County Council",
}
ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_expected_page_exists(built_site: Path) -> None:
    expected = ["/", "/search/", "/councils/", "/categories/", "/remedies/", "/outcomes/", "/404.html",
                "/feed.xml", "/sitemap.xml", "/search/index.json", "/about/",
                "/decisions.json", "/decisions.csv", "/_redirects",
                "/categories/childrens-care-services/", "/outcomes/upheld/", "/outcomes/not-upheld/",
                "/remedies/no-financial-remedy/", "/remedies/up-to-250/", "/remedies/251-to-500/",
                "/remedies/501-to-1000/", "/remedies/1001-to-5000/", "/remedies/over-5000/"]
    expected += [f"/decisions/{slug}/" for slug in SLUGS]
    expected += [f"/councils/{council.lower().replace(' ', '-')}/" for council in SLUGS.values()]
    missing = [url for url in expected if not file_for(built_site, url).is_file()]
    assert missing == []


def test_decision_page_shows_the_facts_each_linking_to_its_index(built_site: Path) -> None:
    page = soup(built_site, "/decisions/24-001-566/")
    assert page.h1.get_text(strip=True) == "Essex County Council (24 001 566)"
    assert page.title.get_text().startswith("Essex County Council (24 001 566)")
    facts = {row.dt.get_text(strip=True): row.dd for row in page.select("#facts > div")}
    assert facts["Council"].a["href"] == "/councils/essex-county-council/"
    assert [a.get_text() for a in facts["Category"].find_all("a")] == ["Children's care services", "Looked after children"]
    assert facts["Category"].find_all("a")[1]["href"] == "/categories/childrens-care-services/looked-after-children/"
    assert facts["Outcome"].a["href"] == "/outcomes/upheld/"
    assert facts["Decision date"].time["datetime"] == "2025-01-14"
    assert facts["Decision date"].get_text(strip=True) == "14 January 2025"
    remedy = facts["Remedy"]
    assert remedy.a["href"] == "/remedies/up-to-250/"
    assert remedy.a.get_text(strip=True) == "£200 (Up to £250)"
    assert "Apology: yes" in remedy.get_text()
    assert "Service improvements: no" in remedy.get_text()
    assert page.select_one("#summary p").get_text().startswith("Mrs X complained the Council failed to safeguard")


def test_paragraphs_are_numbered_continuously_with_anchors_and_self_links(built_site: Path) -> None:
    page = soup(built_site, "/decisions/24-001-566/")
    paragraphs = page.select("#decision-text li[id^=para-]")
    numbers = [int(li["id"].removeprefix("para-")) for li in paragraphs]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == 33          # 2 + 3 + 2 + 8 + 5 + 8 + 4 + 1, the sections' lists run on
    for li in paragraphs:
        assert li.select_one("a.para-num")["href"] == f"#{li['id']}"
    agreed = page.find(id="agreed-action")
    assert agreed.name == "h2" and agreed.find("a", href="#agreed-action")
    first_after_heading = agreed.find_next("li")
    assert first_after_heading["id"] == "para-29"
    assert "Within four weeks of my final decision" in first_after_heading.get_text()
    text = page.select_one("#decision-text").get_text()
    for boilerplate in ("Back to top", "Print this page", "cookies", "Investigator’s decision on behalf"):
        assert boilerplate not in text


def test_cite_line_names_the_decision(built_site: Path) -> None:
    cite = soup(built_site, "/decisions/24-001-566/").select_one("#cite")
    assert cite.select_one(".cite-text").get_text() == "Essex County Council (24 001 566)"
    assert cite.select_one(".cite-url").get_text() == "https://decisions-digest.netlify.app/decisions/24-001-566/"


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    assert len(html_pages(built_site)) > 20
    assert broken_links(built_site) == []


def test_index_pages_list_decisions_newest_first_undated_last(built_site: Path) -> None:
    page = soup(built_site, "/categories/childrens-care-services/")
    titles = [a.get_text() for a in page.select(".entry-title a")]
    assert len(titles) == 5
    dated = ["West Northamptonshire Council (24 001 146)", "Essex County Council (24 001 566)"]
    assert [t for t in titles if t in dated] == dated                  # 5 Mar 2025 before 14 Jan 2025
    grouped = [h2.get_text() for h2 in page.select("main h2")]
    assert grouped[:2] == ["Disabled children", "Looked after children"] and grouped[-1] == "No subcategory"
    councils = soup(built_site, "/councils/")
    assert [a.get_text() for a in councils.select(".term-counts a")] == sorted(SLUGS.values())
    first = soup(built_site, "/outcomes/upheld/").select_one(".entry")
    assert first.select_one(".entry-summary").get_text().endswith(".")


def test_remedy_bands_hold_the_right_decisions(built_site: Path) -> None:
    def listed(url: str) -> set[str]:
        return {a["href"] for a in soup(built_site, url).select(".entry-title a")}

    assert listed("/remedies/up-to-250/") == {"/decisions/24-001-566/"}
    assert listed("/remedies/251-to-500/") == {"/decisions/24-013-077/", "/decisions/25-006-373/",
                                                "/decisions/24-012-183/"}
    assert listed("/remedies/no-financial-remedy/") == {"/decisions/24-001-146/"}
    assert listed("/remedies/over-5000/") == set()


def test_search_index_holds_every_decision_with_its_text(built_site: Path) -> None:
    search = built_site / "search"
    manifest = json.loads((search / "index.json").read_text(encoding="utf-8"))
    assert json.dumps(manifest).count("Essex County Council") == 1         # facet values, named once
    texts = {slug: record for p in sorted((search / "x").glob("*/*.json"))
             for slug, record in json.loads(p.read_text(encoding="utf-8")).items()}
    assert sorted(texts) == sorted(SLUGS) and all(texts[s]["r"] == s.replace("-", " ") for s in SLUGS)
    parts = list(texts.values())
    essex = {number: text for part in parts if part["r"] == "24 001 566" for number, text in part["p"]}
    assert sorted(essex) == list(range(1, 34))
    assert essex[29].startswith("Within four weeks of my final decision")


def test_feed_and_sitemap_parse_and_list_only_existing_pages(built_site: Path) -> None:
    feed = ET.parse(built_site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    assert entries[0].find(f"{ATOM}title").text == "West Northamptonshire Council (24 001 146)"
    assert entries[0].find(f"{ATOM}updated").text == "2025-03-05T00:00:00Z"
    sitemap = ET.parse(built_site / "sitemap.xml").getroot()
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://decisions-digest.netlify.app/decisions/24-001-566/" in locations
    for location in locations:
        path = location.removeprefix("https://decisions-digest.netlify.app")
        assert file_for(built_site, path).is_file(), location


def test_build_is_deterministic_and_rewrites_nothing_unchanged(content_copy: Path, tmp_path: Path) -> None:
    first = build(BuildRequest(content_copy, tmp_path / "a", TEMPLATES))
    again = build(BuildRequest(content_copy, tmp_path / "a", TEMPLATES))
    build(BuildRequest(content_copy, tmp_path / "b", TEMPLATES))
    assert again.written == 0 and again.unchanged == first.written
    files_a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    files_b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert files_a == files_b


def test_a_content_error_is_reported_with_its_line_and_leaves_the_site_alone(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    broken = content_copy / "decisions" / "24-001-566.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("decision_date: 2025-01-14", "decision_date: next week"),
                      encoding="utf-8")
    other = content_copy / "decisions" / "24-001-146.md"
    other.write_text(other.read_text(encoding="utf-8").replace("outcome: Not upheld", "outcome: 7"), encoding="utf-8")
    with pytest.raises(BuildErrors) as caught:
        build(BuildRequest(content_copy, out, TEMPLATES))
    messages = [str(e) for e in caught.value.errors]
    assert any(re.match(rf"{re.escape(str(broken))}:\d+: decision_date: must be a date", m) for m in messages)
    assert any(str(other) in m and "outcome" in m for m in messages)
    assert before == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}



def build_limited(content: Path, out: Path, limit: int, jobs: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out),
                           "--templates", str(TEMPLATES), "--clean", "--jobs", jobs],
                          capture_output=True, text=True, preexec_fn=file_size_limited(limit), timeout=120)


@pytest.mark.parametrize("synthetic", [0, 40], ids=["in one process", "in the pool"])
def test_a_file_that_cannot_be_written_fails_the_build_with_one_line_and_changes_nothing(
        content_copy: Path, tmp_path: Path, synthetic: int) -> None:
    if synthetic:                              # enough decisions for a pool of two to render them
        write_corpus(tmp_path / "more", synthetic)
        for path in (tmp_path / "more" / "decisions").iterdir():
            shutil.copy(path, content_copy / "decisions" / path.name)
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    edited = content_copy / "decisions" / "24-001-566.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n1. ", "\n1. Quagmire. ", 1), encoding="utf-8")
    failed = build_limited(content_copy, out, 5_000, "2")       # the edited page is ~20 KB
    assert failed.returncode == 1, failed.stderr
    assert failed.stderr.splitlines() == [
        f"error: {out.resolve()}: File too large; the build stopped and nothing was changed: fix that and build again"]
    assert before == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert not staging_folder(out.resolve()).exists()


def test_a_cache_that_cannot_be_saved_is_a_warning_after_a_good_build(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    edited = content_copy / "decisions" / "24-001-566.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n1. ", "\n1. Quagmire. ", 1), encoding="utf-8")
    built = build_limited(content_copy, out, 40_000, "1")      # pages fit; the cache's index state does not
    assert built.returncode == 0, built.stderr
    cache = state_folder(out)
    assert built.stderr.splitlines() == [
        f"warning: {cache}: the build cache could not be saved (File too large); the site is built, and the "
        "next build will take longer"]
    assert "Quagmire" in (out / "decisions" / "24-001-566" / "index.html").read_text(encoding="utf-8")
    build(BuildRequest(content_copy, out, TEMPLATES))                       # from the cache as it was before: still right
    build(BuildRequest(content_copy, tmp_path / "clean", TEMPLATES, mode="cold"))
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {p.relative_to(tmp_path / "clean"): p.read_bytes()
                     for p in (tmp_path / "clean").rglob("*") if p.is_file()}


def test_decision_text_is_escaped_not_run(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("council: Essex County Council", 'council: "Essex <script>alert(1)</script> Council"', 1)
    text = text.replace("## The complaint", "## The complaint\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1))", 1)
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    for page in ["/decisions/24-001-566/", "/councils/", "/"]:
        html = file_for(out, page).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html
    page = soup(out, "/decisions/24-001-566/")
    assert page.h1.get_text() == "Essex <script>alert(1)</script> Council (24 001 566)"
    assert "<img src=x onerror=alert(1)>" in page.select_one("#decision-text").get_text()


def test_site_settings_change_bands_and_unknown_settings_fail(content_copy: Path, tmp_path: Path) -> None:
    (content_copy / "site.yaml").write_text(
        "title: Training digest\nremedy_bands:\n  - {name: None, max: 0}\n  - {name: Some, max: 300}\n"
        "  - {name: Lots}\n", encoding="utf-8")
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    assert soup(out, "/").title.get_text() == "Training digest"
    assert {a.get_text() for a in soup(out, "/remedies/").select(".term-counts a")} == {"None", "Some", "Lots"}
    lots = {a["href"] for a in soup(out, "/remedies/lots/").select(".entry-title a")}
    assert lots == {"/decisions/24-013-077/", "/decisions/25-006-373/"}     # £500 and £450; Cornwall's £300 is "Some"
    (content_copy / "site.yaml").write_text("titel: Typo\n", encoding="utf-8")
    with pytest.raises(ContentError, match="unknown setting 'titel'"):
        build(BuildRequest(content_copy, out, TEMPLATES))


@pytest.mark.parametrize("value, problem", [
    ("ehcp", "not 'ehcp'"),
    ("[[ehcp]]", "item 1: ['ehcp']"),
    ("[[ehcp, ehc plan], {a: b}]", "item 2: {'a': 'b'}"),
    ("[[ehcp, '--']]", "item 1: '--' has no letters or digits"),
    ("[[ehcp, [ehc plan]]]", "item 1: ['ehcp', ['ehc plan']]"),
])
def test_search_equivalents_are_checked_with_a_one_line_error(content_copy: Path, value: str, problem: str) -> None:
    settings = content_copy / "site.yaml"
    settings.write_text(f"search_equivalents: {value}\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_config(content_copy)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(settings))
    assert "search_equivalents must be a list of lists, each of two or more words or phrases" in message
    assert problem in message


def test_search_equivalents_reach_the_index(content_copy: Path, tmp_path: Path) -> None:
    (content_copy / "site.yaml").write_text("search_equivalents:\n  - [Rubbish, Refuse and recycling, 2]\n",
                                            encoding="utf-8")
    assert load_config(content_copy).search_equivalents == (("Rubbish", "Refuse and recycling", "2"),)
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    manifest = json.loads((tmp_path / "site" / "search" / "index.json").read_text(encoding="utf-8"))
    assert manifest["equivalents"][-1] == ["rubbish", "refuse and recycling", "2"]
    assert ["ehcp", "ehc plan", "education health and care plan"] in manifest["equivalents"]


def test_template_syntax_error_names_the_template_and_line(content_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "term.html").write_text("{% extends 'base.html' %}\n{% block content %}{{ term.name }\n", encoding="utf-8")
    with pytest.raises(BuildErrors) as caught:
        build(BuildRequest(content_copy, tmp_path / "site", templates))
    assert str(caught.value).startswith(f"{templates / 'term.html'}:2:")


def test_every_facts_link_leads_to_its_index_page_in_every_band(content_copy: Path, tmp_path: Path) -> None:
    """A decision in each remedy band (thousands included) links to a band page that exists."""
    template = (content_copy / "decisions" / "24-001-566.md").read_text(encoding="utf-8")
    for number, total in enumerate([0, 120, 400, 1000, 1500, 25000]):
        text = template.replace('"24 001 566"', f'"24 900 {number:03d}"').replace("  total: 200", f"  total: {total}")
        (content_copy / "decisions" / f"24-900-{number:03d}.md").write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    for number in range(6):
        page = soup(out, f"/decisions/24-900-{number:03d}/")
        band_link = page.select_one("#facts > div:nth-of-type(6) dd a")["href"]
        assert file_for(out, band_link).is_file(), band_link
    assert broken_links(out) == []


@pytest.mark.parametrize(("name", "before", "after"), [
    ("24-001-566", "category: Children's care services", "category: Children’s care services"),
    ("24-001-146", "council: West Northamptonshire Council", "council: ESSEX COUNTY COUNCIL"),   # as 24-001-566's
])
def test_two_names_that_would_share_a_page_are_an_error_and_change_nothing(
        content_copy: Path, tmp_path: Path, name: str, before: str, after: str) -> None:
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    site = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    edited = content_copy / "decisions" / f"{name}.md"
    assert before in edited.read_text(encoding="utf-8")
    edited.write_text(edited.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
    with pytest.raises(DigestError) as caught:
        build(BuildRequest(content_copy, out, TEMPLATES))
    message = str(caught.value)
    assert message.startswith(f"{edited}: ") or f"(in {edited})" in message
    assert "would share the page" in message and "write them the same way" in message
    assert site == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


def test_two_remedy_bands_that_would_share_a_page_are_an_error(content_copy: Path, tmp_path: Path) -> None:
    settings = content_copy / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "{name: £251 to £500, max: 500}" in text
    settings.write_text(text.replace("{name: £251 to £500, max: 500}", "{name: UP TO £250, max: 500}"),
                        encoding="utf-8")
    with pytest.raises((BuildErrors, DigestError)) as caught:
        build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    assert "would share one page" in str(caught.value)
    assert not (tmp_path / "site").exists()


def test_two_output_folders_in_one_parent_keep_states_of_their_own(content_copy: Path, tmp_path: Path) -> None:
    """Content B into p/siteB, then content A into p/siteA, then each again: each folder has its own state
    (beside it, named for it), nothing is rebuilt for nothing, and every site equals a clean build."""
    other = tmp_path / "other"
    shutil.copytree(content_copy, other)
    (other / "decisions" / "24-001-146.md").unlink()
    parent = tmp_path / "p"
    build(BuildRequest(other, parent / "siteB", TEMPLATES))
    build(BuildRequest(content_copy, parent / "siteA", TEMPLATES))
    assert state_folder(parent / "siteA") != state_folder(parent / "siteB")
    assert state_folder(parent / "siteA").parent == parent / ".digest-cache"
    again = build(BuildRequest(other, parent / "siteB", TEMPLATES))
    assert again.written == 0 and again.unchanged > 0
    build(BuildRequest(content_copy, tmp_path / "clean", TEMPLATES, mode="cold"))
    assert tree_bytes(parent / "siteA") == tree_bytes(tmp_path / "clean")


def test_a_state_made_for_other_content_is_not_used(content_copy: Path, tmp_path: Path) -> None:
    """The same output folder built from other content: the saved state names the content it was made
    for, so the build starts cold instead of trusting it."""
    other = tmp_path / "other"
    shutil.copytree(content_copy, other)
    (other / "decisions" / "24-001-146.md").unlink()
    out = tmp_path / "site"
    build(BuildRequest(other, out, TEMPLATES))
    switched = build(BuildRequest(content_copy, out, TEMPLATES))
    assert switched.rendered > 0 and (out / "decisions" / "24-001-146" / "index.html").is_file()
    build(BuildRequest(content_copy, tmp_path / "clean", TEMPLATES, mode="cold"))
    assert tree_bytes(out) == tree_bytes(tmp_path / "clean")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
