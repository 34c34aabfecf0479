"""Shared fixtures: real files on disk, the project's own content, a site built from it."""
from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildRequest, build

# Fuzz tests try thousands of examples in CI (CI=true) and a quick sample on a developer's machine.
FUZZ_EXAMPLES = int(os.environ.get("DIGEST_FUZZ_EXAMPLES") or (1000 if os.environ.get("CI") else 60))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "seeds"
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the committed content folder."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed content (the five imported seeds) built once for the whole session."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(CONTENT, root / "content")
    build(BuildRequest(root / "content", root / "site", TEMPLATES))
    return root / "site"


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    """`built_site` served as a static host serves it (its headers, its `_redirects`), on a free port."""
    from .browser import StaticServer

    server = StaticServer(built_site)
    yield server.url
    server.close()


def file_size_limited(limit: int):
    """For a subprocess: files it writes may not grow past `limit` bytes (the write fails: "File too large"),
    as a full disk would fail it."""
    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_writes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS
    # Never skipped: a machine without the browser fails here with the fix (.ci/run installs it).
    assert Path(CHROMIUM).exists(), f"the browser tests drive Debian's Chromium at {CHROMIUM}: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def guarded_page(chromium):
    """new_page(base_url, width=1280) -> a page that records trouble; after the test, asserts there was no
    script error, dialog, CSP violation, request to anywhere but the site itself, or failed request for
    anything a page loads (a stylesheet, script or data file: a page itself may be a 404)."""
    contexts, trouble = [], []

    def new_page(base_url: str, width: int = 1280, height: int = 900):
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)

        def guard(route) -> None:
            if route.request.url.startswith(base_url + "/"):
                route.continue_()
            else:
                trouble.append(f"request left the site: {route.request.url}")
                route.abort()

        def on_dialog(dialog) -> None:
            trouble.append(f"dialog opened: {dialog.message}")
            dialog.dismiss()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda error: trouble.append(f"page error: {error}"))
        page.on("dialog", on_dialog)
        page.on("response", lambda response: trouble.append(f"{response.status}: {response.url}")
                if response.status >= 400 and response.request.resource_type != "document" else None)
        page.on("console", lambda message: trouble.append(f"console: {message.text}")
                if "Content Security Policy" in message.text else None)
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert not trouble, trouble
