"""Shared fixtures: real files on disk, the project's own content, a site built from it."""
from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from generator.build import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "seeds"
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the committed content folder."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed content (the five imported seeds) built once for the whole session."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(CONTENT, root / "content")
    build(root / "content", root / "site", TEMPLATES)
    return root / "site"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
