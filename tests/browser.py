"""Real headless Chromium (Debian's, never a downloaded one) and a static server like the published site's."""
from __future__ import annotations

import functools
import sys
import threading
import tomllib
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NETLIFY = Path(__file__).resolve().parent.parent / "netlify.toml"


def published_headers() -> dict[str, str]:
    """The headers Netlify sends with every page, from netlify.toml, so tests run under the real policy."""
    config = tomllib.loads(NETLIFY.read_text(encoding="utf-8"))
    return next(rule["values"] for rule in config["headers"] if rule["for"] == "/*")


CSP = published_headers()["Content-Security-Policy"]


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that drops a connection it no longer needs is no error of the site's."""
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class StaticServer:
    """Serves a built site folder on a free localhost port, in a thread."""

    def __init__(self, root: Path):
        handler = functools.partial(_Handler, directory=str(root))
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def wait_for(page, expression: str, arg=None, timeout: float = 10.0) -> None:
    """Poll a JS expression from Python: Playwright's own waiting evaluates strings in the page,
    which the site's Content-Security-Policy (no 'unsafe-eval') rightly forbids."""
    import time
    deadline = time.monotonic() + timeout
    function = f"arg => ({expression})"
    while not page.evaluate(function, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)
