"""Live reload for real: `digest serve` on a free port, a websocket client speaking the livereload protocol."""
from __future__ import annotations

import asyncio
import http.client
import json
import re
import socket
import subprocess
import sys
import shutil
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from generator.incremental.state import state_folder

from .conftest import CONTENT, ROOT, TEMPLATES, free_port

DECISION = "/decisions/24-001-566/"


def fetch(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


def exchange(port: int, method: str = "GET", path: str = "/", headers: dict[str, str] | None = None,
             host: str | None = "own", address: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    """One request written out byte for byte (any Host header, or none), and the reply as it came: status,
    headers (lower-case names) and body."""
    lines = [f"{method} {path} HTTP/1.{0 if host is None else 1}"]
    if host is not None:
        lines.append(f"Host: {address}:{port}" if host == "own" else f"Host: {host}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()] + ["Connection: close", "", ""]
    with socket.create_connection((address, port), timeout=10) as connection:
        connection.sendall("\r\n".join(lines).encode("latin-1"))
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    status, *fields = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (f.partition(":") for f in fields)}
    return int(status.split()[1]), headers, body


@contextmanager
def serving(content: Path, templates: Path, tmp_path: Path, host: str = "127.0.0.1"):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port), "--content", str(content),
             "--out", str(tmp_path / "site"), "--templates", str(templates), "--host", host],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: exchange(port, address=host)[0] == 200)
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=10)
        print(log.read_text())      # shown by pytest when the test fails


@pytest.fixture
def server(content_copy: Path, tmp_path: Path):
    with serving(content_copy, TEMPLATES, tmp_path) as (port, _):
        yield port, content_copy


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory):
    """One server for the tests that edit no content, and its log; its output folder is `log.parent / "site"`."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(CONTENT, root / "content")
    with serving(root / "content", TEMPLATES, root) as (port, log):
        yield port, log


@pytest.fixture
def own_templates_server(content_copy: Path, tmp_path: Path):
    """A server on copies of the content and templates, and its log."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    with serving(content_copy, templates, tmp_path) as (port, log):
        yield port, content_copy, templates, log


def builds_in(log: Path) -> int:
    return sum(1 for line in log.read_text().splitlines() if " decisions: " in line)


async def page_socket(port: int, origin: str | None = "own", host: str | None = None):
    """Open the reload websocket as a page would: with the Origin of the preview's own pages by default."""
    headers = {}
    if origin is not None:
        headers["Origin"] = f"http://127.0.0.1:{port}" if origin == "own" else origin
    if host is not None:
        headers["Host"] = host
    return await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers=headers))


async def reloads_after(port: int, change, wait: float) -> int:
    """Connect as a browser, make the change, and count the reloads sent within `wait` seconds."""
    socket = await page_socket(port)
    socket.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await socket.read_message()
    socket.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/", "plugins": {}}))
    await asyncio.sleep(0.3)
    change()
    reloads, deadline = 0, time.monotonic() + wait
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(await asyncio.wait_for(socket.read_message(), timeout=left))
        except asyncio.TimeoutError:
            break
        reloads += message["command"] == "reload"
    socket.close()
    return reloads


async def reload_after(port: int, edit, served) -> dict:
    """Connect as a browser would (hello, info), make the edit, and wait for a reload after which
    `served()` is true. (The server also sends reloads when it starts, to refresh pages left open.)"""
    socket = await page_socket(port)
    socket.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(await socket.read_message())["command"] == "hello"
    socket.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}{DECISION}", "plugins": {}}))
    await asyncio.sleep(0.3)
    edit()
    while True:
        message = json.loads(await asyncio.wait_for(socket.read_message(), timeout=15))
        if message["command"] == "reload" and served():
            socket.close()
            return message


def run_in_thread(coroutine):
    """Run a coroutine on its own event loop in another thread: the session's Playwright browser
    keeps an event loop running on this one, where asyncio.run() is not allowed."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as error:      # re-raised in the test's own thread
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_an_edit_is_rebuilt_served_and_the_browser_told_to_reload(server) -> None:
    port, content = server
    status, page = fetch(port, DECISION)
    assert status == 200
    assert "livereload.js" in page                          # the reload client is injected
    assert "Mrs X complained the Council failed to safeguard" in page
    path = content / "decisions" / "24-001-566.md"

    def edit() -> None:
        path.write_text(path.read_text(encoding="utf-8").replace(
            "Mrs X complained the Council failed to safeguard", "EDITED: Mrs X said the Council failed to safeguard"),
            encoding="utf-8")

    message = run_in_thread(reload_after(port, edit, lambda: "EDITED: Mrs X said" in fetch(port, DECISION)[1]))
    assert message["command"] == "reload"
    assert fetch(port, DECISION)[0] == 200


def test_a_content_error_shows_in_the_browser_and_the_server_recovers(server) -> None:
    port, content = server
    path = content / "decisions" / "24-001-566.md"
    good = path.read_text(encoding="utf-8")

    def break_it() -> None:
        path.write_text(good.replace("decision_date: 2025-01-14", "decision_date: next week"), encoding="utf-8")

    run_in_thread(reload_after(port, break_it, lambda: fetch(port, DECISION)[0] == 500))
    status, page = fetch(port, DECISION)
    assert status == 500
    assert f"{path}:7: decision_date: must be a date like 2025-01-14" in page.replace("&#x27;", "'")
    assert fetch(port, "/feed.xml")[0] == 200                # the last good site is still there

    run_in_thread(reload_after(port, lambda: path.write_text(good, encoding="utf-8"),
                             lambda: fetch(port, DECISION)[0] == 200))
    status, page = fetch(port, DECISION)
    assert status == 200 and "Essex County Council (24 001 566)" in page


def test_an_output_folder_removed_while_serving_is_built_again_when_a_page_is_asked_for(server, tmp_path: Path) -> None:
    port, _ = server
    shutil.rmtree(tmp_path / "site")
    status, page = fetch(port, DECISION)
    assert status == 200 and "24 001 566" in page
    assert (tmp_path / "site" / "index.html").is_file()


def test_unknown_paths_get_the_404_page_and_nothing_outside_the_site_is_served(server) -> None:
    port, _ = server
    status, page = fetch(port, "/no/such/page/")
    assert status == 404 and "Page not found" in page
    for path in ("/../pyproject.toml", "/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fcontent/site.yaml"):
        status, page = fetch(port, path)
        assert status == 404 and "root:" not in page and "remedy_bands" not in page
    assert fetch(port, "/councils")[0] == 200                 # redirected to the folder's page
    assert fetch(port, "/" + "x" * 300)[0] == 404             # longer than a file name can be


def raw_get(port: int, path: str) -> tuple[int, str]:
    """GET a path exactly as written (no client-side normalising of `..` or `%2e`)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("path", [
    "/../pyproject.toml", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/static/..%2f..%2fcontent/site.yaml", "//etc/passwd", "/..\\..\\pyproject.toml", "/static/%00style.css",
])
def test_path_traversal_is_refused(server, path: str) -> None:
    port, _ = server
    status, page = raw_get(port, path)
    assert status == 404
    assert "root:" not in page and "remedy_bands" not in page and "[project]" not in page


def test_200_concurrent_requests_during_rebuilds_all_get_whole_pages(server) -> None:
    port, content = server
    path = content / "decisions" / "24-001-566.md"
    original = path.read_text(encoding="utf-8")
    stop = threading.Event()

    def keep_editing() -> None:
        flip = False
        while not stop.is_set():
            flip = not flip
            path.write_text(original.replace("Mrs X complained the Council failed", "Mrs X said the Council failed")
                            if flip else original, encoding="utf-8")
            time.sleep(0.2)

    editor = threading.Thread(target=keep_editing)
    editor.start()
    try:
        time.sleep(1.0)          # let rebuilds start
        with ThreadPoolExecutor(max_workers=200) as pool:
            results = list(pool.map(lambda _: raw_get(port, DECISION), range(200)))
    finally:
        stop.set()
        editor.join()
    assert [status for status, _ in results] == [200] * 200
    for _, page in results:
        assert page.rstrip().endswith("</html>") and "Essex County Council (24 001 566)" in page


def test_another_host_is_allowed_with_a_warning_and_answers_to_this_computer_s_names(content_copy: Path,
                                                                                    tmp_path: Path) -> None:
    with serving(content_copy, TEMPLATES, tmp_path, host="127.0.0.2") as (port, log):
        assert "warning: serving on 127.0.0.2: other computers on the network can read the preview" in log.read_text()
        for name in (f"127.0.0.2:{port}", f"{socket.gethostname()}:{port}", f"localhost:{port}"):
            assert exchange(port, host=name, address="127.0.0.2")[0] == 200, name
        assert exchange(port, host=f"attacker.example:{port}", address="127.0.0.2")[0] == 403


def test_a_port_in_use_is_one_line_naming_a_free_port_and_nothing_is_built(content_copy: Path,
                                                                          tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--port", str(port), "--content", str(content_copy),
             "--out", str(tmp_path / "site"), "--templates", str(TEMPLATES)],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()          # one line, and no "Serving on" before it
    suggested = re.fullmatch(rf"error: cannot listen on 127\.0\.0\.1:{port}: the port is in use by another "
                             rf"program; port (\d+) is free: digest serve --port (\d+)", line)
    assert suggested and suggested[1] == suggested[2], line
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", int(suggested[1])))      # the port it names is free
    assert not (tmp_path / "site").exists()               # the port was checked before anything was built


def test_a_burst_of_saves_is_one_rebuild_and_one_reload(own_templates_server) -> None:
    port, content, _, log = own_templates_server
    files = sorted((content / "decisions").glob("*.md"))
    before = builds_in(log)

    def save_all() -> None:          # as "save all" in an editor: every file within a few milliseconds
        for number, path in enumerate(files):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("\n1. ", f"\n1. Burst{number} ", 1), encoding="utf-8")

    assert run_in_thread(reloads_after(port, save_all, wait=2.0)) == 1
    assert builds_in(log) == before + 1
    for number, path in enumerate(files):
        assert f"Burst{number} " in fetch(port, f"/decisions/{path.stem}/")[1]


def test_a_template_edit_rebuilds_every_page_that_uses_it(own_templates_server) -> None:
    port, content, templates, log = own_templates_server
    facts = templates / "partials" / "facts.html"

    def edit() -> None:
        facts.write_text(facts.read_text(encoding="utf-8").replace("<dl", '<dl data-edited="yes"', 1), encoding="utf-8")

    assert run_in_thread(reloads_after(port, edit, wait=2.0)) == 1
    for path in (content / "decisions").glob("*.md"):
        assert 'data-edited="yes"' in fetch(port, f"/decisions/{path.stem}/")[1], path.stem
    assert 'data-edited="yes"' not in fetch(port, "/")[1]


def test_editor_scratch_files_do_not_rebuild(own_templates_server) -> None:
    port, content, _, log = own_templates_server
    before = builds_in(log)

    def scratch() -> None:
        for name in (".24-001-566.md.swp", "24-001-566.md~", ".#24-001-566.md", "24-001-566.md.tmp"):
            (content / "decisions" / name).write_text("scratch", encoding="utf-8")

    assert run_in_thread(reloads_after(port, scratch, wait=1.0)) == 0
    assert builds_in(log) == before


def test_the_warm_up_readies_what_the_first_edit_needs(content_copy: Path, tmp_path: Path) -> None:
    """After the warm-up, an edit renders only what it changed: every decision's data row and list item are
    kept, and every template is compiled."""
    from generator.serve import Preview
    preview = Preview(content_copy, tmp_path / "site", TEMPLATES)
    preview.rebuild()
    preview.save_cache()
    preview = Preview(content_copy, tmp_path / "site", TEMPLATES)     # as a server started on a built site
    preview.rebuild()
    env = preview.memory.templates.environment          # nothing rendered: everything was as it was
    assert not preview.memory.downloads.rows and not env.globals["list_items"].items
    preview.warm_up()
    slugs = sorted(path.stem for path in (content_copy / "decisions").glob("*.md"))
    assert sorted(preview.memory.downloads.rows) == slugs
    assert sorted(env.globals["list_items"].items) == slugs
    compiled = {name for _, name in env.cache.keys()}
    assert {"term.html", "home.html", "decision.html", "feed.xml", "partials/entry.html"} <= compiled


@pytest.mark.parametrize("change", ["another build", "removed"])
def test_the_preview_checks_the_output_after_something_else_changed_it(content_copy: Path, tmp_path: Path,
                                                                       change: str) -> None:
    """A `digest build` of the same folder while the preview runs (here, a deploy preview's address), or
    the folder removed: the preview's next build checks the output instead of trusting its memory of it."""
    from generator.build import BuildRequest, build
    from generator.serve import Preview
    out = tmp_path / "site"
    preview = Preview(content_copy, out, TEMPLATES)
    preview.rebuild()
    if change == "removed":
        shutil.rmtree(out)
    else:
        build(BuildRequest(content_copy, out, TEMPLATES, base_url="https://deploy-preview-7--digest.netlify.app"))
        assert "deploy-preview-7" in (out / "sitemap.xml").read_text(encoding="utf-8")
    edited = content_copy / "decisions" / "24-001-566.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n1. ", "\n1. Quagmire. ", 1), encoding="utf-8")
    preview.rebuild()
    assert preview.errors == []
    build(BuildRequest(content_copy, tmp_path / "clean", TEMPLATES, mode="cold"))
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {p.relative_to(tmp_path / "clean"): p.read_bytes()
                     for p in (tmp_path / "clean").rglob("*") if p.is_file()}


def test_a_server_stopped_as_a_service_is_saves_its_cache(content_copy: Path, tmp_path: Path) -> None:
    """SIGTERM (a service manager's stop, `kill`) ends it as Ctrl-C does: the cache is saved, so the next
    build, or server, starts from it."""
    edited = content_copy / "decisions" / "24-001-566.md"
    with serving(content_copy, TEMPLATES, tmp_path) as (port, _):
        edited.write_text(edited.read_text(encoding="utf-8").replace("\n1. ", "\n1. Quagmire. ", 1), encoding="utf-8")
        wait_until(lambda: "Quagmire" in fetch(port, DECISION)[1])
    assert (state_folder(tmp_path / "site") / "record.pickle").is_file()
    again = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content_copy), "--out",
                            str(tmp_path / "site"), "--templates", str(TEMPLATES)], cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    assert " 0 files written" in again.stdout and "0 removed" in again.stdout, again.stdout + again.stderr


ANSWERED = ["/", DECISION, "/decisions.csv", "/search/index.json", "/feed.xml", "/no/such/page/", "/councils",
            "/24001566", "/livereload.js"]


def test_head_is_answered_as_get_without_the_body(server_log) -> None:
    """Link checkers ask with HEAD: the status and headers a GET gets (its Content-Length too), no body."""
    port, log = server_log
    stylesheet = re.search(r'href="(/assets/style\.\w+\.css)"', fetch(port, "/")[1])
    assert stylesheet
    for path in ANSWERED + [stylesheet[1]]:
        get_status, get_headers, body = exchange(port, "GET", path)
        head_status, head_headers, nothing = exchange(port, "HEAD", path)
        assert (head_status, nothing) == (get_status, b""), path
        assert head_headers["content-length"] == get_headers["content-length"] == str(len(body)), path
        for name in ("content-type", "location", "cache-control"):
            assert head_headers.get(name) == get_headers.get(name), (path, name)
    assert [exchange(port, "HEAD", path)[0] for path in ("/", "/no/such/page/", "/councils")] == [200, 404, 301]
    status, headers, _ = exchange(port, "POST", "/")
    assert status == 405 and headers["allow"] == "GET, HEAD"
    assert "Traceback" not in log.read_text() and " 500 " not in log.read_text()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"])
def test_the_preview_answers_to_its_own_names(server_log, host: str) -> None:
    port, _ = server_log
    status, _, body = exchange(port, host=host.format(port=port))
    assert status == 200 and b"Newest decisions" in body


@pytest.mark.parametrize("host", [
    "attacker.example", "attacker.example:{port}", "ATTACKER.example:{port}", "127.0.0.1.attacker.example:{port}",
    "localhost.:{port}", "localhost:1", "127.0.0.2:{port}", "[::2]:{port}", "127.0.0.1:{port}@attacker.example",
    "127.0.0.1:{port}:1", "", None,
])
def test_a_request_naming_another_host_gets_a_403_and_nothing_else(server_log, host: str | None) -> None:
    """A page of another site whose name was made to point here (DNS rebinding) reads nothing: no page,
    no file, no reload."""
    port, _ = server_log
    host = host if host is None else host.format(port=port)
    for path in ("/", DECISION, "/decisions.json", "/.git/config", "/livereload.js", "/forcereload", "/livereload"):
        status, headers, body = exchange(port, "GET", path, host=host)
        assert status in (400, 403), (host, path)     # 400: a Host header that is not a host at all
        assert b"<" not in body and len(body) < 100, (host, path)


def test_names_starting_with_a_dot_are_never_served(server_log) -> None:
    port, log = server_log
    site = log.parent / "site"
    for name in (".git/config", ".env", ".well-known/security.txt", "decisions/.notes", "assets/.cache/x.css"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("SECRET", encoding="utf-8")
    (site / "linked").symlink_to(site / ".git", target_is_directory=True)
    for path in ("/.git/config", "/.git/", "/.git", "/%2egit/config", "/%2Egit%2Fconfig", "/.env", "/decisions/.notes",
                 "/.well-known/security.txt", "/assets/.cache/x.css", "/linked/config", "/linked/"):
        status, _, body = exchange(port, "GET", path)
        assert status == 404 and b"SECRET" not in body, path


def test_a_folder_redirect_stays_on_the_preview(server_log) -> None:
    port, _ = server_log
    for path in ("/councils", "//councils", "/./councils", "/decisions/../councils"):
        status, headers, _ = exchange(port, "GET", path)
        assert (status, headers.get("location")) in ((301, "/councils/"), (404, None)), path


def test_only_the_preview_s_own_pages_can_trigger_a_reload(server_log) -> None:
    port, log = server_log
    own = f"http://127.0.0.1:{port}"
    refused = [{}, {"Origin": "http://attacker.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
               {"Sec-Fetch-Site": "same-site"}, {"Origin": "http://attacker.example", "Sec-Fetch-Site": "same-origin"},
               {"Origin": f"https://127.0.0.1:{port}"}]
    accepted = [{"Origin": own}, {"Sec-Fetch-Site": "same-origin"}]

    def ask(each: list[dict[str, str]]) -> list[int]:
        return [exchange(port, "GET", "/forcereload", headers)[0] for headers in each]

    assert run_in_thread(reloads_after(port, lambda: ask(refused), wait=1.0)) == 0
    assert ask(refused) == [403] * len(refused)
    assert run_in_thread(reloads_after(port, lambda: ask(accepted), wait=1.0)) == 2


@pytest.mark.parametrize("origin, host", [
    (None, None), ("http://attacker.example", None), ("null", None), ("http://localhost:1", None),
    ("own", "attacker.example:{port}"),
])
def test_the_reload_socket_is_only_for_the_preview_s_own_pages(server_log, origin: str | None,
                                                               host: str | None) -> None:
    port, _ = server_log
    with pytest.raises(HTTPClientError) as refused:
        run_in_thread(page_socket(port, origin, host and host.format(port=port)))
    assert refused.value.code == 403


def test_a_page_open_in_chromium_reloads_itself_after_an_edit(guarded_page, server) -> None:
    """The whole loop in a real browser: the page's own websocket is accepted, and the edit shows."""
    port, content = server
    base = f"http://127.0.0.1:{port}"
    page = guarded_page(base)
    failures: list[str] = []
    page.on("response", lambda response: failures.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    frames: list[str] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(str(frame))))
    page.goto(base + DECISION)
    for _ in range(100):                   # Playwright hands over events while the page is waited on
        if any('"hello"' in frame for frame in frames):
            break
        page.wait_for_timeout(100)
    assert any('"hello"' in frame for frame in frames), "the page's reload socket was not answered"
    path = content / "decisions" / "24-001-566.md"
    with page.expect_navigation(timeout=15000):
        path.write_text(path.read_text(encoding="utf-8").replace(
            "Mrs X complained the Council failed to safeguard", "Reloaded by itself: the Council failed to safeguard"),
            encoding="utf-8")
    assert "Reloaded by itself" in page.inner_text("main")
    assert failures == []


def test_an_edit_to_a_collection_is_rebuilt_and_served(server) -> None:
    port, content = server
    path = content / "collections" / "looked-after-children.yaml"
    original = path.read_text(encoding="utf-8")

    def edit() -> None:
        path.write_text(original.replace("title: Looked-after children", "title: EDITED children"), encoding="utf-8")

    url = "/collections/looked-after-children/"
    run_in_thread(reload_after(port, edit, lambda: "EDITED children" in fetch(port, url)[1]))
    assert "EDITED children" in fetch(port, "/collections/")[1]
