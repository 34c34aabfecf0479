"""The `digest` command as a user runs it: import, check, build; one-line errors, exit codes."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cli, progress
from generator.incremental.state import state_folder

from .conftest import CONTENT, ROOT, SEEDS, file_size_limited


def digest(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_importing_the_seeds_reproduces_the_committed_content(tmp_path: Path) -> None:
    result = digest("import", SEEDS, "--content", tmp_path)
    assert result.returncode == 0, result.stderr
    *lines, summary = result.stdout.splitlines()
    assert len(lines) == 5
    assert summary.startswith("5 statements: 5 written, 0 unchanged, 0 kept, 0 replaced, 0 skipped, 0 errors in ")
    assert lines[0].startswith("24-001-146  written: ") and lines[0].endswith("guessed: remedy")
    assert any(line.startswith("24-013-077  written: ") and "guessed: category, subcategory, outcome, decision_date"
               in line for line in lines)
    imported = sorted(p.name for p in (tmp_path / "decisions").iterdir())
    assert imported == sorted(p.name for p in (CONTENT / "decisions").glob("*.md"))
    for name in imported:
        assert (tmp_path / "decisions" / name).read_text(encoding="utf-8") == \
            (CONTENT / "decisions" / name).read_text(encoding="utf-8"), name


def test_reimport_without_force_changes_nothing(tmp_path: Path) -> None:
    digest("import", SEEDS, "--content", tmp_path)
    edited = tmp_path / "decisions" / "24-001-566.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("council: Essex", "council: Hand-edited Essex"),
                      encoding="utf-8")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "decisions").iterdir()}
    result = digest("import", SEEDS, "--content", tmp_path)
    assert result.returncode == 0
    assert "24-001-566  kept: " in result.stdout and "use --force" in result.stdout
    assert result.stdout.count("unchanged: ") == 4
    assert before == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "decisions").iterdir()}

    forced = digest("import", SEEDS / "004_c63c2500b19da48a.txt", "--content", tmp_path, "--force")
    assert "24-001-566  replaced: " in forced.stdout
    assert "Hand-edited" in (tmp_path / "decisions" / "24-001-566.md.bak").read_text(encoding="utf-8")
    assert "Hand-edited" not in edited.read_text(encoding="utf-8")


def test_unreadable_inputs_get_one_line_each_and_the_rest_still_import(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_text("", encoding="utf-8")
    (raw / "notes.txt").write_text("Just some notes about a meeting.\n", encoding="utf-8")
    (raw / "essex.txt").write_bytes((SEEDS / "004_c63c2500b19da48a.txt").read_bytes())
    (raw / "essex-again.txt").write_bytes((SEEDS / "004_c63c2500b19da48a.txt").read_bytes())
    (raw / "cornwall.txt").write_bytes((SEEDS / "003_f8ef0f724d4f740d.txt").read_bytes())
    result = digest("import", raw, "--content", tmp_path / "content")
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert any(line.startswith(f"error: {raw / 'empty.txt'}") for line in errors)
    assert any(line.startswith(f"error: {raw / 'notes.txt'}") and "title line" in line for line in errors)
    assert any("24-001-566" in line and "essex.txt" in line and "essex-again.txt" in line for line in errors)
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "content/decisions").iterdir()) == ["24-012-183.md"]



def test_a_file_reached_twice_through_a_link_is_read_once(tmp_path: Path) -> None:
    """Not "the same reference is in raw/a.txt and raw/dup.txt" with neither imported: one file, read once,
    under its own name (the link sorts first)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "essex.txt").write_bytes((SEEDS / "004_c63c2500b19da48a.txt").read_bytes())
    (raw / "a-link.txt").symlink_to("essex.txt")
    (raw / "dup.txt").symlink_to(raw / "essex.txt")
    content = tmp_path / "content"
    result = digest("import", raw, raw / "essex.txt", "--content", content)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("1 statement: 1 written, 0 unchanged")
    assert "source: essex.txt\n" in (content / "decisions" / "24-001-566.md").read_text(encoding="utf-8")


def test_a_folder_without_statement_files_is_an_error(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "notes.pdf").write_bytes(b"%PDF-1.4")
    (raw / ".hidden.txt").write_text("Essex County Council (24 001 566)", encoding="utf-8")
    result = digest("import", raw, "--content", tmp_path / "content")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"error: no statement files found in {raw} (names ending .txt, .text, "
                                          ".html, .htm or no extension)"]
    assert result.stdout.splitlines() == ["0 statements: 0 written, 0 unchanged, 0 kept, 0 replaced, 0 skipped, "
                                          "1 error in " + result.stdout.split(" in ")[-1].strip()]


def test_a_content_file_that_cannot_be_written_is_one_line_and_is_not_left_half_written(tmp_path: Path) -> None:
    limit = 12_000                                 # bytes a file may hold: some decisions' files are larger
    result = subprocess.run([sys.executable, "-m", "generator", "import", str(SEEDS), "--content", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=file_size_limited(limit))
    assert result.returncode == 1
    committed = {p.name: p.read_bytes() for p in (CONTENT / "decisions").glob("*.md")}
    small = sorted(name for name, data in committed.items() if len(data) <= limit)
    large = sorted(name for name, data in committed.items() if len(data) > limit)
    assert small and large
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'decisions' / name}: File too large; not imported: fix that and import it again"
        for name in large]
    assert {p.name: p.read_bytes() for p in (tmp_path / "decisions").iterdir()} == {name: committed[name] for name in small}



def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("out", ["content", ".", "content/site", "templates", "templates/static/site"])
def test_an_output_folder_over_the_content_or_templates_is_refused(tmp_path: Path, out: str) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    before = tree(tmp_path)
    result = digest("build", "--content", "content", "--templates", "templates", "--out", out, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out}: the output folder cannot hold, or be inside, the ")
    assert tree(tmp_path) == before


def test_a_folder_of_other_files_is_not_built_over_but_a_site_is(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me", encoding="utf-8")
    refused = digest("build", "--content", CONTENT, "--out", notes)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"error: {notes}: holds files that no build made (it has no index.html): the site would replace them; "
        "choose a new or empty folder with --out"]
    assert tree(notes) == {"todo.txt": b"keep me"}

    site = tmp_path / "site"
    assert digest("build", "--content", CONTENT, "--out", site).returncode == 0
    shutil.rmtree(tmp_path / ".digest-cache")                # a built site, its record gone: built again
    (site / "stray.txt").write_text("not part of the site", encoding="utf-8")
    again = digest("build", "--content", CONTENT, "--out", site)
    assert again.returncode == 0, again.stderr
    assert (site / "index.html").is_file() and not (site / "stray.txt").exists()


def test_a_file_is_not_built_over(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("a file", encoding="utf-8")
    result = digest("build", "--content", CONTENT, "--out", tmp_path / "site")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'site'}: is a file, not a folder: choose a folder for the site with --out"]
    assert (tmp_path / "site").read_text(encoding="utf-8") == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_missing_templates_folder_is_one_line(tmp_path: Path) -> None:
    result = digest("build", "--content", CONTENT, "--out", tmp_path / "site", "--templates", tmp_path / "none")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'none'}: no templates folder: build from the project folder (it has templates/), "
        "or name one with --templates"]
    assert not (tmp_path / "site").exists()


def test_check_lists_every_field_that_needs_review(tmp_path: Path) -> None:
    result = digest("check", "--content", CONTENT)
    assert result.returncode == 0, result.stdout
    assert "24-013-077.md: needs review:" in result.stdout
    assert "  - decision_date: not printed (empty)" in result.stdout
    assert "  - outcome: inferred as Upheld" in result.stdout
    assert result.stdout.rstrip().endswith("5 decisions checked: 0 error(s), 0 warning(s), 4 need review")


def test_build_prints_one_summary_line_and_errors_without_traceback(tmp_path: Path) -> None:
    result = digest("build", "--content", CONTENT, "--out", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("5 decisions: ")
    missing = digest("build", "--content", tmp_path / "nowhere", "--out", tmp_path / "site2")
    assert missing.returncode == 1
    assert "no decisions folder" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "site2").exists()


def test_build_flags_clean_quiet_verbose_and_jobs(tmp_path: Path) -> None:
    out, cache = tmp_path / "site", state_folder(tmp_path / "site")
    first = digest("build", "--content", CONTENT, "--out", out, "--jobs", "2")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("5 decisions: ") and " files written (35 pages), 0 unchanged" in first.stdout
    assert (cache / "record.pickle").is_file() and (cache.parent / ".gitignore").read_text() == "*\n"
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    again = digest("build", "--content", CONTENT, "--out", out)
    assert again.stdout.strip().endswith("s") and " 0 files written (0 pages), " in again.stdout

    clean = digest("build", "--content", CONTENT, "--out", out, "--clean", "--verbose", "--jobs", "1")
    assert clean.returncode == 0, clean.stderr
    assert " 0 files written (0 pages), " in clean.stdout          # rendered again, found the same
    assert "stages: settings " in clean.stdout and "written  " not in clean.stdout
    assert int(re.search(r"^(\d+) units rendered again", clean.stdout, re.MULTILINE)[1]) > 5   # all, with --clean
    assert stamps == {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    edited = tmp_path / "content"
    shutil.copytree(CONTENT, edited)
    page = edited / "decisions" / "24-001-566.md"
    page.write_text(page.read_text(encoding="utf-8").replace("She said she also had", "She added she had"),
                    encoding="utf-8")                                   # the body only
    verbose = digest("build", "--content", edited, "--out", out, "-v")
    written = [line.split()[1] for line in verbose.stdout.splitlines() if line.startswith("written  ")]
    assert "decisions/24-001-566/index.html" in written
    assert all(path.startswith(("decisions/24-001-566/", "search/")) for path in written), written

    quiet = digest("build", "--content", CONTENT, "--out", out, "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    for bad in ("0", "-2", "many"):
        refused = digest("build", "--content", CONTENT, "--out", out, "--jobs", bad)
        assert refused.returncode == 2 and "--jobs" in refused.stderr


def test_a_progress_bar_is_drawn_on_a_terminal_and_wiped_when_done(tmp_path: Path, monkeypatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    assert cli.main(["build", "--content", str(CONTENT), "--out", str(tmp_path / "site"), "--jobs", "1"]) == 0
    drawn = terminal.getvalue()
    frames = [frame for frame in drawn.split("\r") if frame.strip()]
    assert frames and frames[0].startswith("Building [")
    assert re.search(r"\] (\d+)/\1 100%$", frames[-1])                 # the last frame is full
    assert drawn.endswith("\r") and drawn.rstrip("\r").endswith(" ")   # then wiped

    plain = io.StringIO()                                                # not a terminal: no bar
    monkeypatch.setattr(sys, "stderr", plain)
    assert cli.main(["build", "--content", str(CONTENT), "--out", str(tmp_path / "other"), "--clean"]) == 0
    assert "Building" not in plain.getvalue()


def test_the_progress_bar_waits_a_moment_and_redraws_sparingly() -> None:
    stream = io.StringIO()
    bar = progress.ProgressBar(stream)
    bar(1, 10)
    assert stream.getvalue() == ""                                      # too soon to bother
    bar.started -= 1.0
    for done in range(1, 11):
        bar(done, 10)
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 2 and frames[-1].endswith("10/10 100%")        # first, then the finished one


def test_a_build_across_processes_matches_one_in_a_single_process(tmp_path: Path) -> None:
    from benchmarks.corpus import write_corpus

    content = tmp_path / "content"
    write_corpus(content, 40, seed=3)
    for jobs in ("1", "2"):
        result = digest("build", "--content", content, "--out", tmp_path / jobs, "--jobs", jobs, "--clean")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("40 decisions: ")
    one = {p.relative_to(tmp_path / "1"): p.read_bytes() for p in (tmp_path / "1").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "2"): p.read_bytes() for p in (tmp_path / "2").rglob("*") if p.is_file()}
    assert one == two and len(one) > 200


def test_names_starting_with_a_dot_in_the_output_folder_are_left_alone(tmp_path: Path) -> None:
    """A `git init` in the site folder (to publish it from a branch), `.well-known/`: no build removes or
    replaces them, cold or incremental, and they do not stop a build finding nothing to do."""
    site = tmp_path / "site"
    (site / ".git").mkdir(parents=True)                # a repository and nothing else: built into
    (site / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (site / ".well-known").mkdir()
    (site / ".well-known" / "security.txt").write_text("Contact: x\n", encoding="utf-8")
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for extra in ([], ["--clean"]):
        assert digest("build", "--content", content, "--out", site, *extra).returncode == 0
    edited = content / "decisions" / "24-001-566.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n1. ", "\n1. Quagmire. ", 1), encoding="utf-8")
    assert digest("build", "--content", content, "--out", site).returncode == 0
    assert (site / ".git" / "config").read_text(encoding="utf-8") == "[core]\n"
    assert (site / ".well-known" / "security.txt").read_text(encoding="utf-8") == "Contact: x\n"
    assert " 0 files written" in digest("build", "--content", content, "--out", site).stdout
    clean = tmp_path / "clean"
    assert digest("build", "--content", content, "--out", clean).returncode == 0
    assert {k: v for k, v in tree(site).items() if not k.startswith(".")} == tree(clean)


def test_imported_files_get_the_usual_permissions_and_keep_their_own_when_replaced(tmp_path: Path) -> None:
    result = subprocess.run(["sh", "-c", 'umask 022 && exec "$0" -m generator import "$1" --content "$2"',
                             sys.executable, str(SEEDS), str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "decisions" / "24-001-566.md"
    assert oct(written.stat().st_mode & 0o777) == oct(0o644)
    written.chmod(0o664)
    written.write_text(written.read_text(encoding="utf-8").replace("council: Essex", "council: Hand-edited Essex"),
                       encoding="utf-8")
    forced = digest("import", SEEDS / "004_c63c2500b19da48a.txt", "--content", tmp_path, "--force")
    assert "replaced" in forced.stdout
    assert oct(written.stat().st_mode & 0o777) == oct(0o664)


def test_check_reads_the_settings_as_the_build_does(tmp_path: Path) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    settings = tmp_path / "content" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "titel: A typo\n", encoding="utf-8")
    checked = digest("check", "--content", tmp_path / "content")
    built = digest("build", "--content", tmp_path / "content", "--out", tmp_path / "site")
    assert checked.returncode == built.returncode == 1
    error = next(line for line in checked.stdout.splitlines() if line.startswith("error: "))
    assert error.startswith(f"error: {settings}") and "titel" in error
    assert error in built.stderr.splitlines()
