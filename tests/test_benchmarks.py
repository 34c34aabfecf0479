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
