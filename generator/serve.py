"""Preview server: build, serve the output on 127.0.0.1, rebuild on every change, and reload the browser.

Serving is separate from building: `Preview` holds the folders, the build cache kept in memory between
builds (so each rebuild is incremental and reads nothing it has not changed) and the last build's errors;
its `app` answers a path. Tornado serves it (`PageHandler`, which adds python-livereload's script to every
page) beside python-livereload's websocket; every request must name the preview in its Host header, and
only the preview's own pages may ask for or wait for a reload.

Changes are seen by the operating system's file events (watchfiles), not by polling: a burst of saves
arrives as one batch and makes one rebuild. Builds and requests run on the same event loop thread, so a
request waits for a build in flight and never sees a half-written site.
"""
from __future__ import annotations

import errno
import gc
import ipaddress
import logging
import mimetypes
import re
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from functools import partial
from html import escape
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote, unquote

from jinja2 import Environment, TemplateError
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from tornado import httputil, web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.log import LogFormatter
from tornado.netutil import bind_sockets
from watchfiles import watch

from .build import BuildRequest, build, default_templates
from .errors import BuildErrors, DigestError
from .incremental.memory import PreviewMemory
from .incremental.output import built_here
from .incremental.state import save_state, state_folder
from .site.host_rules import route, rules_in


@dataclass(frozen=True)
class Answer:
    """What the preview answers to a request for a path: the response to a GET."""
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    reason: str | None = None         # the status line's words, when not the usual ones


def moved(location: str) -> Answer:
    """A permanent redirect that the browser does not keep: the preview's redirects change as content does."""
    return Answer(301, (("Location", location), ("Cache-Control", "no-store")), b"")


class Preview:
    def __init__(self, content_dir: Path, out_dir: Path, templates_dir: Path, strict: bool = False,
                 jobs: int | None = None):
        self.content_dir, self.out_dir, self.templates_dir = content_dir, out_dir, templates_dir
        self.strict, self.jobs = strict, jobs
        self.errors: list[str] = []
        self.memory = PreviewMemory()

    def rebuild(self, changed: Iterable[str] = ()) -> None:
        """Build; on failure keep serving the last good site and show the errors on every page. The first
        build reads the saved state and checks the output folder against it; later ones trust their own.
        `changed`: the paths the watcher saw change since the last build, so that only they are looked at."""
        self.memory.changes.note(changed, self.content_dir)
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

    def app(self, url_path: str) -> Answer:
        """The answer to a GET of `url_path` (the path as requested, still percent-encoded); a HEAD gets
        the same without its body."""
        if not self.errors and not built_here(self.out_dir):
            self.rebuild()            # the output folder was removed while serving: built again first
        path = self.resolve(url_path)
        if path is None:        # no file there: the site's `_redirects`, as Netlify applies them
            routed = route(rules_in(self.out_dir), unquote(url_path))
            if routed is not None and routed.redirect:
                return moved(routed.target)
            path = self.resolve(routed.target) if routed is not None and routed.status == 200 else None
            if path is not None and path.is_dir():         # rewritten to a folder: its page, at this address
                return moved(url_path.rstrip("/") + "/")
        if path is None:
            return self.respond(404, *self.not_found())
        if path.is_dir():              # the folder's page is at its address with a slash
            folder = path.relative_to(self.out_dir.resolve()).parts
            return moved("/" + "".join(f"{quote(part)}/" for part in folder))
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if self.errors and content_type == "text/html":
            return self.respond(500, self.error_page(), "text/html", "Build Failed")
        return self.respond(200, path.read_bytes(), content_type)

    def resolve(self, url_path: str) -> Path | None:
        """The file a URL names inside the output folder, or None. Nothing outside it is ever served, nor
        any name starting with a dot (`.git/`, `.env`, `.well-known/`: the user's, not the site's)."""
        parts = [part for part in unquote(url_path).replace("\\", "/").split("/") if part not in ("", ".")]
        if any(part.startswith(".") or "\x00" in part for part in parts):
            return None
        root = self.out_dir.resolve()
        candidate = root.joinpath(*parts).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        if any(part.startswith(".") for part in candidate.relative_to(root).parts):
            return None                  # reached through a link
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
            "<link rel=\"icon\" href=\"data:,\">"
            "<style>body{font:1rem/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}"
            "h1{color:#a00}code{white-space:pre-wrap}</style></head><body>"
            "<h1>The site could not be built</h1><p>Fix these and save; this page reloads by itself.</p>"
            f"<ul>{items}</ul></body></html>"
        ).encode("utf-8")

    @staticmethod
    def respond(status: int, body: bytes, content_type: str, reason: str | None = None) -> Answer:
        if content_type.startswith("text/") or content_type in ("application/json", "application/javascript"):
            content_type += "; charset=utf-8"
        return Answer(status, (("Content-Type", content_type), ("Cache-Control", "no-store")), body, reason)

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
        self.changed: set[str] = set()           # ... the paths they were seen at
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
        for changes in watch(*self.folders, watch_filter=lambda _, path: not is_scratch(path),
                             debounce=self.LONGEST_MS, step=self.STEP_MS, stop_event=self.stop,
                             raise_interrupt=False):
            with self.lock:
                self.pending = True
                self.changed.update(path for _, path in changes)
            loop.add_callback(self.rebuild)

    def rebuild(self) -> None:
        with self.lock:
            pending, self.pending = self.pending, False
            changed, self.changed = self.changed, set()
        if not pending:                              # taken in by the build before
            return
        self.preview.rebuild(changed)
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


LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
WILDCARDS = ("", "0.0.0.0", "::")

# The livereload client, loaded from wherever the page was: python-livereload's own snippet.
RELOAD_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var port=(window.location.port||(window.location.protocol=="https:"?443:80));'
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b'document.head.appendChild(s);})();</script>'
)


def host_name(text: str) -> str:
    """A host as a Host header writes it, the same way whatever way it was written: lower case, an IPv6
    address in brackets and compressed (an IPv4 one inside IPv6 as IPv4)."""
    bare = text.strip().lower()
    try:
        address = ipaddress.ip_address(bare.removeprefix("[").removesuffix("]"))
    except ValueError:
        return bare
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is None:
            return f"[{address.compressed}]"
        address = address.ipv4_mapped
    return str(address)


def split_host(header: str) -> tuple[str, int | None]:
    """'localhost:8000' -> ('localhost', 8000), '[::1]:8000' -> ('[::1]', 8000), 'localhost' -> ('localhost',
    None); anything else -> ('', -1), which nothing matches."""
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?", header.strip())
    if match is None:
        return "", -1
    name, port = match.groups()
    return host_name(name), int(port) if port else None


@dataclass(frozen=True)
class Hosts:
    """The names a request may give in its Host header, and the port: a page of a site that is not the
    preview (a name made to point at this computer, the DNS rebinding attack) gets nothing."""
    names: frozenset[str]
    port: int

    def allow(self, header: str | None, local_address: str | None) -> bool:
        """`local_address`: the address this connection came in on, also allowed (the interface's)."""
        if header is None:
            return False
        name, port = split_host(header)
        if port != self.port and not (port is None and self.port == 80):
            return False
        return name in self.names or (local_address is not None and name == host_name(local_address))

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def allowed_hosts(host: str, port: int) -> Hosts:
    """127.0.0.1, localhost and [::1] always; with another --host, also that name and this computer's names
    (and each request's own interface address, checked as it comes)."""
    names = set(LOOPBACK_NAMES)
    if host_name(host) not in LOOPBACK_NAMES:
        if host not in WILDCARDS:
            names.add(host_name(host))
        short = socket.gethostname().lower().rstrip(".")
        names.update({short, socket.getfqdn().lower().rstrip("."), short.partition(".")[0] + ".local"})
    return Hosts(frozenset(names), port)


def listen(host: str, port: int) -> list[socket.socket]:
    """The listening sockets, bound before anything is built or announced; a port in use is one line that
    names a free one."""
    try:
        return bind_sockets(port, address=host or None)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            free = free_port(host, port)
            raise DigestError(None, f"cannot listen on {host}:{port}: the port is in use by another program; "
                                    f"port {free} is free: digest serve --port {free}") from None
        raise DigestError(None, f"cannot listen on {host}:{port}: {error.strerror or error}; "
                                f"try another port with --port") from None


def free_port(host: str, busy: int) -> int:
    """The first free port after `busy` (or one the system picks)."""
    for candidate in [*range(busy + 1, min(busy + 50, 65536)), 0]:
        try:
            sockets = bind_sockets(candidate, address=host or None)
        except OSError:
            continue
        found = sockets[0].getsockname()[1]
        for sock in sockets:
            sock.close()
        return found
    return 0


class HostCheck(web.RequestHandler):
    """Answers only requests that name the preview in their Host header (the `hosts` setting); others get a
    403 and nothing else."""

    def prepare(self) -> None:
        hosts: Hosts = self.settings["hosts"]
        if not hosts.allow(self.request.headers.get("Host"), connection_address(self.request)):
            self.refuse(f"This preview answers only at its own addresses, such as {hosts.address}")

    def refuse(self, why: str) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(why + "\n")

    def from_own_page(self) -> bool:
        """Sent by a page of the preview itself: its Origin is the preview's (a browser always sends one with
        a websocket); a request without one must be same-origin by the browser's word (Sec-Fetch-Site)."""
        origin = self.request.headers.get("Origin")
        if origin is not None:
            return origin.lower() == "http://" + self.request.headers.get("Host", "").lower()
        return self.request.headers.get("Sec-Fetch-Site") == "same-origin"


def connection_address(request: httputil.HTTPServerRequest) -> str | None:
    """The address of this computer the request came in on."""
    try:
        return request.connection.stream.socket.getsockname()[0]     # type: ignore[union-attr]
    except (AttributeError, OSError):
        return None


class PageHandler(HostCheck):
    """The site, as `Preview.app` answers: GET, and HEAD (the same without the body); other methods 405."""
    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def get(self) -> None:
        answer = self.preview.app(self.request.path)
        self.set_status(answer.status, answer.reason)
        for name, value in answer.headers:
            self.set_header(name, value)
        body = answer.body
        if dict(answer.headers).get("Content-Type", "").startswith("text/html"):
            body = body.replace(b"</head>", RELOAD_SCRIPT + b"</head>", 1)
        self.finish(body)      # Content-Length is the body's; a HEAD gets the headers alone

    head = get

    def compute_etag(self) -> None:
        return None            # nothing is cached (no-store): no ETag to revalidate against

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if status_code == 405:
            self.set_header("Allow", ", ".join(self.SUPPORTED_METHODS))
        super().write_error(status_code, **kwargs)


class ReloadScript(HostCheck, LiveReloadJSHandler):
    SUPPORTED_METHODS = ("GET", "HEAD")
    head = LiveReloadJSHandler.get


class ReloadTrigger(HostCheck, ForceReloadHandler):
    """`/forcereload` reloads every open page: only at the asking of one of them."""
    SUPPORTED_METHODS = ("GET",)

    def prepare(self) -> None:
        super().prepare()
        if not self._finished and not self.from_own_page():
            self.refuse("Only the preview's own pages can ask for a reload")


class ReloadSocket(HostCheck, LiveReloadHandler):
    """The websocket the open pages wait on for reloads: only for the preview's own pages."""

    def prepare(self) -> None:
        super().prepare()
        if not self._finished and not self.from_own_page():
            self.refuse("Only the preview's own pages can wait for reloads")


def application(preview: Preview, hosts: Hosts) -> web.Application:
    return web.Application([
        (r"/livereload", ReloadSocket),
        (r"/forcereload", ReloadTrigger),
        (r"/livereload\.js", ReloadScript),
        (r".*", PageHandler, {"preview": preview}),
    ], hosts=hosts)


def announce(host: str, port: int, hosts: Hosts) -> None:
    if host_name(host) not in LOOPBACK_NAMES:
        print(f"warning: serving on {host}: other computers on the network can read the preview", file=sys.stderr)
    here = host_name(host) if host not in WILDCARDS else ("[::1]" if host == "::" else "127.0.0.1")
    elsewhere = sorted(hosts.names - LOOPBACK_NAMES - {here})
    also = f" (from other computers: http://{elsewhere[0]}:{port}/)" if elsewhere else ""
    print(f"Serving on http://{here}:{port}/{also}; Ctrl-C to stop", file=sys.stderr)


def show_server_errors() -> None:
    """The server's own warnings and errors (a 404, a request refused, a failure) on the console."""
    channel = logging.StreamHandler()
    channel.setFormatter(LogFormatter())
    logging.getLogger("tornado").addHandler(channel)


def serve(content_dir: Path, out_dir: Path, templates_dir: Path | None = None,
          port: int = 8000, host: str = "127.0.0.1", strict: bool = False, jobs: int | None = None) -> None:
    sockets = listen(host, port)
    preview = Preview(content_dir, out_dir, templates_dir or default_templates(), strict, jobs)
    preview.rebuild()
    preview.warm_up()
    # From here a watcher notes every change; what changed while it started, none saw: the first rebuild
    # looks at every file.
    preview.memory.changes.watching()
    tidy_memory()
    watcher = Watcher(preview, [content_dir, preview.templates_dir])
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    LiveReloadHandler.watcher, LiveReloadHandler.live_css = watcher, True
    hosts = allowed_hosts(host, port)
    HTTPServer(application(preview, hosts)).add_sockets(sockets)
    show_server_errors()
    announce(host, port, hosts)
    LiveReloadHandler.start_tasks()
    # Stopped as a service is (SIGTERM), as by Ctrl-C: the cache is saved on the way out either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        IOLoop.current().start()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop.set()
        preview.save_cache()
