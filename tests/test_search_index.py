"""The search index writer: text rules (shared with the browser), packing, shards, parts, determinism."""
from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.search import files as search_files
from generator.search import packing
from generator.search import postings
from generator.search import reading
from benchmarks.corpus import make_decisions
from generator.content.settings import load_config
from generator.site.markdown import render_body
from generator.content.folder import load_decisions
from generator.content.format import dump
from generator.search.text import FAMILIES, ISE_KEPT, STOP_WORDS, fold, term, words
from generator.site.entries import make_entries

from .conftest import CONTENT, ROOT

CASES = json.loads((ROOT / "tests" / "js" / "search-cases.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the shared cases, Python side

@pytest.mark.parametrize("word, expected", CASES["term"])
def test_terms(word, expected):
    assert term(word) == expected


def test_word_families_are_one_term():
    for family in (("delay", "delays", "delayed", "delaying"),
                   ("apology", "apologies", "apologise", "apologised", "apologising", "apologize"),
                   ("decide", "decided", "decision", "decisions"), ("assess", "assessment"),
                   ("refer", "referred", "referral", "referrals"), ("recommend", "recommendation"),
                   ("organise", "organize", "organised"), ("enquiry", "inquiry")):
        assert len({term(w) for w in family}) == 1, family
    assert term("home") != term("homelessness") and term("bins") == term("bin") != term("binding")
    assert term("advise") != term("advize") and term("otherwise") == "otherwis"


def test_every_family_and_kept_spelling_is_a_case_both_sides_are_held_to():
    """The family table and the -ise words are written twice (text.py, search-core.js): each entry must
    be met by a case, so a change on one side alone fails a test on the other."""
    cases = dict(CASES["term"])
    met = {term(word) for word in cases}
    assert set(FAMILIES.values()) <= met
    stems_joined = {stem for stem in FAMILIES if any(term(w) == FAMILIES[stem] for w in cases)}
    assert stems_joined == set(FAMILIES)
    assert all(any(w.startswith(kept[:-1]) for w in cases) for kept in ("advise", "exercise", "premise", "practise"))
    assert ISE_KEPT


@pytest.mark.parametrize("text, expected", CASES["fold"])
def test_folding(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize("text, expected", CASES["words"])
def test_words(text, expected):
    assert words(fold(text)) == expected


@settings(max_examples=3000, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.text(st.sampled_from("ab1_'’-£é\u0301\u00a0\u2028ǂ²ß\U0001d400 \n"), max_size=40))
def test_words_are_runs_of_letters_and_digits_once_apostrophes_are_out(text):
    folded = fold(text)
    assert words(folded) == re.findall(r"[^\W_]+", folded.replace("'", ""))


@pytest.mark.parametrize("numbers, packed", CASES["pack"])
def test_packing(numbers, packed):
    assert packing.pack(numbers) == packed
    assert packing.unpack(packed) == numbers


def test_the_table_of_small_numbers_packs_as_one_by_one():
    assert packing.PACKED == [packing._pack_one(n) for n in range(packing._SMALL)]


def test_numbers_packed_at_once_are_packed_as_one_by_one():
    rng = random.Random(7)
    numbers = [0, 31, 32, 1023, 1024, 32767, 32768, 2**31 - 1, 2**40 + 5,
               *(rng.randrange(2 ** rng.randrange(1, 40)) for _ in range(2000))]
    text, starts = packing.pack_all(np.array(numbers, np.int64))
    assert text == packing.pack(numbers)
    assert [text[a:b] for a, b in zip(starts.tolist(), [*starts.tolist()[1:], len(text)])] == packing.pack_each(numbers)


@pytest.mark.parametrize("chunk", [3, 1 << 20])
def test_postings_are_grouped_by_number_then_id(monkeypatch, chunk):
    """Sort keys of (number, id, value) -> each number's ids packed and its values, a few postings at a
    time (a number's postings are never split) or all at once."""
    monkeypatch.setattr(postings, "GROUP_CHUNK", chunk)
    rng = random.Random(chunk)
    shift, value_bits = 6, postings.VALUE_BITS
    found = [(rng.randrange(40), doc, rng.randrange(1 << value_bits)) for doc in range(50) for _ in range(3)]
    found = list({(n, doc): v for n, doc, v in found}.items())
    keys = np.array([n << (shift + value_bits) | doc << value_bits | v for (n, doc), v in found], np.int64)
    got = list(postings._grouped(keys, shift, with_values=True))
    expected = defaultdict(list)
    for (n, doc), v in sorted(found):
        expected[n].append((doc, v))
    assert [number for number, _, _ in got] == sorted(expected)
    for number, ids, levels in got:
        held = expected[number]
        assert ids == packing.pack(packing.gaps([doc for doc, _ in held]))
        assert levels == "".join(packing.ALPHABET[v] for _, v in held)


def test_a_reading_names_its_pairs_within_fields_and_paragraphs():
    held, seq = reading.number_words(["a", "b", reading.BETWEEN_WORD, "c", "a", "b", reading.BETWEEN_WORD])
    assert held == ["a", "b", "c"] and seq.tolist() == [0, 1, 3, 2, 0, 1, 3]
    codes = reading.pair_codes(seq, len(held))
    read = reading.Reading("", "", codes.tobytes(), "\n".join(held), 0)
    assert sorted(read.pair_names()) == ["a b", "c a"]


def test_shards_and_vocabulary_files():
    for text, shards, shard in CASES["shard"]:
        assert search_files.shard_of(text, shards) == shard
    for word, letters, name in CASES["vocabularyFile"]:
        assert search_files.vocabulary_file(word, letters) == name
    slugs, groups, paths = CASES["textGroups"]
    assert search_files.text_groups(slugs) == groups and [search_files.text_path(g) for g in groups] == paths


@given(st.lists(st.text("0123456789-ab", min_size=1, max_size=9), unique=True, max_size=40))
def test_a_text_group_is_found_from_its_neighbours_as_a_scan_of_all_finds_it(slugs):
    """A patch looks only at the groups near an edit (`text_group_at`): each must be the group a scan
    from the first slug pairs it into (an even crc32 takes the next slug when that one's is odd)."""
    ordered, scanned, at = sorted(slugs), [], 0
    while at < len(ordered):
        pair = at + 1 < len(ordered) and search_files.crc_of(ordered[at]) % 2 == 0 \
            and search_files.crc_of(ordered[at + 1]) % 2 == 1
        scanned.append(ordered[at:at + 2] if pair else ordered[at:at + 1])
        at += 2 if pair else 1
    assert search_files.text_groups(slugs) == scanned
    group_of = {slug: group for group in scanned for slug in group}
    assert all(search_files.text_group_at(ordered, at) == group_of[slug] for at, slug in enumerate(ordered))


def test_the_browser_side_passes_the_same_cases():
    """Never skipped: a machine without Node.js fails here (.ci/run installs it)."""
    node = shutil.which("node")
    assert node is not None, "Node.js is needed to test the browser's search rules: install nodejs"
    run = subprocess.run([node, "--test", str(ROOT / "tests" / "js")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", run.stdout, re.M)
    assert passed and int(passed.group(1)) >= 10 and "# fail 0" in run.stdout, run.stdout[-2000:]


# ---------------------------------------------------------------- the index of the seed decisions

def read_index(pages) -> dict[str, object]:
    return {page.path: json.loads(page.text) for page in pages}


@pytest.fixture(scope="module")
def seed_entries():
    config = load_config(CONTENT)
    return config, make_entries(load_decisions(CONTENT).decisions, config)


@pytest.fixture(scope="module")
def seed_index(seed_entries):
    config, entries = seed_entries
    return entries, read_index(search_files.render_search_index(config, entries))


def word_postings(files: dict, name: str) -> dict[int, int]:
    """term -> {id: weight level}"""
    manifest = files["search/index.json"]
    file = search_files.own_file(name) if name in manifest["ownFiles"] else search_files.shard_of(name, manifest["termShards"])
    found = files[f"search/t/{file}.json"].get(name)
    if found is None:
        return {}
    ids, weights = found
    out, doc = {}, -1
    for gap, weight in zip(packing.unpack(ids), weights, strict=True):
        doc += gap
        out[doc] = packing.ALPHABET.index(weight)
    return out


def pair_postings(files: dict, pair: str) -> list[int]:
    doc, out = -1, []
    shards = files["search/index.json"]["pairShards"]
    for gap in packing.unpack(files[f"search/p/{search_files.shard_of(pair, shards)}.json"].get(pair, "")):
        doc += gap
        out.append(doc)
    return out


def test_ids_count_from_the_oldest_and_the_table_holds_every_decision(seed_index):
    entries, files = seed_index
    manifest, table = files["search/index.json"], files["search/docs.json"]
    ordered = list(reversed(entries))
    assert manifest["count"] == len(entries) == 5
    councils = manifest["facets"]["council"]
    assert [councils[i - 1] for i in packing.unpack(table["council"])] == [e.decision.council for e in ordered]
    days = list(__import__("itertools").accumulate(packing.unpack(table["date"])))
    expected = [(e.decision.decision_date.toordinal() - search_files.EPOCH + 1) if e.decision.decision_date else 0
                for e in ordered]
    assert days == expected
    assert packing.unpack(files["search/totals.json"]["total"]) == [e.decision.remedy.total for e in ordered]
    bands = manifest["facets"]["band"]
    assert [bands[i - 1] for i in packing.unpack(table["band"])] == [e.band.name for e in ordered]
    references = [f"{n // 1_000_000:02d} {n // 1000 % 1000:03d} {n % 1000:03d}" for n in packing.unpack(table["reference"])]
    assert references == [e.decision.reference for e in ordered] and table["suffix"] == {}


def test_every_word_of_every_paragraph_is_in_its_shard_and_the_text_in_its_file(seed_index):
    entries, files = seed_index
    ordered = list(reversed(entries))
    groups = search_files.text_groups([e.decision.slug for e in ordered])
    assert {search_files.text_path(g) for g in groups} == {p for p in files if p.startswith("search/x/")}
    path_of = {slug: search_files.text_path(g) for g in groups for slug in g}
    seen: dict[str, set[int]] = defaultdict(set)
    for doc, entry in enumerate(ordered):
        paragraphs = render_body(entry.decision.body).paragraphs
        record = files[path_of[entry.decision.slug]][entry.decision.slug]
        assert record == {"r": entry.decision.reference, "s": entry.decision.summary,
                          "p": [[n, text] for n, text in paragraphs]}
        for _, text in paragraphs:
            for word in words(fold(text)):
                seen[term(word)].add(doc)
    for name, docs in seen.items():
        assert docs <= set(word_postings(files, name)), name


def test_text_files_pair_neighbours_and_change_only_where_a_decision_does():
    rng = random.Random(3)
    slugs = sorted({f"{rng.randrange(17, 26)}-{rng.randrange(1000):03d}-{rng.randrange(1000):03d}" for _ in range(400)})
    groups = search_files.text_groups(slugs)
    assert [s for g in groups for s in g] == slugs and all(len(g) in (1, 2) for g in groups)
    assert 0.6 < len(groups) / len(slugs) < 0.9
    for slug in rng.sample(slugs, 20):                 # one more, or one fewer: at most three files differ
        for changed in (sorted([*slugs, slug + "b"]), [s for s in slugs if s != slug]):
            before = {tuple(g) for g in groups}
            after = {tuple(g) for g in search_files.text_groups(changed)}
            assert len(after - before) <= 3
    folders = defaultdict(int)
    for g in groups:
        folders[search_files.text_path(g).rsplit("/", 2)[1]] += 1
    assert len(folders) > 32 and max(folders.values()) < 4 * len(groups) / 64


def test_title_and_summary_weigh_more_than_the_text(seed_index):
    entries, files = seed_index
    ordered = list(reversed(entries))
    essex = next(i for i, e in enumerate(ordered) if e.decision.council == "Essex County Council")
    weight = word_postings(files, "essex")[essex]
    assert weight >= reading.WEIGHT_LEVEL[reading.WEIGHT_TITLE]
    summary_only = next(w for w in words(fold(ordered[essex].decision.summary))
                        if w not in STOP_WORDS and not any(w in words(fold(t)) for _, t in render_body(ordered[essex].decision.body).paragraphs))
    assert word_postings(files, term(summary_only))[essex] == reading.WEIGHT_LEVEL[reading.WEIGHT_SUMMARY]


def test_pairs_are_adjacent_words_within_one_paragraph(seed_index):
    entries, files = seed_index
    ordered = list(reversed(entries))
    holders = [doc for doc, e in enumerate(ordered)
               if any("working days" in " ".join(words(fold(t))) for _, t in render_body(e.decision.body).paragraphs)]
    assert holders and pair_postings(files, "working days") == holders
    # The last word of one paragraph and the first of the next are not a pair.
    entry = ordered[0]
    (_, first), (_, second) = render_body(entry.decision.body).paragraphs[0], render_body(entry.decision.body).paragraphs[1]
    pair = f"{words(fold(first))[-1]} {words(fold(second))[0]}"
    if not any(pair in " ".join(words(fold(t))) for _, t in render_body(entry.decision.body).paragraphs):
        assert 0 not in pair_postings(files, pair)
    assert all(reading.BETWEEN_WORD not in name for name in files[
        f"search/p/{search_files.shard_of('working days', files['search/index.json']['pairShards'])}.json"])


def test_vocabulary_lists_words_by_their_first_letter_or_two(seed_index):
    _, files = seed_index
    manifest = files["search/index.json"]
    vocabulary = files["search/v/d.json"]
    assert vocabulary["delay"][0] == "delay" and vocabulary["delayed"][0] == "delay"
    assert vocabulary["delay"][1] == len(word_postings(files, "delay"))
    many = {f"s{a}{b}{c}": ["x", 1] for a in "abcdefghij" for b in "abcdefghij" for c in "abc"}
    split = search_files.vocabulary_files({**many, "delay": ["delay", 1]})
    assert split["d"] == {"delay": ["delay", 1]} and "s" not in split and len(split["sa"]) == 30
    assert sorted(manifest["vocabulary"]) == manifest["vocabulary"]
    assert {f"search/v/{name}.json" for name in manifest["vocabulary"]} == {p for p in files if p.startswith("search/v/")}
    for own in manifest["ownFiles"]:
        assert list(files[f"search/t/{search_files.own_file(own)}.json"]) == [own]


def test_every_term_sits_in_the_shard_its_name_says(seed_index):
    _, files = seed_index
    manifest = files["search/index.json"]
    for kind, shards in (("t", manifest["termShards"]), ("p", manifest["pairShards"])):
        names = [p for p in files if p.startswith(f"search/{kind}/") and not p.startswith(f"search/{kind}/x")]
        assert len(names) == shards
        for path in names:
            number = int(path.rsplit("/", 1)[1].removesuffix(".json"))
            assert all(search_files.shard_of(name, shards) == number for name in files[path])


# ---------------------------------------------------------------- determinism and size

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Sixty synthetic decisions from the seeds, as content files."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "decisions").mkdir()
    shutil.copy(CONTENT / "site.yaml", root / "site.yaml")
    for decision in make_decisions(60, seed=7):
        (root / "decisions" / f"{decision.slug}.md").write_text(dump(decision), encoding="utf-8")
    config = load_config(root)
    return config, load_decisions(root).decisions


def test_same_content_gives_the_same_bytes_in_any_order(corpus):
    config, decisions = corpus
    first = search_files.render_search_index(config, make_entries(decisions, config))
    again = search_files.render_search_index(config, make_entries(list(reversed(decisions)), config))
    as_bytes = lambda pages: {p.path: p.text.encode("utf-8") for p in pages}   # noqa: E731
    assert as_bytes(first) == as_bytes(again)
    assert len(first) == len(as_bytes(first))


def _reading(decision):
    return reading.read_decision(decision, render_body(decision.body).paragraphs)


def _files(config, decisions, state, memo=None):
    ordered = list(reversed(make_entries(decisions, config)))
    return search_files.index_files(config, ordered, state, memo)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_an_updated_state_gives_the_same_bytes_as_reading_everything_again(corpus, seed):
    """Edits in place, decisions dropped from the tail and added to it: the index files (not the text
    parts, which the build writes per decision) equal those of a fresh index of the new decisions."""
    config, decisions = corpus
    rng = random.Random(seed)
    old = list(reversed(make_entries(decisions, config)))                   # by id
    state = postings.SearchState()
    postings.update_state(state, [e.decision.slug for e in old], {}, [], [_reading(e.decision) for e in old])
    memo = search_files.IndexMemo()                # what a long-running caller remembers of the files made
    _files(config, decisions, state, memo)

    edited = {e.decision.slug: e.decision for e in old}
    for entry in rng.sample(old, 6):                                        # new wording somewhere
        body = entry.decision.body.replace(" the ", " the revised ", 1) + "\n\n99. A new closing paragraph."
        edited[entry.decision.slug] = replace(entry.decision, body=body)
    for entry in rng.sample(old[-15:], 3):                                  # gone
        del edited[entry.decision.slug]
    extra = make_decisions(3, seed=100 + seed)                              # new, somewhere in time
    edited.update((d.slug, d) for d in extra)
    new = list(reversed(make_entries(list(edited.values()), config)))
    slugs = [e.decision.slug for e in new]

    keep = postings.common_prefix(state.slugs, slugs)
    by_slug = {e.decision.slug: e.decision for e in old}
    changed = {doc: (_reading(by_slug[slug]), _reading(edited[slug]))
               for doc, slug in enumerate(slugs[:keep]) if edited[slug] is not by_slug[slug]}
    removed = [_reading(e.decision) for e in old[keep:]]
    postings.update_state(state, slugs, changed, removed, [_reading(e.decision) for e in new[keep:]])

    fresh = postings.SearchState()
    postings.update_state(fresh, slugs, {}, [], [_reading(e.decision) for e in new])
    assert state == fresh
    expected = _files(config, list(edited.values()), fresh)
    assert _files(config, list(edited.values()), state) == expected
    assert _files(config, list(edited.values()), state, memo) == expected     # made from what was remembered


def test_a_new_decision_leaves_all_but_its_neighbours_text_files_alone(corpus):
    config, decisions = corpus
    dated = sorted((d for d in decisions if d.decision_date), key=lambda d: d.decision_date)
    before = {p.path: p.text for p in search_files.render_search_index(config, make_entries(dated[:-1], config))}
    after = {p.path: p.text for p in search_files.render_search_index(config, make_entries(dated, config))}
    texts = [p for p in before if p.startswith("search/x/")]
    assert texts and sum(before[p] != after.get(p) for p in texts) <= 2


def test_shards_stay_small(corpus):
    config, decisions = corpus
    pages = search_files.render_search_index(config, make_entries(decisions, config))
    shards = [p for p in pages if p.path.startswith(("search/t/", "search/p/"))]
    assert max(len(p.text) for p in shards) < 4 * search_files.SHARD_CHARS
    texts = [p for p in pages if p.path.startswith("search/x/")]
    assert len(texts) < len(decisions) and all(len(json.loads(p.text)) <= 2 for p in texts)


def test_an_empty_digest_has_an_empty_index():
    pages = read_index(search_files.render_search_index(load_config(Path("/nonexistent")), []))
    assert pages["search/index.json"]["count"] == 0 and pages["search/totals.json"] == {"total": ""}
    assert all(value in ("", {}) for value in pages["search/docs.json"].values())


def test_docs_columns_are_taken_again_only_while_the_fields_they_come_from_are_the_same():
    config = load_config(CONTENT)
    ordered = list(reversed(make_entries(load_decisions(CONTENT).decisions, config)))
    memo = search_files.IndexMemo()
    first = search_files._from_entries(config, ordered, memo)
    # Entries made again from edited facts, as a build makes them (each with the digest of its facts).
    resummarised = [make_entries([replace(e.decision, summary="Changed.")], config)[0] for e in ordered]
    assert search_files._from_entries(config, resummarised, memo) is first
    moved = [make_entries([replace(resummarised[0].decision, council="Another Council")], config)[0],
             *resummarised[1:]]
    assert search_files._from_entries(config, moved, memo) == search_files._from_entries(config, moved, None) != first
