"""Every published address of the committed content: pages, feeds, data, and the anchors trainers link to.

`tests/golden/published-urls.txt` pins them; the suite fails when a change would break one. After adding
content (new addresses are fine) refresh the list with:  python -m tests.pin_urls
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "published-urls.txt"
PINNED_FILES = (".html", ".xml", ".json", ".csv")


def published_urls(site: Path) -> list[str]:
    urls = []
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if not path.is_file() or relative.startswith(("assets/", "static/")) or path.suffix not in PINNED_FILES:
            continue
        if relative.startswith("search/") and path.suffix == ".json":
            continue                       # the search index is the site's own business, not a link target
        url = "/" + relative.removesuffix("index.html")
        urls.append(url)
        if path.suffix == ".html":
            urls.extend(f"{url}#{anchor}" for anchor in link_targets(path))
    return urls


def link_targets(page: Path) -> list[str]:
    """Anchors people link to: a decision's paragraphs and sections, an index page's groups and letters
    (not the page furniture, such as "newest-heading")."""
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    text = html.find(id="decision-text") or html.find("main")
    if text is None:
        return []
    return sorted(tag["id"] for tag in text.find_all(["li", "h2", "h3"], id=True)
                  if not tag["id"].endswith("-heading"))


def build_committed_content(into: Path) -> Path:
    from generator.build import BuildRequest, build
    shutil.copytree(ROOT / "content", into / "content")
    build(BuildRequest(into / "content", into / "site", ROOT / "templates"))
    return into / "site"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        urls = published_urls(build_committed_content(Path(folder)))
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text("\n".join(urls) + "\n", encoding="utf-8")
    print(f"{GOLDEN}: {len(urls)} addresses pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
