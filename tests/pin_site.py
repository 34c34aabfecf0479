"""The golden site: the committed content (the five seed decisions) built, every output file pinned.

`tests/golden/site/manifest.txt` lists every file of the built site with its SHA-256, and
`tests/golden/site/pages/` holds the full text of a few key pages, so a change to the output shows as a
readable diff. `tests/test_golden_site.py` fails on any byte that changes. When a change to the output is
meant (a template edit, a new feature), look at the diff, then refresh with:

    python -m tests.pin_site
"""
from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "site"
MANIFEST = GOLDEN / "manifest.txt"
PAGES = GOLDEN / "pages"
# Pages kept in full: one of each kind a reader sees, and the files other programs read.
KEY_PAGES = (
    "index.html",
    "decisions/24-001-566/index.html",
    "councils/index.html",
    "councils/essex-county-council/index.html",
    "categories/childrens-care-services/index.html",
    "remedies/251-to-500/index.html",
    "search/index.html",
    "feed.xml",
    "sitemap.xml",
    "_redirects",
    "decisions.json",
    "decisions.csv",
    "search/index.json",
    "search/docs.json",
)


def build_golden_site(into: Path) -> Path:
    from generator.build import BuildRequest, build      # here: the module is read by the test before it builds
    shutil.copytree(ROOT / "content", into / "content")
    build(BuildRequest(into / "content", into / "site", ROOT / "templates"))
    return into / "site"


def manifest_of(site: Path) -> list[str]:
    """`<sha256>  <path>` for every file of the site, sorted by path."""
    lines = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(site).as_posix()}")
    return sorted(lines, key=lambda line: line.split("  ", 1)[1])


def page_copy(name: str) -> Path:
    """Where the full text of a key page is kept ('decisions/24-001-566/index.html' -> one flat name)."""
    return PAGES / name.replace("/", "__")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        site = build_golden_site(Path(folder))
        lines = manifest_of(site)
        shutil.rmtree(PAGES, ignore_errors=True)
        PAGES.mkdir(parents=True)
        for name in KEY_PAGES:
            page_copy(name).write_bytes((site / name).read_bytes())
    MANIFEST.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{MANIFEST}: {len(lines)} files pinned; {len(KEY_PAGES)} pages kept in full in {PAGES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
