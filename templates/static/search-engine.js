/* Decisions Digest: the search engine, without the page: reads the index under /search/ (the format is in
 * generator/search/files.py) through a `load(path)` that returns a promise of a file's JSON (null for a
 * missing file), resolves a query's words to the index's terms, matches and ranks decisions, and finds the
 * paragraph of a decision that best shows why it matched. The search page (search.js) drives it in the
 * browser; tests/js/relevance.js runs the very same code in Node over a built site's files.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory(require("./search-core.js"));
  else root.DigestEngine = factory(root.DigestSearch);
})(this, function (S) {
  "use strict";

  var PREFIX_TERMS = 5;         // completions of a word being typed, most frequent first, while their
                                // decisions add up to no more than all the decisions once
  var TYPO_TERMS = 4;           // words one typo away
  var K1 = 1.2, B = 0.75;       // BM25
  var PHRASE_BONUS = 1.5;
  var NEAR_BONUS = 0.5;         // two finished words of the query found next to each other, unquoted
  var COMPLETION_WEIGHT = 0.9;
  var TYPO_WEIGHT = 0.7;

  function has(object, key) {
    return object !== null && Object.prototype.hasOwnProperty.call(object, key);
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = "0" + text;
    return text;
  }

  // The manifest and the document table -> what every query needs, in typed arrays.
  function prepare(manifest, table) {
    var n = manifest.count;
    function column(name, Type) {
      var values = S.unpack(table[name] || "");
      var out = new Type(n);
      for (var i = 0; i < n && i < values.length; i++) out[i] = values[i];
      return out;
    }
    var date = column("date", Int32Array);
    for (var i = 1; i < n; i++) date[i] += date[i - 1];
    var year = new Int32Array(n);
    var years = new Map();
    for (i = 0; i < n; i++) {
      if (date[i]) {
        year[i] = new Date((date[i] - 1) * 86400000).getUTCFullYear();
        years.set(year[i], (years.get(year[i]) || 0) + 1);
      }
    }
    var refNumber = column("reference", Float64Array);
    var suffix = table.suffix || {};
    var reference = new Array(n), slug = new Array(n), suffixes = new Array(n);
    for (i = 0; i < n; i++) {
      var r = refNumber[i];
      var yy = Math.floor(r / 1000000), rest = r % 1000000;
      suffixes[i] = has(suffix, String(i)) ? suffix[i] : "";
      reference[i] = pad(yy, 2) + " " + pad(Math.floor(rest / 1000), 3) + " " + pad(rest % 1000, 3) + suffixes[i];
      slug[i] = reference[i].split(" ").join("-");
    }
    var lengthCode = column("length", Int32Array);
    var length = new Float64Array(n);
    for (i = 0; i < n; i++) length[i] = Math.pow(manifest.lengthBase, lengthCode[i]) - 1;
    var yearValues = Array.from(years.keys()).sort(function (a, b) { return b - a; });
    var yearIndex = new Map(yearValues.map(function (y, k) { return [y, k + 1]; }));
    var yearColumn = new Int32Array(n);
    for (i = 0; i < n; i++) yearColumn[i] = year[i] ? yearIndex.get(year[i]) : 0;
    return {
      n: n, manifest: manifest, date: date, reference: reference, refNumber: refNumber, suffix: suffixes,
      slug: slug, length: length, averageLength: manifest.averageLength || 1, total: null,
      facet: {
        council: column("council", Int32Array), category: column("category", Int32Array),
        subcategory: column("subcategory", Int32Array), outcome: column("outcome", Int32Array),
        band: column("band", Int32Array), year: yearColumn
      },
      values: {
        council: manifest.facets.council, category: manifest.facets.category,
        subcategory: manifest.facets.subcategory, outcome: manifest.facets.outcome,
        band: manifest.facets.band, year: yearValues.map(String)
      },
      inferred: column("inferred", Int32Array),     // facts inferred rather than printed: 4 outcome, 8 date
      vocabulary: new Set(manifest.vocabulary || []),
      ownFiles: new Set(manifest.ownFiles || []),
      texts: null                       // the text files, worked out when a result first needs its text
    };
  }

  function create(load) {
    var decoded = new Map();

    // [packed id gaps, a weight character a decision]
    function decodeTerm(packed, n) {
      var gaps = S.unpack(packed[0]);
      var count = gaps.length;
      var docs = new Int32Array(count), weight = new Float64Array(count);
      var doc = -1;
      for (var i = 0; i < count; i++) {
        doc += gaps[i];
        docs[i] = doc;
        weight[i] = Math.pow(2, S.digit(packed[1].charCodeAt(i)) / 3);
      }
      return { docs: docs, weight: weight, idf: Math.log(1 + (n - count + 0.5) / (count + 0.5)) };
    }

    function termPostings(index, term) {
      var key = "t:" + term;
      if (decoded.has(key)) return Promise.resolve(decoded.get(key));
      var file = index.ownFiles.has(term) ? S.ownFile(term) : S.shardOf(term, index.manifest.termShards);
      return load("t/" + file + ".json").then(function (data) {
        var postings = has(data, term) ? decodeTerm(data[term], index.n) : null;
        decoded.set(key, postings);
        return postings;
      });
    }

    function pairDocs(index, pair) {
      var key = "p:" + pair;
      if (decoded.has(key)) return Promise.resolve(decoded.get(key));
      return load("p/" + S.shardOf(pair, index.manifest.pairShards) + ".json").then(function (data) {
        var docs = null;
        if (has(data, pair)) {
          var gaps = S.unpack(data[pair]);
          docs = new Int32Array(gaps.length);
          var doc = -1;
          for (var i = 0; i < gaps.length; i++) { doc += gaps[i]; docs[i] = doc; }
        }
        decoded.set(key, docs);
        return docs;
      });
    }

    function vocabulary(index, word) {
      var name = S.vocabularyFileOf(word, index.vocabulary);
      if (name === null) return Promise.resolve({});
      return load("v/" + name + ".json").then(function (data) { return data || {}; });
    }

    // -> [{ term, weight, word }], most frequent first.
    function chooseTerms(vocab, test, limit, weight, budget) {
      var byTerm = new Map();
      Object.keys(vocab).forEach(function (word) {
        if (!test(word)) return;
        var entry = vocab[word], known = byTerm.get(entry[0]);
        if (!known || known.count < entry[1] || (known.count === entry[1] && word.length < known.word.length)) {
          byTerm.set(entry[0], { count: entry[1], word: word });
        }
      });
      return Array.from(byTerm.entries())
        .sort(function (a, b) { return b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1); })
        .slice(0, limit)
        .filter(function (e, k) {
          if (budget === undefined) return true;
          budget -= e[1].count;
          return k === 0 || budget >= 0;
        })
        .map(function (e) { return { term: e[0], weight: weight, word: e[1].word }; });
    }

    // A finished word: its term (its family); when no decision holds it, words one typo away (in longer
    // words), marked as a correction.
    function resolveWhole(index, item) {
      var word = item.word;
      return termPostings(index, item.term).then(function (postings) {
        if (postings) return [{ term: item.term, weight: 1, whole: true }];
        if (word.length < S.TYPO_MIN || item.quoted || /[0-9]/.test(word)) return [];
        return vocabulary(index, word).then(function (vocab) {
          var near = chooseTerms(vocab, function (w) { return S.oneTypo(word, w); }, TYPO_TERMS, TYPO_WEIGHT);
          if (near.length) item.corrected = near[0].word;
          return near.map(function (t) { t.whole = true; return t; });
        });
      });
    }

    // The word being typed: its own family, if a word of the index is in it, and words it begins, ranked
    // below; with neither, words one typo away from its start.
    function resolvePrefix(index, item) {
      var word = item.word;
      return vocabulary(index, word).then(function (vocab) {
        var family = Object.keys(vocab).some(function (w) { return vocab[w][0] === item.term; });
        var exact = family ? [{ term: item.term, weight: 1, whole: true }] : [];
        if (word.length < 3) return exact;            // two letters: the word itself, not what it may become
        var completions = chooseTerms(vocab, function (w) { return w.length > word.length && w.lastIndexOf(word, 0) === 0; },
          PREFIX_TERMS, COMPLETION_WEIGHT, index.n).filter(function (t) { return t.term !== item.term; });
        var chosen = exact.concat(completions);
        if (!chosen.length && word.length >= S.TYPO_MIN) {
          chosen = chooseTerms(vocab, function (w) { return S.oneTypoPrefix(word, w); }, TYPO_TERMS, TYPO_WEIGHT);
        }
        return chosen;
      });
    }

    function withPostings(index, chosen) {
      return Promise.all(chosen.map(function (c) {
        return termPostings(index, c.term).then(function (p) { c.postings = p; return c; });
      })).then(function (terms) { return terms.filter(function (t) { return t.postings; }); });
    }

    function resolveWord(index, item) {
      return (item.prefix ? resolvePrefix(index, item) : resolveWhole(index, item)).then(function (chosen) {
        return withPostings(index, chosen);
      }).then(function (terms) {
        return { kind: "word", item: item, terms: terms };
      });
    }

    function resolvePhrase(index, item) {
      var pairs = [];
      for (var i = 0; i + 1 < item.words.length; i++) pairs.push(item.words[i] + " " + item.words[i + 1]);
      var scored = item.words.filter(function (w) { return !S.STOP_WORDS.has(w); });
      return Promise.all([
        Promise.all(pairs.map(function (p) { return pairDocs(index, p); })),
        withPostings(index, scored.map(function (w) { return { term: S.term(w), weight: 1 }; }))
      ]).then(function (got) {
        return { kind: "phrase", item: item, pairs: got[0], terms: got[1] };
      });
    }

    function resolveItem(index, item) {
      if (item.kind === "word") return resolveWord(index, item);
      if (item.kind === "phrase") return resolvePhrase(index, item);
      if (item.kind === "reference") return Promise.resolve({ kind: "reference", item: item, docs: referenceDocs(index, item) });
      var alternatives = [item.typed].concat(item.others).map(function (alt) { return resolveItem(index, alt); });
      return Promise.all(alternatives).then(function (got) { return { kind: "any", item: item, alternatives: got }; });
    }

    // Two finished words next to each other in the query, unquoted and neither a common word: the
    // decisions holding them side by side rank higher ("care home" before home care), matched or not by
    // anything else.
    function nearPairs(index, parsed) {
      var near = [];
      parsed.forEach(function (a, i) {
        var b = parsed[i + 1];
        if (!b || a.kind !== "word" || b.kind !== "word" || a.prefix || b.prefix || a.quoted || b.quoted ||
            S.STOP_WORDS.has(a.word) || S.STOP_WORDS.has(b.word)) return;
        near.push(pairDocs(index, a.word + " " + b.word).then(function (docs) { return { kind: "near", docs: docs }; }));
      });
      return near;
    }

    // A query (S.parseQuery) -> its items, each with what it matches: { kind, item, terms | pairs |
    // alternatives | docs }. Common words ("the", "to") count only when nothing else is asked for; a word
    // being typed counts from two letters, from three when there is anything else.
    function resolve(index, parsed) {
      var items = S.withEquivalents(parsed.filter(function (item) {
        return item.kind !== "word" || !item.prefix || item.word.length >= 2;
      }), index.manifest.equivalents);
      var content = items.filter(function (item) {
        return item.kind !== "word" || (!S.STOP_WORDS.has(item.word) && (!item.prefix || item.word.length >= 3));
      });
      if (content.length) items = content;
      var near = content.length > 1 ? nearPairs(index, parsed) : [];
      return Promise.all(items.map(function (item) { return resolveItem(index, item); }).concat(near)).then(function (got) {
        return got.filter(function (it) { return it.kind !== "near" || (it.docs && it.docs.length); });
      });
    }

    function loadTotals(index) {
      if (index.total) return Promise.resolve();
      return load("totals.json").then(function (data) {
        var values = S.unpack((data && data.total) || "");
        var total = new Float64Array(index.n);
        for (var i = 0; i < index.n && i < values.length; i++) total[i] = values[i];
        index.total = total;
      });
    }

    // A decision's text: { r, s, p: [[number, text], ...] }, from the file it shares with a neighbour.
    function text(index, doc) {
      if (!index.texts) index.texts = S.textFiles(index.slug);
      var file = index.texts.of(index.slug[doc]);
      return load(file.path).then(function (data) { return has(data, index.slug[doc]) ? data[index.slug[doc]] : null; });
    }

    return { resolve: resolve, loadTotals: loadTotals, text: text };
  }

  /* ---------- references ---------- */

  // The decisions a reference item names: its reference (any letter after it, unless one is given), or
  // every reference it starts.
  function referenceDocs(index, item) {
    var base = parseInt(item.yy, 10) * 1000000 + parseInt(item.first, 10) * 1000;
    var low = item.last ? base + parseInt(item.last, 10) : base, high = item.last ? low : base + 999;
    var out = [];
    for (var d = 0; d < index.n; d++) {
      var r = index.refNumber[d];
      if (r >= low && r <= high && (!item.suffix || index.suffix[d] === item.suffix)) out.push(d);
    }
    return out;
  }

  /* ---------- matching and ranking ---------- */

  function bm25(index, term, i) {
    var p = term.postings;
    var tf = p.weight[i];
    var norm = K1 * (1 - B + B * index.length[p.docs[i]] / index.averageLength);
    return term.weight * p.idf * tf * (K1 + 1) / (tf + norm);
  }

  function intersect(lists) {
    if (!lists.length || lists.some(function (l) { return !l; })) return [];
    lists = lists.slice().sort(function (a, b) { return a.length - b.length; });
    var out = Array.from(lists[0]);
    for (var k = 1; k < lists.length; k++) {
      var other = lists[k], next = [], j = 0;
      for (var i = 0; i < out.length; i++) {
        while (j < other.length && other[j] < out[i]) j++;
        if (j < other.length && other[j] === out[i]) next.push(out[i]);
      }
      out = next;
    }
    return out;
  }

  // One resolved item -> Map doc -> { score, whole } for the decisions it matches (whole: not by a
  // completion of the word being typed alone).
  function scoreItem(index, it) {
    var out = new Map();
    function offer(d, score, whole) {
      var known = out.get(d);
      if (!known) out.set(d, { score: score, whole: whole });
      else {
        if (score > known.score) known.score = score;
        known.whole = known.whole || whole;
      }
    }
    if (it.kind === "word") {
      it.terms.forEach(function (t) {
        var docs = t.postings.docs;
        for (var i = 0; i < docs.length; i++) offer(docs[i], bm25(index, t, i) + 1e-9, !!t.whole || !it.item.prefix);
      });
    } else if (it.kind === "phrase") {
      var docs = intersect(it.pairs);
      var df = docs.length;
      var bonus = PHRASE_BONUS * Math.log(1 + (index.n - df + 0.5) / (df + 0.5)) + 1e-9;
      docs.forEach(function (d) { out.set(d, { score: bonus, whole: true }); });
      it.terms.forEach(function (t) {
        for (var k = 0; k < t.postings.docs.length; k++) {
          var hit = out.get(t.postings.docs[k]);
          if (hit) hit.score += bm25(index, t, k);
        }
      });
    } else if (it.kind === "any") {
      it.alternatives.forEach(function (alt) {
        scoreItem(index, alt).forEach(function (hit, d) { offer(d, hit.score, hit.whole); });
      });
    }
    return out;
  }

  // Resolved items -> { matched, score, partial, referenced } over all decisions (matched null: every
  // decision). References are not words to match: the decisions they name come first (`referenced`);
  // a reference alone lists those decisions.
  function match(index, items) {
    var n = index.n;
    var refs = items.filter(function (it) { return it.kind === "reference"; });
    var near = items.filter(function (it) { return it.kind === "near"; });
    var others = items.filter(function (it) { return it.kind !== "reference" && it.kind !== "near"; });
    var referenced = [];
    refs.forEach(function (it) { it.docs.forEach(function (d) { if (referenced.indexOf(d) === -1) referenced.push(d); }); });
    if (!others.length) {
      if (!refs.length) return { matched: null, score: null, partial: null, referenced: [] };
      var only = new Uint8Array(n);
      referenced.forEach(function (d) { only[d] = 1; });
      return { matched: only, score: new Float64Array(n), partial: new Uint8Array(n), referenced: referenced };
    }
    var hits = new Uint8Array(n), score = new Float64Array(n), partial = new Uint8Array(n);
    others.forEach(function (it) {
      scoreItem(index, it).forEach(function (hit, d) {
        hits[d]++;
        score[d] += hit.score;
        if (!hit.whole) partial[d] = 1;
      });
    });
    var matched = new Uint8Array(n);
    for (var d = 0; d < n; d++) if (hits[d] === others.length) matched[d] = 1;
    near.forEach(function (it) {
      var bonus = NEAR_BONUS * Math.log(1 + (n - it.docs.length + 0.5) / (it.docs.length + 0.5));
      for (var k = 0; k < it.docs.length; k++) score[it.docs[k]] += bonus;
    });
    refs.forEach(function (it) {
      if (it.item.last) it.docs.forEach(function (doc) { matched[doc] = 1; });
    });
    return { matched: matched, score: score, partial: partial, referenced: referenced };
  }

  var FACETS = ["council", "category", "subcategory", "outcome", "band", "year"];

  // Facet counts: each value counts the decisions it would give with the other facets' choices.
  // `selected`: facet -> Set of chosen values (1-based positions).
  function filterAndCount(index, matched, selected) {
    var results = [], counts = {}, flags = {};
    var active = FACETS.filter(function (f) { return selected[f] && selected[f].size > 0; });
    FACETS.forEach(function (f) {
      counts[f] = new Int32Array(index.values[f].length + 1);
      var flag = new Uint8Array(index.values[f].length + 1);
      if (selected[f]) selected[f].forEach(function (v) { flag[v] = 1; });
      flags[f] = flag;
    });
    for (var d = 0; d < index.n; d++) {
      if (matched && !matched[d]) continue;
      var fails = 0, failed = null;
      for (var a = 0; a < active.length; a++) {
        if (!flags[active[a]][index.facet[active[a]][d]]) { fails++; failed = active[a]; if (fails > 1) break; }
      }
      if (fails === 0) {
        results.push(d);
        for (var f = 0; f < FACETS.length; f++) counts[FACETS[f]][index.facet[FACETS[f]][d]]++;
      } else if (fails === 1) {
        counts[failed][index.facet[failed][d]]++;
      }
    }
    return { results: results, counts: counts };
  }

  // Best match: decisions a reference names first (in the order named), then those that match every word
  // as a whole word, then those that match the word being typed only by what it may become; by score.
  function sortResults(index, results, found, sort) {
    var date = index.date, total = index.total;
    var score = found.score, partial = found.partial;
    var first = new Map((found.referenced || []).map(function (d, k) { return [d, k + 1]; }));
    function named(a, b) {
      var x = first.get(a) || 1e9, y = first.get(b) || 1e9;
      return x - y;
    }
    if (sort === "relevance" && score) {
      results.sort(function (a, b) {
        return named(a, b) || partial[a] - partial[b] || score[b] - score[a] || b - a;
      });
    } else if (sort === "oldest") {
      results.sort(function (a, b) {
        if (!date[a] !== !date[b]) return date[a] ? -1 : 1;
        return a - b;
      });
    } else if (sort === "remedy") {
      results.sort(function (a, b) { return total[b] - total[a] || b - a; });
    } else {
      results.sort(function (a, b) { return named(a, b) || b - a; });   // ids count from the oldest
    }
    return results;
  }

  /* ---------- the text of a result ---------- */

  // Words of original text with their places: [{ start, end, word, term }].
  var TOKEN = /[\p{L}\p{M}\p{N}]+(?:['\u2018\u2019][\p{L}\p{M}\p{N}]+)*/gu;

  function tokens(value) {
    var out = [];
    TOKEN.lastIndex = 0;
    var m;
    while ((m = TOKEN.exec(value)) !== null) {
      var ws = S.words(S.fold(m[0]));
      if (!ws.length) continue;
      var word = ws.join("");
      out.push({ start: m.index, end: m.index + m[0].length, word: word, term: S.term(word) });
    }
    return out;
  }

  // What to mark: { terms: Set, phrases: [[word, ...]] } from resolved items.
  function wanted(items) {
    var terms = new Set(), phrases = [];
    function add(it) {
      if (it.kind === "word") it.terms.forEach(function (t) { terms.add(t.term); });
      else if (it.kind === "phrase") phrases.push(it.item.words);
      else if (it.kind === "any") it.alternatives.forEach(add);
    }
    items.forEach(add);
    return { terms: terms, phrases: phrases };
  }

  // Which items a text holds, and where: { items: count of distinct items, hits, ranges }.
  function marks(value, items) {
    var toks = tokens(value);
    var found = new Set(), ranges = [];
    items.forEach(function (it, k) {
      var want = wanted([it]);
      toks.forEach(function (t) {
        if (want.terms.has(t.term)) { found.add(k); ranges.push([t.start, t.end]); }
      });
      want.phrases.forEach(function (ws) {
        for (var i = 0; i + ws.length <= toks.length; i++) {
          var ok = true;
          for (var j = 0; j < ws.length && ok; j++) ok = toks[i + j].word === ws[j];
          if (ok) { found.add(k); ranges.push([toks[i].start, toks[i + ws.length - 1].end]); }
        }
      });
    });
    return { items: found.size, hits: ranges.length, ranges: S.mergeRanges(ranges) };
  }

  // The paragraph of a decision's text that holds most of the query's items, then most matches:
  // { n, text, found } or null.
  function bestParagraph(record, items) {
    var best = null;
    var shown = items.filter(function (it) { return it.kind !== "reference" && it.kind !== "near"; });
    if (!record || !shown.length) return null;
    record.p.forEach(function (p) {
      var found = marks(p[1], shown);
      if (found.items && (!best || found.items > best.found.items ||
          (found.items === best.found.items && found.hits > best.found.hits))) {
        best = { n: p[0], text: p[1], found: found };
      }
    });
    return best;
  }

  // The terms and "quoted phrases" to mark on the decision page (its `hl` parameter).
  function highlightParam(items) {
    var want = wanted(items), parts = Array.from(want.terms);
    want.phrases.forEach(function (ws) { parts.push("\"" + ws.join(" ") + "\""); });
    return parts.join(" ");
  }

  return {
    prepare: prepare, create: create, match: match, filterAndCount: filterAndCount, sortResults: sortResults,
    referenceDocs: referenceDocs, tokens: tokens, marks: marks, bestParagraph: bestParagraph,
    highlightParam: highlightParam, FACETS: FACETS
  };
});
