"""Files written whole or not at all, and interrupts held back while they are: used by every stage that
writes (content files, the build's state and output)."""
from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write `data` (or what `data(stream)` writes) via a temporary file in the same folder and rename, so
    no reader sees half a file. Ctrl-C is held back until the file is complete or gone, so an interrupt or
    a failure leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    with interrupts_deferred():
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.chmod(handle, mode)
            with os.fdopen(handle, "wb") as stream:
                data(stream) if callable(data) else stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _mode_for(path: Path) -> int:
    """The permissions a file written over `path` gets: those of the file it replaces, else what a new file
    gets here (the temporary file's own are for its owner alone)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM for the duration; one that arrives is acted on at the end. The handlers are
    swapped rather than the signal masked: a mask holds one thread only, and a signal sent to the process
    goes to any thread that does not block it (numpy's BLAS threads, the preview server's), whose
    handler would then interrupt the main thread at once. Python runs handlers in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum)) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])

