"""Reading a built site the way a browser and a crawler do: parsed HTML, resolved links and anchors."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from generator.site.host_rules import route, rules_in


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup(file_for(site, url).read_text(encoding="utf-8"), "html.parser")


def plain_file(site: Path, url: str) -> Path:
    """The file at a root-relative URL's path (a folder URL: its index.html), whether it exists or not."""
    path = unquote(urlsplit(url).path)
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def file_for(site: Path, url: str) -> Path:
    """The file a root-relative URL is served from: the file at its path, else where the site's rewrites
    (a sharded decision page) take it."""
    plain = plain_file(site, url)
    if plain.is_file():
        return plain
    routed = route(rules_in(site), unquote(urlsplit(url).path))
    return plain_file(site, routed.target) if routed is not None and routed.status == 200 else plain


def follow(site: Path, url: str, most: int = 5) -> tuple[list[tuple[int, str]], Path | None]:
    """`url` as the host answers it: the redirects on the way ((status, location) each), then the file
    served, or None for a 404. A file at an address is served before any rule, as Netlify does."""
    hops: list[tuple[int, str]] = []
    for _ in range(most):
        path = unquote(urlsplit(url).path)
        for plain in (plain_file(site, path), plain_file(site, path + "/")):
            if plain.is_file():
                return hops, plain
        routed = route(rules_in(site), path)
        if routed is None:
            return hops, None
        if not routed.redirect:
            served = file_for(site, routed.target)
            return hops, served if served.is_file() else None
        hops.append((routed.status, routed.target))
        url = routed.target
    raise AssertionError(f"more than {most} redirects: {hops}")


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
