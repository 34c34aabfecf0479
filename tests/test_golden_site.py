"""The golden site: every byte of the seeds' built site is as pinned (refresh: python -m tests.pin_site)."""
from __future__ import annotations

import difflib
from pathlib import Path

from .pin_site import KEY_PAGES, MANIFEST, manifest_of, page_copy


def test_every_output_file_is_as_pinned(built_site: Path) -> None:
    pinned = MANIFEST.read_text(encoding="utf-8").splitlines()
    found = manifest_of(built_site)
    changed = list(difflib.unified_diff(pinned, found, "pinned", "built", lineterm="", n=0))
    assert not changed, ("the built site differs from the golden site; if that is meant, "
                         "look at the diff and refresh with `python -m tests.pin_site`:\n" + "\n".join(changed[:60]))


def test_key_pages_are_as_pinned_word_for_word(built_site: Path) -> None:
    for name in KEY_PAGES:
        pinned = page_copy(name).read_text(encoding="utf-8").splitlines()
        found = (built_site / name).read_text(encoding="utf-8").splitlines()
        diff = list(difflib.unified_diff(pinned, found, f"pinned {name}", f"built {name}", lineterm="", n=1))
        assert not diff, "\n".join(diff[:80])
