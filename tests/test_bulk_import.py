"""`digest import` of many statements: on a pool of processes, writing as it reads, with the import record,
several statements in one file or on standard input, backups, and what an import stopped half-way leaves."""
from __future__ import annotations

import fcntl
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.raw_corpus import write_raw_corpus
from generator.content.folder import load_decisions
from generator.errors import DigestError
from generator.importing import ImportRequest, Outcome, import_statements, record_folder
from generator.serve import is_scratch

from .conftest import CONTENT, ROOT, SEEDS

ESSEX = SEEDS / "004_c63c2500b19da48a.txt"             # 24 001 566, a copy of the web page
CORNWALL = SEEDS / "003_f8ef0f724d4f740d.txt"          # 24 012 183
WARWICKSHIRE = SEEDS / "000_3361a64780ec40b8.txt"      # 24 013 077, "- " bullets


def digest(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=120)


def out(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.decode("utf-8").splitlines()


def err(result: subprocess.CompletedProcess) -> list[str]:
    return result.stderr.decode("utf-8").splitlines()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def committed(slug: str, source: str | None = None) -> bytes:
    """The committed content file of a seed, its `source` line as an import from `source` writes it."""
    data = (CONTENT / "decisions" / f"{slug}.md").read_bytes()
    if source is None:
        return data
    start = data.index(b"\nsource: ") + 1
    return data[:start] + f"source: {source}".encode() + data[data.index(b"\n", start):]


@pytest.fixture(scope="module")
def raw_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    write_raw_corpus(folder, 300, seed=7)
    return folder


@pytest.fixture(scope="module")
def imported_serially(raw_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The raw corpus imported in one process: the content folder, and what was told."""
    content = tmp_path_factory.mktemp("serial") / "content"
    told: list[Outcome | DigestError] = []
    report = import_statements(ImportRequest((raw_corpus,), content, jobs=1), told.append)
    assert report.counts["written"] == 300 and report.errors == 0
    return content, told


def test_an_import_on_a_pool_writes_what_one_process_writes(raw_corpus: Path, imported_serially, tmp_path: Path):
    serial, told_serially = imported_serially
    told: list[Outcome | DigestError] = []
    report = import_statements(ImportRequest((raw_corpus,), tmp_path, jobs=2), told.append)
    assert report.counts["written"] == 300 and report.errors == 0
    assert told_serially == [Outcome(o.slug, o.what, serial / o.path.relative_to(tmp_path), o.backup, o.guessed,
                                     o.recorded) for o in told if isinstance(o, Outcome)]
    assert [o.slug for o in told if isinstance(o, Outcome)] == sorted(o.slug for o in told if isinstance(o, Outcome))
    assert tree(tmp_path / "decisions") == tree(serial / "decisions") and len(tree(serial)) == 300
    loaded = load_decisions(tmp_path)
    assert loaded.errors == [] and len(loaded.decisions) == 300
    assert {d.source.rsplit("-", 1)[1] for d in loaded.decisions} == {"bullets.txt", "copy.txt", "page.html"}


def test_a_reference_in_two_files_writes_neither(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "essex.txt").write_bytes(ESSEX.read_bytes())
    (raw / "essex-again.txt").write_bytes(ESSEX.read_bytes().replace(b"Mrs X complained", b"Mrs X said", 1))
    (raw / "cornwall.txt").write_bytes(CORNWALL.read_bytes())
    content = tmp_path / "content"
    result = digest("import", raw, "--content", content, "--jobs", "1")
    assert result.returncode == 1
    assert err(result) == [f"error: 24-001-566: the same reference is in {raw / 'essex-again.txt'} and "
                           f"{raw / 'essex.txt'}; import them one at a time"]
    assert sorted(p.name for p in (content / "decisions").iterdir()) == ["24-012-183.md"]
    assert out(result)[-1].startswith("3 statements: 1 written, 0 unchanged, 0 kept, 0 replaced, 2 skipped, 1 error")

    # One of them imported before, and known from the import record: still a duplicate, still neither written.
    (raw / "essex-again.txt").rename(tmp_path / "essex-again.txt")
    assert digest("import", raw, "--content", content).returncode == 0
    (tmp_path / "essex-again.txt").rename(raw / "essex-again.txt")
    before = tree(content)
    again = digest("import", raw, "--content", content)
    assert again.returncode == 1 and "24-001-566: the same reference is in" in again.stderr.decode()
    assert tree(content) == before


def test_two_statements_in_one_file_are_both_imported(tmp_path: Path) -> None:
    both = tmp_path / "both.txt"
    both.write_bytes(WARWICKSHIRE.read_bytes() + b"\n\n" + ESSEX.read_bytes())
    content = tmp_path / "content"
    result = digest("import", both, "--content", content)
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in out(result)[:-1]] == ["24-013-077", "24-001-566"]
    assert tree(content / "decisions") == {name: committed(name[:-3], "both.txt")
                                           for name in ("24-001-566.md", "24-013-077.md")}

    twice = tmp_path / "twice.txt"                 # the same statement twice in one file: a duplicate
    twice.write_bytes(ESSEX.read_bytes() + b"\n" + CORNWALL.read_bytes() + b"\n" + ESSEX.read_bytes())
    result = digest("import", twice, "--content", tmp_path / "other")
    assert result.returncode == 1
    assert err(result) == [f"error: 24-001-566: the same reference is in {twice} (statement 1) and {twice} "
                           "(statement 3); import them one at a time"]
    assert sorted(p.name for p in (tmp_path / "other" / "decisions").iterdir()) == ["24-012-183.md"]
    again = digest("import", twice, "--content", tmp_path / "other")          # not vouched for by the record
    assert again.returncode == 1 and err(again) == err(result)

    pasted_twice = tmp_path / "pasted-twice.txt"   # one after the other: the second starts after the signature
    pasted_twice.write_bytes(ESSEX.read_bytes() + b"\n" + ESSEX.read_bytes())
    result = digest("import", pasted_twice, "--content", tmp_path / "third")
    assert result.returncode == 1
    assert err(result) == [f"error: 24-001-566: the same reference is in {pasted_twice} (statement 1) and "
                           f"{pasted_twice} (statement 2); import them one at a time"]


def test_a_saved_page_of_two_statements_is_refused_naming_both(tmp_path: Path) -> None:
    page = (ROOT / "tests/fixtures/raw/html_saved_page_sen_upheld.html").read_text(encoding="utf-8")
    second = ("<h1>Essex County Council (24 001 566)</h1>\n<p><strong>Summary:</strong> We upheld it.</p>\n"
              "<h2>The complaint</h2><ol><li>Mrs X complained.</li></ol>\n")
    (tmp_path / "page.html").write_text(page.replace("</article>", second + "</article>", 1), encoding="utf-8")
    result = digest("import", tmp_path / "page.html", "--content", tmp_path / "content")
    assert result.returncode == 1
    [line] = err(result)
    assert line.startswith(f"error: {tmp_path / 'page.html'}:") and "2 statements (23 019 445 and 24 001 566)" in line
    assert not (tmp_path / "content" / "decisions").exists()


def test_standard_input_is_read_as_a_file_named_stdin_or_as_named(tmp_path: Path) -> None:
    content = tmp_path / "content"
    pasted = digest("import", "-", "--content", content, stdin=ESSEX.read_bytes())
    assert pasted.returncode == 0, pasted.stderr
    assert out(pasted)[0] == f"24-001-566  written: {content / 'decisions' / '24-001-566.md'}"
    assert (content / "decisions" / "24-001-566.md").read_bytes() == committed("24-001-566", "stdin")

    named = digest("import", "-", "--content", content, "--name", "essex.txt", "--force",
                   stdin=WARWICKSHIRE.read_bytes() + b"\n" + ESSEX.read_bytes())
    assert named.returncode == 0, named.stderr
    assert (content / "decisions" / "24-001-566.md").read_bytes() == committed("24-001-566", "essex.txt")
    assert (content / "decisions" / "24-013-077.md").read_bytes() == committed("24-013-077", "essex.txt")

    broken = digest("import", "-", "--content", content, stdin=b"Just some notes.\n")
    assert broken.returncode == 1
    assert err(broken) == ["error: stdin:1: no 'Council (NN NNN NNN)' title line found; the statement must start "
                           "with the organisation and reference, e.g. 'Essex County Council (24 001 566)'"]


def test_standard_input_over_the_size_limit_is_refused_not_cut_short(tmp_path: Path) -> None:
    """The limit is in bytes, as for a file: text of curly quotes (three bytes each) passes a count of
    characters after being cut at the limit, and would import the statement's first paragraphs only."""
    text = ESSEX.read_text(encoding="utf-8")
    long = text.replace("  2. Mrs X said this", "  2. Mrs X said " + "\u2019" * 1_800_000 + " this", 1).encode()
    content = tmp_path / "content"
    for name in ((), ("--name", "essex.txt")):
        pasted = digest("import", "-", "--content", content, *name, stdin=long)
        assert pasted.returncode == 1
        assert err(pasted) == [f"error: {name[-1] if name else 'stdin'}: the pasted text is bigger than 5.0 MB, too "
                               "big to be a decision statement; check this is the right text"]
        assert not (content / "decisions").exists()
    raw = tmp_path / "long.txt"
    raw.write_bytes(long)
    assert err(digest("import", raw, "--content", content)) == [
        f"error: {raw}: the file is 5.2 MB, too big to be a decision statement (the limit is 5.0 MB); check this "
        "is the right file"]


def test_empty_standard_input_is_called_pasted_text(tmp_path: Path) -> None:
    for name in ((), ("--name", "essex.txt")):
        pasted = digest("import", "-", "--content", tmp_path, *name, stdin=b" \n\n")
        assert pasted.returncode == 1
        assert err(pasted) == [f"error: {name[-1] if name else 'stdin'}: the pasted text is empty; paste the whole "
                               "decision statement, then press Ctrl-D on a line of its own"]


def test_force_never_overwrites_a_backup_and_names_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    raw = tmp_path / "essex.txt"
    raw.write_bytes(ESSEX.read_bytes())
    digest("import", raw, "--content", content)
    path = content / "decisions" / "24-001-566.md"
    edits = []
    for number, change in enumerate((b"Mrs X said the Council", b"Mrs X told us the Council")):
        edits.append(path.read_bytes().replace(b"council: Essex", f"council: Edit {number} Essex".encode()))
        path.write_bytes(edits[-1])
        raw.write_bytes(ESSEX.read_bytes().replace(b"Mrs X complained the Council", change, 1))
        replaced = digest("import", raw, "--content", content, "--force")
        backup = ["24-001-566.md.bak", "24-001-566.md.1.bak"][number]
        assert out(replaced)[0] == f"24-001-566  replaced: {path} (the old text is in {backup})"
    assert [(content / "decisions" / name).read_bytes() for name in ("24-001-566.md.bak", "24-001-566.md.1.bak")] \
        == edits
    assert b"Mrs X told us the Council" in path.read_bytes()
    checked = digest("check", "--content", content)
    assert checked.returncode == 0 and out(checked)[-1].startswith("1 decisions checked: 0 error(s), 0 warning(s)")
    # nor does the preview rebuild for them
    assert all(is_scratch(str(p)) for p in (content / "decisions").iterdir() if p.name != "24-001-566.md")


def test_temporary_files_a_killed_import_left_are_removed_by_the_next(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "decisions"
    folder.mkdir(parents=True)
    left = [".24-001-566.md.k2x_9q0a.tmp", ".24-001-566.md.bak.abcdefgh.tmp", ".24-001-566.md.3.bak.a1b2c3d4.tmp"]
    others = [".notes.txt.abcdefgh.tmp", ".24-001-566.md.swp", "24-001-566.md.tmp"]
    for name in left + others:
        (folder / name).write_bytes(b"half a file")
    assert digest("import", ESSEX, "--content", tmp_path / "content").returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(["24-001-566.md", *others])


def test_a_run_again_finds_the_statements_unchanged_without_reading_them(tmp_path: Path) -> None:
    content = tmp_path / "content"
    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEEDS.iterdir():
        (raw / seed.name).write_bytes(seed.read_bytes())
    first = digest("import", raw, "--content", content)
    assert out(first)[-1].startswith("5 statements: 5 written, 0 unchanged, 0 kept")
    record = record_folder(content) / "record.jsonl"
    assert len(record.read_text(encoding="utf-8").splitlines()) == 6           # a header, a line a file

    again = digest("import", raw, "--content", content)
    assert out(again)[-1].startswith("5 statements: 0 written, 5 unchanged (5 known from the import record), 0 kept")
    assert sorted(line.split()[0] for line in out(again)[:-1]) == ["24-001-146", "24-001-566", "24-012-183",
                                                                    "24-013-077", "25-006-373"]

    # A hand edit, and a statement changed: read again (kept, and replaced with --force); the rest are not.
    edited = content / "decisions" / "24-001-566.md"
    edited.write_bytes(edited.read_bytes().replace(b"council: Essex", b"council: Hand-edited Essex"))
    changed = raw / CORNWALL.name
    changed.write_bytes(changed.read_bytes().replace(b"complained", b"said", 1))
    third = digest("import", raw, "--content", content)
    assert out(third)[-1].startswith("5 statements: 0 written, 3 unchanged (3 known from the import record), "
                                     "2 kept, 0 replaced")
    forced = digest("import", raw, "--content", content, "--force")
    assert out(forced)[-1].startswith("5 statements: 0 written, 3 unchanged (3 known from the import record), "
                                      "0 kept, 2 replaced")
    last = digest("import", raw, "--content", content, "--quiet")
    assert out(last) == [out(last)[-1]] and out(last)[-1].startswith(
        "5 statements: 0 written, 5 unchanged (5 known from the import record)")


def test_another_import_into_the_same_folder_waits_its_turn(tmp_path: Path) -> None:
    content = tmp_path / "content"
    folder = record_folder(content)
    folder.mkdir(parents=True)
    with (folder / "import.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = digest("import", ESSEX, "--content", content)
    assert result.returncode == 1
    assert err(result) == [f"error: {content}: another import is writing into this content folder: wait for it to "
                           "end, then import again"]
    assert digest("import", ESSEX, "--content", content).returncode == 0


def test_an_import_killed_half_way_keeps_whole_files_and_a_second_run_completes(raw_corpus: Path, imported_serially,
                                                                                 tmp_path: Path) -> None:
    content = tmp_path / "content"
    decisions = content / "decisions"
    process = subprocess.Popen([sys.executable, "-m", "generator", "import", str(raw_corpus), "--content",
                                str(content), "--jobs", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and (
            not decisions.is_dir() or sum(1 for _ in decisions.glob("*.md")) < 20):
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)                 # ends: no pool process is left holding its stderr
    written = len(list(decisions.glob("*.md")))
    assert 20 <= written < 300, "the import was not stopped half-way"
    assert load_decisions(content).errors == []    # every file there is whole

    again = digest("import", raw_corpus, "--content", content)
    assert again.returncode == 0, again.stderr
    assert out(again)[-1].startswith("300 statements: ")
    assert not [p for p in decisions.iterdir() if p.name.endswith(".tmp")]
    assert tree(decisions) == tree(imported_serially[0] / "decisions")


def test_the_import_progress_bar_says_the_time_left_and_gives_way_to_a_line() -> None:
    import io

    from generator.cli import Bars

    stream = io.StringIO()
    bars = Bars(stream)
    bars("Reading", 0, 40)
    assert bars.bar is not None
    bars.bar.started -= 10.0                                    # ten seconds in
    bars("Reading", 10, 40)
    assert stream.getvalue().split("\r")[-1].endswith(" 10/40  25% 0:30 left")
    bars.clear()
    assert stream.getvalue().endswith("\r")                     # wiped: a line printed now starts clean
    bars("Importing", 1, 2)
    assert bars.bar.label == "Importing"


def test_a_statement_pasted_in_a_terminal(tmp_path: Path) -> None:
    """As a user pastes one: a prompt says how to end the paste, Ctrl-D ends it."""
    import os
    import pty

    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "generator", "import", "-", "--content", str(tmp_path)],
                               cwd=ROOT, stdin=child, stdout=child, stderr=child, close_fds=True)
    os.close(child)
    text = ESSEX.read_text(encoding="utf-8")
    os.write(main, text[:2000].encode("utf-8"))      # the terminal's line discipline takes a paste in lines
    shown = b""
    while b"Ctrl-D" not in shown:
        shown += os.read(main, 4096)
    assert b"Paste the statement" in shown
    for at in range(2000, len(text), 2000):
        os.write(main, text[at:at + 2000].encode("utf-8"))
    os.write(main, b"\n\x04")
    output = b""
    while process.poll() is None or not output.endswith(b"\n"):
        try:
            output += os.read(main, 65536)
        except OSError:                                # the other end closed
            break
    process.wait(timeout=60)
    os.close(main)
    assert process.returncode == 0, output
    assert (tmp_path / "decisions" / "24-001-566.md").read_bytes() == committed("24-001-566", "stdin")
