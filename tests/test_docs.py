"""The README and docs/ stay true: short enough to read, links that lead somewhere, commands the `digest`
parser accepts, the walkthrough's output as printed, the test prerequisites as `.ci/run` installs them."""
from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from generator.cli import parser

from .conftest import ROOT, SEEDS

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
CI = ROOT / ".ci" / "run"
FENCE = re.compile(r"^(```|~~~)")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`[^`]*`")
# `digest COMMAND ...` as written in a command: up to a shell operator, a table cell's end or the span's end.
COMMAND = re.compile(r"(?:\.venv/bin/)?\bdigest ([a-z]+(?: [^`|&;<>\n]*)?)")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def anchors(path: Path) -> set[str]:
    """The heading anchors GitHub makes: lower case, punctuation dropped, spaces to dashes, -1 for a repeat."""
    seen: dict[str, int] = {}
    for line in prose_lines(path.read_text(encoding="utf-8")):
        heading = re.match(r"#{1,6} (.+)", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        if count:
            seen[f"{slug}-{count}"] = 1
    return set(seen)


def relative_links(path: Path) -> list[str]:
    text = "\n".join(CODE_SPAN.sub("", line) for line in prose_lines(path.read_text(encoding="utf-8")))
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:", target)]


def test_the_readme_is_at_most_200_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines: move detail to docs/"


@pytest.mark.parametrize("path", [README, ROOT / "ARCHITECTURE.md", *DOCS], ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file_and_its_anchor(path: Path) -> None:
    broken = []
    for target in relative_links(path):
        name, _, anchor = target.partition("#")
        file = (path.parent / name).resolve() if name else path
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading with that anchor in {file.name}")
    assert not broken, f"{path.name}: " + "; ".join(broken)


def readme_commands() -> list[str]:
    """Every `digest ...` the README shows, in code blocks and in code spans."""
    text = README.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        found += [match for line in block.splitlines() for match in COMMAND.findall(line)]
    for span in CODE_SPAN.findall("\n".join(prose_lines(text))):
        found += COMMAND.findall(span.strip("`"))
    return [command.strip() for command in found]


def test_the_readme_names_real_commands_and_options() -> None:
    commands = readme_commands()
    assert {command.split()[0] for command in commands} >= {"import", "check", "serve", "build"}
    refused = []
    for command in commands:
        words = [word for word in shlex.split(command.replace("...", "")) if not word.startswith("[")]
        with contextlib.redirect_stderr(io.StringIO()) as said:
            try:
                parser().parse_args(words)
            except SystemExit:
                refused.append(f"digest {command}: {said.getvalue().strip().splitlines()[-1]}")
    assert not refused, refused


def test_netlify_runs_commands_the_parser_accepts() -> None:
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    builds = [config["build"]["command"], *(context["command"] for context in config["context"].values())]
    for build in builds:
        command = build.split("&& digest ", 1)[1]
        parser().parse_args(shlex.split(command))      # a wrong flag exits here


def fenced_commands(text: str) -> list[str]:
    return [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()]


def test_ci_runs_the_readme_test_command_and_installs_what_the_readme_names() -> None:
    script = CI.read_text(encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    test_command = next(line for line in fenced_commands(readme) if "pytest" in line)
    assert test_command in script.splitlines(), ".ci/run must run the README's test command as written"
    packages = [name for group in re.findall(r"packages\+=\(([^)]*)\)", script) for name in group.split()]
    assert sorted(packages) == ["chromium", "default-jre-headless", "nodejs", "npm"]
    first_screen = "\n".join(readme.splitlines()[:15])
    missing = [name for name in packages if name not in first_screen]
    assert not missing, f"the README's first screen must name {missing}"
    assert re.search(r"about \d+ minutes on 2 cores", first_screen)


def test_the_walkthrough_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """Step 1 (import a saved statement) and step 4 (`digest check`) on a copy of the content."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "decisions" / "24-013-077.md").unlink()
    readme = README.read_text(encoding="utf-8")
    assert "tests/seeds/000_3361a64780ec40b8.txt" in readme and (SEEDS / "000_3361a64780ec40b8.txt").is_file()

    def digest(*args: str) -> str:
        run = subprocess.run([sys.executable, "-m", "generator", *args], cwd=tmp_path, capture_output=True,
                             text=True, timeout=120, check=False)
        assert run.returncode == 0, run.stderr
        return run.stdout

    imported = digest("import", str(SEEDS / "000_3361a64780ec40b8.txt"))
    assert imported.splitlines()[0] in readme
    assert imported.splitlines()[1].split(" in ")[0] in readme          # the summary, but its seconds
    listed = digest("check").splitlines()
    start = listed.index("content/decisions/24-013-077.md: needs review:")
    assert "\n".join(listed[start:start + 5]) in readme and listed[-1] in readme


def test_the_publishing_step_leaves_a_digest_that_builds(tmp_path: Path) -> None:
    """Step 6: without the examples (and the collection that quotes them), one's own decisions build."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    removed = re.search(r"`git rm ([^`]+)`", README.read_text(encoding="utf-8"))
    assert removed, "the README no longer says what to remove"
    for pattern in removed.group(1).split():
        for path in tmp_path.glob(pattern):
            path.unlink()
    for command in (["import", str(SEEDS / "002_58b6955ca68011e7.txt")], ["build", "--out", "site"]):
        run = subprocess.run([sys.executable, "-m", "generator", *command], cwd=tmp_path, capture_output=True,
                             text=True, timeout=120, check=False)
        assert run.returncode == 0, run.stderr
    assert [p.parent.name for p in (tmp_path / "site" / "decisions").glob("*-*-*/index.html")] == ["24-001-146"]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_screenshot_script_shoots_the_readme_images(tmp_path: Path) -> None:
    for name in ("decision.png", "search.png"):
        assert png_size(ROOT / "docs" / "images" / name) == (1280, 860)
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert [png_size(tmp_path / name) for name in ("decision.png", "search.png")] == [(1280, 860)] * 2
