"""Live reload for real: `digest serve` on a free port, a websocket client speaking the livereload protocol."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from .conftest import ROOT, TEMPLATES, free_port

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


@pytest.fixture
def server(content_copy: Path, tmp_path: Path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port), "--content", str(content_copy),
             "--out", str(tmp_path / "site"), "--templates", str(TEMPLATES)],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: fetch(port, "/")[0] == 200)
        yield port, content_copy
    finally:
        process.terminate()
        process.wait(timeout=10)
        print(log.read_text())      # shown by pytest when the test fails


async def reload_after(port: int, edit, served) -> dict:
    """Connect as a browser would (hello, info), make the edit, and wait for a reload after which
    `served()` is true. (The server also sends reloads when it starts, to refresh pages left open.)"""
    socket = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
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

    message = asyncio.run(reload_after(port, edit, lambda: "EDITED: Mrs X said" in fetch(port, DECISION)[1]))
    assert message["command"] == "reload"
    assert fetch(port, DECISION)[0] == 200


def test_a_content_error_shows_in_the_browser_and_the_server_recovers(server) -> None:
    port, content = server
    path = content / "decisions" / "24-001-566.md"
    good = path.read_text(encoding="utf-8")

    def break_it() -> None:
        path.write_text(good.replace("decision_date: 2025-01-14", "decision_date: next week"), encoding="utf-8")

    asyncio.run(reload_after(port, break_it, lambda: fetch(port, DECISION)[0] == 500))
    status, page = fetch(port, DECISION)
    assert status == 500
    assert f"{path}:7: decision_date: must be a date like 2025-01-14" in page.replace("&#x27;", "'")
    assert fetch(port, "/static/style.css")[0] == 200        # the last good site is still there

    asyncio.run(reload_after(port, lambda: path.write_text(good, encoding="utf-8"),
                             lambda: fetch(port, DECISION)[0] == 200))
    status, page = fetch(port, DECISION)
    assert status == 200 and "Essex County Council (24 001 566)" in page


def test_unknown_paths_get_the_404_page_and_nothing_outside_the_site_is_served(server) -> None:
    port, _ = server
    status, page = fetch(port, "/no/such/page/")
    assert status == 404 and "Page not found" in page
    for path in ("/../pyproject.toml", "/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fcontent/site.yaml"):
        status, page = fetch(port, path)
        assert status == 404 and "root:" not in page and "remedy_bands" not in page
    assert fetch(port, "/councils")[0] == 200                 # redirected to the folder's page
