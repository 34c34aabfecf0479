"""A build killed while it puts its files in place never leaves a mixed site without notice: until the next
build or preview start, the output folder carries `.digest-unfinished` (and `digest check` says so); after
it, the site is the one a clean build makes.

The kill test changes the title of a site, so every page changes, and `kill -9`s the build at random
points of its commit: two points of a 300-decision site's by default; with DIGEST_KILL_POINTS set (at least
20 for a real run), that many points of a 2,000-decision site's. The other tests stop a commit at every point of a small site's, deterministically.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.corpus import write_corpus
from generator.build import BuildRequest, build
from generator.incremental import output
from generator.incremental.journal import JOURNAL, MARKER
from generator.incremental.memory import PreviewMemory
from generator.incremental.output import staging_folder
from generator.incremental.state import state_folder

from .conftest import CONTENT, ROOT, TEMPLATES
from .test_incremental import tree_differences

KILL_POINTS = int(os.environ.get("DIGEST_KILL_POINTS") or 2)
KILL_DECISIONS = 2000 if os.environ.get("DIGEST_KILL_POINTS") else 300
OLD_TITLE, NEW_TITLE = "Decisions Digest", "Decisions Digest (archive)"


def digest(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def set_title(content: Path, title: str) -> None:
    settings = content / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text("\n".join(f"title: {title}" if line.startswith("title:") else line
                                  for line in text.splitlines()) + "\n", encoding="utf-8")


def copy_linked(source: Path, target: Path) -> None:
    """A copy made of hard links, dates and all: a build replaces files by renaming, never writes into one."""
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-al", str(source), str(target)], check=True)


class Archive:
    """A site built with the old title, its state saved aside; a clean build with the new."""

    def __init__(self, root: Path):
        self.root, self.content, self.out = root, root / "content", root / "site"
        write_corpus(self.content, KILL_DECISIONS)
        shutil.copy(CONTENT / "site.yaml", self.content / "site.yaml")
        set_title(self.content, NEW_TITLE)
        build(BuildRequest(self.content, self.out, TEMPLATES, mode="cold"))
        self.clean = root / "clean"
        copy_linked(self.out, self.clean)
        set_title(self.content, OLD_TITLE)
        self.commit_seconds = self.timed_commit()
        self.state = state_folder(self.out)
        self.saved = root / "saved"
        copy_linked(self.out, self.saved / "site")
        copy_linked(self.state, self.saved / "state")

    def timed_commit(self) -> float:
        """Build with the old title, and time how long its commit (of every page) has the marker out."""
        process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(self.content),
                                    "--out", str(self.out), "--quiet"], cwd=ROOT)
        marker, started, ended = self.out / MARKER, None, None
        while process.poll() is None:
            there = marker.exists()
            if there and started is None:
                started = time.monotonic()
            if not there and started is not None and ended is None:
                ended = time.monotonic()
            time.sleep(0.0005)
        assert process.returncode == 0 and started is not None, "the commit was never seen"
        return (ended or time.monotonic()) - started

    def restore(self) -> None:
        """The old site and its state, as built; the new title in site.yaml."""
        copy_linked(self.saved / "site", self.out)
        copy_linked(self.saved / "state", self.state)
        set_title(self.content, NEW_TITLE)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return Archive(tmp_path_factory.mktemp("archive"))


def kill_during_commit(archive: Archive, rng: random.Random) -> bool:
    """Start a build and `kill -9` it (with its workers) at a random moment after its commit began. False
    when the build ended before its commit was seen (this process was not given the core in time)."""
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(archive.content),
                                "--out", str(archive.out), "--quiet"], cwd=ROOT, start_new_session=True)
    delay = rng.uniform(0, 0.95 * archive.commit_seconds)
    try:
        while not (archive.out / MARKER).exists():
            if process.poll() is not None:
                return False
            time.sleep(0.0002)
        time.sleep(delay)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return True


def titles(out: Path) -> set[str]:
    """Which titles the pages carry: one, or both in a mixed site."""
    found = set()
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        found.add(NEW_TITLE if NEW_TITLE in text else OLD_TITLE)
    return found


def test_a_build_killed_at_random_points_of_its_commit_leaves_a_marked_folder_that_the_next_start_completes(
        archive: Archive) -> None:
    rng = random.Random(19)
    mixed = marked_kills = point = missed = 0
    # A kill can land after a short commit ended: a few more, until one has left a mixed site.
    while point < KILL_POINTS or (not mixed and point < KILL_POINTS + 4):
        archive.restore()
        if not kill_during_commit(archive, rng):
            missed += 1
            assert missed < 5, "five builds ended before their commit was seen"
            continue
        done = tree_differences(archive.out, archive.clean) == []
        marked = (archive.out / MARKER).exists()
        assert marked or done, f"kill {point}: the site differs from the new one, and is not marked unfinished"
        mixed += titles(archive.out) == {OLD_TITLE, NEW_TITLE}
        marked_kills += marked
        if marked and point < 2:
            checked = digest("check", "--content", archive.content, "--out", archive.out)
            assert checked.returncode == 1
            assert f"error: {archive.out / MARKER}: the folder is unfinished" in checked.stdout
        # The next start: a build, or a preview's first build.
        if point % 2 == 1:
            build(BuildRequest(archive.content, archive.out, TEMPLATES, mode="preview"), PreviewMemory())
        else:
            built = digest("build", "--content", archive.content, "--out", archive.out)
            assert built.returncode == 0, built.stderr
            assert ("unfinished; completed it" in built.stderr) == marked
        assert not (archive.out / MARKER).exists() and not (archive.state / JOURNAL).exists()
        assert not staging_folder(archive.out.resolve()).exists()
        assert tree_differences(archive.out, archive.clean) == [], f"kill {point}: not the clean build's site"
        point += 1
    print(f"{point} kills in a commit of {archive.commit_seconds:.2f} s: {marked_kills} left the folder marked "
          f"unfinished, {mixed} of them a mix of both titles")
    assert mixed >= max(1, point // 4), f"only {mixed} of {point} kills left a mixed site"


# ---------------------------------------------------------------- every point of a small site's commit

class Killed(BaseException):
    """Stands for `kill -9`: nothing after it runs but what a dying process cannot skip (nothing) and
    the cleanup a BaseException runs on its way out (which must not undo the journal)."""


def killed_after(moves: int, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    real = getattr(output, name)
    count = 0

    def counting(*args: object) -> object:
        nonlocal count
        if count == moves:
            raise Killed()
        count += 1
        return real(*args)
    monkeypatch.setattr(output, name, counting)


def test_a_commit_in_place_stopped_after_each_file_is_completed_by_the_next_build(
        content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, clean = tmp_path / "site", tmp_path / "clean"
    build(BuildRequest(content_copy, out, TEMPLATES))
    set_title(content_copy, NEW_TITLE)
    build(BuildRequest(content_copy, clean, TEMPLATES, mode="cold"))
    saved = tmp_path / "saved"
    copy_linked(out, saved / "site")
    copy_linked(state_folder(out), saved / "state")
    pages = len(list(out.rglob("*.html")))
    for moves in [0, 1, 2, pages // 2, pages - 1]:
        copy_linked(saved / "site", out)
        copy_linked(saved / "state", state_folder(out))
        with monkeypatch.context() as patched:
            killed_after(moves, patched, "move_whole")
            with pytest.raises(Killed):
                build(BuildRequest(content_copy, out, TEMPLATES))
        assert (out / MARKER).exists() and tree_differences(out, clean), f"after {moves} moves"
        told: list[str] = []
        build(BuildRequest(content_copy, out, TEMPLATES), waiting=told.append)
        assert told == [f"{out}: a build was stopped while it put files in place, leaving the folder unfinished; "
                        "completed it"]
        assert tree_differences(out, clean) == [] and not (out / MARKER).exists()


def test_a_swap_stopped_before_its_exchange_puts_the_users_files_back_and_builds_again_whole(
        content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, clean = tmp_path / "site", tmp_path / "clean"
    build(BuildRequest(content_copy, out, TEMPLATES))
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_text("Contact: mailto:a@b.c\n", encoding="utf-8")
    set_title(content_copy, NEW_TITLE)
    build(BuildRequest(content_copy, clean, TEMPLATES, mode="cold"))
    with monkeypatch.context() as patched:
        killed_after(0, patched, "swap_folders")
        with pytest.raises(Killed):
            build(BuildRequest(content_copy, out, TEMPLATES, mode="cold"))
    assert (out / MARKER).exists() and not (out / ".well-known").exists()        # moved aside
    result = digest("check", "--content", content_copy, "--out", out)
    assert result.returncode == 1 and "the folder is unfinished" in result.stdout
    told: list[str] = []
    build(BuildRequest(content_copy, out, TEMPLATES), waiting=told.append)
    assert told == [f"{out}: a build was stopped while it put files in place, leaving the folder unfinished; "
                    "building it again whole"]
    assert (out / ".well-known" / "security.txt").read_text(encoding="utf-8") == "Contact: mailto:a@b.c\n"
    shutil.rmtree(out / ".well-known")
    assert tree_differences(out, clean) == [] and not (out / MARKER).exists()


def test_a_marker_without_its_journal_makes_the_next_build_a_whole_one(content_copy: Path, tmp_path: Path) -> None:
    """The state folder deleted (always allowed) while the output folder was unfinished: nothing tells what
    was half done, so the next build makes every file again and only then removes the marker."""
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    page = out / "decisions" / "24-001-566" / "index.html"
    page.write_text("half of a page", encoding="utf-8")
    (out / MARKER).write_text("left by a stopped build\n", encoding="utf-8")
    shutil.rmtree(state_folder(out).parent)
    failed = digest("build", "--content", tmp_path / "missing", "--out", out)
    assert failed.returncode == 1 and f"error: {out / MARKER}: the folder is unfinished" in failed.stderr
    build(BuildRequest(content_copy, out, TEMPLATES))
    assert "half of a page" not in page.read_text(encoding="utf-8") and not (out / MARKER).exists()
