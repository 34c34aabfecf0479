// The browser's search rules against the cases the Python index writer is tested on
// (tests/js/search-cases.json): node --test tests/js
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const core = require(path.join(__dirname, "..", "..", "templates", "static", "search-core.js"));
const cases = require("./search-cases.json");

test("terms match the Python side's (spelling, Porter2, families)", () => {
  assert.ok(cases.term.length > 200);
  for (const [word, term] of cases.term) assert.equal(core.term(word), term, word);
});

test("apology, apologies, apologise, apologised, apologising and apologize are one family", () => {
  const family = new Set(["apology", "apologies", "apologise", "apologised", "apologising", "apologize"].map(core.term));
  assert.equal(family.size, 1);
  assert.notEqual(core.term("home"), core.term("homelessness"));
});

test("text files: neighbours share as the build says", () => {
  const [slugs, groups, paths] = cases.textGroups;
  const files = core.textFiles(slugs);
  groups.forEach((group, k) => {
    for (const slug of group) assert.equal("search/" + files.of(slug).path, paths[k], slug);
  });
});

test("folding matches", () => {
  for (const [text, folded] of cases.fold) assert.equal(core.fold(text), folded, text);
});

test("words match", () => {
  for (const [text, words] of cases.words) assert.deepEqual(core.words(core.fold(text)), words, text);
});

test("packed numbers unpack", () => {
  for (const [numbers, packed] of cases.pack) assert.deepEqual(core.unpack(packed), numbers, packed);
});

test("crc32 and shard numbers match", () => {
  for (const [text, crc] of cases.crc32) assert.equal(core.crc32(text), crc, text);
  for (const [text, shards, shard] of cases.shard) assert.equal(core.shardOf(text, shards), shard, text);
});

test("vocabulary file names match", () => {
  for (const [word, letters, name] of cases.vocabularyFile) assert.equal(core.vocabularyFile(word, letters), name, word);
  const names = new Set(["a", "de", "d"]);
  assert.equal(core.vocabularyFileOf("delay", names), "de");
  assert.equal(core.vocabularyFileOf("dog", names), "d");
  assert.equal(core.vocabularyFileOf("apology", names), "a");
  assert.equal(core.vocabularyFileOf("zebra", names), null);
});

test("references in any form, whole or their start", () => {
  for (const q of ["24001566", "24-001-566", "24 001 566", "24/001/566", " 24 001 566 "]) {
    const items = core.parseQuery(q, true);
    assert.deepEqual(items.map((i) => [i.kind, i.text]), [["reference", "24 001 566"]], q);
  }
  assert.deepEqual(core.parseQuery("17 002 402b", true).map((i) => i.text), ["17 002 402b"]);
  const partial = core.parseQuery("24 001", true);
  assert.deepEqual(partial.map((i) => [i.kind, i.last]), [["reference", null]]);
  const mixed = core.parseQuery("delay 24 001 566 bins", true);
  assert.deepEqual(mixed.map((i) => i.kind), ["word", "word", "reference"]);
  assert.deepEqual(core.parseQuery("paid £1,000 in 2024", true).map((i) => i.kind), ["word", "word", "word", "word", "word"]);
});

test("finished words are whole words; only a word still being typed is a prefix", () => {
  assert.equal(core.parseQuery("bins", true)[0].prefix, false, "from the address, the button or Enter");
  assert.equal(core.parseQuery("bins", false)[0].prefix, true, "still being typed");
  assert.equal(core.parseQuery("bins ", false)[0].prefix, false, "a space ends it");
  assert.deepEqual(core.parseQuery("missed bins", true).map((i) => i.prefix), [false, false]);
});

test("domain equivalents become one item that matches any member", () => {
  const groups = [["ehcp", "ehc plan", "education health and care plan"], ["stage 2", "stage two"]];
  const items = core.withEquivalents(core.parseQuery("ehc plans delay", true), groups);
  assert.deepEqual(items.map((i) => i.kind), ["any", "word"]);
  assert.deepEqual(items[0].also, ["ehcp", "education health and care plan"]);
  const typing = core.withEquivalents(core.parseQuery("stage tw", false), groups);
  assert.deepEqual(typing.map((i) => i.kind), ["word", "word"], "a word being typed is left alone");
});

test("queries: words, phrases, the word being typed", () => {
  const q = core.parseQuery("Delayed  “working days” complai");
  assert.deepEqual(q.map((i) => i.kind), ["word", "phrase", "word"]);
  assert.equal(q[0].term, "delay");
  assert.equal(q[0].prefix, false);
  assert.deepEqual(q[1].words, ["working", "days"]);
  assert.equal(q[2].word, "complai");
  assert.equal(q[2].prefix, true);
  assert.equal(core.parseQuery("delay ")[0].prefix, false, "a space ends the word");
  const open = core.parseQuery("\"statutory complaints proc");
  assert.deepEqual(open.map((i) => i.kind), ["phrase", "word"]);
  assert.deepEqual(open[0].words, ["statutory", "complaints"]);
  assert.equal(open[1].prefix, true);
  assert.deepEqual(core.parseQuery("Council’s COUNCIL's ").map((i) => i.word), ["councils"]);
  assert.deepEqual(core.parseQuery(""), []);
});

test("one typo: substitution, insertion, deletion, transposition", () => {
  assert.ok(core.oneTypo("delya", "delay"));
  assert.ok(core.oneTypo("compalint", "complaint"));
  assert.ok(core.oneTypo("complant", "complaint"));
  assert.ok(core.oneTypo("complaaint", "complaint"));
  assert.ok(core.oneTypo("complaind", "complaint"));
  assert.ok(!core.oneTypo("cmoplaitn", "complaint"));
  assert.ok(core.oneTypoPrefix("compla", "complaint"));
  assert.ok(core.oneTypoPrefix("copmla", "complaint"));
  assert.ok(!core.oneTypoPrefix("xyzzy", "complaint"));
});

test("mergeRanges sorts and joins overlapping matches", () => {
  assert.deepEqual(core.mergeRanges([[10, 15], [0, 4], [3, 6], [12, 20], [30, 31]]), [[0, 6], [10, 20], [30, 31]]);
  assert.deepEqual(core.mergeRanges([]), []);
});
