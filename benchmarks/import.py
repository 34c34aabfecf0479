"""Import speed at scale: `digest import` of a folder of raw statements, and the same import run again.

    .venv/bin/python benchmarks/import.py --decisions 60000
    .venv/bin/python benchmarks/import.py --decisions 10000 --jobs 2 --keep /tmp/digest-import

The raw statements (benchmarks/raw_corpus.py: the two text layouts and the saved page in turn) are written
to a work folder first (not timed; `--keep DIR` uses and keeps DIR, otherwise a temporary folder is removed
at the end). `digest import --quiet` then runs as a subprocess into an empty content folder, and again
with nothing changed. The figures:

  - import: seconds, and statements a second                           60,000 in <= 180 s
  - peak memory of the import's whole process tree (the command, its    <= 500 MB
    pool processes, sampled from /proc every 20 ms)
  - re-run with nothing changed (every statement known from the         <= 20 s
    import record)
  - processor seconds of all the import's processes, and the load          (information: on a shared
    average: on a machine busy with other work the wall-clock figures       machine, processor time / cores
    are the others' as much as the import's                                 is what an idle one would take)

Both runs must end with exit status 0 and the expected summary (every statement written, then every one
unchanged). Exit status 0 when every target is met, 1 otherwise. The targets are for 60,000 statements;
at other sizes the time targets are scaled to the count.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.build import DIGEST, MB, PAGE_SIZE, SAMPLE_EVERY  # noqa: E402
from benchmarks.raw_corpus import write_raw_corpus  # noqa: E402
from benchmarks.search import machine  # noqa: E402

TARGETS = {"seconds": 180.0, "rss_mb": 500.0, "rerun": 20.0}      # at TARGET_SIZE statements
TARGET_SIZE = 60_000
TICKS = os.sysconf("SC_CLK_TCK")
SUMMARY = re.compile(r"^([\d,]+) statements: ([\d,]+) written, ([\d,]+) unchanged")


@dataclass
class Run:
    seconds: float
    peak_rss: int            # bytes, the sum over the process tree at its largest
    cpu: float               # processor seconds (user and system) of every process of the tree
    output: str


def tree(pid: int) -> list[int]:
    """A process and all its descendants, from /proc."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):            # it has just ended
            continue
    return found


def sample(pids: list[int], cpu: dict[int, float]) -> int:
    """The tree's resident memory now; each process's processor seconds so far noted in `cpu`."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / TICKS
        except (OSError, ValueError, IndexError):
            continue
    return total


def import_into(raw: Path, content: Path, jobs: int | None) -> Run:
    """Run `digest import` to the end: its time, the peak memory and the processor time of all its processes
    (sampled every 20 ms: on a busy machine the wall-clock time says as much about the others' work)."""
    command = DIGEST + ["import", str(raw), "--content", str(content), "--quiet"]
    command += ["--jobs", str(jobs)] if jobs else []
    peak, cpu, done = [0], {}, threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sample(tree(process.pid), cpu))
            done.wait(SAMPLE_EVERY)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    if process.returncode:
        raise SystemExit(f"error: {' '.join(command)} exited with {process.returncode}:\n{output}")
    return Run(seconds, peak[0], sum(cpu.values()), output)


def counts(output: str) -> tuple[int, int, int]:
    """(statements, written, unchanged) from the summary line."""
    match = SUMMARY.match(output.strip().splitlines()[-1])
    if match is None:
        raise SystemExit(f"error: no summary line in:\n{output}")
    statements, written, unchanged = (int(group.replace(",", "")) for group in match.groups())
    return statements, written, unchanged


def measure(work: Path, count: int, jobs: int | None) -> dict[str, float]:
    raw, content = work / "raw", work / "content"
    started = time.perf_counter()
    write_raw_corpus(raw, count)
    print(f"{count:,} raw statements written in {time.perf_counter() - started:.0f} s (not timed)", flush=True)
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(work / ".digest-cache", ignore_errors=True)
    first = import_into(raw, content, jobs)
    if counts(first.output) != (count, count, 0):
        raise SystemExit(f"error: the import did not write every statement:\n{first.output}")
    again = import_into(raw, content, jobs)
    if counts(again.output) != (count, 0, count):
        raise SystemExit(f"error: the re-run did not find every statement unchanged:\n{again.output}")
    return {"seconds": first.seconds, "rss_mb": max(first.peak_rss, again.peak_rss) / MB,
            "per_second": count / first.seconds, "rerun": again.seconds, "cpu": first.cpu,
            "load": os.getloadavg()[0]}


def report(figures: dict[str, float], count: int) -> bool:
    scale = count / TARGET_SIZE
    rows = [("import", f"{figures['seconds']:.1f} s", figures["seconds"] <= TARGETS["seconds"] * scale,
             f"<= {TARGETS['seconds'] * scale:.0f} s"),
            ("statements a second", f"{figures['per_second']:.0f}", True, ""),
            ("processor time, all processes", f"{figures['cpu']:.1f} s", True, ""),
            ("load average after (1 min)", f"{figures['load']:.1f}", True, ""),
            ("peak memory, all processes", f"{figures['rss_mb']:.0f} MB", figures["rss_mb"] <= TARGETS["rss_mb"],
             f"<= {TARGETS['rss_mb']:.0f} MB"),
            ("re-run, nothing changed", f"{figures['rerun']:.1f} s", figures["rerun"] <= TARGETS["rerun"] * scale,
             f"<= {TARGETS['rerun'] * scale:.1f} s")]
    for name, value, met, target in rows:
        print(f"  {name:<28} {value:>10}  {target:<10} {'' if not target else 'met' if met else 'MISSED'}")
    return all(met for _, _, met, _ in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=2000, help="how many statements (default 2000)")
    parser.add_argument("--jobs", type=int, default=None, help="processes for the import (default: every core)")
    parser.add_argument("--keep", type=Path, default=None, help="work folder to use and keep")
    args = parser.parse_args(argv)
    print(machine())
    work = args.keep or Path(tempfile.mkdtemp(prefix="digest-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        figures = measure(work, args.decisions, args.jobs)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"digest import, {args.decisions:,} statements (both text layouts and saved pages):")
    return 0 if report(figures, args.decisions) else 1


if __name__ == "__main__":
    raise SystemExit(main())
