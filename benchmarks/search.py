"""Search at scale: generate a synthetic digest, build it, serve it, search it in headless Chromium, beside
Pagefind's index of the same decision pages.

    .venv/bin/python benchmarks/search.py --decisions 20000

Prints the machine, the build times with and without the search index, the index's size, its files per
decision and its largest folder, and for a fixed list of queries typed key by key into /search/ the bytes
on the wire (gzip, from the browser's network events) and the time from the last keypress to the results
being shown, against the targets:

  - page load + first query <= 300 KB gzip; each later query <= 100 KB gzip
  - results shown <= 150 ms after the last keystroke (median over the queries)
  - at most one file per decision under search/, no folder there with more than 10,000 entries
  - the search index adds <= 25% to the build time

Then the same for Pagefind (`pip install 'pagefind[bin]'`, in the bench extra), run over the built
decision pages (`--glob decisions/**/*.html`) and searched from a page that does what ours does: its
JavaScript API on each key (`debouncedSearch`, 30 ms, as ours), and the first ten results' texts once typing
pauses 200 ms.

The site is served by a threaded http.server on 127.0.0.1 that gzips text the way a static host does,
with the published Content-Security-Policy and cache headers. Chromium is Debian's (/usr/bin/chromium).
"""
from __future__ import annotations

import argparse
import datetime
import functools
import gzip
import io
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import generator.build as build_module  # noqa: E402
import generator.incremental.decisions as decisions_module  # noqa: E402
import generator.incremental.workers as workers_module  # noqa: E402
from generator.search.reading import Reading  # noqa: E402
from benchmarks.corpus import write_corpus  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'self'")
QUERIES = [
    "delay",
    "statutory complaints procedure",
    '"working days"',
    "apologise and pay",
    "child in need plan",
    "compalint",                      # one typo
    "safeguarding referral",
    '"stage two investigation"',
    "housing benefit overpayment",
    "social worker visits",
    "disabled facilities grant",
    "fault causing injustice",
]
KEY_DELAY_MS = 90                     # a quick typist
TARGETS = {"first": 300 * 1024, "later": 100 * 1024, "latency": 150.0, "build": 0.25, "files": 1.0,
           "folder": 10_000}
COMPRESSIBLE = (".html", ".json", ".js", ".css", ".xml", ".svg", ".txt", ".csv")


# ---------------------------------------------------------------- a static host on localhost

class _Host(SimpleHTTPRequestHandler):
    """Files as a static host serves them: gzip when asked, validators, the site's headers."""
    compressed: dict[tuple[str, float], bytes] = {}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return None
        stat = path.stat()
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                if int(stat.st_mtime) <= parsedate_to_datetime(since).timestamp():
                    self.send_response(304)
                    self._common(path)
                    self.end_headers()
                    return None
            except (TypeError, ValueError):
                pass
        data = path.read_bytes()
        encoding = None
        if path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            key = (str(path), stat.st_mtime)
            if key not in self.compressed:
                self.compressed[key] = gzip.compress(data, compresslevel=6, mtime=0)
            data, encoding = self.compressed[key], "gzip"
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(data)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", formatdate(stat.st_mtime, usegmt=True))
        self._common(path)
        self.end_headers()
        return io.BytesIO(data)

    def _common(self, path: Path) -> None:
        # Pagefind runs WebAssembly, which the site's policy does not allow: its page gets what it needs.
        wasm = "pagefind" in path.as_posix()
        self.send_header("Content-Security-Policy",
                         CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'") if wasm else CSP)
        self.send_header("Timing-Allow-Origin", "*")
        immutable = "/assets/" in path.as_posix()
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable
                         else "public, max-age=0, must-revalidate")

    def log_message(self, *args) -> None:
        pass


def serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Host, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}"


# ---------------------------------------------------------------- building

def timed_build(content: Path, out: Path, with_index: bool) -> float:
    """Seconds for a cold build (no cache). Without the index, decisions are not read for it and no index
    file is made; the pool's processes are forked from this one for both builds, so they share the swap."""
    empty = Reading("", "", b"", "", 0)
    swaps = [] if with_index else [(workers_module, "read_decision", lambda decision, paragraphs: empty),
                                   (workers_module, "text_record", lambda decision, paragraphs: ""),
                                   (decisions_module, "stage_texts", lambda *args: None),
                                   (decisions_module, "index_files", lambda *args, **kwargs: {})]
    swaps.append((workers_module, "get_context", lambda _: multiprocessing.get_context("fork")))
    saved = [(module, name, getattr(module, name)) for module, name, _ in swaps]
    shutil.rmtree(out, ignore_errors=True)
    for module, name, stand_in in swaps:
        setattr(module, name, stand_in)
    try:
        started = time.perf_counter()
        build_module.build(build_module.BuildRequest(content, out, ROOT / "templates", mode="cold"))
        return time.perf_counter() - started
    finally:
        for module, name, real in saved:
            setattr(module, name, real)


def index_size(site: Path) -> dict[str, tuple[int, int, int]]:
    """folder -> (files, raw bytes, gzip bytes) under site/search, and the total."""
    sizes: dict[str, list[int]] = {}
    for path in (site / "search").rglob("*.json"):
        folder = path.relative_to(site / "search").parts[0]          # x/3b/24-001-566.json -> x
        data = path.read_bytes()
        entry = sizes.setdefault(folder, [0, 0, 0])
        entry[0] += 1
        entry[1] += len(data)
        entry[2] += len(gzip.compress(data, compresslevel=6, mtime=0))
    total = [sum(v[i] for v in sizes.values()) for i in range(3)]
    return {**{k: tuple(v) for k, v in sorted(sizes.items())}, "total": tuple(total)}


# ---------------------------------------------------------------- the browser

class Meter:
    """Bytes on the wire (response bodies as sent: gzip where the host compresses) and requests, from the
    browser's network events: those of a page's web workers too (Pagefind searches in one), which the
    page's own Resource Timing does not see."""

    def __init__(self, context) -> None:
        self.bytes = self.requests = 0
        context.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        size = request.sizes()["responseBodySize"]
        if size > 0:                    # not the browser's cache (Chromium asks for the icon again at each
            self.bytes += size          # change of address, and reports it from its cache with a size < 0)
            self.requests += 1

    def take(self) -> dict[str, int]:
        """What moved since the last take."""
        moved = {"gzip": self.bytes, "requests": self.requests}
        self.bytes = self.requests = 0
        return moved


LISTEN = """() => {
  performance.setResourceTimingBufferSize(100000);
  window.__bench = {lastKey: 0, shown: {}};
  document.addEventListener('keydown', () => { window.__bench.lastKey = performance.now(); }, true);
  document.addEventListener('digest-search-results', (e) => {
    window.__bench.shown[e.detail.query] = {at: performance.now(), count: e.detail.count};
  });
  document.addEventListener('digest-search-texts', (e) => {
    const shown = window.__bench.shown[e.detail.query];
    if (shown && !shown.texts) shown.texts = performance.now();
  });
}"""


def drive(url: str, queries: list[str], path: str = "/search/") -> list[dict]:
    from playwright.sync_api import sync_playwright
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        meter = Meter(context)
        page = context.new_page()
        page.goto(url + path)
        page.wait_for_selector("html[data-search-ready=true]", timeout=60_000)
        page.evaluate(LISTEN)
        page.wait_for_timeout(100)
        rows.append({"query": "(page load)", **meter.take(), "ms": None, "count": None, "text_ms": None})
        box = page.locator("#search-q")
        for query in queries:
            box.fill("")
            page.wait_for_timeout(700)                 # the empty box's own results and texts come and go
            meter.take()
            box.press_sequentially(query, delay=KEY_DELAY_MS)
            deadline = time.monotonic() + 120
            while True:
                state = page.evaluate("q => [window.__bench.lastKey, window.__bench.shown[q] || null]", query)
                if state[1] and state[1]["at"] >= state[0] and state[1].get("texts"):
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"no results shown for {query!r}")
                page.wait_for_timeout(5)
            page.wait_for_timeout(100)
            rows.append({"query": query, **meter.take(), "ms": state[1]["at"] - state[0], "count": state[1]["count"],
                         "text_ms": state[1]["texts"] - state[0]})
        browser.close()
    return rows


# ---------------------------------------------------------------- Pagefind, for comparison

PAGEFIND_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pagefind</title></head>
<body><input type="search" id="search-q" autocomplete="off"><ol id="results"></ol>
<script type="module" src="/pagefind-bench/bench.js"></script></body></html>
"""

PAGEFIND_SCRIPT = """const pagefind = await import("/pagefind/pagefind.js");
await pagefind.init();
document.documentElement.setAttribute("data-search-ready", "true");
const box = document.getElementById("search-q"), list = document.getElementById("results");
let run = 0, settling = null;
box.addEventListener("input", () => {
  const query = box.value, number = ++run;
  (async () => {
    const search = await pagefind.debouncedSearch(query, {}, 30);
    if (search === null || number !== run) return;
    document.dispatchEvent(new CustomEvent("digest-search-results", { detail: { query, count: search.results.length } }));
    clearTimeout(settling);
    settling = setTimeout(async () => {
      const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
      if (number !== run) return;
      list.textContent = "";
      for (const d of data) { const li = document.createElement("li"); li.textContent = d.excerpt; list.appendChild(li); }
      document.dispatchEvent(new CustomEvent("digest-search-texts", { detail: { query } }));
    }, 200);
  })();
});
"""


def pagefind_index(site: Path) -> float:
    """Pagefind's index of the decision pages in `site`/pagefind, and a page searching it; seconds taken."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "decisions/**/*.html",
                    "--output-subdir", "pagefind"], check=True, capture_output=True)
    taken = time.perf_counter() - started
    (site / "pagefind-bench").mkdir(exist_ok=True)
    (site / "pagefind-bench" / "index.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    (site / "pagefind-bench" / "bench.js").write_text(PAGEFIND_SCRIPT, encoding="utf-8")
    return taken


def folder_figures(folder: Path) -> tuple[int, int, str]:
    """(files under `folder`, the most entries in any one folder there, that folder)."""
    files, largest, where = 0, 0, ""
    for root, dirs, names in os.walk(folder):
        files += len(names)
        if len(dirs) + len(names) > largest:
            largest, where = len(dirs) + len(names), root
    return files, largest, os.path.relpath(where, folder.parent)


# ---------------------------------------------------------------- report

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    total = memory[1].split()[1] if len(memory) > 1 else "?"
    return f"{os.cpu_count()} cores (nproc), {total} memory (free -h), {cpu}; Python {platform.python_version()}"


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def report(name: str, rows: list[dict]) -> dict[str, float]:
    """Print the rows of one search page's run; return its figures."""
    print(f"{name}: queries typed key by key ({KEY_DELAY_MS} ms a key): bytes moved from the first key until "
          "the snippets are in; ms from the last key to the results listed, and to their snippets:")
    print(f"  {'query':<34} {'results':>8} {'requests':>8} {'gzip':>11} {'ms':>6} {'text ms':>8}")
    for row in rows:
        ms = "" if row["ms"] is None else f"{row['ms']:.0f}"
        text_ms = "" if row["text_ms"] is None else f"{row['text_ms']:.0f}"
        count = "" if row["count"] is None else f"{row['count']:,}"
        print(f"  {row['query']:<34} {count:>8} {row['requests']:>8} {kb(row['gzip']):>11} "
              f"{ms:>6} {text_ms:>8}")
    later = [r["gzip"] for r in rows[2:]]
    figures = {"first": rows[0]["gzip"] + rows[1]["gzip"],
               "later": max(later), "later_median": statistics.median(later),
               "latency": statistics.median(r["ms"] for r in rows[1:]), "worst": max(r["ms"] for r in rows[1:]),
               "text_ms": statistics.median(r["text_ms"] for r in rows[1:])}
    print(f"  page load + first query: {kb(figures['first'])} gzip; later queries: "
          f"largest {kb(figures['later'])} gzip, median {kb(figures['later_median'])}; last key to results: median "
          f"{figures['latency']:.0f} ms, worst {figures['worst']:.0f} ms; to snippets: median {figures['text_ms']:.0f} ms")
    return figures


def build_both(work: Path) -> float:
    """Cold builds without and with the search index; the share the index adds."""
    without = timed_build(work / "content", work / "plain", with_index=False)
    shutil.rmtree(work / "plain", ignore_errors=True)
    total = timed_build(work / "content", work / "site", with_index=True)
    added = total - without
    print(f"Cold build without the search index: {without:.1f}s; with it: {total:.1f}s "
          f"(the build takes {added:.1f}s longer, +{added / without:.0%}; target <= +{TARGETS['build']:.0%})")
    return added / without


def print_files(site: Path, decisions: int) -> tuple[float, int]:
    """The index's files by folder; (files per decision under search/, the most entries in one folder)."""
    print("Index files (files, raw, gzip):")
    for name, (files, raw, packed) in index_size(site).items():
        print(f"  {name:<12} {files:>7,} files {kb(raw):>14} {kb(packed):>14}")
    files, largest, where = folder_figures(site / "search")
    print(f"search/: {files:,} files, {files / decisions:.2f} a decision; largest folder {where} ({largest:,} entries)")
    return files / decisions, largest


def compare_pagefind(site: Path, url: str, decisions: int, reuse: bool) -> dict[str, float]:
    kept = reuse and (site / "pagefind" / "pagefind.js").exists()
    taken = "kept from the last run" if kept else f"indexed the decision pages in {pagefind_index(site):.1f}s"
    files, largest, where = folder_figures(site / "pagefind")
    raw = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    print(f"Pagefind: {taken}; pagefind/: {files:,} files "
          f"({files / decisions:.2f} a decision), {raw / 1024 / 1024:,.1f} MB; largest folder {where} ({largest:,} entries)")
    return report("Pagefind", drive(url, QUERIES, "/pagefind-bench/"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Search benchmark on a synthetic digest.")
    parser.add_argument("--decisions", type=int, default=20000)
    parser.add_argument("--work", type=Path, help="folder for the corpus and sites (default: a temporary one, removed)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-pagefind", action="store_true", help="leave out the comparison with Pagefind")
    parser.add_argument("--reuse", action="store_true", help="search the site already built in --work")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="digest-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"Search benchmark, {datetime.date.today().isoformat()}, {args.decisions:,} decisions")
        print(f"Machine: {machine()}")
        added = 0.0
        if not (args.reuse and (work / "site" / "search" / "index.json").exists()):
            started = time.perf_counter()
            write_corpus(work / "content", args.decisions, args.seed)
            print(f"Corpus written in {time.perf_counter() - started:.1f}s")
            added = build_both(work)
        per_decision, largest = print_files(work / "site", args.decisions)
        httpd, url = serve(work / "site")
        try:
            ours = report("Decisions Digest", drive(url, QUERIES))
            if not args.no_pagefind:
                compare_pagefind(work / "site", url, args.decisions, args.reuse)
        finally:
            httpd.shutdown()
            httpd.server_close()
        met = (ours["first"] <= TARGETS["first"] and ours["later"] <= TARGETS["later"]
               and ours["latency"] <= TARGETS["latency"] and per_decision <= TARGETS["files"]
               and largest <= TARGETS["folder"] and added <= TARGETS["build"])
        print(("All targets met" if met else "Not every target is met")
              + (" (the build's, not measured: --reuse)." if args.reuse and not added else "."))
        return 0 if met else 1
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
