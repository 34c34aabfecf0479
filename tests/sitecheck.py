"""Reading a built site the way a browser and a crawler do: parsed HTML, resolved links and anchors."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup(file_for(site, url).read_text(encoding="utf-8"), "html.parser")


def file_for(site: Path, url: str) -> Path:
    """The file a root-relative URL is served from (a folder URL serves its index.html)."""
    path = unquote(urlsplit(url).path)
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def url_of(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return "/" + relative.removesuffix("index.html")


def broken_links(site: Path) -> list[str]:
    """Every internal href and #anchor on every page that does not resolve to a file and an id."""
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            parsed = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            ids[page] = {tag["id"] for tag in parsed.find_all(id=True)}
        return ids[page]

    broken = []
    for page in html_pages(site):
        parsed = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in parsed.find_all(["a", "link", "script"]):
            href = tag.get("href") or tag.get("src")
            if not href or href.startswith(("http://", "https://", "mailto:")):
                continue
            parts = urlsplit(href)
            target = page if not parts.path else file_for(site, parts.path)
            if not target.is_file():
                broken.append(f"{url_of(site, page)}: {href} (no file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
                broken.append(f"{url_of(site, page)}: {href} (no anchor)")
    return broken
