"""Decision bodies to HTML: stable anchors, plain text for search, safe links; the compiled renderer
(markdown-it.rs) gives exactly what the reference (markdown-it-py) gives."""
from __future__ import annotations


import time

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.format import split_front_matter
from generator.site import markdown as markdown_module
from generator.site.markdown import FAST, _anchored, _checked, _compiled, render_body

from .conftest import CONTENT, FUZZ_EXAMPLES

EDGE_CASES = [                 # each taken by the compiled renderer
    "1. a\n3. b\n3. c\n\n  10. x\n",
    "### Main\n\n## Para 1\n\n1. para\n\n   ### inner *h*\n\n   text  \n   more\n\n   2. nested\n\n"
    "2. ![img](x.png) & < \"\n",
    "- 1. x\n\n1. loose\n\n   para\n\n2. two\n   - n\n     1. deep\n",
    "# H &amp; &copy; a < b\n\nSetext\n===\n\n1) paren\n2) two\n",
    "1. Café’s “quote” £1,000\n2. [link](https://www.lgo.org.uk/) and [mail](mailto:a@b.c)\n",
    "    code block\n\n1. after\n",
    "",
]
REFERENCE_CASES = [            # each left to markdown-it-py
    "> 1. quoted list\n> 2. is not numbered paragraphs\n\n4. but this is\n",
    "```\n1. in a fence\n```\n\n2. after `code`\n",
    "1. <https://example.org> and [far](ftp://example.org/)\n",
    "1. no-break\u00a0space\n",
    "1. &#10; a numeric reference\n",
]


def _as_plain(body):
    return body.html, body.paragraphs, [(s.anchor, s.title, s.level) for s in body.sections]


def _both(markdown: str):
    """The body from each renderer (the reference's twice when the compiled one declines it)."""
    compiled = _compiled(markdown) or _checked(markdown)
    return _as_plain(_anchored(*compiled)), _as_plain(_anchored(*_checked(markdown)))


def content_bodies() -> list[tuple[str, str]]:
    return [(path.name, split_front_matter(path.read_text(encoding="utf-8"), path)[1])
            for path in sorted((CONTENT / "decisions").glob("*.md"))]


def _compiled_and_reference(markdown: str):
    compiled = _compiled(markdown)
    assert compiled is not None, "the compiled renderer declined it"
    return _as_plain(_anchored(*compiled)), _as_plain(_anchored(*_checked(markdown)))


needs_compiled = pytest.mark.skipif(FAST is None, reason="markdown-it.rs is not installed for this Python")


@needs_compiled
@pytest.mark.parametrize("markdown", EDGE_CASES)
def test_compiled_and_reference_renderers_agree_on_edge_cases(markdown: str) -> None:
    compiled, reference = _compiled_and_reference(markdown)
    assert compiled == reference


@needs_compiled
@pytest.mark.parametrize("markdown", REFERENCE_CASES)
def test_what_the_two_read_differently_goes_to_the_reference(markdown: str) -> None:
    assert _compiled(markdown) is None


@needs_compiled
def test_compiled_and_reference_renderers_agree_on_every_decision() -> None:
    bodies = content_bodies()
    assert len(bodies) >= 5
    for name, markdown in bodies:
        compiled, reference = _compiled_and_reference(markdown)
        assert compiled == reference, name


MARKDOWN_BITS = st.sampled_from(["1. ", "2. ", "10. ", "1) ", "- ", "* ", "> ", "#", "## ", "   ", "\n", "\n\n", "*",
                                 "_", "`", "```", "[a]", "(/x)", "![i](y.png)", "<b>", "&amp;", "&", "\\", "para 1",
                                 "Para-2", "word ", "Café ", "“q”", "===", "---", "    ", "\t", "~~~", "[a]: /u\n",
                                 "**", "  \n", '[t](/x "ti")', "&#10;", "&nbsp;", "|a|b|", "<http://x.y>", "***",
                                 "__", "1.\n", "\n    code\n", "+ ", "1986. ", "\\\n", "[a][]", "9999999999. ",
                                 "0. ", "#5 ", "—", "\u00a0", "\u2003", "\x0c", "- - - - ", "1. 1. 1. 1. "])


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.lists(MARKDOWN_BITS, max_size=40).map("".join))
def test_compiled_and_reference_renderers_agree_on_any_markdown(markdown: str) -> None:
    compiled, reference = _both(markdown)
    assert compiled == reference


def test_a_line_after_a_quote_starts_a_numbered_paragraph_as_it_always_has() -> None:
    assert _compiled("> quoted guidance\n2. Next paragraph\n") is None
    assert render_body("> quoted guidance\n2. Next paragraph\n").paragraphs == ((2, "Next paragraph"),)


@pytest.mark.parametrize("depth", [4, 8, 12, 20, 40])
def test_lists_nested_deeper_than_the_reference_goes_read_as_it_reads_them(depth: int) -> None:
    for markdown in ["- " * depth + "x\n", "".join("   " * level + "1. x\n" for level in range(depth))]:
        compiled, reference = _both(markdown)
        assert compiled == reference


def test_a_panic_in_the_compiled_renderer_leaves_the_body_to_the_reference(monkeypatch) -> None:
    class PanicException(BaseException):        # what pyo3 raises when Rust code panics
        pass

    class Panicking:
        def render(self, markdown):
            raise PanicException("index out of bounds")

    monkeypatch.setattr(markdown_module, "FAST", Panicking())
    assert render_body("1. one\n2. two\n").paragraphs == ((1, "one"), (2, "two"))


def test_paragraph_anchors_follow_the_written_numbers_and_a_repeat_takes_the_next_unwritten_one() -> None:
    body = render_body("1. one\n3. three\n3. again\n\n7. seven\n   - nested point\n")
    soup = BeautifulSoup(body.html, "html.parser")
    assert [li.get("id") for li in soup.select("ol > li")] == ["para-1", "para-3", "para-4", "para-7"]
    assert body.paragraphs == ((1, "one"), (3, "three"), (4, "again"), (7, "seven nested point"))
    assert soup.select_one("#para-7 a.para-num")["href"] == "#para-7"


def test_lists_that_start_again_at_1_in_each_section_keep_an_anchor_for_every_paragraph() -> None:
    body = render_body("## The complaint\n\n1. a\n2. b\n\n## What happened\n\n1. c\n2. d\n\n"
                       "## Decision\n\n1. e\n1. f\n")
    soup = BeautifulSoup(body.html, "html.parser")
    assert [li.get("id") for li in soup.select("ol > li")] == [f"para-{n}" for n in range(1, 7)]
    assert [a.get_text() for a in soup.select("a.para-num")] == [f"{n}." for n in range(1, 7)]
    assert body.paragraphs == tuple(enumerate("abcdef", start=1))
    # A number written once keeps its anchor, whatever repeats before it.
    mixed = render_body("1. a\n2. b\n\n## Next\n\n1. c\n\n## Last\n\n3. d\n4. e\n")
    assert [number for number, _ in mixed.paragraphs] == [1, 2, 5, 3, 4]


@pytest.mark.parametrize("markdown", ["## a\n\n" * 20_000, "[r]: https://example.org/\n" * 20_000])
def test_twenty_thousand_repeated_headings_or_link_definitions_render_in_linear_time(markdown: str) -> None:
    """Each repeated heading tried -2, -3, ... afresh (61 s for these); markdown-it.rs takes time growing with
    the square of the link definitions (20 s), and markdown-it-py renders such a body instead."""
    started = time.process_time()
    body = render_body(markdown)
    assert time.process_time() - started < 8            # about 0.5 and 1.2 s; the faults took 20 s and more
    if markdown.startswith("##"):
        assert [s.anchor for s in body.sections[:3]] == ["a", "a-2", "a-3"] and body.sections[-1].anchor == "a-20000"


def test_paragraph_text_leaves_out_code_and_reads_nested_blocks() -> None:
    body = render_body("1. Intro *emphasis* `code`\n\n   ```\n   fenced code\n   ```\n\n   > quoted\n\n   ### Inner\n")
    assert body.paragraphs == ((1, "Intro emphasis code quoted Inner"),)


def test_headings_get_unique_slugs_that_never_take_a_paragraph_or_page_id() -> None:
    body = render_body("## Summary\n\n## Para 1\n\n## The complaint\n\n## The complaint\n\n1. text\n")
    assert [s.anchor for s in body.sections] == ["summary-2", "section-para-1", "the-complaint", "the-complaint-2"]
    soup = BeautifulSoup(body.html, "html.parser")
    assert [h["id"] for h in soup.find_all("h2")] == ["summary-2", "section-para-1", "the-complaint", "the-complaint-2"]
    assert soup.find("h2").find("a", class_="anchor")["href"] == "#summary-2"


@pytest.mark.parametrize("link", ["ftp://example.org/x", "javascript:alert(1)", "data:image/png;base64,AAAA",
                                  "vbscript:x", "tel:0300", "//example.org/x", " //example.org", "//example.org"])
def test_links_other_than_web_mail_and_in_site_stay_text(link: str) -> None:
    markdown = f"1. [here]({link}) and ![i]({link})\n"
    assert _compiled(markdown) is None or link.startswith(("javascript:", "vbscript:"))   # refused by both
    soup = BeautifulSoup(render_body(markdown).html, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["#para-1"] and soup.find("img") is None
    assert f"[here]({link})" in soup.get_text()


def test_web_mail_and_in_site_links_and_raw_html_as_text() -> None:
    html = render_body("1. [a](https://www.lgo.org.uk/) [b](mailto:x@y.z) [c](/councils/) <b>bold</b>\n").html
    soup = BeautifulSoup(html, "html.parser")
    assert [a["href"] for a in soup.select("li a:not(.para-num)")] == ["https://www.lgo.org.uk/", "mailto:x@y.z",
                                                                       "/councils/"]
    assert soup.find("b") is None and "&lt;b&gt;bold&lt;/b&gt;" in html
