"""Every published address and every short form answers as it should on Netlify and in the preview: checked
with Netlify's own engine (`@netlify/redirects` with `@netlify/static`, under Node; installed here from
tests/js/package-lock.json) and with `digest serve`'s app on a real port, on a site stored plain and one
stored in shards. The rules stay few at any size (a synthetic digest of thousands)."""
from __future__ import annotations

import fcntl
import hashlib
import http.client
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.corpus import make_decisions
from generator.build import BuildRequest, build
from generator.content.format import dump, parse
from generator.content.settings import load_config
from generator.site.entries import make_entries
from generator.site.host_rules import route, rules_in
from generator.site.indexes import make_taxonomies
from generator.site.layout import Layout
from generator.site.redirects import redirects

from .browser import NETLIFY
from .conftest import CONTENT, ROOT, TEMPLATES
from .pin_urls import GOLDEN
from .sitecheck import broken_links
from .test_serve import serving

JS = ROOT / "tests" / "js"
ENGINE = JS / "netlify-answers.mjs"
BASE = "https://decisions-digest.netlify.app"
JOINT = "17-002-402b"                  # a joint-case reference
ALIAS = "24-001-565"                   # a former reference of 24-001-566
ACCENTED = "Cyngor Sir Ynys Môn"       # an address that changed: /councils/cyngor-sir-ynys-m-n/ before
MISSING = ["/decisions/24-001-999/", "/decisions/24-001-999", "/24001999", "/24-001-999/", "/decisions/24001999/",
           "/99-001-566", "/decisions/99-001-566/", "/councils/nowhere/", "/decisions/24-001-566/nothing.html"]


# ---------------------------------------------------------------- Netlify's engine

@pytest.fixture(scope="session")
def netlify_engine():
    """answers(site, urls) -> Netlify's answer to each: {url, hops: [[status, location]], status, canonical}.
    The engine is installed into tests/js/node_modules (npm ci) when it is missing or its lock changed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "Netlify's engine runs on Node.js: apt-get install -y nodejs npm"
    lock = hashlib.sha256((JS / "package-lock.json").read_bytes()).hexdigest()
    stamp = JS / "node_modules" / ".installed-from"
    with open(JS / ".install.lock", "w") as held:       # test processes running side by side install once
        fcntl.flock(held, fcntl.LOCK_EX)
        if not stamp.is_file() or stamp.read_text() != lock:
            installed = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS,
                                       capture_output=True, text=True, timeout=600, check=False)
            assert installed.returncode == 0, installed.stdout + installed.stderr
            stamp.write_text(lock)

    def answers(site: Path, urls: list[str]) -> dict[str, dict]:
        run = subprocess.run([node, str(ENGINE), str(site), str(NETLIFY)], input="\n".join(urls), cwd=JS,
                             capture_output=True, text=True, timeout=120, check=False)
        assert run.returncode == 0, run.stderr
        return {answer["url"]: answer for answer in json.loads(run.stdout)}
    return answers


# ---------------------------------------------------------------- the preview, on a real port

def preview_answers(content: Path, site: Path, urls: list[str]) -> dict[str, dict]:
    """`digest serve` on the built site (its first build finds nothing to do), asked on a free port; the
    answers in the engine's shape."""
    with serving(content, TEMPLATES, site.parent) as (port, _):
        return {url: _follow(port, url) for url in urls}


def _follow(port: int, url: str) -> dict:
    hops, address = [], url
    for _ in range(7):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", address)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        if 300 <= response.status < 400:
            location = urlsplit(response.getheader("Location"))
            address = location.path + (f"?{location.query}" if location.query else "")
            hops.append([response.status, address])
            continue
        start = body.find('<link rel="canonical" href="')
        canonical = body[start + 28:body.index('"', start + 28)] if start >= 0 and response.status == 200 else None
        return {"url": url, "hops": hops, "status": response.status, "canonical": canonical}
    return {"url": url, "hops": hops, "status": 0, "canonical": None}


# ---------------------------------------------------------------- the sites and what they should answer

def digest_content(folder: Path, layout: str) -> Path:
    """The committed content, plus a joint-case decision, an alias and a council whose slug has an accented
    letter; stored as `layout` says."""
    content = folder / "content"
    shutil.copytree(CONTENT, content)
    with (content / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"decision_layout: {layout}\n")
    seed = content / "decisions" / "24-001-566.md"
    decision = parse(seed.read_text(encoding="utf-8"), seed)
    seed.write_text(dump(replace(decision, aliases=(ALIAS,))), encoding="utf-8")
    (content / "decisions" / f"{JOINT}.md").write_text(dump(replace(decision, reference="17 002 402b")),
                                                        encoding="utf-8")
    (content / "decisions" / "23-004-101.md").write_text(
        dump(replace(decision, reference="23 004 101", council=ACCENTED)), encoding="utf-8")
    return content


def expected_answers(content: Path) -> dict[str, str | None]:
    """Each address -> the page (its address) it should end at, 200, after permanent redirects only; None:
    a 404. Files that are not pages (feeds, data) are their own address."""
    wanted: dict[str, str | None] = {}
    for url in dict.fromkeys(line.partition("#")[0] for line in GOLDEN.read_text(encoding="utf-8").split()):
        wanted[url] = url
    for path in sorted((content / "decisions").glob("*.md")):
        slug, page = path.stem, f"/decisions/{path.stem}/"
        compact = slug.replace("-", "")
        for form in (slug, compact, f"decisions/{compact}", f"decisions/{slug}"):
            wanted[f"/{form}"] = wanted[f"/{form}/"] = page
    for form in (f"/decisions/{ALIAS}", f"/decisions/{ALIAS}/", f"/{ALIAS}", f"/{ALIAS.replace('-', '')}/",
                 f"/decisions/{ALIAS.replace('-', '')}"):
        wanted[form] = "/decisions/24-001-566/"
    for old, new in (("cyngor-sir-ynys-m-n/", "cyngor-sir-ynys-mon/"),
                     ("cyngor-sir-ynys-m-n/feed.xml", "cyngor-sir-ynys-mon/feed.xml"),
                     ("cyngor-sir-ynys-m-n", "cyngor-sir-ynys-mon/")):
        wanted[f"/councils/{old}"] = f"/councils/{new}"
    wanted.update(dict.fromkeys(MISSING))
    return wanted


def wrong_answers(answers: dict[str, dict], wanted: dict[str, str | None], who: str) -> list[str]:
    wrong = []
    for url, page in wanted.items():
        answer = answers[url]
        hops = answer["hops"]
        end = hops[-1][1] if hops else url
        if page is None:
            ok = answer["status"] == 404
        elif any(status != 301 for status, _ in hops) or answer["status"] != 200:
            ok = False
        elif page.endswith(("/", ".html")):            # a page: it says which it is
            ok = answer["canonical"] == BASE + page
        else:                                          # a feed, the data: at its own address
            ok = end == page
        if not ok:
            wrong.append(f"{who}: {url} -> {answer}, should end at {page}")
    return wrong


@pytest.mark.parametrize("layout", ["plain", "sharded"])
def test_every_address_answers_on_netlify_and_in_the_preview(tmp_path: Path, netlify_engine, layout: str) -> None:
    content = digest_content(tmp_path, layout)
    site = tmp_path / "site"
    build(BuildRequest(content, site, TEMPLATES))
    assert (site / "decisions" / "24-001-566" / "index.html").is_file() == (layout == "plain")
    wanted = expected_answers(content)
    urls = list(wanted)
    engine, preview = netlify_engine(site, urls), preview_answers(content, site, urls)
    assert wrong_answers(engine, wanted, "Netlify") + wrong_answers(preview, wanted, "preview") == []
    # One rule per alias and per moved page, first; the short forms take at most two redirects.
    lines = [line for line in (site / "_redirects").read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    assert lines[:2] == ["/decisions/24-001-565 /decisions/24-001-566/ 301",
                         "/councils/cyngor-sir-ynys-m-n/* /councils/cyngor-sir-ynys-mon/:splat 301"]
    assert max(len(engine[url]["hops"]) for url in urls) <= 3
    assert broken_links(site) == []                 # every link of every page, through the rewrites


# ---------------------------------------------------------------- at any size

def test_a_digest_of_thousands_needs_a_few_hundred_rules_and_every_short_form_answers(tmp_path: Path,
                                                                                      netlify_engine) -> None:
    """3,000 synthetic decisions over 14 reference years: the generated rules are bounded by the years and
    groups (not the decisions), well under 1,000 rules and 100 KB; the matcher and Netlify's engine send
    every decision's short forms to its page."""
    config = replace(load_config(CONTENT), decision_layout="sharded")
    entries = make_entries([d.front_matter() for d in make_decisions(3000, seed=7)], config)
    made = redirects(entries, make_taxonomies(entries, config), Layout(sharded=True))
    shards = {entry.decision.slug[:6] for entry in entries}
    years = {slug[:2] for slug in shards}
    assert len(made.generated) == 2 * len(shards) + len(years) <= 700
    assert len(made.text().encode()) <= 40_000
    (tmp_path / "_redirects").write_text(made.text(), encoding="utf-8")
    rules = rules_in(tmp_path)
    sample = entries[::25]
    forms = [form for entry in sample for form in short_forms(entry.decision.slug)]
    engine = netlify_engine(tmp_path, forms)
    for entry in sample:
        for form in short_forms(entry.decision.slug):
            chain = matcher_chain(rules, form)
            assert chain[-1].rstrip("/") == f"/decisions/{entry.decision.slug}", (form, chain)
            assert [location for _, location in engine[form]["hops"]] == chain, form


def short_forms(slug: str) -> list[str]:
    compact = slug.replace("-", "")
    return [f"/{slug}", f"/{compact}/", f"/decisions/{compact}"]


def matcher_chain(rules, url: str) -> list[str]:
    """The redirects the matcher gives from `url`, with no page in the folder to stop at."""
    chain = []
    while (routed := route(rules, url)) is not None and routed.redirect:
        chain.append(url := routed.target)
    return chain
