"""The benchmarks' own moving parts, on a small corpus: a figure from a broken stand-in would mislead."""
from __future__ import annotations

from pathlib import Path

from benchmarks import search as search_benchmark
from benchmarks.corpus import write_corpus


def test_the_build_without_the_index_is_the_same_site_less_the_index(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_corpus(content, 12)
    search_benchmark.timed_build(content, tmp_path / "plain", with_index=False)
    search_benchmark.timed_build(content, tmp_path / "indexed", with_index=True)
    plain = {p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*") if p.is_file()}
    indexed = {p.relative_to(tmp_path / "indexed") for p in (tmp_path / "indexed").rglob("*") if p.is_file()}
    assert not any(p.parts[0] == "search" and p.suffix == ".json" for p in plain)
    assert {p for p in indexed if not (p.parts[0] == "search" and p.suffix == ".json")} == plain
    assert len(indexed - plain) > 12                      # text files (one or two decisions each) and the index files
    for path in plain:
        assert (tmp_path / "plain" / path).read_bytes() == (tmp_path / "indexed" / path).read_bytes(), path


def test_the_raw_statements_import_as_the_decisions_they_were_written_from(tmp_path: Path) -> None:
    from benchmarks.corpus import make_decisions
    from benchmarks.raw_corpus import write_raw_corpus
    from generator.content.folder import load_decisions
    from generator.importing import ImportRequest, import_statements

    paths = write_raw_corpus(tmp_path / "raw", 12, seed=5)
    assert {path.name.split("-", 1)[1] for path in paths} == {"bullets.txt", "copy.txt", "page.html"}
    errors: list = []
    report = import_statements(ImportRequest((tmp_path / "raw",), tmp_path / "content", jobs=1),
                               lambda told: errors.append(told) if isinstance(told, Exception) else None)
    assert errors == [] and report.counts["written"] == 12
    imported = {d.reference: d for d in load_decisions(tmp_path / "content").decisions}
    for made in make_decisions(12, seed=5):
        got = imported[made.reference]
        assert (got.council, got.decision_date, got.summary) == (made.council, made.decision_date, made.summary)
        assert got.body.count("\n## ") == made.body.count("\n## ")


def test_the_import_benchmark_measures_an_import_and_its_re_run(tmp_path: Path, capsys) -> None:
    import importlib

    benchmark = importlib.import_module("benchmarks.import")
    benchmark.main(["--decisions", "12", "--keep", str(tmp_path), "--jobs", "1"])
    printed = capsys.readouterr().out
    for figure in ("import", "statements a second", "processor time, all processes", "peak memory, all processes",
                   "re-run, nothing changed"):
        assert f"  {figure} " in printed
    assert len(list((tmp_path / "content" / "decisions").glob("*.md"))) == 12
