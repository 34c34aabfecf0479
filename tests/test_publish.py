"""Publish-ready: lasting links, redirects, previews, feeds, data downloads, charts and Netlify settings."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build import BuildRequest, build
from generator.content.folder import load_decisions
from generator.content.format import KEYS
from generator.site.host_rules import Routed, route, rules_in
from generator.site.redirects import short_form_rules
from generator.content.settings import load_config
from generator.site.assets import fingerprint
from generator.site.charts import BAR_WIDTH, LABEL_MAX, count_chart, text_width, year_counts
from generator.site.entries import make_entries
from generator.site.indexes import make_taxonomies
from generator.site.pages import plan_pages
from generator.site.templates import make_environment

from .browser import NETLIFY, wait_for
from .conftest import CONTENT, TEMPLATES
from .pin_urls import GOLDEN
from .sitecheck import file_for, follow, html_pages, soup, url_of

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://decisions-digest.netlify.app"


# ------------------------------------------------------------ links that last

def test_no_published_address_breaks(built_site: Path) -> None:
    """Every pinned page and anchor still answers, directly or through a redirect (an alias, a moved index
    page), and the anchor is on the page served."""
    broken = []
    for url in GOLDEN.read_text(encoding="utf-8").split():
        path, _, anchor = url.partition("#")
        hops, served = follow(built_site, path)
        if served is None or any(status != 301 for status, _ in hops) or (
                anchor and not soup(built_site, url_of(built_site, served)).find(id=anchor)):
            broken.append(url)
    assert broken == [], ("these published links would break: add the old slug to `aliases:` or a redirect; "
                          "if the change is intended, refresh the list with `python -m tests.pin_urls`")


def test_short_forms_and_former_slugs_redirect_permanently(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    path.write_text(path.read_text(encoding="utf-8").replace("aliases: []", "aliases: [24-001-565]"), encoding="utf-8")
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    site = tmp_path / "site"
    for source in ("/24-001-566", "/24-001-566/", "/24001566", "/24001566/", "/decisions/24001566",
                   "/decisions/24001566/", "/decisions/24-001-565/", "/decisions/24-001-565", "/24-001-565",
                   "/24001565", "/decisions/24001565/"):
        hops, served = follow(site, source)
        assert hops and all(status == 301 for status, _ in hops), (source, hops)
        assert hops[-1][1].rstrip("/") == "/decisions/24-001-566", (source, hops)
        assert served == site / "decisions" / "24-001-566" / "index.html", source
    assert follow(site, "/decisions/24-001-566/") == ([], site / "decisions" / "24-001-566" / "index.html")
    for unknown in ("/24-001-999/", "/24001999", "/decisions/24001999/", "/decisions/24-001-999/", "/99001566"):
        assert follow(site, unknown)[1] is None, unknown


def test_the_rules_are_a_few_per_reference_year_and_group_not_per_decision(built_site: Path) -> None:
    """Five decisions in four year-and-group shards of two years: a short-form rule for each shard and
    year, none per decision."""
    rules = rules_in(built_site)
    assert [rule.line() for rule in rules] == [
        "/decisions/24001* /decisions/24-001-:splat 301", "/decisions/24012* /decisions/24-012-:splat 301",
        "/decisions/24013* /decisions/24-013-:splat 301", "/decisions/25006* /decisions/25-006-:splat 301",
        "/24* /decisions/24:splat 301", "/25* /decisions/25:splat 301"]


def test_joint_case_suffix_keeps_its_letter() -> None:
    rules = list(short_form_rules(["17-002-402b", "17-002-402"]))
    assert route(rules, "/17002402b") == Routed("/decisions/17002402b", 301)
    assert route(rules, "/decisions/17002402b/") == Routed("/decisions/17-002-402b/", 301)
    assert route(rules, "/17-002-402b") == Routed("/decisions/17-002-402b", 301)
    assert short_form_rules([]) == ()


def test_every_page_previews_well_when_pasted(built_site: Path) -> None:
    for page_path in html_pages(built_site):
        url = url_of(built_site, page_path)
        page = soup(built_site, url)
        meta = {tag.get("property") or tag.get("name"): tag.get("content") for tag in page.find_all("meta")}
        canonical = page.find("link", rel="canonical")["href"]
        assert canonical == BASE + (url if url != "/404.html" else "/404.html"), url
        assert meta["og:url"] == canonical and meta["og:site_name"] == "Decisions Digest"
        assert meta["og:title"] == page.title.get_text() == meta["twitter:title"]
        assert meta["og:description"] and meta["og:description"] == meta["twitter:description"] == meta["description"]
        assert meta["twitter:card"] == "summary"
    decision = soup(built_site, "/decisions/24-001-566/")
    assert decision.find("meta", property="og:type")["content"] == "article"
    assert decision.find("meta", property="og:description")["content"].startswith("Mrs X complained the Council")


def test_a_deploy_preview_links_to_itself(content_copy: Path, tmp_path: Path) -> None:
    from .test_cli import digest
    preview = "https://deploy-preview-12--decisions-digest.netlify.app"
    result = digest("build", "--content", content_copy, "--out", tmp_path / "site", "--base-url", preview + "/")
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "site", "/decisions/24-001-566/")
    assert page.find("link", rel="canonical")["href"] == preview + "/decisions/24-001-566/"
    assert f"<loc>{preview}/</loc>" in (tmp_path / "site/sitemap.xml").read_text(encoding="utf-8")
    assert f'href="{preview}/feed.xml"' in (tmp_path / "site/feed.xml").read_text(encoding="utf-8")


def test_the_ombudsman_link_is_shown_when_known(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-012-183.md"
    url = "https://www.lgo.org.uk/decisions/children-s-care-services/other/24-012-183"
    path.write_text(path.read_text(encoding="utf-8").replace("lgsco_url: null", f"lgsco_url: {url}"), encoding="utf-8")
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    links = soup(tmp_path / "site", "/decisions/24-012-183/").find_all("a", href=url)
    assert [link.get_text(" ", strip=True) for link in links] == ["Read the original on the Ombudsman’s site"]
    assert soup(tmp_path / "site", "/decisions/24-013-077/").find(string=re.compile("Read the original")) is None


# ------------------------------------------------------------ feeds

def check_atom(path: Path, site: Path) -> list[ET.Element]:
    """The elements RFC 4287 requires, absolute links, and entries that point at pages that exist."""
    feed = ET.parse(path).getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text, name
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == BASE + "/" + path.relative_to(site).as_posix()
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        href = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert href.startswith(BASE) and file_for(site, href.removeprefix(BASE)).is_file()
        assert entry.find(f"{ATOM}updated").text.endswith("Z")
    return entries


def test_every_index_page_has_its_own_valid_feed(built_site: Path) -> None:
    assert len(check_atom(built_site / "feed.xml", built_site)) == 5
    for kind in ("councils", "categories", "remedies", "outcomes"):
        for page_path in (built_site / kind).glob("*/index.html"):
            url = url_of(built_site, page_path)
            page = soup(built_site, url)
            alternate = page.find("link", rel="alternate", href=f"{url}feed.xml")
            assert alternate is not None and alternate["type"] == "application/atom+xml", url
            entries = check_atom(file_for(built_site, f"{url}feed.xml"), built_site)
            assert len(entries) == len(page.select(".entry")), url
    essex = ET.parse(built_site / "councils/essex-county-council/feed.xml").getroot()
    assert [e.find(f"{ATOM}title").text for e in essex.findall(f"{ATOM}entry")] == ["Essex County Council (24 001 566)"]


# ------------------------------------------------------------ data downloads

def test_data_downloads_carry_every_front_matter_field(built_site: Path) -> None:
    data = json.loads((built_site / "decisions.json").read_text(encoding="utf-8"))
    records = {record["reference"]: record for record in data["decisions"]}
    assert len(records) == 5
    essex = records["24 001 566"]
    assert set(KEYS) <= set(essex)
    assert essex["url"] == BASE + "/decisions/24-001-566/"
    assert essex["decision_date"] == "2025-01-14" and essex["remedy"]["total"] == 200
    assert essex["remedy"]["payments"][0]["amount"] == 200 and essex["remedy"]["band"] == "Up to £250"
    assert (built_site / "decisions.csv").read_bytes().startswith(b"\xef\xbb\xbfreference,url,")  # Excel's UTF-8
    rows = list(csv.DictReader(io.StringIO((built_site / "decisions.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 5
    row = next(r for r in rows if r["reference"] == "24 001 566")
    assert row["remedy_total"] == "200" and row["remedy_apology"] == "yes" and row["outcome"] == "Upheld"
    assert row["remedy_band"] == "Up to £250"
    assert {key for key in KEYS if key != "remedy"} <= set(row)
    about = soup(built_site, "/about/")
    assert about.find("a", href="/decisions.csv") and about.find("a", href="/decisions.json")
    assert "Local Government and Social Care Ombudsman" in about.select_one("#source").find_next("p").get_text()


NOTE = "(not printed in the statement; inferred from its text)"


def test_facts_inferred_rather_than_printed_are_marked_wherever_they_show(built_site: Path) -> None:
    """24 012 183 prints no metadata: its category and outcome were inferred; 24 001 566 prints them all."""
    facts = soup(built_site, "/decisions/24-012-183/").select_one("#facts")
    marked = {tag["data-inferred"]: tag.get_text() for tag in facts.select("[data-inferred]")}
    assert marked == {"category": "Children's care services", "outcome": "Upheld"}
    for name in marked:
        value = facts.select_one(f'[data-inferred="{name}"]')
        assert value.find_next_sibling("span", class_="inferred-note").get_text() == NOTE
    printed = soup(built_site, "/decisions/24-001-566/")
    assert printed.select("[data-inferred]") == [] and printed.select(".inferred-note") == []
    listed = soup(built_site, "/councils/cornwall-council/").select_one(".entry-meta [data-inferred]")
    assert listed["data-inferred"] == "outcome" and listed.get_text(" ", strip=True) == f"Upheld {NOTE}"


def test_the_downloads_label_inferred_facts_and_the_new_remedy_keys(built_site: Path) -> None:
    records = {r["reference"]: r for r in json.loads((built_site / "decisions.json").read_text())["decisions"]}
    assert records["24 012 183"]["inferred"] == ["category", "outcome"]
    assert records["24 001 566"]["inferred"] == []
    assert records["24 012 183"]["remedy"]["payments"][0]["state"] == "offered"
    assert records["24 001 566"]["remedy"]["payments"][0]["state"] == "agreed"
    assert all(r["remedy"]["waived"] == [] for r in records.values())
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO((built_site / "decisions.csv").read_text(encoding="utf-8-sig")))}
    assert rows["24 012 183"]["inferred"] == "category outcome" and rows["24 001 566"]["inferred"] == ""
    assert rows["24 012 183"]["remedy_payments"] == "£300 for the distress he was caused (offered)"
    assert rows["24 001 566"]["remedy_waived"] == ""


def test_a_waived_sum_and_a_payment_state_show_in_the_facts(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    path.write_text(path.read_text(encoding="utf-8").replace("  apology: true", "  waived:\n  - amount: 346.2\n"
                    "    purpose: the charges for cancelled visits\n  apology: true").replace(
                    "    purpose: the uncertainty", "    state: recommended\n    purpose: the uncertainty"),
                    encoding="utf-8")
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    parts = [li.get_text(" ", strip=True) for li in soup(tmp_path / "site", "/decisions/24-001-566/")
             .select(".remedy-parts li")]
    assert parts[0].endswith("(recommended by the Ombudsman)")
    assert parts[1] == "£346.20 refunded or written off: the charges for cancelled visits (not counted in the total)"
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO((tmp_path / "site/decisions.csv").read_text(encoding="utf-8-sig")))}
    assert rows["24 001 566"]["remedy_waived"] == "£346.2 for the charges for cancelled visits"
    assert rows["24 001 566"]["remedy_total"] == "200"


def test_the_json_download_has_one_decision_a_line(built_site: Path) -> None:
    text = (built_site / "decisions.json").read_text(encoding="utf-8")
    lines = text.splitlines()
    records = json.loads(text)["decisions"]
    assert len(lines) == len(records) + 2
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records


def test_spreadsheet_formulas_in_text_are_neutralised(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'summary: "Mrs X', 'summary: "=HYPERLINK(\\"http://x\\")Mrs X', 1), encoding="utf-8")
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "site/decisions.csv").read_text(encoding="utf-8-sig"))))
    summary = next(r for r in rows if r["reference"] == "24 001 566")["summary"]
    assert summary.startswith("'=HYPERLINK")


# ------------------------------------------------------------ charts

def test_home_and_council_pages_carry_charts_with_their_numbers(built_site: Path) -> None:
    home = soup(built_site, "/")
    charts = home.select("figure.chart")
    assert [c.figcaption.get_text() for c in charts] == [
        "Decisions by remedy band", "Decisions by outcome", "Decisions by year of decision"]
    bands = {row.th.get_text(): row.td.get_text() for row in charts[0].select("tbody tr")}
    assert bands == {"No financial remedy": "1", "Up to £250": "1", "£251 to £500": "3", "£501 to £1,000": "0",
                     "£1,001 to £5,000": "0", "Over £5,000": "0"}
    years = {row.th.get_text(): row.td.get_text() for row in charts[2].select("tbody tr")}
    assert years == {"2025": "2", "Date not printed": "3"}
    assert all(chart.find("svg") for chart in charts)
    council = soup(built_site, "/councils/essex-county-council/").select_one("figure.chart")
    row = next(r for r in council.select("tbody tr") if r.th.get_text() == "Up to £250")
    assert [td.get_text() for td in row.select("td")] == ["100% (1)", "20% (1)"]


def test_charts_scale_from_five_decisions_to_twenty_thousand() -> None:
    chart = count_chart("c", "Big", [("A", 20_000, None), ("B", 7, None), ("C", 0, None)])
    lengths = [bar.length for bar in chart.bars]
    assert lengths[0] == BAR_WIDTH and 0 < lengths[1] < 1 and lengths[2] == 0
    assert [bar.text for bar in chart.bars] == ["20,000", "7", "0"]
    assert count_chart("c", "Empty", []).bars == ()

    class Stub:
        def __init__(self, day):
            self.decision = type("D", (), {"decision_date": day})
    counts = year_counts([Stub(date(2019, 5, 1)), Stub(date(2022, 1, 1)), Stub(None)])
    assert [(label, count) for label, count, _ in counts] == [
        ("2019", 1), ("2020", 0), ("2021", 0), ("2022", 1), ("Date not printed", 1)]


# ------------------------------------------------------------ Netlify

def test_netlify_settings() -> None:
    config = tomllib.loads(NETLIFY.read_text(encoding="utf-8"))
    assert config["build"]["publish"] == "site" and "digest build" in config["build"]["command"]
    assert config["build"]["environment"]["PYTHON_VERSION"] == "3.11"
    assert "--base-url \"$DEPLOY_PRIME_URL\"" in config["context"]["deploy-preview"]["command"]
    assert {"from": "/*", "to": "/404.html", "status": 404} in config["redirects"]
    headers = {rule["for"]: rule["values"] for rule in config["headers"]}
    csp = dict(part.strip().split(" ", 1) for part in headers["/*"]["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'none'"
    assert headers["/*"]["X-Content-Type-Options"] == "nosniff" and headers["/*"]["Referrer-Policy"]
    assert headers["/assets/*"]["Cache-Control"] == "public, max-age=31536000, immutable"
    for pattern in ("/", "/*/", "/*.json", "/*.xml", "/search/*"):
        assert headers[pattern]["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_no_inline_script_and_assets_are_fingerprinted(built_site: Path) -> None:
    for page_path in html_pages(built_site):
        page = soup(built_site, url_of(built_site, page_path))
        for script in page.find_all("script"):
            assert script.get("src", "").startswith("/assets/") and not script.get_text().strip()
        for sheet in page.find_all("link", rel="stylesheet"):
            assert sheet["href"].startswith("/assets/")
        assert not page.find(style=True) and not page.find("style")


# ------------------------------------------------------------ copying links and citations

def test_copy_citation_for_a_paragraph(guarded_page, site_url: str) -> None:
    page = guarded_page(site_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(site_url + "/decisions/24-001-566/#para-12")
    assert page.inner_text("#cite .cite-text") == "Essex County Council (24 001 566), para 12"
    page.click("#para-12 > .copy-cite")
    expected = f"Essex County Council (24 001 566), para 12 — {BASE}/decisions/24-001-566/#para-12"
    wait_for(page, "document.querySelector('#para-12 > .copy-status').textContent.length > 0")
    assert page.inner_text("#para-12 > .copy-status") == "Citation copied: " + expected
    assert page.evaluate("navigator.clipboard.readText()") == expected
    page.click("#para-3 > a.para-num")
    wait_for(page, "document.querySelector('#para-3 > .copy-status').textContent.includes('paragraph 3')")
    assert page.evaluate("navigator.clipboard.readText()") == f"{BASE}/decisions/24-001-566/#para-3"
    assert page.url.endswith("#para-3")
    page.click("#agreed-action > .copy-cite")
    wait_for(page, "document.querySelector('#agreed-action > .copy-status').textContent.includes('Agreed action')")
    assert page.evaluate("navigator.clipboard.readText()") == \
        f"Essex County Council (24 001 566), Agreed action — {BASE}/decisions/24-001-566/#agreed-action"


@pytest.mark.parametrize("url, width, height", [
    ("/decisions/24-001-566/#para-8", 1280, 900), ("/decisions/24-001-566/?hl=complaint#para-8", 375, 740),
    ("/decisions/24-001-566/#what-i-found", 1280, 900),
])
def test_a_targeted_paragraph_lands_with_room_above_it(guarded_page, site_url: str, url: str, width: int,
                                                       height: int) -> None:
    """Followed from a link (or a search), paragraph 8 is not flush with the window's top: its highlight is
    whole, with room above it, and the page has scrolled to it."""
    page = guarded_page(site_url, width=width, height=height)
    page.goto(site_url + url)
    if "hl=" in url:
        page.wait_for_selector("html[data-search-marks]", state="attached")
    target = url.rpartition("#")[2]
    top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", target)
    outline = page.evaluate("id => parseFloat(getComputedStyle(document.getElementById(id)).outlineWidth)", target)
    assert page.evaluate("window.scrollY") > 0
    assert 16 <= top - outline and top <= 48, (top, outline)


def test_an_output_folder_that_is_a_mount_point_is_built_in_place(content_copy: Path, tmp_path: Path) -> None:
    """A mount point cannot be renamed or swapped, and files cannot be renamed into it from outside: its
    files are copied in beside their places and renamed there."""
    out = tmp_path / "site"
    out.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=50M", "tmpfs", str(out)], capture_output=True).returncode:
        pytest.skip("cannot mount a file system here (needs root)")
    try:
        for clean in (True, True, False):
            build(BuildRequest(content_copy, out, TEMPLATES, mode="cold" if clean else "incremental"))
            edited = content_copy / "decisions" / "24-001-566.md"
            edited.write_text(edited.read_text(encoding="utf-8").replace("\n1. ", "\n1. Quagmire. ", 1),
                              encoding="utf-8")
        build(BuildRequest(content_copy, out, TEMPLATES))
        assert os.path.ismount(out)
        build(BuildRequest(content_copy, tmp_path / "clean", TEMPLATES, mode="cold"))
        files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert files == {p.relative_to(tmp_path / "clean"): p.read_bytes()
                         for p in (tmp_path / "clean").rglob("*") if p.is_file()}
    finally:
        subprocess.run(["umount", str(out)], check=True)


# ------------------------------------------------------------ numbers

def pages_in_memory(councils: list[str]) -> dict[str, str]:
    """Every page but the decisions' own, rendered in memory (quick) for one decision of each council named
    (the seed 24 001 566, under other references): path -> HTML."""
    config = load_config(CONTENT)
    seed = next(d for d in load_decisions(CONTENT).facts if d.reference == "24 001 566")
    decisions = [replace(seed, reference=f"24 {n // 1000:03d} {n % 1000:03d}", council=council)
                 for n, council in enumerate(councils)]
    entries = make_entries(decisions, config)
    env = make_environment(TEMPLATES, fingerprint(TEMPLATES / "static"))
    return {page.path: page.text for planned in plan_pages(env, config, entries, make_taxonomies(entries, config))
            for page in planned.make() if page.path.endswith(".html")}


def test_every_count_is_written_one_way() -> None:
    """1,200 decisions of one council: each page that counts them writes 1,200, never 1200 (the charts,
    search and money already wrote theirs with a comma)."""
    pages = {path: re.sub(r"<(?!meta )[^>]*>", " ", html)           # the text, and the meta descriptions
             for path, html in pages_in_memory(["Essex County Council"] * 1200).items()}
    for path in ("index.html", "about/index.html", "councils/index.html", "councils/essex-county-council/index.html",
                 "outcomes/index.html", "outcomes/upheld/index.html", "remedies/up-to-250/index.html"):
        assert "1,200" in pages[path], path
    assert [path for path, text in pages.items() if re.search(r"\b1200\b", text)] == []


def test_the_home_page_lists_the_busiest_councils_and_links_to_them_all() -> None:
    """Hundreds of councils would make the home page a list of them: it shows the 12 with the most
    decisions, busiest first, and links to the A to Z; a short index is listed whole, as it was."""
    councils = [f"Council {n:02d}" for n in range(20) for _ in range(n + 1)]        # Council 19 has 20
    home = BeautifulSoup(pages_in_memory(councils)["index.html"], "html.parser")
    section = home.find("h3", string="Councils").parent
    assert [a.get_text() for a in section.select("li a")] == [f"Council {n:02d}" for n in range(19, 7, -1)]
    assert section.select_one(".shortlist-note a")["href"] == "/councils/"
    assert "all 20, A\xa0to\xa0Z" in section.select_one(".shortlist-note").get_text()
    outcomes = home.find("h3", string="Outcomes").parent
    assert [a.get_text() for a in outcomes.select("li a")] == ["Upheld"] and not outcomes.select(".shortlist-note")


def test_a_label_too_long_for_any_chart_is_cut_and_the_table_keeps_it_whole() -> None:
    long = "Payments agreed after the final decision, in instalments over several years"
    chart = count_chart("c", "Long", [(long, 3, None), ("Short", 1, None)])
    assert chart.label_width == LABEL_MAX and chart.rows[0].label == long
    cut = chart.bars[0].label
    assert cut.endswith("…") and long.startswith(cut[:-1]) and text_width(cut) <= LABEL_MAX
    assert chart.bars[1].label == "Short"
    assert count_chart("c", "Years", [("2024", 1, None)]).label_width < 60       # no wider than it needs
