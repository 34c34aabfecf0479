"""Third-party text is shown as text everywhere: pages, indexes, feed, search. Checked in real Chromium."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.build import BuildRequest, build

from .browser import StaticServer
from .conftest import CONTENT, TEMPLATES
from .sitecheck import soup

IMG = '"><img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=2</script>"
JINJA = "{{ 7 * 7 }}{% if true %}x{% endif %}"
HOSTILE_FILE = f"""\
---
reference: "24 999 999"
council: 'Hostile {IMG} Council'
category: 'Planning {SCRIPT}'
subcategory: 'Enforcement {JINJA}'
outcome: Upheld
decision_date: 2025-06-01
summary: 'Mr Z complained zzhostile {SCRIPT} {IMG} {JINJA}.'
remedy:
  total: 300
  payments:
  - amount: 300
    purpose: 'distress {IMG}'
  apology: true
  service_improvements: false
  actions:
  - 'pay {SCRIPT}'
  deadline: 'within {IMG} weeks'
  note: null
decided_by: 'Investigator {SCRIPT}'
source: hostile.txt
lgsco_url: null
aliases: []
needs_review: []
---

## The complaint {SCRIPT}

1. zzhostile paragraph {IMG} and {SCRIPT} and {JINJA}.
2. Links: [one](javascript:window.__pwned=3) [two](JaVaScRiPt:window.__pwned=4) [three](data:text/html,x) [four](vbscript:x) [safe](https://www.lgo.org.uk/) [mail](mailto:a@b.c) [local](/councils/)
3. <a href="javascript:window.__pwned=5">raw link</a> <iframe src="javascript:window.__pwned=6"></iframe>
"""
PAGES = ["/decisions/24-999-999/", "/", "/councils/", "/councils/hostile-img-src-x-onerror-window-pwned-1-council/",
         "/categories/", "/categories/planning-script-window-pwned-2-script/", "/outcomes/upheld/",
         "/remedies/251-to-500/"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(CONTENT, root / "content")
    (root / "content/decisions/24-999-999.md").write_text(HOSTILE_FILE, encoding="utf-8")
    build(BuildRequest(root / "content", root / "site", TEMPLATES))
    return root / "site"


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path):
    server = StaticServer(hostile_site)
    yield server.url
    server.close()


def test_no_markup_from_the_text_reaches_any_page(hostile_site: Path) -> None:
    for url in PAGES:
        page = soup(hostile_site, url)
        assert not page.find("img", src="x"), url
        assert not [s for s in page.find_all("script") if "__pwned" in s.get_text()], url
        assert not page.find("iframe"), url
        assert not [a for a in page.find_all("a", href=True) if a["href"].lower().startswith(("javascript", "data", "vbscript"))], url
    decision = soup(hostile_site, "/decisions/24-999-999/")
    assert decision.h1.get_text() == f"Hostile {IMG} Council (24 999 999)"
    text = decision.select_one("#decision-text").get_text()
    assert f"zzhostile paragraph {IMG} and {SCRIPT} and {JINJA}." in text      # shown as written, not run
    links = {a.get_text(): a.get("href") for a in decision.select("#para-2 a:not(.para-num)")}
    assert links == {"safe": "https://www.lgo.org.uk/", "mail": "mailto:a@b.c", "local": "/councils/"}


def test_feed_and_search_data_carry_the_text_as_text(hostile_site: Path) -> None:
    feed = ET.parse(hostile_site / "feed.xml").getroot()
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert f"Hostile {IMG} Council (24 999 999)" in titles
    raw = (hostile_site / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw and "<img" not in raw
    index_text = "".join(p.read_text(encoding="utf-8") for p in (hostile_site / "search").rglob("*.json"))
    assert "zzhostile" in index_text
    for path in (hostile_site / "search").rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))       # still valid JSON


@pytest.mark.parametrize("url", PAGES + ["/search/?q=zzhostile"])
def test_no_script_runs_in_chromium(guarded_page, hostile_url: str, url: str) -> None:
    page = guarded_page(hostile_url)
    page.goto(hostile_url + url)
    page.wait_for_load_state("networkidle")
    if url.startswith("/search/"):
        page.wait_for_selector("html[data-search-ready]")
        assert "Hostile" in page.inner_text("main")
    assert page.evaluate("window.__pwned") is None
    for link in page.query_selector_all("a"):
        href = (link.get_attribute("href") or "").strip().lower()
        assert not href.startswith(("javascript", "data", "vbscript"))
