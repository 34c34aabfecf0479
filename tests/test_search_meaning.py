"""Search that finds what a person means, in real headless Chromium, on the judged collection's site (the
seed decisions and the raw fixture statements, 34 decisions): whole words, word families, references,
forgiven typos, equivalents, highlights, history, long facets, and the page without JavaScript."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from benchmarks import relevance
from generator.build import BuildRequest, build
from generator.content.folder import load_decisions
from generator.search.text import fold, term, words
from generator.site.markdown import render_body

from .browser import StaticServer, wait_for
from .conftest import TEMPLATES

SETTLED = ("document.getElementById('search-results').getAttribute('aria-busy') === 'false' && "
           "document.getElementById('search-results').getAttribute('data-text') === 'done'")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("meaning")
    relevance.write_content(root / "content")
    build(BuildRequest(root / "content", root / "site", TEMPLATES))
    server = StaticServer(root / "site")
    yield server.url
    server.close()


def search(page, url: str, query: str = "") -> None:
    page.goto(f"{url}/search/" + (f"?{urlencode({'q': query})}" if query else ""))
    page.wait_for_selector("html[data-search-ready=true]", timeout=10_000)
    wait_for(page, SETTLED)


def settled_on(page, query: str) -> None:
    wait_for(page, "(new URLSearchParams(location.search).get('q') || '') === arg && " + SETTLED, query)


def references(page) -> list[str]:
    titles = page.locator("#search-results > li .search-result-title a").all_text_contents()
    return [re.search(r"\(([^)]*)\)$", t).group(1) for t in titles]


def status(page) -> str:
    return page.locator("#search-status").text_content()


def box(page):
    return page.get_by_role("searchbox", name="Search the decisions")


def type_into_search(page, url: str, text: str) -> list[str]:
    """Opens the search page, types `text` key by key as a person would; the references listed then."""
    search(page, url)
    box(page).click()
    box(page).press_sequentially(text, delay=20)
    settled_on(page, text)
    return references(page)


# ---------------------------------------------------------------- finished words are whole words

def test_a_word_from_the_address_is_a_whole_word(guarded_page, site):
    page = guarded_page(site)
    for query in ("bins", "missed bins", "bins "):
        search(page, site, query)
        assert sorted(references(page)) == ["24 008 559", "24 012 377"], query


def test_the_search_button_and_enter_finish_the_word_being_typed(guarded_page, site, terms_of):
    page = guarded_page(site)
    assert len(type_into_search(page, site, "hom")) > 5    # home, homes, homelessness ... as it is typed
    page.get_by_role("button", name="Search").click()
    settled_on(page, "hom")
    expect(page.locator("#search-status")).to_have_text("No decisions match")     # no word "hom"
    box(page).fill("homelessness")
    box(page).press("Enter")
    settled_on(page, "homelessness")
    assert sorted(references(page)) == sorted(ref for ref, terms in terms_of.items() if term("homelessness") in terms)


@pytest.fixture(scope="module")
def terms_of(tmp_path_factory) -> dict[str, set[str]]:
    """reference -> every term of the decision (title, summary, category, paragraphs), as the index has them."""
    content = tmp_path_factory.mktemp("terms")
    relevance.write_content(content)
    found = {}
    for decision in load_decisions(content).decisions:
        text = " ".join([decision.council, decision.summary, decision.category or "", decision.subcategory or "",
                         *(t for _, t in render_body(decision.body).paragraphs)])
        found[decision.reference] = {term(w) for w in words(fold(text))}
    return found


def test_the_word_being_typed_ranks_its_completions_below_whole_words(guarded_page, site, terms_of):
    page = guarded_page(site)
    typed = type_into_search(page, site, "leave")
    whole = [ref for ref in typed if term("leave") in terms_of[ref]]
    assert len(typed) > len(whole) >= 3 and typed[:len(whole)] == whole    # "care leaver" alone comes after
    box(page).press("Enter")                                              # finished: whole words only
    settled_on(page, "leave")
    assert references(page) == whole


def test_words_side_by_side_rank_first_once_finished(guarded_page, site):
    page = guarded_page(site)
    assert set(type_into_search(page, site, "care home ")[:4]) == {"24 013 640", "24 006 090", "24 020 118", "24 022 017"}
    assert not {"23 016 204", "24 005 118"} & set(references(page))       # not homelessness


def test_a_word_family_is_one_search(guarded_page, site, terms_of):
    page = guarded_page(site)
    counts = set()
    for query in ("apology", "apologies", "apologise", "apologised", "apologising", "apologize"):
        search(page, site, query)
        counts.add(status(page))
    holding = sum(term("apologise") in terms for terms in terms_of.values())
    assert counts == {f"{holding} decisions match"} and holding > 40


# ---------------------------------------------------------------- references

@pytest.mark.parametrize("query", ["24001566", "24-001-566", "24 001 566", "24/001/566"])
def test_a_reference_in_any_form_leads_to_its_decision(guarded_page, site, query):
    page = guarded_page(site)
    search(page, site, query)
    assert references(page)[0] == "24 001 566"
    go = page.get_by_role("link", name="Go to decision 24 001 566")
    expect(go).to_have_attribute("href", "/decisions/24-001-566/")
    go.click()
    page.wait_for_url(re.compile(r"/decisions/24-001-566/$"))


def test_a_reference_with_a_letter_and_the_start_of_a_reference(guarded_page, site):
    page = guarded_page(site)
    search(page, site, "17 002 402b")
    assert references(page) == ["17 002 402b"]
    expect(page.get_by_role("link", name="Go to decision 17 002 402b")).to_be_visible()
    search(page, site, "24 001")
    assert sorted(references(page)) == ["24 001 146", "24 001 566", "24 001 783"]
    expect(page.get_by_role("link", name=re.compile("^Go to decision"))).to_have_count(0)


# ---------------------------------------------------------------- what was searched

def test_a_forgiven_typo_is_said_with_a_link_to_the_word_as_typed(guarded_page, site):
    page = guarded_page(site)
    search(page, site, "safegaurding")
    note = page.locator(".search-note-corrected")
    expect(note).to_contain_text("Showing results for safeguarding")
    assert "24 013 640" in references(page)
    note.get_by_role("link").click()
    settled_on(page, '"safegaurding"')
    expect(page.locator("#search-status")).to_have_text("No decisions match")
    expect(page.locator(".search-note-corrected")).to_have_count(0)


def test_domain_equivalents_are_searched_and_said(guarded_page, site):
    page = guarded_page(site)
    search(page, site, "EHCP")
    expect(page.locator(".search-note-also")).to_have_text(
        "Also searched for \u201Cehc plan\u201D, \u201Ceducation health and care plan\u201D.")
    assert set(references(page)[:4]) == {"23 019 445", "24 004 356", "23 005 771", "24 009 877"}
    search(page, site, "stage two")
    stage_two = status(page)
    search(page, site, "stage 2")
    assert status(page) == stage_two != "No decisions match"


def test_search_equivalents_in_site_yaml_are_used(guarded_page, tmp_path):
    content = tmp_path / "content"
    relevance.write_content(content)
    with (content / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("search_equivalents:\n  - [rubbish, refuse and recycling]\n")
    build(BuildRequest(content, tmp_path / "site", TEMPLATES))
    server = StaticServer(tmp_path / "site")
    try:
        page = guarded_page(server.url)
        search(page, server.url, "rubbish")
        expect(page.locator(".search-note-also")).to_have_text("Also searched for \u201Crefuse and recycling\u201D.")
        assert sorted(references(page)) == ["24 008 559", "24 012 377"]
    finally:
        server.close()


# ---------------------------------------------------------------- highlights

def luminance(css: str) -> float:
    channels = [int(x) / 255 for x in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_title_leads_to_the_best_paragraph_whose_marks_stand_out(guarded_page, site):
    page = guarded_page(site)                       # a failed request for a stylesheet fails the test
    search(page, site, "speech and language therapy")
    result = page.locator("#search-results > li").filter(has=page.locator(".search-result-para")).first
    title = result.locator(".search-result-title a")
    href = title.get_attribute("href")
    number = int(re.search(r"#para-(\d+)$", href).group(1))
    assert "hl=" in href
    expect(result.locator(".search-result-para")).to_have_text(f"Best match: para {number}")
    title.click()
    page.wait_for_url(re.compile(rf"#para-{number}$"))
    wait_for(page, "document.documentElement.hasAttribute('data-search-marks')")
    marks = page.locator(f"#para-{number} mark.search-hit")
    assert marks.count() >= 3
    paragraph = page.locator(f"#para-{number}").evaluate("e => getComputedStyle(e).backgroundColor")
    for k in range(marks.count()):
        mark = marks.nth(k).evaluate("e => getComputedStyle(e).backgroundColor")
        assert contrast(mark, paragraph) >= 3, (mark, paragraph)
    text = marks.nth(0).evaluate("e => getComputedStyle(e).color")
    assert contrast(text, marks.nth(0).evaluate("e => getComputedStyle(e).backgroundColor")) >= 4.5


# ---------------------------------------------------------------- history

def test_each_filter_change_is_a_step_back(guarded_page, site):
    page = guarded_page(site)
    search(page, site, "council tax")
    before = status(page)
    page.get_by_role("group", name="Outcome").get_by_label(re.compile("^Upheld")).check()
    wait_for(page, "new URLSearchParams(location.search).get('outcome') === 'Upheld' && " + SETTLED)
    assert status(page) != before
    page.go_back()
    wait_for(page, "!new URLSearchParams(location.search).has('outcome') && " + SETTLED)
    expect(page.get_by_role("group", name="Outcome").get_by_label(re.compile("^Upheld"))).not_to_be_checked()
    assert status(page) == before
    page.go_back()
    page.wait_for_url(re.compile(r"/search/\?q=council\+tax$|about:blank"))


def test_coming_back_from_a_result_keeps_more_and_the_scroll(guarded_page, site):
    page = guarded_page(site, 1280, 600)
    search(page, site, "council")
    page.locator("#search-more").click()
    wait_for(page, "new URLSearchParams(location.search).get('page') === '2' && " + SETTLED)
    shown = page.locator("#search-results > li").count()
    assert shown > 10
    twelfth = page.locator("#search-results > li").nth(11).locator(".search-result-title a")
    twelfth.scroll_into_view_if_needed()
    page.wait_for_timeout(400)                       # the scroll position is noted after a pause
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 300
    twelfth.click()
    page.wait_for_url(re.compile(r"/decisions/"))
    page.go_back()
    page.wait_for_selector("html[data-search-ready=true]")
    wait_for(page, SETTLED)
    assert page.locator("#search-results > li").count() == shown
    wait_for(page, "Math.abs(window.scrollY - arg) < 40", scrolled)


# ---------------------------------------------------------------- long facets

def test_the_council_facet_has_a_box_to_type_in_and_lists_by_count(guarded_page, site):
    page = guarded_page(site)
    search(page, site)
    council = page.get_by_role("group", name="Council")
    options = council.locator(".search-facet-option:not([hidden])")
    assert options.count() == 10
    counts = [int(re.sub(r"\D", "", c)) for c in council.locator(
        ".search-facet-option:not([hidden]) .search-facet-count").all_text_contents()]
    assert counts == sorted(counts, reverse=True)
    show_all = council.get_by_role("button", name=re.compile(r"^Show all \d+"))
    total = int(re.search(r"\d+", show_all.text_content()).group())
    show_all.click()
    expect(options).to_have_count(total)
    council.get_by_role("searchbox", name="Find a council").fill("kent")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Kent County Council")
    options.first.locator("input").check()
    wait_for(page, "new URLSearchParams(location.search).get('council') === 'Kent County Council' && " + SETTLED)
    assert sorted(references(page)) == ["23 017 640", "23 019 445"]


# ---------------------------------------------------------------- without JavaScript

def test_without_javascript_the_form_is_hidden_and_the_index_pages_offered(chromium, site):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "/search/?q=bins")
        expect(page.locator("#search-form")).to_be_hidden()
        for name, href in (("council", "/councils/"), ("category", "/categories/"), ("remedy", "/remedies/"),
                           ("outcome", "/outcomes/")):
            expect(page.locator(".search-noscript").get_by_role("link", name=name, exact=True)).to_have_attribute("href", href)
    finally:
        context.close()


def test_search_urls_name_the_query_as_typed(guarded_page, site):
    page = guarded_page(site)
    search(page, site, "24 001 566")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["24 001 566"]}


def test_no_request_fails_on_any_page(guarded_page, site):
    """Every kind of page loads every file it asks for (guarded_page fails the test on a 4xx or 5xx)."""
    page = guarded_page(site)
    for path in ("/", "/search/?q=apology", "/decisions/24-001-566/?hl=apolog#para-3", "/councils/",
                 "/categories/", "/about/", "/no-such-page/"):
        page.goto(site + path)
        page.wait_for_load_state("load")
    search(page, site, "bins")
    page.locator("#search-results > li").first.locator(".search-result-title a").click()
    wait_for(page, "document.documentElement.hasAttribute('data-search-marks')")
