// The browser's search rules against the cases the Python index writer is tested on
// (tests/js/search-cases.json): node --test tests/js
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const core = require(path.join(__dirname, "..", "..", "templates", "static", "search-core.js"));
const cases = require("./search-cases.json");

test("stems match the Python stemmer", () => {
  for (const [word, stem] of cases.stem) assert.equal(core.stem(word), stem, word);
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
  for (const [word, name] of cases.vocabularyFile) assert.equal(core.vocabularyFile(word), name, word);
});

test("queries: words, phrases, the word being typed", () => {
  const q = core.parseQuery("Delayed  “working days” complai");
  assert.deepEqual(q.map((i) => i.kind), ["word", "phrase", "word"]);
  assert.equal(q[0].term, "delai");
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
