"""The output at archive scale: where decision pages are stored, the folder limit, paged lists, the split
sitemap and the slugs of addresses."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import BuildRequest, build
from generator.content.folder import load_decisions
from generator.content.settings import config_from_mapping, load_config
from generator.errors import ContentError, DigestError
from generator.model import path_slug, slugify
from generator.site.assets import fingerprint
from generator.site.entries import LONGEST_SENTENCE, make_entries
from generator.site.indexes import make_taxonomies
from generator.site.layout import Layout, check_folder_limit, choose_layout, folder_entries
from generator.site.links import render_sitemaps
from generator.site.lists import paginate
from generator.site.pages import plan_pages
from generator.site.templates import make_environment

from .conftest import CONTENT, ROOT, TEMPLATES
from .test_incremental import snapshot

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def seed_like(count: int, **fields) -> list:
    """`count` copies of the seed 24 001 566 under other references (years 13 on), with `fields` changed."""
    seed = next(d for d in load_decisions(CONTENT).facts if d.reference == "24 001 566")
    return [replace(seed, reference=f"{13 + n // 20_000:02d} {n // 1000 % 20:03d} {n % 1000:03d}", **fields)
            for n in range(count)]


# ---------------------------------------------------------------- settings and slugs

@pytest.mark.parametrize(("setting", "message"), [
    ({"folder_limit": 0}, "folder_limit must be a whole number of at least 1, not 0"),
    ({"list_page_size": "ten"}, "list_page_size must be a whole number of at least 1, not 'ten'"),
    ({"decision_layout": "shards"}, "decision_layout must be one of auto, plain, sharded, not 'shards'"),
])
def test_a_bad_layout_setting_is_one_line_naming_site_yaml(setting: dict, message: str) -> None:
    with pytest.raises(ContentError) as caught:
        config_from_mapping(setting, Path("content/site.yaml"))
    assert str(caught.value) == f"content/site.yaml: {message}"


def test_addresses_keep_accented_letters_as_plain_ones_and_anchors_keep_their_published_form() -> None:
    assert path_slug("Cyngor Sir Ynys Môn") == "cyngor-sir-ynys-mon"
    assert path_slug("Straße Ærø Łódź") == "strasse-aero-lodz"
    assert path_slug("Children’s care services") == slugify("Children’s care services") == "childrens-care-services"
    assert slugify("Cyngor Sir Ynys Môn") == "cyngor-sir-ynys-m-n"           # an anchor id, as published


def test_a_council_whose_address_changed_keeps_its_old_anchor_and_gets_a_redirect(content_copy: Path,
                                                                                   tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    path.write_text(path.read_text(encoding="utf-8").replace("subcategory: Looked after children",
                                                             "subcategory: Plant ’n’ Môn"), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("council: Essex County Council",
                                                             "council: Cyngor Môn"), encoding="utf-8")
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    site = tmp_path / "site"
    assert (site / "councils" / "cyngor-mon" / "index.html").is_file()
    assert (site / "categories" / "childrens-care-services" / "plant-n-mon" / "index.html").is_file()
    category = (site / "categories" / "childrens-care-services" / "index.html").read_text(encoding="utf-8")
    assert 'id="plant-n-m-n"' in category                 # the section's anchor keeps the form ids always had
    assert "/councils/cyngor-m-n/* /councils/cyngor-mon/:splat 301" in (site / "_redirects").read_text()


# ---------------------------------------------------------------- where decision pages go

def test_decision_pages_are_plain_while_they_fit_and_sharded_past_the_folder_limit() -> None:
    config = load_config(CONTENT)
    decisions = seed_like(3)
    assert choose_layout(config, decisions) == Layout(sharded=False)
    # Three decisions, the list's page, one year: five entries in decisions/.
    assert choose_layout(replace(config, folder_limit=5), decisions) == Layout(sharded=False)
    assert choose_layout(replace(config, folder_limit=4), decisions) == Layout(sharded=True)
    assert choose_layout(replace(config, decision_layout="sharded"), decisions) == Layout(sharded=True)
    assert choose_layout(replace(config, decision_layout="plain", folder_limit=1), decisions) == Layout(sharded=False)
    assert Layout(sharded=True).page("17-002-402b") == "decision-pages/17-002/17-002-402b/index.html"
    assert Layout(sharded=False).page("17-002-402b") == "decisions/17-002-402b/index.html"
    entries = make_entries(decisions, replace(config, folder_limit=4))
    assert [entry.page for entry in entries][:1] == ["decision-pages/13-000/13-000-000/index.html"]
    assert {entry.url for entry in entries} == {"/decisions/13-000-000/", "/decisions/13-000-001/",
                                                "/decisions/13-000-002/"}


def test_folders_are_counted_with_their_files_and_subfolders() -> None:
    counts = folder_entries(["index.html", "a/index.html", "a/b/index.html", "a/b/c.json", "a/d/e/f.html"])
    assert counts == {"": 2, "a": 3, "a/b": 2, "a/d": 1, "a/d/e": 1}
    config = replace(load_config(CONTENT), folder_limit=2)
    with pytest.raises(DigestError) as caught:
        check_folder_limit(Path("site"), ["a/1", "a/2", "a/3", "b/1", "b/2", "b/3", "b/4"], config)
    assert str(caught.value) == (
        "site/b: would hold 4 entries (and 1 other folder), more than folder_limit (2) allows: raise "
        "folder_limit in site.yaml (Netlify refuses more than 54,000 entries in a folder); nothing was changed")


def test_a_build_that_would_pass_the_folder_limit_stops_in_one_line_and_changes_nothing(content_copy: Path,
                                                                                         tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    before = snapshot(out)
    counts = folder_entries(before)
    fullest = max(counts, key=lambda name: (counts[name], name))
    with (content_copy / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"folder_limit: {counts[fullest] - 1}\n")
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content_copy), "--out",
                          str(out), "--templates", str(TEMPLATES)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [f"error: {out / fullest}: would hold {counts[fullest]} entries, more than "
                                       f"folder_limit ({counts[fullest] - 1}) allows: raise folder_limit in site.yaml "
                                       "(Netlify refuses more than 54,000 entries in a folder); nothing was changed"]
    assert snapshot(out) == before


# ---------------------------------------------------------------- paged lists and the sitemap

def test_a_list_has_pages_of_its_size_with_numbers_near_this_one_and_the_ends() -> None:
    entries = make_entries(seed_like(23), load_config(CONTENT))
    pages = paginate("/outcomes/upheld/", entries, 2)
    assert len(pages) == 12 and [len(page.entries) for page in pages] == [2] * 11 + [1]
    assert [page.url for page in pages[:3]] == ["/outcomes/upheld/", "/outcomes/upheld/page/2/",
                                                "/outcomes/upheld/page/3/"]
    assert pages[6].numbers() == [1, None, 5, 6, 7, 8, 9, None, 12]
    assert pages[0].numbers() == [1, 2, 3, None, 12] and pages[2].numbers() == [1, 2, 3, 4, 5, None, 12]
    assert (pages[0].prev_url, pages[0].next_url) == (None, "/outcomes/upheld/page/2/")
    assert (pages[11].prev_url, pages[11].next_url, pages[11].first, pages[11].last) == (
        "/outcomes/upheld/page/11/", None, 23, 23)
    assert paginate("/x/", [], 2)[0].count == 1                     # an empty list has one (empty) page


def test_no_list_page_passes_250_kb_even_with_long_summaries() -> None:
    """1,500 decisions of one council, band, outcome and subcategory, each with a 5,000-character summary of
    one sentence: every page but the decisions' own stays under 250 KB, shown a cut first sentence."""
    config = load_config(CONTENT)
    entries = make_entries(seed_like(1500, summary="Mrs X complained " + "at length " * 500 + "."), config)
    assert len(entries[0].first_sentence) <= LONGEST_SENTENCE + 1 and entries[0].first_sentence.endswith("…")
    env = make_environment(TEMPLATES, fingerprint(TEMPLATES / "static"))
    sizes = {page.path: len(page.text.encode()) for planned in plan_pages(env, config, entries,
                                                                          make_taxonomies(entries, config))
             for page in planned.make()}
    assert "councils/essex-county-council/page/15/index.html" in sizes
    assert "categories/childrens-care-services/looked-after-children/page/15/index.html" in sizes
    largest = max(sizes, key=sizes.__getitem__)
    assert sizes[largest] <= 250 * 1024, (largest, sizes[largest])


def test_past_50000_addresses_the_sitemap_is_an_index_of_sitemaps() -> None:
    env = make_environment(TEMPLATES, fingerprint(TEMPLATES / "static"))
    config = load_config(CONTENT)
    urls = [f"/decisions/{n:02d}/" for n in range(7)] + ["/feed.xml"]
    assert [page.path for page in render_sitemaps(env, config, urls, limit=7)] == ["sitemap.xml"]
    pages = render_sitemaps(env, config, urls + ["/about/"], limit=3)
    assert [page.path for page in pages] == ["sitemap.xml", "sitemaps/1.xml", "sitemaps/2.xml", "sitemaps/3.xml"]
    index = ET.fromstring(pages[0].text.encode())
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SITEMAP}loc")] == [
        f"{config.base_url}/sitemaps/{n}.xml" for n in (1, 2, 3)]
    listed = [loc.text for page in pages[1:] for loc in ET.fromstring(page.text.encode()).iter(f"{SITEMAP}loc")]
    assert listed == sorted(config.base_url + url for url in urls[:-1] + ["/about/"])
