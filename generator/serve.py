"""Preview server: build, serve the output on 127.0.0.1, rebuild on every change, and reload the browser.

Serving is separate from building: `Preview` holds the folders, the build cache kept in memory between
builds (so each rebuild is incremental and reads nothing it has not changed) and the last build's errors;
its `app` is a small WSGI app that python-livereload wraps (it injects the reload script into HTML).

Changes are seen by the operating system's file events (watchfiles), not by polling: a burst of saves
arrives as one batch and makes one rebuild. Builds and requests run on the same event loop thread, so a
request waits for a build in flight and never sees a half-written site.
"""
from __future__ import annotations

import gc
import mimetypes
import signal
import sys
import threading
from functools import partial
from html import escape
from http import HTTPStatus
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import unquote

from jinja2 import Environment, TemplateError
from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop
from watchfiles import watch

from .build import BuildRequest, build, default_templates
from .errors import BuildErrors, DigestError
from .incremental.memory import PreviewMemory
from .incremental.output import built_here
from .incremental.state import save_state, state_folder
from .site.host_rules import route, rules_in

StartResponse = Callable[[str, list[tuple[str, str]]], object]


class Preview:
    def __init__(self, content_dir: Path, out_dir: Path, templates_dir: Path, strict: bool = False,
                 jobs: int | None = None):
        self.content_dir, self.out_dir, self.templates_dir = content_dir, out_dir, templates_dir
        self.strict, self.jobs = strict, jobs
        self.errors: list[str] = []
        self.memory = PreviewMemory()

    def rebuild(self) -> None:
        """Build; on failure keep serving the last good site and show the errors on every page. The first
        build reads the saved state and checks the output folder against it; later ones trust their own."""
        request = BuildRequest(self.content_dir, self.out_dir, self.templates_dir, mode="preview", jobs=self.jobs,
                               strict=self.strict)
        try:
            report = build(request, self.memory, waiting=partial(print, file=sys.stderr))
        except BuildErrors as failure:
            self.errors = [str(error) for error in failure.errors]
        except DigestError as error:
            self.errors = [str(error)]
        except OSError as error:          # e.g. the output folder cannot be written
            self.errors = [f"{error.filename or self.out_dir}: {error.strerror}"]
        else:
            self.errors = []
            for warning in report.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            print(report.summary(), file=sys.stderr)
            return
        for line in self.errors:
            print(f"error: {line}", file=sys.stderr)

    def app(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if not self.errors and not built_here(self.out_dir):
            self.rebuild()            # the output folder was removed while serving: built again first
        path = self.resolve(environ.get("PATH_INFO", "/"))
        if path is None:        # no file there: the site's `_redirects`, as Netlify applies them
            routed = route(rules_in(self.out_dir), environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""))
            if routed is not None and routed.redirect:
                status = HTTPStatus(routed.status)
                start_response(f"{status.value} {status.phrase}", [("Location", routed.target), ("Content-Length", "0")])
                return [b""]
            path = self.resolve(routed.target) if routed is not None and routed.status == 200 else None
        if path is None:
            return self.respond(start_response, "404 Not Found", *self.not_found())
        if path.is_dir():
            location = environ.get("PATH_INFO", "/").rstrip("/") + "/"
            start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
            return [b""]
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if self.errors and content_type == "text/html":
            return self.respond(start_response, "500 Build Failed", self.error_page(), "text/html")
        return self.respond(start_response, "200 OK", path.read_bytes(), content_type)

    def resolve(self, url_path: str) -> Path | None:
        """The file a URL names inside the output folder, or None. Nothing outside it is ever served."""
        parts = [part for part in unquote(url_path).replace("\\", "/").split("/") if part not in ("", ".")]
        if any(part == ".." or "\x00" in part for part in parts):
            return None
        root = self.out_dir.resolve()
        candidate = root.joinpath(*parts).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        try:
            if candidate.is_dir() and url_path.endswith("/"):
                candidate = candidate / "index.html"
            return candidate if candidate.exists() else None
        except OSError:                  # a name too long for the file system, say: no such page
            return None

    def not_found(self) -> tuple[bytes, str]:
        page = self.out_dir / "404.html"
        if self.errors or not page.is_file():
            return self.error_page(), "text/html"
        return page.read_bytes(), "text/html"

    def error_page(self) -> bytes:
        items = "\n".join(f"<li><code>{escape(line)}</code></li>" for line in self.errors) or "<li>Not built yet.</li>"
        return (
            "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Build failed</title>"
            "<style>body{font:1rem/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}"
            "h1{color:#a00}code{white-space:pre-wrap}</style></head><body>"
            "<h1>The site could not be built</h1><p>Fix these and save; this page reloads by itself.</p>"
            f"<ul>{items}</ul></body></html>"
        ).encode("utf-8")

    @staticmethod
    def respond(start_response: StartResponse, status: str, body: bytes, content_type: str) -> list[bytes]:
        if content_type.startswith("text/") or content_type in ("application/json", "application/javascript"):
            content_type += "; charset=utf-8"
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]

    def warm_up(self) -> None:
        """Make the first edit as quick as the rest: compile every template and render every page but the
        decisions' once, for nothing: what the build keeps to redo a page quickly (each decision's list
        item and data row) is then ready too."""
        memory = self.memory
        if self.errors or memory.templates is None or memory.units is None:
            return
        compile_templates(memory.templates.environment)
        for unit in memory.units.planned:
            unit.make()

    def save_cache(self) -> None:
        if self.memory.state is not None:
            save_state(state_folder(self.out_dir), self.memory.state)


def compile_templates(env: Environment) -> None:
    """Load (compile) every page template the environment can find; one with an error is left for the build
    to report."""
    for name in env.list_templates(filter_func=lambda name: not name.startswith("static/")):
        try:
            env.get_template(name)
        except TemplateError:
            pass


def is_scratch(path: str) -> bool:
    """Editor swap files, atomic-write temporaries and backups do not trigger a rebuild."""
    name = Path(path).name
    return name.startswith(".") or name.endswith(("~", ".tmp", ".bak", ".swp"))


class Watcher:
    """Sees changes to the content and templates, rebuilds once per batch on the server's event loop, then
    tells the browsers to reload. Speaks python-livereload's watcher protocol, so the library never polls."""

    STEP_MS = 20            # a batch ends when nothing more has changed for this long
    LONGEST_MS = 1000       # ... or after this long, whatever keeps changing
    TIDY_AFTER_S = 5.0

    def __init__(self, preview: Preview, folders: list[Path]):
        self.preview, self.folders = preview, folders
        self.pending = False                     # changes seen that no build has taken in yet
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self._tasks = {"content": None}          # the protocol: something is watched
        self._changes: list = []
        self.filepath = None
        self.tidying: object = None

    def watch(self, *args: object, **kwargs: object) -> None:
        pass

    def examine(self) -> tuple[None, None]:
        return None, None

    def start(self, callback: object) -> bool:
        loop = IOLoop.current()
        threading.Thread(target=self._listen, args=(loop,), name="watch", daemon=True).start()
        return True                                  # no polling

    def _listen(self, loop: IOLoop) -> None:
        for _ in watch(*self.folders, watch_filter=lambda _, path: not is_scratch(path),
                       debounce=self.LONGEST_MS, step=self.STEP_MS, stop_event=self.stop, raise_interrupt=False):
            with self.lock:
                self.pending = True
            loop.add_callback(self.rebuild)

    def rebuild(self) -> None:
        with self.lock:
            changed, self.pending = self.pending, False
        if not changed:                              # taken in by the build before
            return
        self.preview.rebuild()
        LiveReloadHandler.reload_waiters(path="*")
        gc.freeze()
        self.tidy_later()

    def tidy_later(self) -> None:
        """What a build leaves is frozen at once (the collector no longer walks the cache's millions of
        objects in the middle of the next rebuild); once saves pause, cyclic garbage is collected."""
        loop = IOLoop.current()
        if self.tidying is not None:
            loop.remove_timeout(self.tidying)
        self.tidying = loop.call_later(self.TIDY_AFTER_S, tidy_memory)


def tidy_memory() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def serve(content_dir: Path, out_dir: Path, templates_dir: Path | None = None,
          port: int = 8000, host: str = "127.0.0.1", strict: bool = False, jobs: int | None = None) -> None:
    preview = Preview(content_dir, out_dir, templates_dir or default_templates(), strict, jobs)
    preview.rebuild()
    preview.warm_up()
    tidy_memory()
    watcher = Watcher(preview, [content_dir, preview.templates_dir])
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server = Server(app=preview.app, watcher=watcher)
    # Stopped as a service is (SIGTERM), as by Ctrl-C: the cache is saved on the way out either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve(port=port, host=host, debug=False, restart_delay=0)
    finally:
        watcher.stop.set()
        preview.save_cache()
