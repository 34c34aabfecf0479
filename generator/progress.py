"""A one-line progress bar for work run in a terminal: shown only once work has taken a moment, redrawn
at most ten times a second, and wiped when the work is done."""
from __future__ import annotations

import shutil
import time
from typing import TextIO

DELAY = 0.5          # seconds before the bar appears: quick builds stay silent
REDRAW = 0.1


class ProgressBar:
    def __init__(self, stream: TextIO, label: str = "Building", time_left: bool = False):
        self.stream, self.label, self.time_left = stream, label, time_left
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < DELAY or (now - self.drawn_at < REDRAW and done < total):
            return
        self.drawn_at, self.shown = now, True
        self.stream.write("\r" + self.line(done, total, now - self.started))
        self.stream.flush()

    def line(self, done: int, total: int, seconds: float = 0.0) -> str:
        counts = f" {done:,}/{total:,} {done * 100 // max(total, 1):3d}%"
        if self.time_left:
            counts += f" {_left(seconds, done, total)}"
        width = max(10, min(40, shutil.get_terminal_size((80, 24)).columns - len(self.label) - len(counts) - 4))
        filled = width * done // max(total, 1)
        return f"{self.label} [{'#' * filled}{'-' * (width - filled)}]{counts}"

    def clear(self) -> None:
        """Wipe the bar (a line is about to be printed); it is drawn again at its next redraw."""
        if self.shown:
            width = shutil.get_terminal_size((80, 24)).columns
            self.stream.write("\r" + " " * (width - 1) + "\r")
            self.stream.flush()
            self.shown = False

    def close(self) -> None:
        self.clear()


def _left(seconds: float, done: int, total: int) -> str:
    """Time left at the pace so far: "1:05 left"."""
    if not done:
        return "--:-- left"
    left = round(seconds * (total - done) / done)
    return f"{left // 60}:{left % 60:02d} left"
