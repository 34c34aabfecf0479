"""The `digest` command as a user runs it: import, check, build; one-line errors, exit codes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import CONTENT, ROOT, SEEDS


def digest(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_importing_the_seeds_reproduces_the_committed_content(tmp_path: Path) -> None:
    result = digest("import", SEEDS, "--content", tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
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
