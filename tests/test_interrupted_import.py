"""An import killed or interrupted half-way leaves every content file whole: old or new, never partial."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.content.folder import load_decisions

from .conftest import ROOT, SEEDS

SEED = (SEEDS / "004_c63c2500b19da48a.txt").read_text(encoding="utf-8")


def many_raw_decisions(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        reference = f"23 {number // 1000:03d} {number % 1000:03d}"
        (folder / f"{number:04d}.txt").write_text(SEED.replace("(24 001 566)", f"({reference})", 1), encoding="utf-8")
    # The existing 24 001 566 again, changed, so --force replaces a file that is already there.
    (folder / "essex.txt").write_text(SEED.replace("Mrs X complained the Council failed", "Mrs X said the Council failed", 1),
                                      encoding="utf-8")


def interruptible() -> None:
    """In the child before it starts: Ctrl-C acted on, even when the tests run in the background of a shell
    (which starts them with SIGINT ignored, and a program rightly keeps it so)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".md"}


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])
def test_import_stopped_half_way_leaves_the_content_folder_whole(content_copy: Path, tmp_path: Path, stop) -> None:
    raw = tmp_path / "raw"
    many_raw_decisions(raw, 600)
    decisions = content_copy / "decisions"
    before = snapshot(decisions)
    process = subprocess.Popen([sys.executable, "-m", "generator", "import", str(raw), "--content", str(content_copy),
                                "--force"], cwd=ROOT, preexec_fn=interruptible, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list(decisions.glob("23-*.md"))) < 30 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(stop)
    stdout, stderr = process.communicate(timeout=30)
    written = list(decisions.glob("23-*.md"))
    assert 30 <= len(written) < 600, "the import was not stopped half-way"
    assert "Traceback" not in stderr

    loaded = load_decisions(content_copy)
    assert loaded.errors == []                                   # every file there is a whole decision
    after = snapshot(decisions)
    for name, data in before.items():                            # earlier content: kept, or replaced whole
        assert after[name] == data or (name == "24-001-566.md" and b"Mrs X said the Council failed" in after[name])
    if stop == signal.SIGINT:
        assert process.returncode == 130 and "interrupted" in stderr
        summary = re.fullmatch(r"([\d,]+) statements: ([\d,]+) written, 0 unchanged, 0 kept, ([\d,]+) replaced, "
                               r"0 skipped, 0 errors in [\d.]+ s", stdout.splitlines()[-1])
        assert summary, stdout.splitlines()[-1]                 # what was done before the Ctrl-C
        lines = stdout.splitlines()[:-1]                        # (counted, then printed: one may be cut between)
        printed = sum("  written: " in line or "  replaced: " in line for line in lines)
        assert 0 <= int(summary[2]) + int(summary[3]) - printed <= 1
        assert not [p for p in decisions.iterdir() if p.name.endswith(".tmp")]   # nothing left behind


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_waits_for_the_end_of_a_deferred_stretch_whatever_threads_run(stop) -> None:
    """A signal sent to the process may reach any thread (numpy starts some; so does the preview server):
    the stretch still runs to its end, and the signal is acted on then."""
    script = f"""
import os, signal, sys, threading, time
import numpy
from generator.content.files import interrupts_deferred
threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
try:
    with interrupts_deferred():
        os.kill(os.getpid(), {int(stop)})
        time.sleep(0.2)
        print("stretch finished", flush=True)
    print("not stopped", flush=True)
except KeyboardInterrupt:
    print("interrupted after", flush=True)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          preexec_fn=interruptible)
    assert done.stdout.splitlines()[0] == "stretch finished"
    if stop == signal.SIGINT:
        assert done.stdout.splitlines()[1:] == ["interrupted after"]
    else:
        assert done.returncode == -signal.SIGTERM and "not stopped" not in done.stdout


def test_nothing_more_is_written_once_a_killed_import_is_gone(tmp_path: Path) -> None:
    """The pool's processes had statements queued when the import was killed: they write none of them (a
    write already begun ends whole, one a process at most). multiprocessing's resource tracker frees what the
    import held without calling it leaked."""
    raw, content = tmp_path / "raw", tmp_path / "content"
    many_raw_decisions(raw, 300)
    decisions = content / "decisions"
    process = subprocess.Popen([sys.executable, "-m", "generator", "import", str(raw), "--content", str(content),
                                "--jobs", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list(decisions.glob("*.md"))) < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.002)
    process.kill()
    process.wait()
    at_the_kill = len(list(decisions.glob("*.md")))
    time.sleep(1)
    later = len(list(decisions.glob("*.md")))
    assert at_the_kill < 300, "the import was not stopped half-way"
    assert later - at_the_kill <= 2
    assert load_decisions(content).errors == []
    assert process.stderr and process.stderr.read() == ""           # no "leaked semaphore objects" either
