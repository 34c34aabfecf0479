"""Bad content never breaks the build with a traceback: one clear line per problem, naming file and line."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildRequest, build
from generator.content.folder import load_decisions
from generator.content.format import parse
from generator.errors import BuildErrors, ContentError

from .conftest import CONTENT, FUZZ_EXAMPLES, ROOT, TEMPLATES

GOOD = (CONTENT / "decisions" / "24-001-566.md").read_text(encoding="utf-8")
FUZZ = settings(max_examples=2 * FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def digest(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def only_error(content: Path, name: str, data: bytes) -> str:
    """Write one content file and return the single error `load_decisions` reports for it."""
    path = content / "decisions" / name
    path.write_bytes(data)
    errors = [str(e) for e in load_decisions(content).errors if e.path == path]
    assert len(errors) == 1, errors
    return errors[0]


@pytest.mark.parametrize(("data", "expected"), [
    (b"", ":1: empty file"),
    (b"\n  \n", ":1: empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ": binary file, not text"),
    (GOOD.encode("utf-8").replace("Essex".encode(), "Essex \xe9".encode("latin-1"), 1), ":3: not UTF-8 text"),
    (GOOD.replace("---\n\n## The complaint", "\n## The complaint", 1).encode(), ": the front matter has no closing '---' line"),
    (GOOD.replace("---\n", "", 1).encode(), ":1: the file must start with a '---' line"),
    (GOOD.replace("council: Essex County Council", "council: [Essex", 1).encode(), ":4:9: front matter is not valid YAML: expected ',' or ']'"),
    (GOOD.replace("decision_date: 2025-01-14", "decision_date: next week").encode(), ":7: decision_date: must be a date"),
    (GOOD.replace("decision_date: 2025-01-14", "decision_date: 2025-02-30").encode(), ": front matter has a value that cannot be read"),
    (GOOD.replace("  total: 200", "  total: five hundred").encode(), ":10: remedy.total: must be a whole number of pounds"),
    (GOOD.replace("outcome: Upheld", "outcome: 7").encode(), ":6: outcome: must be one of Upheld, Not upheld"),
    (GOOD.replace("- amount: 200", "- amount: .nan", 1).encode(), ":12: remedy.payments[1].amount: must be a number of pounds, not nan"),
    (GOOD.replace("- amount: 200", "- amount: .inf", 1).encode(), ":12: remedy.payments[1].amount: must be a number of pounds, not inf"),
    (GOOD.replace("    purpose: the", "    state: promised\n    purpose: the", 1).encode(),
     ":13: remedy.payments[1].state: must be one of agreed, recommended, paid, offered (or left out for agreed), not 'promised'"),
    (GOOD.replace("    purpose: the", "    stat: paid\n    purpose: the", 1).encode(), ":13: remedy.payments[1].stat: unknown key"),
    (GOOD.replace("    purpose: the", "    period: [1]\n    purpose: the", 1).encode(), ":13: remedy.payments[1].period: must be text"),
    (GOOD.replace("  apology: true", "  waived: {amount: 5}\n  apology: true", 1).encode(), ":14: remedy.waived: must be a list"),
    (GOOD.replace("  apology: true", "  waived:\n  - amount: 20\n  - amount: -5\n  apology: true", 1).encode(),
     ":16: remedy.waived[2].amount: must be a number of pounds, not -5"),
    (GOOD.replace("  apology: true", "  waived:\n  - amount: 20\n    purpose: 7\n  apology: true", 1).encode(),
     ":16: remedy.waived[1].purpose: must be text, not 7"),
    (GOOD.replace("  apology: true", "  waived:\n  - 20\n  apology: true", 1).encode(),
     ":15: remedy.waived[1]: each must be {amount: N, purpose: ...}"),
    (re.sub(r"(?m)^lgsco_url: .*$", "lgsco_url: javascript:alert(1)", GOOD).encode(), ": lgsco_url: must be a web address"),
    (GOOD.replace("aliases: []", "aliases: [../../etc]").encode(), ":24: aliases: '../../etc' is not a former slug"),
    (GOOD.replace("aliases: []", "aliases: [old page]").encode(), ":24: aliases: 'old page' is not a former slug"),
])
def test_each_bad_file_gets_one_clear_line(content_copy: Path, data: bytes, expected: str) -> None:
    message = only_error(content_copy, "24-001-566.md", data)
    assert message.startswith(str(content_copy / "decisions" / "24-001-566.md"))
    assert expected in message


def test_a_50_mb_file_is_refused_without_reading_it(content_copy: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    with path.open("wb") as stream:
        stream.write(GOOD.encode())
        stream.truncate(50_000_000)
    errors = [str(e) for e in load_decisions(content_copy).errors]
    assert errors == [f"{path}: file is 50.0 MB; a decision file is far smaller (limit 5 MB): is it the right file?"]


def test_a_100000_character_line_builds_quickly(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    long_line = "The Council delayed. " * 5000
    path.write_text(GOOD.replace("1. Mrs X complained the Council failed", f"1. {long_line}Mrs X complained", 1)
                    .replace("summary: \"", f"summary: \"{long_line}", 1), encoding="utf-8")
    started = time.perf_counter()
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    assert time.perf_counter() - started < 30
    page = (tmp_path / "site/decisions/24-001-566/index.html").read_text(encoding="utf-8")
    assert page.count("The Council delayed.") >= 10000


def test_unknown_keys_warn_and_fail_with_strict(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    path.write_text(GOOD.replace("decided_by:", "reviewed_by: Ann\ndecided_by:"), encoding="utf-8")
    relaxed = digest("build", "--content", content_copy, "--out", tmp_path / "site")
    assert relaxed.returncode == 0
    assert f"warning: {path}:" in relaxed.stderr and "unknown key 'reviewed_by'" in relaxed.stderr
    strict = digest("build", "--content", content_copy, "--out", tmp_path / "strict", "--strict")
    assert strict.returncode == 1 and "unknown key 'reviewed_by'" in strict.stderr
    assert not (tmp_path / "strict").exists()
    assert digest("check", "--content", content_copy, "--strict").returncode == 1


def test_same_reference_twice_and_a_slug_that_does_not_match(content_copy: Path) -> None:
    (content_copy / "decisions" / "24-001-567.md").write_text(GOOD, encoding="utf-8")
    messages = [str(e) for e in load_decisions(content_copy).errors]
    copy = content_copy / "decisions" / "24-001-567.md"
    assert f"{copy}: file name does not match reference '24 001 566': rename it to 24-001-566.md " \
           "(and add the old slug to aliases)" in messages
    assert any(m.startswith(f"{copy}: reference '24 001 566' is also in ") for m in messages)


def test_build_reports_every_error_once_each_and_touches_nothing(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildRequest(content_copy, out, TEMPLATES))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    decisions = content_copy / "decisions"
    (decisions / "24-001-566.md").write_text("", encoding="utf-8")
    (decisions / "24-001-146.md").write_bytes(b"\x00\x01\x02")
    (decisions / "24-013-077.md").write_text(
        (decisions / "24-013-077.md").read_text(encoding="utf-8").replace("outcome: Upheld", "outcome: Maybe"),
        encoding="utf-8")
    result = digest("build", "--content", content_copy, "--out", out)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "build failed: 3 error(s); nothing was written"
    assert before == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


def test_a_template_naming_an_undefined_value_fails_with_its_file_and_line(content_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    page = templates / "404.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<h1>Page not found</h1>",
                                                              "<h1>{{ site.titel }}</h1>"), encoding="utf-8")
    with pytest.raises(BuildErrors) as caught:
        build(BuildRequest(content_copy, tmp_path / "site", templates))
    message = str(caught.value)
    assert message.startswith(f"{page}:") and "titel" in message
    # The same, the templates named as the command's default names them: relative to the folder it runs in.
    relative = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content_copy),
                               "--templates", "templates", "--out", "site"], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
    assert relative.returncode == 1
    assert re.match(r"error: templates/404\.html:\d+: template error: .*titel", relative.stderr), relative.stderr


# ------------------------------------------------------------ fuzzing the front-matter reader

def _check_parse(text: str) -> None:
    try:
        parse(text, Path("24-001-566.md"))
    except ContentError as error:
        assert "\n" not in str(error)      # one line, always


@FUZZ
@given(st.text(max_size=400))
def test_random_text_never_raises_anything_but_a_content_error(text: str) -> None:
    _check_parse("---\n" + text + "\n---\n")
    _check_parse(text)


@FUZZ
@given(st.data())
def test_damaged_content_files_never_raise_anything_but_a_content_error(data: st.DataObject) -> None:
    text = GOOD
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["cut", "insert", "delete"]))
        if action == "cut":
            text = text[:at]
        elif action == "insert":
            text = text[:at] + data.draw(st.text(alphabet=":-[]{}'\"#&*!|>%@`\n\t ,?0123456789abc", max_size=8)) + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 20)):]
    _check_parse(text)


def test_an_alias_written_as_a_reference_is_taken_as_its_slug_and_one_that_is_another_decision_is_an_error(
        content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "decisions" / "24-001-566.md"
    path.write_text(GOOD.replace("aliases: []", 'aliases: ["24 001 567"]'), encoding="utf-8")
    assert parse(path.read_text(encoding="utf-8"), path).aliases == ("24-001-567",)
    build(BuildRequest(content_copy, tmp_path / "site", TEMPLATES))
    assert "/decisions/24-001-567 /decisions/24-001-566/ 301" in (tmp_path / "site" / "_redirects").read_text(
        encoding="utf-8").splitlines()
    path.write_text(GOOD.replace("aliases: []", "aliases: [24-001-146]"), encoding="utf-8")
    errors = [str(e) for e in load_decisions(content_copy).errors]
    assert errors == [f"{path}: alias '24-001-146' is the address of {content_copy / 'decisions' / '24-001-146.md'}: "
                      "take it out of aliases"]
