"""Incremental builds: after any sequence of edits, whatever the cache holds and whatever happened to the last
build, the output is byte for byte a clean build of the same content, and only files whose bytes change are
written (every other file keeps its date)."""
from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from benchmarks.corpus import CATEGORIES, make_decisions, write_corpus
from generator.incremental import workers
from generator.site.assets import fingerprint
from generator.build import BuildRequest, build
from generator.incremental.memory import PreviewMemory
from generator.incremental.state import state_folder
from generator.digest import digest as digest_of
from generator.site.templates import template_digests
from generator.content.settings import load_config
from generator.content.folder import Loaded, Source, load_decisions, read_files
from generator.content.format import dump, parse
from generator.errors import BuildErrors, ContentError, DigestError
from generator.model import OUTCOMES, Payment
from generator.incremental.output import staging_folder
from generator.site.templates import make_environment
from generator.site.entries import make_entries
from generator.search.files import text_groups, text_path

from .conftest import CONTENT, TEMPLATES


SEEDS = [11, 2025]
PREVIEW_URL = "https://deploy-preview-7--decisions-digest.netlify.app"


def run_build(content: Path, out: Path, templates: Path, *, clean: bool = False, jobs: int | None = None,
              base_url: str | None = None, memory: PreviewMemory | None = None):
    """A build; with `memory`, as the preview server runs them: the state kept in memory between builds
    (with what it remembers only there), the output folder trusted once it has been looked at."""
    mode = "cold" if clean else "incremental" if memory is None else "preview"
    return build(BuildRequest(content, out, templates, mode=mode, jobs=jobs, base_url=base_url), memory)


# ---------------------------------------------------------------- output trees

@dataclass(frozen=True)
class Stamp:
    data: bytes
    mtime_ns: int


def snapshot(folder: Path) -> dict[str, Stamp]:
    return {path.relative_to(folder).as_posix(): Stamp(path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def tree_differences(actual: Path, expected: Path) -> list[str]:
    """Every way `actual` differs from `expected`: missing files, extra files, different bytes."""
    got = {path: stamp.data for path, stamp in snapshot(actual).items()}
    want = {path: stamp.data for path, stamp in snapshot(expected).items()}
    differences = [f"missing (the clean build has it): {path}" for path in sorted(want.keys() - got.keys())]
    differences += [f"extra (the clean build does not have it): {path}" for path in sorted(got.keys() - want.keys())]
    for path in sorted(got.keys() & want.keys()):
        if got[path] != want[path]:
            at = next((i for i, (a, b) in enumerate(zip(got[path], want[path])) if a != b),
                      min(len(got[path]), len(want[path])))
            differences.append(f"different bytes: {path} (from byte {at}: incremental "
                               f"{got[path][max(0, at - 40):at + 40]!r} vs clean {want[path][max(0, at - 40):at + 40]!r})")
    return differences


def assert_same_tree(actual: Path, expected: Path, context: str) -> None:
    differences = tree_differences(actual, expected)
    if differences:
        pytest.fail(f"{context}\nthe incremental build differs from a clean build in {len(differences)} file(s), "
                    "first:\n  " + "\n  ".join(differences[:8]))


def assert_writes_only_changes(before: dict[str, Stamp], out: Path, report, context: str) -> dict[str, Stamp]:
    """Exactly the files whose bytes changed (or that are new) were written; every other file keeps its date;
    the report counts them. Returns the new snapshot."""
    after = snapshot(out)
    changed = {path for path, stamp in after.items() if path not in before or before[path].data != stamp.data}
    rewritten = {path for path, stamp in after.items() if path not in before or before[path].mtime_ns != stamp.mtime_ns}
    removed = before.keys() - after.keys()
    needless = sorted(rewritten - changed)
    assert not needless, f"{context}: {len(needless)} file(s) rewritten with the same bytes, first: {needless[:8]}"
    stale_date = sorted(changed - rewritten)
    assert not stale_date, f"{context}: changed but kept the old date: {stale_date[:8]}"
    counts = (report.written, report.unchanged, report.removed)
    assert counts == (len(changed), len(after) - len(changed), len(removed)), (
        f"{context}: report says written/unchanged/removed = {counts}, "
        f"the output says {(len(changed), len(after) - len(changed), len(removed))}")
    return after


# ---------------------------------------------------------------- a digest on disk

@dataclass
class Digest:
    """Content and templates in a temporary folder; an incremental output with its cache, and clean builds
    of the same content, each into a fresh output and cache folder, for comparison."""
    root: Path
    content: Path
    templates: Path
    memory: PreviewMemory | None = None   # build as the preview server does, keeping the state in memory
    watched: bool = False                 # ... and tell it the files changed, as its watcher does
    seen: dict[Path, tuple[int, int]] | None = None     # the files' stamps at the last build

    @property
    def out(self) -> Path:
        return self.root / "incremental" / "site"

    @property
    def cache(self) -> Path:
        return state_folder(self.out)

    @property
    def decisions(self) -> list[Path]:
        return sorted((self.content / "decisions").glob("*.md"))

    def build(self, **options):
        options.setdefault("jobs", 2)
        options.setdefault("memory", self.memory)
        if self.watched and self.memory is not None:
            self.tell_changes(self.memory)
        return run_build(self.content, self.out, self.templates, **options)

    def tell_changes(self, memory: PreviewMemory) -> None:
        """What the preview's watcher would report: every file created, changed or removed since the last
        build (by its stamp), and from the first build on, that every change is reported."""
        now = {path: (path.stat().st_size, path.stat().st_mtime_ns)
               for folder in (self.content, self.templates) for path in folder.rglob("*") if path.is_file()}
        if self.seen is None:
            memory.changes.watching()
        else:
            changed = {path for path in now.keys() | self.seen.keys() if now.get(path) != self.seen.get(path)}
            memory.changes.note(map(str, changed), self.content)
        self.seen = now

    def clean_build(self, base_url: str | None = None) -> Path:
        """A clean build of the current content and templates (made once for each state of them)."""
        inputs = hashlib.sha256(f"{self.templates}\0{base_url}".encode())
        for folder in (self.content, self.templates):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    inputs.update(f"\0{path.relative_to(folder)}\0".encode() + path.read_bytes())
        folder = self.root / "clean" / inputs.hexdigest()[:16]
        if not (folder / "site").is_dir():
            run_build(self.content, folder / "site", self.templates, clean=True, jobs=1,
                      base_url=base_url)
        return folder / "site"

    def assert_matches_clean_build(self, context: str, base_url: str | None = None) -> None:
        assert_same_tree(self.out, self.clean_build(base_url), context)


LIST_PAGE_SIZE = 4          # so that lists have several pages and an edit moves decisions between them


def make_digest(root: Path, synthetic: int, seed: int = 2025, in_memory: bool = False, watched: bool = False) -> Digest:
    """`synthetic` generated decisions plus the five real seed decisions, and a copy of the templates; lists
    of more than LIST_PAGE_SIZE decisions are paginated."""
    content = root / "content"
    write_corpus(content, synthetic, seed)
    with (content / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"list_page_size: {LIST_PAGE_SIZE}\ndecision_layout: plain\n")
    for path in sorted((CONTENT / "decisions").glob("*.md")):
        shutil.copy(path, content / "decisions" / path.name)
    templates = root / "templates"
    shutil.copytree(TEMPLATES, templates)
    return Digest(root, content, templates, PreviewMemory() if in_memory or watched else None, watched)


@pytest.fixture
def small_digest(tmp_path: Path) -> Digest:
    return make_digest(tmp_path, synthetic=6)


def decision_page(slug: str) -> str:
    return f"decisions/{slug}/index.html"


def edit_body_word(path: Path, rng: random.Random, new_word: str) -> str:
    """Replace one word of a numbered paragraph; the front matter is left exactly as it was."""
    text = path.read_text(encoding="utf-8")
    fence = text.index("\n---\n", 4) + 5
    front, body = text[:fence], text[fence:]
    lines = body.split("\n")
    numbered = [i for i, line in enumerate(lines) if re.match(r"\d+\. .*[A-Za-z]{4,}", line)]
    index = rng.choice(numbered)
    words = list(re.finditer(r"(?<![\w’'])[A-Za-z]{4,}(?![\w’'])", lines[index]))
    word = rng.choice(words)
    lines[index] = lines[index][:word.start()] + new_word + lines[index][word.end():]
    path.write_text(front + "\n".join(lines), encoding="utf-8")
    return f"body word {word.group()!r} -> {new_word!r} in {path.name}"


# ---------------------------------------------------------------- random edits

DECISION_EDITS = ("body_word", "summary", "council", "category", "date", "remedy_band", "outcome",
                  "add", "delete", "alias")
# Edits to templates and settings, batched so that none hides another's missed pages: decision.html and a
# partial change different pages; a remedy band bound moves decisions between band pages; a static asset's
# new hashed name and a new site title change every page. The Jinja comment changes no page at all.
GLOBAL_BATCHES = (("template_page", "template_partial"), ("site_band",), ("static_asset", "site_title"),
                  ("site_layout",))
NO_OUTPUT_CHANGE = ("touch", "template_comment")
NEW_WORDS = ("quagmire", "delay", "zephyr", "apologise", "kerfuffle", "assessment", "Warwickshire", "café")
SHARED_PARTIALS = ("entry-list.html", "entry.html", "search-box.html", "browse-links.html")   # each used by 2+ templates
AMOUNTS = (0, 120, 400, 800, 2500, 9000)


class Editor:
    """A seeded sequence of the edits an editor makes, each described for the assertion messages."""

    def __init__(self, digest: Digest, seed: int):
        self.digest, self.rng, self.count = digest, random.Random(seed), 0
        existing = {path.stem for path in digest.decisions}
        self.new_decisions = [d for d in make_decisions(8, seed=seed + 1000) if d.slug not in existing]
        self.councils = sorted({parse(p.read_text(encoding="utf-8"), p).council for p in digest.decisions})

    def apply(self, kind: str) -> str:
        self.count += 1
        return getattr(self, kind)()

    # one decision

    def pick(self) -> Path:
        return self.rng.choice(self.digest.decisions)

    def change(self, path: Path, **fields) -> None:
        decision = parse(path.read_text(encoding="utf-8"), path)
        path.write_text(dump(replace(decision, **fields)), encoding="utf-8")

    def read(self, path: Path):
        return parse(path.read_text(encoding="utf-8"), path)

    def body_word(self) -> str:
        return edit_body_word(self.pick(), self.rng, self.rng.choice(NEW_WORDS))

    def summary(self) -> str:
        path = self.pick()
        summary = f"Edit {self.count}: Mr Q complained about the {self.rng.choice(NEW_WORDS)}. " + self.read(path).summary
        self.change(path, summary=summary)
        return f"summary of {path.name}"

    def council(self) -> str:
        path = self.pick()
        old = self.read(path).council
        if self.rng.random() < 0.3:
            new = f"Edit {self.count} District Council"
        else:
            new = self.rng.choice([council for council in self.councils if council != old])
        self.change(path, council=new)
        return f"council of {path.name}: {old} -> {new}"

    def category(self) -> str:
        path = self.pick()
        decision = self.read(path)
        if decision.category in CATEGORIES and self.rng.random() < 0.4:
            category = decision.category
        else:
            category = self.rng.choice([c for c in CATEGORIES if c != decision.category])
        subcategory = self.rng.choice([*CATEGORIES[category], None])
        if (category, subcategory) == (decision.category, decision.subcategory):
            subcategory = None if subcategory else CATEGORIES[category][0]
        self.change(path, category=category, subcategory=subcategory)
        return f"category of {path.name}: {decision.category}/{decision.subcategory} -> {category}/{subcategory}"

    def date(self) -> str:
        path = self.pick()
        old = self.read(path).decision_date
        new = None if self.rng.random() < 0.15 else date(2021, 1, 4) + timedelta(days=self.rng.randrange(1760))
        if new == old:
            new = date(2026, 1, 5)
        self.change(path, decision_date=new)
        return f"date of {path.name}: {old} -> {new}"

    def remedy_band(self) -> str:
        path = self.pick()
        remedy = self.read(path).remedy
        config = load_config(self.digest.content)
        old_band = config.band_for(remedy.total)
        total = self.rng.choice([a for a in AMOUNTS if config.band_for(a) != old_band])
        payments = (Payment(amount=total, purpose=f"the distress caused (edit {self.count})"),) if total else ()
        self.change(path, remedy=replace(remedy, total=total, payments=payments))
        return f"remedy of {path.name}: £{remedy.total} ({old_band.name}) -> £{total} ({config.band_for(total).name})"

    def outcome(self) -> str:
        path = self.pick()
        old = self.read(path).outcome
        new = self.rng.choice([o for o in (*OUTCOMES, None) if o != old])
        self.change(path, outcome=new)
        return f"outcome of {path.name}: {old} -> {new}"

    def add(self) -> str:
        existing = {path.stem for path in self.digest.decisions}
        decision = next(d for d in self.new_decisions if d.slug not in existing)
        self.new_decisions.remove(decision)
        path = self.digest.content / "decisions" / f"{decision.slug}.md"
        path.write_text(dump(decision), encoding="utf-8")
        return f"added {path.name} ({decision.council}, {decision.decision_date})"

    def delete(self) -> str:
        path = self.pick()
        path.unlink()
        return f"deleted {path.name}"

    def alias(self) -> str:
        path = self.pick()
        alias = f"18-{self.count:03d}-{self.rng.randrange(1000):03d}"
        self.change(path, aliases=(*self.read(path).aliases, alias))
        return f"alias {alias} added to {path.name}"

    # templates and settings

    def template_page(self) -> str:
        path = self.digest.templates / "decision.html"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("{% block content %}", f"{{% block content %}}<!-- edit {self.count} -->", 1),
                        encoding="utf-8")
        return "HTML comment in decision.html"

    def template_partial(self) -> str:
        name = self.rng.choice(SHARED_PARTIALS)
        path = self.digest.templates / "partials" / name
        path.write_text(path.read_text(encoding="utf-8") + f"<!-- edit {self.count} -->\n", encoding="utf-8")
        return f"HTML comment in partials/{name}"

    def template_comment(self) -> str:
        """A Jinja comment: the template changes, no page does."""
        path = self.digest.templates / "base.html"
        path.write_text(f"{{# edit {self.count} #}}" + path.read_text(encoding="utf-8"), encoding="utf-8")
        return "Jinja comment in base.html"

    def static_asset(self) -> str:
        name = self.rng.choice(("style.css", "cite.js"))
        path = self.digest.templates / "static" / name
        comment = f"/* edit {self.count} */\n"
        path.write_text(path.read_text(encoding="utf-8") + comment, encoding="utf-8")
        return f"comment in static/{name} (its hashed name changes)"

    def site_title(self) -> str:
        path = self.digest.content / "site.yaml"
        text, replaced = re.subn(r"(?m)^title: .*$", f"title: Decisions Digest {self.count}",
                                 path.read_text(encoding="utf-8"))
        assert replaced == 1
        path.write_text(text, encoding="utf-8")
        return f"site title -> Decisions Digest {self.count}"

    def site_band(self) -> str:
        path = self.digest.content / "site.yaml"
        text = path.read_text(encoding="utf-8")
        pattern = r"(\{name: Up to £250, max: )(\d+)\}"
        old = int(re.search(pattern, text).group(2))
        new = self.rng.choice([bound for bound in (150, 250, 300, 450) if bound != old])
        path.write_text(re.sub(pattern, rf"\g<1>{new}}}", text), encoding="utf-8")
        return f"site.yaml: band 'Up to £250' max {old} -> {new}"

    def site_layout(self) -> str:
        """Decision pages move between plain folders and shards (served through _redirects rewrites)."""
        path = self.digest.content / "site.yaml"
        text = path.read_text(encoding="utf-8")
        old = re.search(r"(?m)^decision_layout: (\w+)$", text).group(1)
        new = "sharded" if old == "plain" else "plain"
        path.write_text(text.replace(f"decision_layout: {old}", f"decision_layout: {new}"), encoding="utf-8")
        return f"site.yaml: decision_layout {old} -> {new}"

    def touch(self) -> str:
        """Files saved without a change: a new date (or the same bytes written again), same content."""
        names = []
        for path in (self.pick(), self.digest.templates / "partials" / "facts.html",
                     self.digest.templates / "static" / "style.css"):
            os.utime(path)
            names.append(path.name)
        site = self.digest.content / "site.yaml"
        site.write_bytes(site.read_bytes())
        return f"touched {', '.join(names)}, site.yaml rewritten unchanged"


def edit_batches(rng: random.Random) -> list[list[str]]:
    """Every kind of edit at least once (one decision edit twice), in batches: decision edits in three
    batches of random sizes, kept apart from edits to templates and settings, so that a template change
    that rewrites every page cannot hide the pages a decision edit missed; one batch changes no output."""
    decision_edits = rng.sample(DECISION_EDITS, len(DECISION_EDITS)) + [rng.choice(DECISION_EDITS)]
    cuts = sorted(rng.sample(range(1, len(decision_edits)), 2))
    batches = [decision_edits[start:end] for start, end in zip([0, *cuts], [*cuts, len(decision_edits)])]
    batches += [rng.sample(batch, len(batch)) for batch in GLOBAL_BATCHES]
    rng.shuffle(batches)
    batches.insert(rng.randrange(1, len(batches) + 1), list(NO_OUTPUT_CHANGE))
    return batches


@pytest.mark.parametrize(("seed", "kept"), [(seed, "on disk") for seed in SEEDS] + [(7, "in memory"), (7, "watched")])
def test_incremental_builds_after_random_edits_equal_clean_builds(tmp_path: Path, seed: int, kept: str) -> None:
    """`kept`: the state between builds, saved on disk, or in a preview's memory (that is told the files
    changed, as its watcher does, or not)."""
    digest = make_digest(tmp_path, synthetic=20, seed=seed, in_memory=kept != "on disk", watched=kept == "watched")
    editor = Editor(digest, seed)
    digest.build()
    before = snapshot(digest.out)
    history: list[str] = []
    moved = 0
    for number, batch in enumerate(edit_batches(editor.rng), start=1):
        done = [editor.apply(kind) for kind in batch]
        history.append(f"batch {number}: " + "; ".join(done))
        context = f"seed {seed}, after\n  " + "\n  ".join(history[-3:])
        listed = pages_listing(digest.out)
        report = digest.build()
        before = assert_writes_only_changes(before, digest.out, report, context)
        moved += sum(1 for url, page in pages_listing(digest.out).items() if listed.get(url, page) != page)
        if batch == list(NO_OUTPUT_CHANGE):
            assert report.written == 0 and report.removed == 0, context
        else:
            assert report.written > 0, f"{context}\nthe edits changed no file"
            digest.assert_matches_clean_build(context)
    assert moved, "no edit moved a decision from one page of /decisions/ to another"


def pages_listing(out: Path) -> dict[str, str]:
    """Each decision's address -> the page of /decisions/ that lists it."""
    found = {}
    for page in [out / "decisions" / "index.html", *sorted((out / "decisions" / "page").glob("*/index.html"))]:
        for url in re.findall(r'<h3 class="entry-title"><a href="([^"]+)"', page.read_text(encoding="utf-8")):
            found[url] = page.relative_to(out).as_posix()
    return found


def test_a_watched_preview_patches_its_site_after_decision_edits_equal_to_clean_builds(tmp_path: Path) -> None:
    """A preview told the files that changed (as its watcher tells it) patches the last build: it looks at
    those files only, and after every kind of edit to decisions, in batches of one to three, the site is
    the same as a clean build's."""
    digest = make_digest(tmp_path, synthetic=20, seed=53, watched=True)
    editor = Editor(digest, 53)
    digest.build()
    kinds = editor.rng.sample(DECISION_EDITS, len(DECISION_EDITS))
    history: list[str] = []
    while kinds:
        batch = kinds[:editor.rng.randint(1, 3)]
        kinds = kinds[len(batch):]
        history.append("; ".join(editor.apply(kind) for kind in batch))
        report = digest.build()
        assert report.written > 0, history[-1]
        digest.assert_matches_clean_build("watched preview, after\n  " + "\n  ".join(history[-3:]))


def test_a_watched_preview_reads_only_the_file_that_changed(tmp_path: Path, monkeypatch) -> None:
    """After a paragraph edit, a watched preview stats and parses that one file and renders that one page."""
    import generator.content.folder as folder_module
    digest = make_digest(tmp_path, synthetic=20, seed=5, watched=True)
    digest.build()
    digest.build()                                      # the first with every change known
    parsed, scans = [], []
    real_read, real_scan = folder_module._read_source, folder_module.content_stamps
    monkeypatch.setattr(folder_module, "_read_source",
                        lambda path, *rest: parsed.append(path.name) or real_read(path, *rest))
    monkeypatch.setattr(folder_module, "content_stamps", lambda folder: scans.append(folder) or real_scan(folder))
    edited = digest.content / "decisions" / "24-001-566.md"
    edit_body_word(edited, random.Random(9), "zephyr")
    report = digest.build()
    assert parsed == ["24-001-566.md"] and scans == []
    assert report.rendered == 3                         # its page, its search text file, the search index
    assert b"zephyr" in (digest.out / decision_page("24-001-566")).read_bytes()
    digest.assert_matches_clean_build("after one paragraph edit in a watched preview")


# ---------------------------------------------------------------- what is written

def test_a_rebuild_without_changes_writes_nothing_and_keeps_every_date(small_digest: Digest) -> None:
    first = small_digest.build()
    before = snapshot(small_digest.out)
    assert first.written == len(before) and first.decisions == 11
    again = small_digest.build()
    assert (again.written, again.removed, again.unchanged) == (0, 0, len(before))
    assert snapshot(small_digest.out) == before


def test_a_body_edit_rewrites_its_page_and_no_other_decision_page(small_digest: Digest) -> None:
    small_digest.build()
    before = snapshot(small_digest.out)
    edited = small_digest.content / "decisions" / "24-001-566.md"
    edit_body_word(edited, random.Random(3), "kerfuffle")
    report = small_digest.build()
    after = assert_writes_only_changes(before, small_digest.out, report, "body edit")
    rewritten = {path for path, stamp in after.items() if path not in before or before[path].mtime_ns != stamp.mtime_ns}
    assert decision_page("24-001-566") in rewritten
    assert b"kerfuffle" in after[decision_page("24-001-566")].data
    others = [decision_page(path.stem) for path in small_digest.decisions if path != edited]
    assert len(others) == 10 and not rewritten & set(others)
    small_digest.assert_matches_clean_build("body edit")


def test_a_summary_edit_renders_one_page_of_each_list_showing_the_decision(tmp_path: Path) -> None:
    """Each page of a list is a unit of its own: an edit to the summary of a decision far down the lists
    renders its own page, one page of each list that shows it, and no other page."""
    digest = make_digest(tmp_path, synthetic=30)
    digest.build()
    listing = pages_listing(digest.out)
    url = next(url for url, page in listing.items() if page == "decisions/page/4/index.html")
    path = digest.content / "decisions" / f"{url.split('/')[2]}.md"
    decision = parse(path.read_text(encoding="utf-8"), path)
    path.write_text(dump(replace(decision, summary="Mr Q complained about the kerfuffle. " + decision.summary)),
                    encoding="utf-8")
    report = digest.build()
    pages = {page for page in report.written_paths if page.endswith(".html")}
    entry = make_entries([decision], load_config(digest.content))[0]
    lists = ["/decisions/", f"/decisions/{decision.decision_date.year}/", entry.council_url, entry.band_url,
             entry.outcome_url, entry.subcategory_url or f"{entry.category_url}no-subcategory/"]
    for base in lists:
        shown = [page for page in pages if re.fullmatch(re.escape(base.lstrip("/")) + r"(page/\d+/)?index.html", page)]
        assert len(shown) == 1, (base, sorted(pages))
        assert "kerfuffle" in (digest.out / shown[0]).read_text(encoding="utf-8")
    # Its own page, one page of each list, and the category's page when it is among the newest there: only
    # pages that show it.
    assert all("kerfuffle" in (digest.out / page).read_text(encoding="utf-8") for page in pages), sorted(pages)
    digest.assert_matches_clean_build("summary edit")


def test_an_older_decision_moves_every_id_but_rewrites_no_other_decisions_files(small_digest: Digest) -> None:
    small_digest.build()
    before = snapshot(small_digest.out)
    source = small_digest.content / "decisions" / "24-001-566.md"
    older = replace(parse(source.read_text(encoding="utf-8"), source), reference="19 000 001",
                    decision_date=date(2019, 1, 2), aliases=())
    (small_digest.content / "decisions" / "19-000-001.md").write_text(dump(older), encoding="utf-8")
    report = small_digest.build()
    after = assert_writes_only_changes(before, small_digest.out, report, "an older decision added")
    rewritten = {path for path, stamp in after.items() if path not in before or before[path].mtime_ns != stamp.mtime_ns}
    slugs = [path.stem for path in (small_digest.content / "decisions").glob("*.md")]
    new_text = next(text_path(g) for g in text_groups(slugs) if "19-000-001" in g)
    assert decision_page("19-000-001") in rewritten and new_text in rewritten
    pages = {path for path in before if re.match(r"decisions/\d\d-", path)}          # not the lists
    # Only the pages whose related decisions now include it (a list changes only by taking it in).
    listing = {path for path in pages if '"/decisions/19-000-001/"' in (small_digest.out / path).read_text("utf-8")}
    assert pages and rewritten & pages == listing, sorted(rewritten & pages - listing)[:5]
    texts = {path for path in before if path.startswith("search/x/")}
    assert len(rewritten & texts) <= 1, sorted(rewritten & texts)       # the file it may have joined
    small_digest.assert_matches_clean_build("an older decision added")


# ---------------------------------------------------------------- failures

def test_a_failed_build_leaves_the_site_and_a_usable_cache(small_digest: Digest) -> None:
    small_digest.build()
    decisions = small_digest.content / "decisions"

    # A valid edit and a broken file in one build: nothing is published, and the valid edit is not lost.
    edit_body_word(decisions / "24-001-566.md", random.Random(5), "quagmire")
    broken = decisions / "24-012-183.md"
    good = broken.read_text(encoding="utf-8")
    broken.write_text(good.replace("aliases: []", "aliases: [", 1), encoding="utf-8")
    before = snapshot(small_digest.out)
    with pytest.raises(BuildErrors) as caught:
        small_digest.build()
    assert str(broken) in str(caught.value)
    assert snapshot(small_digest.out) == before, "a failed build changed the output"
    broken.write_text(good, encoding="utf-8")
    report = small_digest.build()
    assert_writes_only_changes(before, small_digest.out, report, "after fixing the front matter")
    assert b"quagmire" in (small_digest.out / decision_page("24-001-566")).read_bytes()
    small_digest.assert_matches_clean_build("after fixing the front matter")

    # The same with a template error.
    mover = decisions / "24-001-146.md"
    decision = parse(mover.read_text(encoding="utf-8"), mover)
    mover.write_text(dump(replace(decision, council="Cornwall Council", outcome="Upheld")), encoding="utf-8")
    partial = small_digest.templates / "partials" / "entry-list.html"
    good = partial.read_text(encoding="utf-8")
    partial.write_text(good + "{{ entry.missing_name }\n", encoding="utf-8")
    before = snapshot(small_digest.out)
    with pytest.raises((BuildErrors, DigestError)):
        small_digest.build()
    assert snapshot(small_digest.out) == before, "a failed build changed the output"
    partial.write_text(good, encoding="utf-8")
    report = small_digest.build()
    assert_writes_only_changes(before, small_digest.out, report, "after fixing the template")
    small_digest.assert_matches_clean_build("after fixing the template")


def test_the_output_folder_is_checked_not_assumed(small_digest: Digest) -> None:
    """Files changed or removed in the output since the last build are put back."""
    small_digest.build()
    (small_digest.out / decision_page("24-001-566")).unlink()
    (small_digest.out / "councils" / "index.html").write_text("edited by hand", encoding="utf-8")
    (small_digest.out / "stray.txt").write_text("not part of the site", encoding="utf-8")
    small_digest.build()
    small_digest.assert_matches_clean_build("after changes to the output folder")
    shutil.rmtree(small_digest.out)
    small_digest.build()
    small_digest.assert_matches_clean_build("after the output folder was removed")


@pytest.mark.parametrize("change", ["removed", "edited, same size", "stray file", "stray folder"])
def test_any_one_change_to_the_output_folder_is_seen(small_digest: Digest, change: str) -> None:
    """A build with no content change still checks every output file: each change alone is put right."""
    small_digest.build()
    page = small_digest.out / decision_page("24-001-566")
    if change == "removed":
        page.unlink()
    elif change == "edited, same size":
        page.write_bytes(page.read_bytes().swapcase())
        os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    elif change == "stray file":
        (small_digest.out / "decisions" / "stray.html").write_text("not part of the site", encoding="utf-8")
    else:
        (small_digest.out / "new" / "deeper").mkdir(parents=True)
        (small_digest.out / "new" / "deeper" / "stray.html").write_text("not ours", encoding="utf-8")
    small_digest.build()
    small_digest.assert_matches_clean_build(f"after one change to the output folder: {change}")


def test_a_different_base_url_is_not_served_from_the_cache(small_digest: Digest) -> None:
    """--base-url for a deploy preview, then the configured address again, into the same output and cache."""
    small_digest.build()
    small_digest.build(base_url=PREVIEW_URL)
    small_digest.assert_matches_clean_build("after switching to a preview base URL", base_url=PREVIEW_URL)
    small_digest.build()
    small_digest.assert_matches_clean_build("after switching back to the configured base URL")


# ---------------------------------------------------------------- the cache folder

def garbage(path: Path, rng: random.Random) -> bytes:
    size = path.stat().st_size
    return rng.choice([b"", b"\x00" * size, rng.randbytes(max(size, 1)), b"{}", b"[1, 2", b"\x80\x04\x95garbage",
                       path.read_bytes()[: size // 2]])


def damage(cache: Path, rng: random.Random) -> int:
    files = [path for path in sorted(cache.rglob("*")) if path.is_file()]
    for path in files:
        path.write_bytes(garbage(path, rng))
    return len(files)


def test_the_cache_folder_defaults_to_beside_the_output(small_digest: Digest) -> None:
    out = small_digest.root / "published" / "site"
    run_build(small_digest.content, out, small_digest.templates)
    cache = out.parent / ".digest-cache"
    assert cache.is_dir() and any(path.is_file() for path in cache.rglob("*"))
    assert_same_tree(out, small_digest.clean_build(), "with the default cache folder")


def test_a_damaged_cache_never_gives_wrong_output_and_clean_ignores_it(small_digest: Digest) -> None:
    rng = random.Random(7)
    decisions = small_digest.content / "decisions"
    small_digest.build()
    assert any(path.is_file() for path in small_digest.cache.rglob("*")), "the build left no cache"

    edit_body_word(decisions / "24-001-566.md", rng, "zephyr")
    assert damage(small_digest.cache, rng)
    small_digest.build()
    small_digest.assert_matches_clean_build("incremental build with a damaged cache")

    path = decisions / "24-013-077.md"
    path.write_text(dump(replace(parse(path.read_text(encoding="utf-8"), path), council="Essex County Council")),
                    encoding="utf-8")
    damage(small_digest.cache, rng)
    small_digest.build(clean=True)
    small_digest.assert_matches_clean_build("clean build with a damaged cache")

    edit_body_word(decisions / "24-001-146.md", rng, "apologise")
    small_digest.build()
    small_digest.assert_matches_clean_build("incremental build after a clean build")

    shutil.rmtree(small_digest.cache)
    edit_body_word(decisions / "25-006-373.md", rng, "delay")
    small_digest.build()
    small_digest.assert_matches_clean_build("incremental build with the cache folder removed")


def test_a_stale_cache_never_gives_wrong_output(small_digest: Digest) -> None:
    """A cache that is readable but from another state of the content (restored from a backup, or left by
    a build of an older site) is never trusted over the content and the output."""
    decisions = small_digest.content / "decisions"
    small_digest.build()
    old_cache = small_digest.root / "old-cache"
    shutil.copytree(small_digest.cache, old_cache)

    path = decisions / "24-012-183.md"
    path.write_text(dump(replace(parse(path.read_text(encoding="utf-8"), path), outcome="Not upheld")),
                    encoding="utf-8")
    edit_body_word(decisions / "24-001-566.md", random.Random(9), "kerfuffle")
    small_digest.build()
    small_digest.assert_matches_clean_build("after the edits")

    # The output now has the edits; the cache goes back to before them, and the edits are undone.
    shutil.rmtree(small_digest.cache)
    shutil.copytree(old_cache, small_digest.cache)
    small_digest.build()
    small_digest.assert_matches_clean_build("with the old cache")
    # Now the content is again what the old cache was made from, but the output is not.
    shutil.rmtree(small_digest.cache)
    shutil.copytree(old_cache, small_digest.cache)
    shutil.copy(CONTENT / "decisions" / "24-012-183.md", path)
    shutil.copy(CONTENT / "decisions" / "24-001-566.md", decisions / "24-001-566.md")
    small_digest.build()
    small_digest.assert_matches_clean_build("edits undone, with the old cache")
    shutil.rmtree(small_digest.cache)
    shutil.copytree(old_cache, small_digest.cache)
    small_digest.build(clean=True)
    small_digest.assert_matches_clean_build("clean build with the old cache")


def test_a_cold_build_starts_its_workers_before_reading_and_uses_them(tmp_path: Path, monkeypatch) -> None:
    """One pool, started ahead (before the content is read), renders every decision: the same site as a
    build in one process. A content error found while the pool starts leaves no site and no staging."""
    import generator.build as build_module

    pools, events = [], []
    real_pool, real_load = workers._pool, build_module.load_decisions
    monkeypatch.setattr(workers, "_pool",
                        lambda setup, count: pools.append(count) or events.append("pool") or real_pool(setup, count))
    monkeypatch.setattr(build_module, "load_decisions",
                        lambda *args, **kwargs: events.append("read") or real_load(*args, **kwargs))
    content = tmp_path / "content"
    write_corpus(content, 12)
    run_build(content, tmp_path / "parallel", TEMPLATES, clean=True, jobs=2)
    assert pools == [2] and events == ["pool", "read"]
    run_build(content, tmp_path / "serial", TEMPLATES, clean=True, jobs=1)
    assert pools == [2]
    assert tree_differences(tmp_path / "parallel", tmp_path / "serial") == []

    broken = next((content / "decisions").glob("*.md"))
    broken.write_text(broken.read_text(encoding="utf-8").replace("decision_date:", "decision_date: [", 1),
                      encoding="utf-8")
    with pytest.raises(BuildErrors):
        run_build(content, tmp_path / "failed", TEMPLATES, clean=True, jobs=2)
    assert pools == [2, 2]
    assert not (tmp_path / "failed").exists() and not (tmp_path / ".failed.staging").exists()


# ---------------------------------------------------------------- the content read with the early pool's help

@pytest.fixture(scope="module")
def shared_read_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Content with enough files for the early pool to read a share (`workers.read_alongside`): 8½ chunks,
    and an unknown key (a warning) in files of the front half, of the back half, and the last."""
    content = tmp_path_factory.mktemp("shared-read") / "content"
    paths = write_corpus(content, workers.READ_CHUNK * workers.SHARED_READ_FROM + workers.READ_CHUNK // 2)
    for path in (paths[5], paths[len(paths) * 3 // 4], paths[-1]):
        path.write_text(path.read_text(encoding="utf-8").replace("\ncouncil:", "\nreviewer: Jo\ncouncil:", 1),
                        encoding="utf-8")
    return content


def said(errors: list[DigestError] | tuple[DigestError, ...]) -> list[tuple[type, str]]:
    """Errors as comparable values (an exception equals only itself)."""
    return [(type(error), str(error)) for error in errors]


def comparable(loaded: Loaded) -> tuple:
    return (loaded.decisions, said(loaded.errors), said(loaded.warnings),
            {name: (replace(source, warnings=()), said(source.warnings)) for name, source in loaded.sources.items()})


@dataclass
class Watched:
    """What a test's builds did: each chunk of files offered to a pool to read, as its future (not cancelled:
    read in the pool), the files read in this process, and each `Loaded`."""
    offered: list[Future] = field(default_factory=list)
    read_here: int = 0
    loaded: list[Loaded] = field(default_factory=list)

    def read_in_pools(self) -> list[Source | ContentError]:
        return [item for future in self.offered if not future.cancelled() for item in future.result()]


@pytest.fixture
def watched(monkeypatch) -> Watched:
    """Watch the builds; a pool's first process is waited for before the content is read, so that its
    processes read what they can of it, however slowly they start."""
    import generator.build as build_module
    import generator.content.folder as content_module

    seen, pools = Watched(), []
    real_pool, real_load, real_read = workers._pool, build_module.load_decisions, content_module._source_or_error

    def pool(setup: workers.Setup, count: int) -> ProcessPoolExecutor:
        executor = real_pool(setup, count)
        submit = executor.submit

        def watched_submit(fn, *args):
            future = submit(fn, *args)
            if fn is read_files:
                seen.offered.append(future)
            return future
        executor.submit = watched_submit
        pools.append(executor)
        return executor

    def load(*args, **kwargs) -> Loaded:
        while pools:                                  # this build's
            pools.pop().submit(int).result()
        seen.loaded.append(real_load(*args, **kwargs))
        return seen.loaded[-1]

    def read_here(*args) -> Source | ContentError:
        seen.read_here += 1
        return real_read(*args)

    monkeypatch.setattr(workers, "_pool", pool)
    monkeypatch.setattr(build_module, "load_decisions", load)
    monkeypatch.setattr(content_module, "_source_or_error", read_here)
    return seen


def test_a_cold_build_reads_part_of_its_content_in_the_early_pool(shared_read_corpus: Path, tmp_path: Path,
                                                                    watched: Watched) -> None:
    """Chunks of the files are offered to the early pool, which reads some of them (each file is read
    once, here or there): the same decisions, errors, warnings and sources, in the same order, and the same
    site as a build in one process."""
    files = len(list((shared_read_corpus / "decisions").glob("*.md")))
    run_build(shared_read_corpus, tmp_path / "parallel", TEMPLATES, clean=True, jobs=2)
    chunks = -(-files // workers.READ_CHUNK)
    assert len(watched.offered) == chunks - 1                     # all but the first
    in_pool = len(watched.read_in_pools())
    assert in_pool > 0, "no chunk was read in the pool"
    assert watched.read_here + in_pool == files
    run_build(shared_read_corpus, tmp_path / "serial", TEMPLATES, clean=True, jobs=1)
    assert len(watched.offered) == chunks - 1           # one process: nothing more offered
    assert watched.read_here + in_pool == 2 * files
    parallel, serial = watched.loaded
    assert len(parallel.warnings) == 3 and not parallel.errors
    assert comparable(parallel) == comparable(serial) == comparable(load_decisions(shared_read_corpus))
    assert tree_differences(tmp_path / "parallel", tmp_path / "serial") == []


def test_errors_found_in_the_early_pool_are_reported_as_in_one_process(shared_read_corpus: Path, tmp_path: Path,
                                                                        watched: Watched) -> None:
    """Broken files in both halves: every error, in file order, as the one-process read gives them; the
    build fails and leaves no output and no staging."""
    content = tmp_path / "content"
    shutil.copytree(shared_read_corpus, content)
    paths = sorted((content / "decisions").glob("*.md"))
    half = workers.READ_CHUNK * (-(-len(paths) // workers.READ_CHUNK) // 2)     # a chunk's first file, mid-way
    breaks = {0: lambda text: "",
              150: lambda text: text.replace("decision_date:", "decision_date: [", 1),
              half - 1: lambda text: text.replace("\noutcome:", "\noutcome: Sorted #", 1),
              half: lambda text: text.replace("\nreference:", "\nreferences:", 1),
              len(paths) * 3 // 4: lambda text: text.replace("  total:", "  total: -1 #", 1),
              len(paths) - 2: lambda text: text.replace("---\n", "", 1)}
    for at, edit in breaks.items():
        paths[at].write_text(edit(paths[at].read_text(encoding="utf-8")), encoding="utf-8")
    paths[-1].write_bytes(paths[-1].read_bytes().replace(b"council: ", b"council: \xe9", 1))   # not UTF-8
    shutil.copy(paths[40], content / "decisions" / "renamed.md")     # a clash, found once all is read
    expected = said(load_decisions(content).errors)
    assert len(expected) == len(breaks) + 3

    out = tmp_path / "site"
    for jobs in (2, 1):
        with pytest.raises(BuildErrors) as failed:
            run_build(content, out, TEMPLATES, clean=True, jobs=jobs)
        assert said(failed.value.errors) == expected
        assert not out.exists() and not staging_folder(out.resolve()).exists()
    assert any(isinstance(item, ContentError) for item in watched.read_in_pools()), "no error was found in the pool"


def descendants(pid: int) -> dict[int, int]:
    """Every process below `pid` -> its depth (1: a child)."""
    parents = {}
    for entry in os.listdir("/proc"):
        try:
            parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError):
            continue
    depth, found, frontier = 1, {}, {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found.update(dict.fromkeys(frontier, depth))
        depth += 1
    return found


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("when", ["as they start", "while rendering"])
def test_a_worker_killed_mid_build_fails_it_with_one_line_and_changes_nothing(shared_read_corpus: Path,
                                                                             tmp_path: Path, when: str) -> None:
    """`kill -9` of the pool's workers (children of the fork server), as soon as they start or once pages
    are being staged: the build stops with a one-line error, and the site that was there is as it was."""
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the site as it was", encoding="utf-8")
    staged_pages = staging_folder(out.resolve()) / "decisions"
    build = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(shared_read_corpus),
                              "--out", str(out), "--templates", str(TEMPLATES), "--clean", "--jobs", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        killed: set[int] = set()
        seen: set[int] = set()                # every process below the build's, to check none is left
        deadline = time.monotonic() + 60
        while build.poll() is None and time.monotonic() < deadline:
            below = descendants(build.pid)
            seen.update(below)
            due = when == "as they start" or staged_pages.is_dir() and len(os.listdir(staged_pages)) >= 20
            if due and not killed:
                for pid in [pid for pid, depth in below.items() if depth == 2]:
                    os.kill(pid, signal.SIGKILL)
                    killed.add(pid)
            time.sleep(0.005)
        out_text, err_text = build.communicate(timeout=60)
    finally:
        build.kill()
    assert killed, "no worker was seen"
    time.sleep(1)
    assert [pid for pid in seen if running(pid)] == [], "processes were left behind"
    assert build.returncode == 1, err_text
    assert err_text.strip().splitlines() == [
        "error: a build worker process stopped before its work was done (killed, or out of memory?); "
        "nothing was changed: build again, or with --jobs 1 to use one process"]
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "the site as it was"
    assert not staging_folder(out.resolve()).exists()


def test_two_builds_of_one_folder_at_once_take_turns(shared_read_corpus: Path, tmp_path: Path) -> None:
    """A second build waits for the first (they would share the staging folder), says so, and both
    leave the site a clean build would."""
    out = tmp_path / "site"
    command = [sys.executable, "-m", "generator", "build", "--content", str(shared_read_corpus), "--out", str(out),
               "--templates", str(TEMPLATES)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not staging_folder(out.resolve()).is_dir() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)                  # the first build holds the lock once it stages
        assert first.poll() is None, "the first build ended before the second began"
        second = subprocess.run(command, capture_output=True, text=True, timeout=120)
        first_out, first_err = first.communicate(timeout=120)
    finally:
        first.kill()
    waiting = f"waiting for another build of {out} to finish"
    assert first.returncode == 0 and waiting not in first_err, first_err
    assert second.returncode == 0, second.stderr
    assert second.stderr.splitlines()[0] == waiting
    assert all(line.startswith("warning: ") for line in [*first_err.splitlines(), *second.stderr.splitlines()[1:]])
    assert first_out.startswith(f"{len(list((shared_read_corpus / 'decisions').glob('*.md')))} decisions: ")
    assert " 0 files written" in second.stdout            # it found the first one's site, as it should be
    clean = tmp_path / "clean"
    build(BuildRequest(shared_read_corpus, clean, TEMPLATES, mode="cold"))
    assert tree_differences(out, clean) == []
    assert not staging_folder(out.resolve()).exists()


# A pool process killed while it sends a result: the executor's own thread, left waiting for the rest of the
# result, never sees the process die (Python 3.11). Run in a process of its own, so a hang fails the test.
KILLED_WHILE_SENDING = """
import os, signal, time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from generator.incremental import workers

def read_so_far():
    with open("/proc/self/io") as io:
        return int(next(line for line in io if line.startswith("rchar:")).split()[1])

if __name__ == "__main__":
    pool = ProcessPoolExecutor(1, mp_context=get_context("forkserver"))
    pool.submit(int).result()
    process = next(iter(pool._processes.values()))
    start = read_so_far()
    sending = pool.submit(bytes, 200_000_000)
    deadline = time.monotonic() + 30
    while read_so_far() < start + 20_000_000 and time.monotonic() < deadline:
        time.sleep(0.0005)
    os.kill(process.pid, signal.SIGKILL)
    print("killed after", read_so_far() - start, "bytes", flush=True)
    try:
        with workers.shut_down_after(pool, wait=True):
            workers.result_of(pool, sending)
    except BrokenProcessPool:
        print("broken, and shut down", flush=True)
"""


def test_a_pool_process_killed_while_sending_a_result_is_noticed(tmp_path: Path) -> None:
    script = tmp_path / "killed_while_sending.py"
    script.write_text(KILLED_WHILE_SENDING, encoding="utf-8")
    run = subprocess.Popen([sys.executable, str(script)], cwd=Path(__file__).resolve().parent.parent,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = run.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        for pid in descendants(run.pid):
            os.kill(pid, signal.SIGKILL)
        run.kill()
        pytest.fail("the wait for the killed process's result never ended")
    lines = out.splitlines()
    assert len(lines) == 2 and lines[1] == "broken, and shut down", out + err
    assert 20_000_000 <= int(lines[0].split()[2]) < 200_000_000, "the process was not killed mid-send"
    assert run.returncode == 0, err


# ---------------------------------------------------------------- what the preview keeps between builds

def test_a_list_item_is_rendered_once_and_again_only_when_it_its_template_or_the_settings_change(
        tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    config = load_config(CONTENT)
    entries = make_entries(load_decisions(CONTENT).decisions, config)
    env = make_environment(templates, fingerprint(templates / "static"))
    items = env.globals["list_items"]

    def rendered(shown, site=config) -> str:
        # As the build does: kept items are for these settings and templates only.
        items.made_with(digest_of(repr(site), *sorted(template_digests(templates).values())))
        return env.get_template("partials/entry-list.html").render(site=site, entries=shown)

    def kept() -> dict:
        return {slug: item for slug, (_, item) in items.items.items()}

    first, before = rendered(entries), kept()
    assert sorted(before) == sorted(e.decision.slug for e in entries)
    assert rendered(entries[::-1]) != first and kept() == before
    assert all(kept()[slug] is before[slug] for slug in before)

    edited = replace(entries[0].decision, summary="Quagmire ahead. The rest.")
    entries = [*make_entries([edited], config), *entries[1:]]
    assert "Quagmire ahead." in rendered(entries)
    assert [slug for slug, item in kept().items() if item is not before[slug]] == [edited.slug]

    item_template = templates / "partials" / "entry.html"
    item_template.write_text(item_template.read_text(encoding="utf-8").replace(
        '<li class="entry">', '<li class="entry edited">'), encoding="utf-8")
    os.utime(item_template, ns=(time.time_ns() + 10**9,) * 2)
    assert rendered(entries).count('<li class="entry edited">') == len(entries)
    before = kept()
    assert rendered(entries).count('<li class="entry edited">') == len(entries)
    assert all(kept()[slug] is before[slug] for slug in before)

    rendered(entries, replace(config, title="Another title"))
    assert not any(kept()[slug] is before[slug] for slug in before)


def test_the_item_template_of_list_items_is_part_of_the_digest_of_every_template_using_it(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    before = template_digests(templates)
    item_template = templates / "partials" / "entry.html"
    item_template.write_text(item_template.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
    after = template_digests(templates)
    assert {name for name in before if before[name] != after[name]} == {
        "partials/entry.html", "partials/entry-list.html", "partials/list-page.html", "term.html", "home.html",
        "subcategory.html", "decisions.html"}
