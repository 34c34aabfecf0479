"""Relevance, measured: the judged queries of tests/relevance/judgments.yaml over the seed decisions and the raw
fixture statements, run by the search page's own engine in Node, scored with MRR and nDCG@10.

    .venv/bin/python benchmarks/relevance.py            # a line per query, then the means
    .venv/bin/python benchmarks/relevance.py --write-content DIR   # the judged collection's content folder
    .venv/bin/python benchmarks/relevance.py --site DIR # the same queries sent to the search page of a site
                                                        # built from that folder (by any version of the
                                                        # code), in Chromium

MRR: the mean over queries of 1 / the rank of the first relevant decision (0 when none is in the results).
nDCG@10: the discounted cumulative gain of the first ten results (gain 2^grade - 1, discount log2(rank + 1)),
over that of the ideal order of the judged decisions. tests/test_relevance.py keeps a floor under both.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.build import BuildRequest, build  # noqa: E402
from generator.content.format import dump  # noqa: E402
from generator.importer.statement import read_raw_file  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, StaticServer, wait_for  # noqa: E402

JUDGMENTS = ROOT / "tests" / "relevance" / "judgments.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "raw"
RUNNER = ROOT / "tests" / "js" / "relevance.js"


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: dict[str, int]          # reference -> grade (2 or 1)
    why: str
    case: str = ""


@dataclass(frozen=True)
class Scored:
    judged: Judged
    ranked: list[str]                 # references, as the engine ranks them
    reciprocal_rank: float
    ndcg: float


def judgments() -> list[Judged]:
    raw = yaml.safe_load(JUDGMENTS.read_text(encoding="utf-8"))
    return [Judged(str(item["query"]), {str(ref): int(grade) for ref, grade in item["relevant"].items()},
                   " ".join(str(item["why"]).split()), str(item.get("case", ""))) for item in raw]


def write_content(folder: Path) -> None:
    """The seed decisions and every raw fixture statement (imported as `digest import` would), with the
    seeds' settings."""
    decisions = folder / "decisions"
    decisions.mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.yaml", folder / "site.yaml")
    for seed in (ROOT / "content" / "decisions").glob("*.md"):
        shutil.copy(seed, decisions / seed.name)
    for raw in sorted(FIXTURES.iterdir()):
        if raw.suffix in (".txt", ".html"):
            decision = read_raw_file(raw)
            (decisions / f"{decision.slug}.md").write_text(dump(decision), encoding="utf-8")


def ranked_results(site: Path, queries: list[str]) -> dict[str, list[str]]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as file:
        json.dump(queries, file)
        file.flush()
        run = subprocess.run(["node", str(RUNNER), str(site), file.name], capture_output=True, text=True,
                             timeout=120, check=False)
    if run.returncode:
        raise RuntimeError(f"the relevance runner failed: {run.stderr[-2000:]}")
    return json.loads(run.stdout)


def score(judged: Judged, ranked: list[str]) -> Scored:
    first = next((rank for rank, ref in enumerate(ranked, 1) if ref in judged.relevant), None)
    gains = [2 ** judged.relevant.get(ref, 0) - 1 for ref in ranked[:10]]
    ideal = sorted((2 ** grade - 1 for grade in judged.relevant.values()), reverse=True)[:10]
    dcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, 1))
    best = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(ideal, 1))
    return Scored(judged, ranked, 1 / first if first else 0.0, dcg / best if best else 0.0)


def measure(work: Path) -> list[Scored]:
    """Build the judged collection's site in `work` and score every judged query."""
    write_content(work / "content")
    build(BuildRequest(work / "content", work / "site", ROOT / "templates"))
    found = judgments()
    results = ranked_results(work / "site", [j.query for j in found])
    return [score(j, results[j.query]) for j in found]


SETTLED = ("document.getElementById('search-results').getAttribute('aria-busy') === 'false' && "
           "document.getElementById('search-results').getAttribute('data-text') === 'done'")


def ranked_on_the_page(site: Path, queries: list[str]) -> dict[str, list[str]]:
    """Each query sent to a built site's search page in Chromium (`/search/?q=...`), every result shown."""
    from urllib.parse import urlencode

    from playwright.sync_api import sync_playwright
    server, found = StaticServer(site), {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page()
            for query in queries:
                page.goto(f"{server.url}/search/?{urlencode({'q': query})}")
                page.wait_for_selector("html[data-search-ready=true]")
                wait_for(page, SETTLED)
                while page.locator("#search-more").is_visible():
                    page.locator("#search-more").click()
                    page.wait_for_timeout(100)
                titles = page.locator("#search-results > li .search-result-title a").all_text_contents()
                found[query] = [re.search(r"\(([^)]*)\)$", title).group(1) for title in titles]
            browser.close()
    finally:
        server.close()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="MRR and nDCG@10 of the judged queries.")
    parser.add_argument("--site", type=Path, help="a site built from write_content's folder: search its page")
    parser.add_argument("--write-content", type=Path, help="write the judged collection's content folder here")
    args = parser.parse_args(argv)
    if args.write_content:
        write_content(args.write_content)
        return 0
    if args.site:
        judged = judgments()
        found = ranked_on_the_page(args.site, [j.query for j in judged])
        scored = [score(j, found[j.query]) for j in judged]
    else:
        with tempfile.TemporaryDirectory(prefix="digest-relevance-") as work:
            scored = measure(Path(work))
    print(f"{'query':<36} {'results':>7} {'RR':>5} {'nDCG@10':>8}  first results")
    for s in scored:
        print(f"{s.judged.query:<36} {len(s.ranked):>7} {s.reciprocal_rank:>5.2f} {s.ndcg:>8.3f}  {', '.join(s.ranked[:4])}")
    mrr = sum(s.reciprocal_rank for s in scored) / len(scored)
    ndcg = sum(s.ndcg for s in scored) / len(scored)
    print(f"{len(scored)} queries: MRR {mrr:.3f}, nDCG@10 {ndcg:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
