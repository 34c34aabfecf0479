"""The search page (/search/) and its deep links, in real headless Chromium.

Built sites are served by a real http.server on localhost under the published Content-Security-Policy;
every request that would leave the site, script error, dialog or CSP violation fails the test. Expected
results are worked out here, in Python, from the decisions themselves, with the index writer's own text
rules (generator/search_text.py), so the tests follow whatever the seed decisions say.
"""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from benchmarks.corpus import make_decisions
from generator.build import BuildRequest, build
from generator.content.settings import load_config
from generator.site.markdown import render_body
from generator.content.folder import load_decisions
from generator.content.format import dump
from generator.model import Decision, Remedy
from generator.search.text import STOP_WORDS, fold, term as stem, words
from generator.site.entries import make_entries
from generator.site.templates import format_date

from .browser import StaticServer, wait_for
from .conftest import CONTENT, TEMPLATES

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


# ---------------------------------------------------------------- the decisions, as Python sees them

class Doc:
    def __init__(self, entry):
        d = entry.decision
        self.entry = entry
        self.title = d.title
        self.url = entry.url
        self.outcome = d.outcome
        self.band = entry.band.name
        self.year = d.decision_date.year if d.decision_date else None
        self.fields = [words(fold(f"{d.council} {d.reference}")), words(fold(d.summary)),
                       words(fold(f"{d.category or ''} {d.subcategory or ''}"))]
        self.fields += [words(fold(text)) for _, text in render_body(entry.decision.body).paragraphs]
        self.words = {w for f in self.fields for w in f}
        self.terms = {stem(w) for w in self.words}

    def has_phrase(self, phrase: list[str]) -> bool:
        n = len(phrase)
        return any(f[i:i + n] == phrase for f in self.fields for i in range(len(f) - n + 1))


def docs_of(content: Path) -> list[Doc]:
    config = load_config(content)
    return [Doc(e) for e in make_entries(load_decisions(content).decisions, config)]    # newest first


def status_for(n: int) -> str:
    return {0: "No decisions match", 1: "1 decision matches"}.get(n, f"{n:,} decisions match")


def osa(a: str, b: str) -> int:
    d = [[max(i, j) if min(i, j) == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


# ---------------------------------------------------------------- sites (pages come from conftest's guarded_page)

@pytest.fixture(scope="module")
def seeds() -> list[Doc]:
    return docs_of(CONTENT)


HOSTILE = '<img src=x onerror="window.__pwned=1">'


def decision(ref: str, council: str, day: date | None, summary: str, paragraphs: list[str], outcome="Upheld",
             total=0) -> Decision:
    body = "## What happened\n\n" + "\n".join(f"{i + 1}. {text}" for i, text in enumerate(paragraphs)) + "\n"
    return Decision(reference=ref, council=council, summary=summary, body=body, category="Planning",
                    subcategory="Enforcement", outcome=outcome, decision_date=day,
                    remedy=Remedy(total=total))


CUSTOM = [
    decision("90 000 001", "Newton Borough Council", date(2025, 6, 2), "Mr Q complained about hedges. He was unhappy.",
             ["The Council mentioned Kingsbury twice: Kingsbury and Kingsbury again.", "Nothing about the marsh here."]),
    decision("90 000 002", "Kingsbury District Council", date(2024, 2, 29),
             "Mrs R complained about the marsh. The Council apologised.",
             ["The marsh flooded.", "Ending one paragraph with hedge", "trimming starts the next."], total=300),
    decision("90 000 003", "Oldham Parish Council", date(2023, 1, 1),
             "Kingsbury residents complained about noise. Nothing else.",
             ["Paragraph about noise and hedge trimming together."], total=1200),
    decision("90 000 004", "Eastfield Council", None,
             "Ms S complained " + HOSTILE + " about <script>window.__pwned=2</script> café signs.",
             ["The sign read " + HOSTILE + " and zzhostile text.", "Café owners asked about the kingsbury rules."],
             outcome=None, total=100),
]


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """Four hand-made decisions (ranking, phrases, hostile text) among 24 synthetic ones (paging, sorting)."""
    root = tmp_path_factory.mktemp("custom")
    content = root / "content"
    (content / "decisions").mkdir(parents=True)
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    for d in CUSTOM + make_decisions(24, seed=11):
        (content / "decisions" / f"{d.slug}.md").write_text(dump(d), encoding="utf-8")
    build(BuildRequest(content, root / "site", TEMPLATES))
    server = StaticServer(root / "site")
    yield server.url, docs_of(content)
    server.close()


# ---------------------------------------------------------------- driving the page

SETTLED = ("document.getElementById('search-results').getAttribute('aria-busy') === 'false' && "
           "document.getElementById('search-results').getAttribute('data-text') === 'done'")


def open_search(page, base_url: str, query: str = ""):
    page.goto(base_url + "/search/" + query)
    page.wait_for_selector("html[data-search-ready=true]", timeout=10_000)
    wait_for(page, SETTLED)
    return page


def _shown(page, text: str):
    """Waits until the results of `text` are shown with their snippets."""
    wait_for(page, "(new URLSearchParams(location.search).get('q') || '') === (arg.trim() ? arg : '') && " + SETTLED,
             text)


def type_query(page, text: str):
    """Types into the box key by key, as a person would, and waits for the results."""
    box = page.get_by_role("searchbox", name="Search the decisions")
    box.click()
    box.press_sequentially(text, delay=15)
    _shown(page, box.input_value())


def set_query(page, text: str):
    page.get_by_role("searchbox", name="Search the decisions").fill(text)
    _shown(page, text)


def titles(page) -> list[str]:
    return page.locator("#search-results > li .search-result-title a").all_text_contents()


def url_params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def facet_counts(page) -> dict[str, dict[str, int]]:
    return page.evaluate("""() => {
      const out = {};
      for (const fs of document.querySelectorAll('fieldset.search-facet')) {
        const key = fs.id.replace('search-facet-', '');
        out[key] = {};
        for (const li of fs.querySelectorAll('.search-facet-option')) {
          out[key][li.querySelector('input').value] =
            parseInt(li.querySelector('.search-facet-count').textContent.replace(/[^0-9]/g, ''), 10);
        }
      }
      return out;
    }""")


# ---------------------------------------------------------------- the page as served

def test_page_markup_is_static_safe_labelled_and_has_a_noscript_fallback(built_site):
    soup = BeautifulSoup((Path(built_site) / "search" / "index.html").read_text(encoding="utf-8"), "html.parser")
    form = soup.find("form", attrs={"role": "search"})
    assert form is not None and form["action"] == "/search/" and form["method"].lower() == "get"
    box = form.find("input", attrs={"type": "search", "name": "q"})
    assert soup.find("label", attrs={"for": box["id"]}) is not None
    sort = soup.find("select", id="search-sort")
    assert soup.find("label", attrs={"for": "search-sort"}) is not None
    assert [o["value"] for o in sort.find_all("option")] == ["relevance", "newest", "oldest", "remedy"]
    status = soup.find(id="search-status")
    assert status.get("aria-live") == "polite" and status.get("role") == "status"
    noscript = soup.find("noscript")
    assert "JavaScript" in noscript.get_text()
    assert {"/councils/", "/categories/", "/remedies/", "/outcomes/"} <= {a["href"] for a in noscript.find_all("a")}
    for script in soup.find_all("script"):
        assert script["src"].startswith("/assets/") and not script.get_text().strip()
    assert soup.find_all(style=True) == [] and soup.find_all("style") == []


# ---------------------------------------------------------------- searching the seed decisions

def test_browse_lists_every_decision_newest_first(guarded_page, site_url, seeds):
    page = open_search(guarded_page(site_url), site_url)
    expect(page.locator("#search-status")).to_have_text(status_for(len(seeds)))
    assert titles(page) == [d.title for d in seeds]
    dates = page.locator("#search-results > li .search-result-date").all_text_contents()
    assert dates == [format_date(d.entry.decision.decision_date) for d in seeds]
    hrefs = [a.get_attribute("href") for a in page.locator("#search-results > li .search-result-title a").all()]
    assert hrefs == [d.url for d in seeds]
    assert page.locator("#search-results .search-result-snippet").count() == 0


@pytest.mark.parametrize(("index_page", "facet", "value"), [
    ("/councils/essex-county-council/", "council", "Essex County Council"),
    ("/remedies/251-to-500/", "band", "£251 to £500"),
    ("/outcomes/upheld/", "outcome", "Upheld"),
    ("/decisions/2025/", "year", "2025"),
    ("/categories/childrens-care-services/looked-after-children/", "subcategory", "Looked after children"),
])
def test_an_index_page_links_to_the_search_with_its_filter_set(guarded_page, site_url, seeds, index_page, facet,
                                                               value):
    page = guarded_page(site_url)
    page.goto(site_url + index_page)
    page.get_by_role("link", name="Search and filter these decisions").click()
    page.wait_for_selector("html[data-search-ready=true]", timeout=10_000)
    wait_for(page, SETTLED)
    shown = {"council": lambda d: d.entry.decision.council, "band": lambda d: d.band,
             "outcome": lambda d: d.outcome, "year": lambda d: str(d.year),
             "subcategory": lambda d: d.entry.decision.subcategory}[facet]
    expected = [d.title for d in seeds if shown(d) == value]
    expect(page.locator("#search-status")).to_have_text(status_for(len(expected)))
    assert titles(page) == expected
    assert page.locator(f"#search-facet-{facet} input:checked").evaluate_all("boxes => boxes.map(b => b.value)") == [value]


def test_a_result_marks_an_outcome_inferred_rather_than_printed(guarded_page, site_url, seeds):
    page = open_search(guarded_page(site_url), site_url)
    outcomes = page.locator("#search-results > li .search-result-outcome")
    marked = [outcomes.nth(i).get_attribute("data-inferred") for i in range(outcomes.count())]
    assert marked == ["outcome" if "outcome" in d.entry.decision.inferred else None for d in seeds]
    assert "outcome" in marked and None in marked
    first = marked.index("outcome")
    expect(outcomes.nth(first).locator(".inferred-note")).to_have_text(
        "(not printed in the statement; inferred from its text)")
    assert outcomes.nth(marked.index(None)).locator(".inferred-note").count() == 0


def test_a_word_finds_the_decisions_holding_it(guarded_page, site_url, seeds):
    word = next(w for d in seeds for w in sorted(d.words) if len(w) > 6 and w.isalpha()
                and sum(stem(w) in x.terms for x in seeds) == 1)
    page = open_search(guarded_page(site_url), site_url)
    set_query(page, word + " ")
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    assert titles(page) == [d.title for d in seeds if stem(word) in d.terms]


def test_words_are_stemmed_delay_delays_delayed(guarded_page, site_url, seeds):
    holders = [d.title for d in seeds if stem("delay") in d.terms]
    assert 0 < len(holders) < len(seeds) or holders
    page = open_search(guarded_page(site_url), site_url)
    for form in ("delay ", "delays ", "delayed ", "Delaying "):
        set_query(page, form)
        expect(page.locator("#search-status")).to_have_text(status_for(len(holders)))
        assert sorted(titles(page)) == sorted(holders)
    marks = {fold(m) for m in page.locator(".search-result-snippet mark").all_text_contents()}
    assert marks and all(stem(words(m)[0]) == "delay" for m in marks)


def test_the_word_being_typed_matches_as_a_prefix(guarded_page, site_url, seeds):
    vocabulary = {w for d in seeds for w in d.words}
    choice = None
    for w in sorted(vocabulary):
        if len(w) < 8 or not w.isalpha():
            continue
        for k in range(4, len(w) - 1):
            prefix = w[:k]
            completions = {stem(v) for v in vocabulary if v.startswith(prefix)}
            hits = [d for d in seeds if d.terms & completions]          # each completion's whole family
            if (prefix not in vocabulary and len(completions) <= 4 and 0 < len(hits) < len(seeds)
                    and stem(prefix) not in {stem(v) for v in vocabulary} and all(osa(prefix, v) > 1 for v in vocabulary)):
                choice = (prefix, hits)
                break
        if choice:
            break
    assert choice, "no prefix in the data that is not a word of its own"
    prefix, hits = choice
    page = open_search(guarded_page(site_url), site_url)
    type_query(page, prefix)
    expect(page.locator("#search-status")).to_have_text(status_for(len(hits)))
    assert sorted(titles(page)) == sorted(d.title for d in hits)
    page.keyboard.type(" ")                           # a finished word matches whole words (or one typo away)
    _shown(page, prefix + " ")
    expect(page.locator("#search-status")).to_have_text("No decisions match")


def test_one_typo_is_forgiven_in_a_long_word(guarded_page, site_url, seeds):
    vocabulary = {w for d in seeds for w in d.words}
    choice = None
    for w in sorted(vocabulary):
        if len(w) < 7 or not w.isalpha() or w in STOP_WORDS:
            continue
        typo = w[:3] + w[4] + w[3] + w[5:]             # two letters swapped
        near = {stem(v) for v in vocabulary if osa(typo, v) <= 1}
        hits = [d for d in seeds if stem(w) in d.terms]
        if typo not in vocabulary and near == {stem(w)} and len(hits) < len(seeds):
            choice = (w, typo, hits)
            break
    assert choice
    word, typo, hits = choice
    page = open_search(guarded_page(site_url), site_url)
    set_query(page, typo + " ")
    expect(page.locator("#search-status")).to_have_text(status_for(len(hits)))
    assert sorted(titles(page)) == sorted(d.title for d in hits)
    set_query(page, typo[:4] + " ")                    # short words must be spelt right
    expect(page.locator("#search-status")).to_have_text(
        status_for(sum(stem(typo[:4]) in d.terms for d in seeds)))


def test_a_quoted_phrase_matches_exactly(guarded_page, site_url, seeds):
    choice = None
    for d in seeds:
        for field in d.fields[3:]:                       # paragraphs
            for a, b in zip(field, field[1:]):
                if len(a) < 4 or len(b) < 4 or a in STOP_WORDS or b in STOP_WORDS:
                    continue
                both = [x for x in seeds if stem(a) in x.terms and stem(b) in x.terms]
                exact = [x for x in seeds if x.has_phrase([a, b])]
                if 0 < len(exact) < len(both):
                    choice = (a, b, exact, both)
                    break
            if choice:
                break
        if choice:
            break
    assert choice, "no two-word phrase in the data that narrows a search"
    a, b, exact, both = choice
    page = open_search(guarded_page(site_url), site_url)
    set_query(page, f"{a} {b} ")
    expect(page.locator("#search-status")).to_have_text(status_for(len(both)))
    set_query(page, f'"{a} {b}"')
    expect(page.locator("#search-status")).to_have_text(status_for(len(exact)))
    assert sorted(titles(page)) == sorted(d.title for d in exact)
    marks = [fold(m) for m in page.locator(".search-result-snippet mark, .search-result-summary mark").all_text_contents()]
    assert marks and all(words(m) == [a, b] for m in marks)


def test_facets_count_and_combine(guarded_page, site_url, seeds):
    page = open_search(guarded_page(site_url), site_url)
    counts = facet_counts(page)
    for key, value_of in (("outcome", lambda d: d.outcome), ("band", lambda d: d.band),
                          ("year", lambda d: str(d.year) if d.year else None)):
        for value, n in counts[key].items():
            assert n == sum(value_of(d) == value for d in seeds), (key, value)
    outcome = next(o for o in counts["outcome"] if 0 < counts["outcome"][o] < len(seeds))
    chosen = [d for d in seeds if d.outcome == outcome]
    box = page.get_by_role("group", name="Outcome").get_by_role(
        "checkbox", name=re.compile("^" + re.escape(outcome) + r" \(\d+\)$"))
    box.focus()
    page.keyboard.press("Space")                       # from the keyboard
    expect(box).to_be_checked()
    expect(page.locator("#search-status")).to_have_text(status_for(len(chosen)))
    wait_for(page, "new URLSearchParams(location.search).get('outcome') === arg", outcome)
    assert titles(page) == [d.title for d in chosen]
    after = facet_counts(page)
    for band, n in after["band"].items():             # other facets count within the choice
        assert n == sum(d.band == band for d in chosen)
    assert after["outcome"] == counts["outcome"]       # a facet's own values count without its choice
    band = chosen[0].band
    both = [d for d in chosen if d.band == band]
    page.get_by_role("group", name="Financial remedy").get_by_role(
        "checkbox", name=re.compile("^" + re.escape(band) + r" \(\d+\)$")).check()
    expect(page.locator("#search-status")).to_have_text(status_for(len(both)))
    assert titles(page) == [d.title for d in both]
    assert url_params(page)["band"] == [band] and url_params(page)["outcome"] == [outcome]


def test_the_snippet_links_to_the_paragraph_where_the_words_are_marked(guarded_page, site_url, seeds):
    page = open_search(guarded_page(site_url), site_url)
    set_query(page, "statutory complaints ")
    link = page.locator("#search-results > li").first.locator("a.search-result-para")
    href = link.get_attribute("href")
    number = int(re.search(r"#para-(\d+)$", href).group(1))
    assert "hl=" in href
    snippet_marks = {stem(words(fold(m))[0]) for m in
                     page.locator("#search-results > li").first.locator(".search-result-snippet mark").all_text_contents()}
    assert snippet_marks == {"statutori", "complain"}
    link.click()
    page.wait_for_url(re.compile(rf"#para-{number}$"))
    wait_for(page, "document.documentElement.hasAttribute('data-search-marks')")
    marks = page.locator(f"#para-{number} mark.search-hit").all_text_contents()
    assert {stem(words(fold(m))[0]) for m in marks} == {"statutori", "complain"}
    assert int(page.evaluate("document.documentElement.getAttribute('data-search-marks')")) >= len(marks)
    assert page.locator("a.para-num mark").count() == 0


def test_url_state_round_trips(guarded_page, site_url, seeds):
    upheld = [d for d in seeds if d.outcome == "Upheld" and stem("complaint") in d.terms]
    query = "?" + urlencode([("q", "complaint"), ("outcome", "Upheld"), ("sort", "oldest")])
    page = open_search(guarded_page(site_url), site_url, query)
    expect(page.get_by_role("searchbox")).to_have_value("complaint")
    expect(page.get_by_role("group", name="Outcome").locator('input[value="Upheld"]')).to_be_checked()
    expect(page.locator("#search-sort")).to_have_value("oldest")
    expect(page.locator("#search-status")).to_have_text(status_for(len(upheld)))
    dated = sorted((d for d in upheld if d.year), key=lambda d: d.entry.decision.decision_date)
    assert titles(page)[:len(dated)] == [d.title for d in dated]
    page.locator("#search-sort").select_option("newest")
    wait_for(page, "new URLSearchParams(location.search).get('sort') === 'newest'")
    assert titles(page) == [d.title for d in upheld]
    kept = page.url
    page.reload()
    page.wait_for_selector("html[data-search-ready=true]")
    expect(page.locator("#search-sort")).to_have_value("newest")
    expect(page.locator("#search-status")).to_have_text(status_for(len(upheld)))
    assert page.url == kept


def test_layout_sidebar_on_desktop_and_stacked_on_a_phone(guarded_page, site_url):
    page = open_search(guarded_page(site_url), site_url)
    side = page.locator("#search-filter-panel").bounding_box()
    main = page.locator("#search-results").bounding_box()
    assert side["x"] + side["width"] <= main["x"]
    phone = open_search(guarded_page(site_url, 375, 740), site_url, "?q=delay")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    side = phone.locator("#search-filter-panel").bounding_box()
    assert side["y"] + side["height"] <= phone.locator("#search-results").bounding_box()["y"]
    phone.locator("#search-filter-panel > summary").focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("group", name="Outcome")).to_be_visible()


# ---------------------------------------------------------------- exact behaviour on hand-made decisions

def test_ranking_title_then_summary_then_paragraphs(guarded_page, custom):
    url, _ = custom
    page = open_search(guarded_page(url), url)
    set_query(page, "kingsbury ")
    expect(page.locator("#search-status")).to_have_text("4 decisions match")
    assert titles(page) == [
        "Kingsbury District Council (90 000 002)",   # title
        "Oldham Parish Council (90 000 003)",        # summary
        "Newton Borough Council (90 000 001)",       # three paragraph hits
        "Eastfield Council (90 000 004)",            # one paragraph hit
    ]


def test_a_phrase_stays_within_one_paragraph(guarded_page, custom):
    url, _ = custom
    page = open_search(guarded_page(url), url)
    type_query(page, '"hedge trimming"')
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    assert titles(page) == ["Oldham Parish Council (90 000 003)"]
    set_query(page, "hedge trimming ")
    expect(page.locator("#search-status")).to_have_text("2 decisions match")


def test_ten_at_a_time_with_more_and_the_page_in_the_url(guarded_page, custom):
    url, docs = custom
    page = open_search(guarded_page(url), url)
    assert titles(page) == [d.title for d in docs[:10]]
    more = page.locator("#search-more")
    expect(more).to_be_visible()
    more.click()
    wait_for(page, "new URLSearchParams(location.search).get('page') === '2' && " + SETTLED)
    assert titles(page) == [d.title for d in docs[:20]]
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('#search-results > li')[10]")
    more.click()
    wait_for(page, "new URLSearchParams(location.search).get('page') === '3' && " + SETTLED)
    assert titles(page) == [d.title for d in docs]
    expect(more).to_be_hidden()
    page.reload()
    page.wait_for_selector("html[data-search-ready=true]")
    wait_for(page, "document.querySelectorAll('#search-results > li').length === arg", len(docs))


def test_sort_by_largest_remedy_and_oldest(guarded_page, custom):
    url, docs = custom
    page = open_search(guarded_page(url), url, "?sort=remedy")
    by_remedy = sorted(docs, key=lambda d: -d.entry.decision.remedy.total)    # stable: newest first among equals
    assert titles(page) == [d.title for d in by_remedy[:10]]
    open_search(page, url, "?sort=oldest&outcome=Upheld")
    upheld = [d for d in docs if d.outcome == "Upheld"]
    oldest = sorted((d for d in upheld if d.year), key=lambda d: d.entry.decision.decision_date)
    assert titles(page)[:len(oldest)] == [d.title for d in oldest][:10]


def test_hostile_text_is_shown_as_text(guarded_page, custom):
    url, _ = custom
    page = open_search(guarded_page(url), url, "?q=zzhostile")
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    result = page.locator("#search-results > li").first
    assert HOSTILE in result.locator(".search-result-snippet").text_content()
    assert result.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    expect(result.locator(".search-result-snippet mark")).to_have_text("zzhostile")
    set_query(page, "CAFÉ ")                            # accents and case fold both ways
    expect(page.locator("#search-status")).to_have_text("1 decision matches")
    type_query(page, " <img src=x onerror=alert(1)>")
    assert page.locator("main img").count() == 0
