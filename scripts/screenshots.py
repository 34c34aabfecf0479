"""The README's screenshots: the five seed decisions built into a temporary folder, served on a free port
with the published headers, and shot in Debian's headless Chromium (the tests' launch flags).

    .venv/bin/python scripts/screenshots.py            # writes docs/images/decision.png and search.png
    .venv/bin/python scripts/screenshots.py --out DIR  # somewhere else

Needs the test extras (`pip install -e '.[test]'`, for Playwright) and /usr/bin/chromium; never downloads
a browser. Run it again after a change to how a decision page or the search page looks.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.build import BuildRequest, build  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, StaticServer, wait_for  # noqa: E402

VIEWPORT = {"width": 1280, "height": 860}
# What each picture shows: a decision opened at a cited paragraph, and a search a reader would type.
DECISION = "/decisions/24-001-566/"
SEARCH = "/search/?q=apology+delay"


def build_seeds(work: Path) -> Path:
    """The committed content (the five imported seeds), built as a visitor would get it."""
    shutil.copytree(ROOT / "content", work / "content")
    build(BuildRequest(work / "content", work / "site", ROOT / "templates", jobs=1))
    return work / "site"


def shoot(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport=VIEWPORT, device_scale_factor=1).new_page()
        page.goto(url + DECISION)
        page.screenshot(path=out / "decision.png")
        page.goto(url + SEARCH)
        wait_for(page, "document.querySelectorAll('#search-results > li').length > 0", timeout=30)
        page.wait_for_timeout(500)              # the best-matching paragraphs load once typing would pause
        page.screenshot(path=out / "search.png")
        browser.close()
    return [out / "decision.png", out / "search.png"]


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="folder for the PNG files")
    args = options.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="digest-screenshots-") as work:
        server = StaticServer(build_seeds(Path(work)))
        try:
            for path in shoot(server.url, args.out):
                print(f"written  {path}")
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
