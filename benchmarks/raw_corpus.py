"""Raw decision statements for benchmarks: what `digest import` reads, made from the seeds' sentences.

The decisions are benchmarks/corpus.py's (the seeds' paragraphs recombined, people, councils, dates and
sums changed; distinct references), each written out as the Ombudsman's site shows it, in turn:

* `bullets`: the text layout where every paragraph and sub-point is a "- " line (sub-points indented), with
  "Category : A > B", "Decision : Upheld" and "Decision date : 14 Jan 2025" lines;
* `copy`: a copy of the web page: blank lines between everything, "1." numbering that restarts in each
  section, sub-points indented deeper with "•", "Back to top" after each section;
* `page`: the web page saved from a browser (.html): the title, a list of fields, the summary, sections of
  `<ol start=N>` with sub-points in `<ul>`, the page's canonical address, its header and footer.

The same seed and count always give the same files.

    python benchmarks/raw_corpus.py --decisions 2000 --out /tmp/raw
    from benchmarks.raw_corpus import write_raw_corpus; write_raw_corpus(Path("raw"), 2000)
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_decisions  # noqa: E402
from generator.model import Decision  # noqa: E402

LAYOUTS = ("bullets", "copy", "page")
SIGNATURE = "Investigator's decision on behalf of the Ombudsman"
ITEM = re.compile(r"^(\d+)\. (.*)$")
POINT = re.compile(r"^\s+- (.*)$")


def sections(body: str) -> list[tuple[str, list[tuple[str, object]]]]:
    """A corpus body as (section heading, [("heading", text) | ("paragraph", (number, text, points))])."""
    found: list[tuple[str, list[tuple[str, object]]]] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        if line.startswith("## "):
            found.append((line[3:].strip(), []))
        elif line.startswith("### "):
            found[-1][1].append(("heading", line[4:].strip()))
        elif (item := ITEM.match(line)):
            found[-1][1].append(("paragraph", (int(item[1]), item[2], [])))
        elif (point := POINT.match(line)):
            found[-1][1][-1][1][2].append(point[1])            # type: ignore[index]
    return found


def fields(decision: Decision) -> list[tuple[str, str]]:
    printed = []
    if decision.category:
        printed.append(("Category", decision.category + (f" > {decision.subcategory}" if decision.subcategory else "")))
    if decision.outcome:
        printed.append(("Decision", decision.outcome))
    if decision.decision_date:
        printed.append(("Decision date", f"{decision.decision_date.day} {decision.decision_date:%b %Y}"))
    return printed


def title(decision: Decision) -> str:
    return f"{decision.council} ({decision.reference})"


def bullets(decision: Decision) -> str:
    lines = [title(decision), *(f"{name} : {value}" for name, value in fields(decision)),
             "The Ombudsman's final decision:", f"Summary: {decision.summary}"]
    for heading, items in sections(decision.body):
        lines.append(heading)
        for kind, item in items:
            if kind == "heading":
                lines.append(str(item))
            else:
                _, text, points = item                                  # type: ignore[misc]
                lines.append(f"- {text}")
                lines.extend(f"    - {point}" for point in points)
    lines.append(SIGNATURE)
    return "\n".join(lines) + "\n"


def copy(decision: Decision) -> str:
    blocks = [title(decision), *(f"{name} : {value}" for name, value in fields(decision)),
              "The Ombudsman's final decision:", f"Summary: {decision.summary}"]
    for heading, items in sections(decision.body):
        blocks.append(heading)
        number = 0
        for kind, item in items:
            if kind == "heading":
                blocks.append(str(item))
                continue
            _, text, points = item                                      # type: ignore[misc]
            number += 1
            blocks.append(f"  {number}. {text}")
            blocks.extend(f"      • {point}" for point in points)
        blocks.append("Back to top")
    blocks.append(SIGNATURE)
    return "\n\n".join(blocks) + "\n"


def page(decision: Decision) -> str:
    name = html.escape(title(decision))
    address = f"https://www.lgo.org.uk/decisions/{decision.slug}"
    meta = "".join(f"<dt>{label} :</dt><dd>{html.escape(value)}</dd>\n" for label, value in fields(decision))
    parts = [f"<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\n<title>{name} - Local "
             f"Government and Social Care Ombudsman</title>\n<link rel=\"canonical\" href=\"{address}\">\n</head>\n"
             "<body class=\"page-decision\">\n<a class=\"skip-link\" href=\"#main-content\">Skip to main content</a>\n"
             "<main id=\"main-content\"><article class=\"decision\">\n"
             f"<header><h1 class=\"decision-title\">{name}</h1>\n<dl class=\"decision-meta\">\n{meta}</dl></header>\n"
             "<div class=\"decision-body\">\n<h3>The Ombudsman's final decision:</h3>\n"
             f"<p><strong>Summary:</strong> {html.escape(decision.summary or '')}</p>\n"]
    for heading, items in sections(decision.body):
        parts.append(f"<h2>{html.escape(heading)}</h2>\n")
        open_list = False
        for kind, item in items:
            if kind == "heading":
                parts.append("</ol>\n" if open_list else "")
                parts.append(f"<h3>{html.escape(str(item))}</h3>\n")
                open_list = False
                continue
            number, text, points = item                                 # type: ignore[misc]
            if not open_list:
                parts.append(f"<ol start=\"{number}\">\n")
                open_list = True
            inner = "".join(f"<li>{html.escape(point)}</li>" for point in points)
            parts.append(f"<li>{html.escape(text)}" + (f"\n<ul>{inner}</ul>\n" if inner else "") + "</li>\n")
        parts.append("</ol>\n" if open_list else "")
        parts.append("<p class=\"back-to-top\"><a href=\"#main-content\">Back to top</a></p>\n")
    parts.append(f"<p><strong>{SIGNATURE}</strong></p>\n</div></article></main>\n<footer><p>© Local Government "
                 "and Social Care Ombudsman</p></footer>\n</body></html>\n")
    return "".join(parts)


WRITERS = {"bullets": (bullets, ".txt"), "copy": (copy, ".txt"), "page": (page, ".html")}


def write_raw_corpus(folder: Path, count: int, seed: int = 2025) -> list[Path]:
    """Write `count` statements into `folder` (the three layouts in turn), in subfolders of 1,000 files;
    files already there are removed first. Returns the files."""
    for old in folder.rglob("*"):
        if old.is_file():
            old.unlink()
    paths = []
    for number, decision in enumerate(make_decisions(count, seed)):
        layout = LAYOUTS[number % len(LAYOUTS)]
        write, suffix = WRITERS[layout]
        path = folder / f"{number // 1000:03d}" / f"{number:06d}-{layout}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(write(decision), encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1000, help="how many statements (default 1000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write them into")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    paths = write_raw_corpus(args.out, args.decisions, args.seed)
    print(f"{len(paths)} raw statements written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
