"""The search page (/search/) in real headless Chromium.

The built site is served by a real http.server on a localhost port, with a
strict Content-Security-Policy, and every request that would leave the site
is blocked and reported. Expected results are worked out from the site's own
search/index.json, so the tests follow whatever the seed decisions say.
"""
from __future__ import annotations

import functools
import json
import re
import shutil
import threading
import unicodedata
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'")

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")          # letters/digits, inner apostrophes
NOT_AFTER_WORD = r"(?<![^\W_])"
NOT_BEFORE_WORD = r"(?![^\W_])"
QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
})
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


# ---------------------------------------------------------------- helpers (Python side)

def fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(QUOTES).lower()


def fields(d: dict) -> list[str]:
    """Every searchable field of a decision, folded, one string per field."""
    raw = [d["title"], d["council"], d["reference"], d["summary"], d.get("category"),
           d.get("subcategory")] + [p[1] for p in d.get("paragraphs", [])]
    return [fold(x) for x in raw if x]


def matching(decisions: list[dict], pattern: str) -> list[dict]:
    rx = re.compile(pattern)
    return [d for d in decisions if any(rx.search(f) for f in fields(d))]


def as_word(w: str) -> str:
    return NOT_AFTER_WORD + re.escape(w) + NOT_BEFORE_WORD


def as_prefix(w: str) -> str:
    return NOT_AFTER_WORD + re.escape(w)


def long_words(decisions: list[dict], min_len: int = 6) -> list[str]:
    found = set()
    for d in decisions:
        for f in fields(d):
            found.update(w for w in WORD.findall(f) if w.isascii() and w.isalpha() and len(w) >= min_len)
    return sorted(found)


def pretty_date(iso: str | None) -> str:
    if not iso:
        return "Date not printed"
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d} {MONTHS[m - 1]} {y}"


def status_for(n: int) -> str:
    return {0: "No decisions match", 1: "1 decision matches"}.get(n, f"{n} decisions match")


# ---------------------------------------------------------------- fixtures

class _QuietHandler(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):
        pass


class _Server:
    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def index(built_site) -> dict:
    return json.loads((Path(built_site) / "search" / "index.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def decisions(index) -> list[dict]:
    assert index["decisions"], "the built site has no decisions to search"
    return index["decisions"]


@pytest.fixture(scope="module")
def site_url(built_site):
    server = _Server(Path(built_site))
    yield server.url
    server.close()


HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def custom_url(built_site, tmp_path_factory):
    """The built search page and assets over an index written here, to pin down
    ranking, dates and hostile text exactly."""
    root = tmp_path_factory.mktemp("custom-site")
    shutil.copytree(Path(built_site) / "static", root / "static")
    (root / "search").mkdir()
    shutil.copy(Path(built_site) / "search" / "index.html", root / "search" / "index.html")

    def dec(slug, council, date, summary, paragraphs, outcome="Upheld", band="No financial remedy"):
        ref = slug.replace("-", " ")
        return {"slug": slug, "url": f"/decisions/{slug}/", "title": f"{council} ({ref})",
                "reference": ref, "council": council, "category": "Planning", "subcategory": None,
                "outcome": outcome, "date": date, "year": int(date[:4]) if date else None,
                "band": band, "total": 0, "summary": summary,
                "paragraphs": [[i + 1, t] for i, t in enumerate(paragraphs)]}

    data = {
        "version": 1,
        "bands": ["No financial remedy", "Up to £250"],
        "outcomes": ["Upheld", "Not upheld", "Closed after initial enquiries"],
        "decisions": [
            dec("90-000-001", "Newton Borough Council", "2025-06-02",
                "Mr Q complained about hedges. He was unhappy.",
                ["The Council mentioned Kingsbury twice: Kingsbury and Kingsbury again.",
                 "Nothing about the marsh here."]),
            dec("90-000-002", "Kingsbury District Council", "2024-02-29",
                "Mrs R complained about the marsh. The Council apologised.",
                ["The marsh flooded.", "Ending one paragraph with hedge", "trimming starts the next."]),
            dec("90-000-003", "Oldham Parish Council", "2023-01-01",
                "Kingsbury residents complained about noise. Nothing else.",
                ["Paragraph about noise and hedge trimming together."]),
            dec("90-000-004", "Eastfield Council", None,
                "Ms S complained " + HOSTILE + " about <script>window.__pwned=2</script> café signs.",
                ["The sign read " + HOSTILE + " and zzhostile text.",
                 "Café owners asked about the kingsbury rules."],
                outcome=None, band="Up to £250"),
        ],
    }
    (root / "search" / "index.json").write_text(json.dumps(data), encoding="utf-8")
    server = _Server(root)
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def make_page(browser):
    """new_page(base_url, width=1280, height=900) -> page that records trouble;
    after the test, asserts no script error, dialog, CSP violation or
    request to anywhere other than the site itself."""
    contexts = []
    trouble: list[str] = []

    def new_page(base_url: str, width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)

        def guard(route):
            url = route.request.url
            if url.startswith(base_url + "/"):
                route.continue_()
            else:
                trouble.append(f"request left the site: {url}")
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda e: trouble.append(f"page error: {e}"))

        def on_dialog(dialog):
            trouble.append(f"dialog opened: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("console", lambda m: trouble.append(f"console: {m.text}")
                if "Content Security Policy" in m.text else None)
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert not trouble, trouble


def open_search(page, base_url: str, query: str = ""):
    page.goto(base_url + "/search/" + query)
    page.wait_for_selector("html[data-search-ready=true]", timeout=10_000)
    return page


def result_titles(page) -> list[str]:
    return page.locator("#search-results > li .search-result-title a").all_text_contents()


def _wait_for_search_of(page, text: str):
    # The page records the query in the URL once it has shown its results.
    page.wait_for_function(
        "q => (new URLSearchParams(location.search).get('q') || '') === (q.trim() ? q : '')", arg=text)


def type_query(page, text: str):
    """Types into the box key by key, as a person would, and waits for the results."""
    box = page.get_by_role("searchbox", name="Search the decisions")
    box.click()
    box.press_sequentially(text, delay=15)
    _wait_for_search_of(page, box.input_value())


def set_query(page, text: str):
    page.get_by_role("searchbox", name="Search the decisions").fill(text)
    _wait_for_search_of(page, text)


def url_params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def facet_counts(page) -> dict[str, dict[str, dict]]:
    return page.evaluate("""() => {
      const out = {};
      for (const fs of document.querySelectorAll('fieldset.search-facet')) {
        const key = fs.id.replace('search-facet-', '');
        out[key] = {};
        for (const li of fs.querySelectorAll('.search-facet-option')) {
          const box = li.querySelector('input[type=checkbox]');
          out[key][box.value] = {
            count: parseInt(li.querySelector('.search-facet-count').textContent.replace(/[^0-9]/g, ''), 10),
            checked: box.checked, hidden: li.hidden };
        }
      }
      return out;
    }""")


# ---------------------------------------------------------------- the page as served

def test_page_markup_is_static_safe_and_has_a_noscript_fallback(built_site):
    html = (Path(built_site) / "search" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", attrs={"role": "search"})
    assert form is not None and form["action"] == "/search/" and form["method"].lower() == "get"
    box = form.find("input", attrs={"type": "search", "name": "q"})
    assert box is not None and soup.find("label", attrs={"for": box["id"]}) is not None
    status = soup.find(id="search-status")
    assert status is not None and status.get("aria-live") == "polite"
    noscript = soup.find("noscript")
    assert noscript is not None and "JavaScript" in noscript.get_text()
    links = {a["href"] for a in noscript.find_all("a")}
    assert {"/councils/", "/categories/", "/remedies/", "/outcomes/"} <= links
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith("/"), "inline or off-site script"
    assert soup.find_all(style=True) == [] and soup.find_all("style") == []
    assert soup.find("link", attrs={"href": "/static/search.css"}) is not None
    for tag in soup.find_all(["script", "img", "iframe"]):
        assert not re.match(r"^(https?:)?//", tag.get("src", ""))
    for tag in soup.find_all("link", rel="stylesheet"):
        assert tag["href"].startswith("/") and not tag["href"].startswith("//")


# ---------------------------------------------------------------- searching the built site

def test_browse_lists_every_decision_newest_first_with_dates(make_page, site_url, decisions):
    page = open_search(make_page(site_url), site_url)
    expect(page.locator("#search-status")).to_have_text(status_for(len(decisions)))
    first = decisions[:50]                            # the first page of results
    assert result_titles(page) == [d["title"] for d in first]
    dates = page.locator("#search-results > li .search-result-date").all_text_contents()
    assert dates == [pretty_date(d["date"]) for d in first]
    links = page.locator("#search-results > li .search-result-title a")
    assert [links.nth(i).get_attribute("href") for i in range(len(first))] == [d["url"] for d in first]
    assert page.locator("#search-results .search-result-snippet").count() == 0


def test_word_in_one_decision_finds_only_that_decision(make_page, site_url, decisions):
    # Typed last, a word matches as a prefix: pick one no other decision starts a word with.
    word, target = next((w, m[0]) for w in long_words(decisions, 7)
                        if len(m := matching(decisions, as_prefix(w))) == 1)
    page = open_search(make_page(site_url), site_url)
    type_query(page, word)
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    assert result_titles(page) == [target["title"]]
    page.wait_for_function("w => new URLSearchParams(location.search).get('q') === w", arg=word)


def test_last_word_matches_as_a_prefix_while_typing(make_page, site_url, decisions):
    whole = set(long_words(decisions, 1))
    choice = None
    for w in long_words(decisions, 7):
        for k in range(4, len(w)):
            p = w[:k]
            hits = matching(decisions, as_prefix(p))
            if p not in whole and 2 <= len(hits) < len(decisions):
                choice = (p, hits)
                break
        if choice:
            break
    assert choice, "no prefix in the data that is not a word of its own"
    prefix, hits = choice
    page = open_search(make_page(site_url), site_url)
    type_query(page, prefix)
    expect(page.locator("#search-status")).to_have_text(status_for(len(hits)))
    assert sorted(result_titles(page)) == sorted(d["title"] for d in hits)
    # A finished word (followed by a space) must match whole words only.
    page.keyboard.type(" ")
    _wait_for_search_of(page, prefix + " ")
    expect(page.locator("#search-status")).to_have_text("No decisions match")


def test_quoted_phrase_matches_exactly(make_page, site_url, decisions):
    choice = None
    for d in decisions:
        for f in fields(d):
            tokens = list(WORD.finditer(f))
            for t1, t2 in zip(tokens, tokens[1:]):
                a, b = t1.group(), t2.group()
                if not (a.isalpha() and b.isalpha() and len(a) >= 4 and len(b) >= 4):
                    continue
                if not f[t1.end():t2.start()].isspace():
                    continue
                exact = matching(decisions, as_word(a) + r"\s+" + re.escape(b) + NOT_BEFORE_WORD)
                loose = [x for x in matching(decisions, as_word(a)) if x in matching(decisions, as_prefix(b))]
                if len(exact) == 1 and len(loose) >= 2:
                    choice = (a, b, exact[0], loose)
                    break
            if choice:
                break
        if choice:
            break
    assert choice, "no two-word phrase in the data that narrows a search"
    a, b, target, loose = choice
    page = open_search(make_page(site_url), site_url)
    type_query(page, f"{a} {b}")
    expect(page.locator("#search-status")).to_have_text(status_for(len(loose)))
    set_query(page, "")
    type_query(page, f'"{a} {b}"')
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    assert result_titles(page) == [target["title"]]


def test_folding_of_case_accents_and_quotes(make_page, site_url, decisions):
    council = decisions[0]["council"]
    word = WORD.findall(fold(council))[0]
    page = open_search(make_page(site_url), site_url)
    type_query(page, word)
    plain = status_for(len(matching(decisions, as_prefix(word))))
    expect(page.locator("#search-status")).to_have_text(plain)
    # Upper case and an accent on the first letter still fold to the same word.
    accented = unicodedata.normalize("NFC", word[0].upper() + "\u0301" + word[1:].upper())
    set_query(page, accented)
    expect(page.locator("#search-status")).to_have_text(plain)
    # A curly apostrophe in the query matches a straight or curly one in the text.
    poss = next((w for w in long_words(decisions, 1) if re.fullmatch(r"[a-z]{4,}'s", w)), None)
    if poss:
        n = len(matching(decisions, as_word(poss)))
        set_query(page, poss.replace("'", "\u2019") + " ")
        expect(page.locator("#search-status")).to_have_text(status_for(n))


def test_filters_combine_and_count_the_other_facets(make_page, site_url, index, decisions):
    outcome = next(o for o in index["outcomes"] if 0 < sum(d["outcome"] == o for d in decisions) < len(decisions))
    chosen = [d for d in decisions if d["outcome"] == outcome]
    page = open_search(make_page(site_url), site_url)
    before = facet_counts(page)
    for band in index["bands"]:
        assert before["band"][band]["count"] == sum(d["band"] == band for d in decisions)

    box = page.get_by_role("group", name="Outcome").get_by_role(
        "checkbox", name=re.compile("^" + re.escape(outcome) + r" \(\d+\)$"))
    box.focus()
    page.keyboard.press("Space")                      # keyboard-usable
    expect(box).to_be_checked()
    expect(page.locator("#search-status")).to_have_text(status_for(len(chosen)))
    assert result_titles(page) == [d["title"] for d in chosen]
    assert url_params(page).get("outcome") == [outcome]

    after = facet_counts(page)
    for band in index["bands"]:                       # other facets count within the filter
        assert after["band"][band]["count"] == sum(d["band"] == band for d in chosen)
    for council, info in after["council"].items():
        assert info["count"] == sum(d["council"] == council for d in chosen)
    assert after["outcome"] == {k: {**v, "checked": k == outcome} for k, v in before["outcome"].items()}
    assert after["band"] != before["band"] or after["council"] != before["council"]

    # AND across facets: add a band that only some of the chosen decisions have, or none.
    band = chosen[0]["band"]
    both = [d for d in chosen if d["band"] == band]
    page.get_by_role("group", name="Financial remedy").get_by_role(
        "checkbox", name=re.compile("^" + re.escape(band) + r" \(\d+\)$")).check()
    expect(page.locator("#search-status")).to_have_text(status_for(len(both)))
    assert result_titles(page) == [d["title"] for d in both]
    assert url_params(page).get("band") == [band]


def test_url_state_is_restored_and_searched_at_once(make_page, site_url, index, decisions):
    word, target = next((w, m[0]) for w in long_words(decisions, 7)
                        if len(m := matching(decisions, as_prefix(w))) == 1 and m[0]["outcome"])
    page = open_search(make_page(site_url), site_url,
                       "?" + urlencode([("q", word), ("outcome", target["outcome"])]))
    expect(page.get_by_role("searchbox")).to_have_value(word)
    expect(page.get_by_role("group", name="Outcome").locator(
        f'input[value="{target["outcome"]}"]')).to_be_checked()
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    assert result_titles(page) == [target["title"]]

    other = next(o for o in index["outcomes"] if o != target["outcome"])
    open_search(page, site_url, "?" + urlencode([("q", word), ("outcome", other)]))
    expect(page.locator("#search-status")).to_have_text("No decisions match")


def test_snippet_marks_the_match_and_links_to_the_paragraph(make_page, site_url, decisions):
    choice = None
    for w in long_words(decisions, 6):
        rx = re.compile(as_prefix(w))
        spots = [(d, p) for d in decisions for p in d["paragraphs"] if rx.search(fold(p[1]))]
        if len(spots) == 1 and len(matching(decisions, as_prefix(w))) == 1:
            choice = (w, *spots[0])
            break
    assert choice, "no word found in exactly one paragraph"
    word, target, (n, text) = choice
    page = open_search(make_page(site_url), site_url)
    type_query(page, word)
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    link = page.locator("#search-results .search-result-snippet a.search-result-para")
    expect(link).to_have_text(f"para {n}")
    assert link.get_attribute("href") == f"{target['url']}#para-{n}"
    marks = page.locator("#search-results .search-result-snippet mark").all_text_contents()
    assert marks and all(fold(m).startswith(word) for m in marks)
    link.click()
    page.wait_for_url(re.compile(re.escape(f"{target['url']}#para-{n}") + "$"))
    para = page.locator(f"#para-{n}")
    expect(para).to_have_count(1)
    assert word in fold(para.text_content())


def test_typed_markup_is_shown_as_text_and_never_runs(make_page, site_url, decisions):
    hostile = "<img src=x onerror=alert(1)>"
    words = WORD.findall(fold(hostile))
    hits = [d for d in decisions
            if all(any(re.search(as_word(w) if i < len(words) - 1 else as_prefix(w), f) for f in fields(d))
                   for i, w in enumerate(words))]
    page = open_search(make_page(site_url), site_url)
    type_query(page, hostile)
    expect(page.get_by_role("searchbox")).to_have_value(hostile)
    expect(page.locator("#search-status")).to_have_text(status_for(len(hits)))
    if not hits:
        expect(page.locator("#search-empty")).to_contain_text("\u201c" + hostile + "\u201d")
    assert page.locator("main img, main script:not([src])").count() == 0
    page.reload()
    page.wait_for_selector("html[data-search-ready=true]")
    expect(page.get_by_role("searchbox")).to_have_value(hostile)
    expect(page.locator("#search-status")).to_have_text(status_for(len(hits)))
    assert page.locator("main img").count() == 0
    # (the page fixture fails the test if any dialog opened or any script error occurred)


def test_layout_sidebar_on_desktop_and_stacked_on_a_phone(make_page, site_url):
    page = open_search(make_page(site_url), site_url)
    side = page.locator("#search-filter-panel").bounding_box()
    main = page.locator("#search-results").bounding_box()
    assert side["x"] + side["width"] <= main["x"] and page.locator("#search-filter-panel").get_attribute("open") is not None

    phone = open_search(make_page(site_url, 375, 740), site_url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    side = phone.locator("#search-filter-panel").bounding_box()
    main = phone.locator("#search-results").bounding_box()
    assert side["y"] + side["height"] <= main["y"]
    summary = phone.locator("#search-filter-panel > summary")
    summary.focus()
    phone.keyboard.press("Enter")                     # the filters open from the keyboard
    expect(phone.get_by_role("group", name="Outcome")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


# ---------------------------------------------------------------- exact behaviour on a hand-made index

def test_ranking_title_then_summary_then_paragraphs(make_page, custom_url):
    page = open_search(make_page(custom_url), custom_url)
    type_query(page, "kingsbury")
    expect(page.locator("#search-status")).to_have_text("4 decisions match")
    assert result_titles(page) == [
        "Kingsbury District Council (90 000 002)",   # title
        "Oldham Parish Council (90 000 003)",        # summary
        "Newton Borough Council (90 000 001)",       # three paragraph hits
        "Eastfield Council (90 000 004)",            # one paragraph hit
    ]
    # Equal scores fall back to newest first, undated last.
    set_query(page, "complained")
    expect(page.locator("#search-status")).to_have_text("4 decisions match")
    assert result_titles(page) == ["Newton Borough Council (90 000 001)", "Kingsbury District Council (90 000 002)",
                                   "Oldham Parish Council (90 000 003)", "Eastfield Council (90 000 004)"]
    assert page.locator(".search-result-date").all_text_contents()[-1] == "Date not printed"
    assert page.locator(".search-result-summary").first.text_content() == "Mr Q complained about hedges."


def test_phrase_stays_within_one_paragraph(make_page, custom_url):
    page = open_search(make_page(custom_url), custom_url)
    type_query(page, '"hedge trimming"')
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    assert result_titles(page) == ["Oldham Parish Council (90 000 003)"]
    set_query(page, "hedge trimming ")
    expect(page.locator("#search-status")).to_have_text("2 decisions match")


def test_hostile_decision_text_is_shown_as_text(make_page, custom_url):
    page = open_search(make_page(custom_url), custom_url, "?q=zzhostile")
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    result = page.locator("#search-results > li").first
    assert HOSTILE in result.locator(".search-result-snippet").text_content()
    assert HOSTILE in result.locator(".search-result-summary").text_content()
    assert result.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    expect(result.locator(".search-result-snippet mark")).to_have_text("zzhostile")
    # Accents fold both ways.
    set_query(page, "cafe")
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
