"""In Chromium: paragraph ranges, the link offered for a selection over paragraphs, and citations that copy
with their confirmation beside the button, in the style chosen and remembered."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from .browser import wait_for

BASE = "https://decisions-digest.netlify.app"
DECISION = "/decisions/24-001-566/"
MARKED = "id => getComputedStyle(document.getElementById(id)).backgroundColor"


def test_a_range_link_marks_exactly_its_paragraphs_as_a_single_target_is_marked(guarded_page, site_url: str) -> None:
    page = guarded_page(site_url)
    page.goto(site_url + DECISION + "#para-20")
    single = page.evaluate(MARKED, "para-20")
    unmarked = page.evaluate(MARKED, "para-21")
    outline = page.evaluate("id => getComputedStyle(document.getElementById(id)).outline", "para-20")
    assert single != unmarked
    page.goto(site_url + DECISION + "#para-12-14")
    page.wait_for_selector("#para-14.in-range", state="attached")
    assert [page.evaluate(MARKED, f"para-{n}") for n in range(10, 17)] == \
        [unmarked, unmarked, single, single, single, unmarked, unmarked]
    assert page.evaluate("id => getComputedStyle(document.getElementById(id)).outline", "para-13") == outline
    top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", "para-12")
    assert page.evaluate("window.scrollY") > 0 and 16 <= top <= 60, top
    assert page.inner_text("#cite .cite-text") == "Essex County Council (24 001 566), paras 12–14"
    page.goto(site_url + DECISION + "#para-3")                  # another target: the range is no longer marked
    assert not page.query_selector_all(".in-range")


IN_RANGE = "() => [...document.querySelectorAll('.decision-text li.in-range')].map(li => +li.id.slice(5))"
CITED = "() => [document.querySelector('#cite .cite-text').textContent, document.querySelector('#cite .cite-url').textContent]"


def test_a_range_past_the_last_paragraph_opens_at_once_and_ends_at_the_last(guarded_page, site_url: str) -> None:
    page = guarded_page(site_url)                            # 24 001 566 has paragraphs 1 to 33
    start = time.monotonic()
    page.goto(site_url + DECISION + "#para-1-99999999999999999999", timeout=10_000)      # a full load
    assert time.monotonic() - start < 5
    assert page.evaluate(IN_RANGE) == list(range(1, 34))
    assert page.evaluate(CITED) == ["Essex County Council (24 001 566), paras 1–33", f"{BASE}{DECISION}#para-1-33"]
    page.set_default_timeout(5_000)
    for fragment, marked, cited in [("#para-1-99999999", list(range(1, 34)), "paras 1–33"),
                                    ("#para-30-40", [30, 31, 32, 33], "paras 30–33"),
                                    ("#para-33-40", [33], "para 33"),
                                    ("#para-012-14", [], ""),              # not how the site writes one
                                    ("#para-40-50", [], "")]:             # no such paragraph: the whole decision
        page.goto(site_url + DECISION + fragment)                          # hashchange on the same page
        assert page.evaluate(IN_RANGE) == marked, fragment
        text, address = page.evaluate(CITED)
        assert text == "Essex County Council (24 001 566)" + (f", {cited}" if cited else ""), fragment
        assert address == BASE + DECISION + ("" if not marked else
                                             f"#para-{marked[0]}" + (f"-{marked[-1]}" if len(marked) > 1 else ""))
    page.goto(site_url + DECISION + "#para-33-40")
    top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", "para-33")
    assert page.evaluate("window.scrollY") > 0 and 0 <= top <= 300, top     # scrolled to: no element has its id


def test_without_javascript_a_range_link_still_opens_the_decision(chromium, site_url: str) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        response = page.goto(site_url + DECISION + "#para-12-14")
        assert response.status == 200 and page.inner_text("h1") == "Essex County Council (24 001 566)"
    finally:
        context.close()


def test_selecting_text_over_paragraphs_offers_a_link_to_them(guarded_page, site_url: str) -> None:
    page = guarded_page(site_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(site_url + DECISION)
    page.evaluate("""() => {
        const text = id => document.createTreeWalker(document.getElementById(id), NodeFilter.SHOW_TEXT,
            node => node.length > 20 ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP).nextNode();
        const range = document.createRange();
        range.setStart(text('para-12'), 5);
        range.setEnd(text('para-14'), 3);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    page.wait_for_selector(".range-offer:not([hidden]) button")
    assert page.inner_text(".range-offer button") == "Copy link to paras 12–14"
    page.click(".range-offer button")
    wait_for(page, "document.querySelector('.range-offer .copy-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == f"{BASE}{DECISION}#para-12-14"
    box, button = page.locator(".range-offer .copy-status").bounding_box(), page.locator(".range-offer button").bounding_box()
    assert box["y"] - (button["y"] + button["height"]) < 40


@pytest.mark.parametrize("width, height", [(1280, 800), (375, 740)])
def test_the_cite_confirmation_shows_beside_the_button_on_screen(guarded_page, site_url: str, width: int,
                                                                 height: int) -> None:
    page = guarded_page(site_url, width=width, height=height)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(site_url + DECISION + "#para-12")
    page.focus("#para-12 > a.para-num")
    page.keyboard.press("Tab")                                  # to its Cite button: visible with the keyboard
    assert page.evaluate("document.activeElement.matches('#para-12 > .copy-cite')")
    assert page.evaluate("getComputedStyle(document.activeElement).opacity") == "1"
    page.keyboard.press("Enter")
    wait_for(page, "document.querySelector('#para-12 > .copy-status').textContent.length > 0")
    status = page.locator("#para-12 > .copy-status").bounding_box()
    button = page.locator("#para-12 > .copy-cite").bounding_box()
    assert 0 <= status["y"] and status["y"] + min(status["height"], 40) <= height        # in the viewport
    assert 0 <= status["x"] < width
    assert abs(status["y"] - button["y"]) < 40 and status["x"] - (button["x"] + button["width"]) < 40
    assert "copied" in page.get_attribute("#para-12 > .copy-cite", "class")
    assert page.get_attribute("#para-12 > .copy-status", "aria-live") == "polite"


def test_a_citation_style_is_chosen_copied_and_remembered(guarded_page, site_url: str) -> None:
    page = guarded_page(site_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(site_url + DECISION)
    page.select_option("#cite-style", "legal")
    page.hover("#para-12")
    page.click("#para-12 > .copy-cite")
    wait_for(page, "document.querySelector('#para-12 > .copy-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == "Essex County Council (24 001 566), 14 January 2025, para 12"
    page.reload()
    assert page.eval_on_selector("#cite-style", "select => select.value") == "legal"
    page.select_option("#cite-style", "markdown")
    page.click("#cite > .copy-cite")
    wait_for(page, "document.querySelector('#cite > .copy-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == f"[Essex County Council (24 001 566)]({BASE}{DECISION})"


def test_on_a_touch_screen_the_cite_buttons_show_without_hover(chromium, site_url: str) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(site_url + DECISION)
        page.wait_for_selector("#para-5 > .copy-cite", state="attached")
        assert page.evaluate("matchMedia('(hover: none)').matches || matchMedia('(pointer: coarse)').matches")
        assert page.evaluate("getComputedStyle(document.querySelector('#para-5 > .copy-cite')).opacity") == "1"
    finally:
        context.close()


VISIBLE = "selector => [...document.querySelectorAll(selector)].some(e => e.getClientRects().length > 0)"


def test_a_decision_and_a_collection_print_as_handouts_with_their_addresses(guarded_page, site_url: str) -> None:
    page = guarded_page(site_url)
    page.goto(site_url + DECISION)
    page.wait_for_selector("#para-12 > .copy-cite", state="attached")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")           # as printing does
    for shown in ("#facts", "#summary", ".actions", "#para-12 > .para-num", ".page-address"):
        assert page.evaluate(VISIBLE, shown), shown
    for hidden in (".site-header", ".copy-cite", "#contents", "#related", ".cite-style", ".site-footer"):
        assert not page.evaluate(VISIBLE, hidden), hidden
    address = page.inner_text(".page-address")
    assert address.startswith(f"{BASE}{DECISION} · printed ") and address[-4:].isdigit()
    page.goto(site_url + "/collections/looked-after-children/")
    page.emulate_media(media="print")
    after = "selector => getComputedStyle(document.querySelector(selector), '::after').content"
    assert page.evaluate(after, ".quoted li") == f'"{BASE}{DECISION}#para-12"'
    assert page.evaluate(after, ".collection-item h2 a") == f'"{BASE}{DECISION}"'
    assert not page.evaluate(VISIBLE, ".site-header")
