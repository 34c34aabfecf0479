/* Decisions Digest: the search page (/search/).
 *
 * Reads the sharded index under /search/ (see generator/search.py): the manifest and document table
 * once, then per query only the vocabulary files, word shards and pair shards its words need, and one
 * text part per result shown. Decision text comes from third parties, so the page is built with
 * createElement/textContent only: no HTML is ever parsed from data or from the query.
 */
(function () {
  "use strict";

  var S = window.DigestSearch;
  var BASE = "/search/";
  var PAGE_SIZE = 20;
  var DEBOUNCE_MS = 30;
  var SETTLE_MS = 200;          // while typing, text parts (snippets) wait for a pause this long
  var SNIPPET_LENGTH = 260;
  var PREFIX_TERMS = 5;         // completions of a word being typed, most frequent first, while their
                                // decisions add up to no more than all the decisions once
  var TYPO_TERMS = 4;           // words one typo away
  var K1 = 1.2, B = 0.75;       // BM25
  var PHRASE_BONUS = 1.5;
  var WIDE_SCREEN = "(min-width: 52em)";

  var FACETS = [
    { key: "council", legend: "Council", long: true },
    { key: "category", legend: "Category", long: true },
    { key: "subcategory", legend: "Subcategory", long: true },
    { key: "outcome", legend: "Outcome", long: false },
    { key: "band", legend: "Financial remedy", long: false },
    { key: "year", legend: "Year", long: false }
  ];
  var SORTS = [
    { key: "relevance", label: "Best match" },
    { key: "newest", label: "Newest first" },
    { key: "oldest", label: "Oldest first" },
    { key: "remedy", label: "Largest remedy" }
  ];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  /* ---------- fetching: each file once ---------- */

  var files = new Map();        // path -> promise of its JSON
  var loaded = new Map();       // path -> its JSON, once here

  function load(path) {
    var hit = files.get(path);
    if (hit) return hit;
    var promise = fetch(BASE + path, { credentials: "same-origin" }).then(function (res) {
      if (res.status === 404) return null;
      if (!res.ok) throw new Error("HTTP " + res.status + " for " + path);
      return res.json();
    }).then(function (data) {
      loaded.set(path, data);
      return data;
    });
    promise.catch(function () { files.delete(path); });
    files.set(path, promise);
    return promise;
  }

  /* ---------- the document table ---------- */

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
    var refNumbers = column("reference", Float64Array);
    var suffix = table.suffix || {};
    var reference = new Array(n);
    for (i = 0; i < n; i++) {
      var r = refNumbers[i];
      var yy = Math.floor(r / 1000000), rest = r % 1000000;
      reference[i] = pad(yy, 2) + " " + pad(Math.floor(rest / 1000), 3) + " " + pad(rest % 1000, 3) +
        (Object.prototype.hasOwnProperty.call(suffix, String(i)) ? suffix[i] : "");
    }
    var lengthCode = column("length", Int32Array);
    var length = new Float64Array(n);
    for (i = 0; i < n; i++) length[i] = Math.pow(manifest.lengthBase, lengthCode[i]) - 1;
    var yearValues = Array.from(years.keys()).sort(function (a, b) { return b - a; });
    var values = {
      council: manifest.facets.council, category: manifest.facets.category,
      subcategory: manifest.facets.subcategory, outcome: manifest.facets.outcome,
      band: manifest.facets.band, year: yearValues.map(String)
    };
    var yearIndex = new Map(yearValues.map(function (y, k) { return [y, k + 1]; }));
    var yearColumn = new Int32Array(n);
    for (i = 0; i < n; i++) yearColumn[i] = year[i] ? yearIndex.get(year[i]) : 0;
    return {
      n: n,
      manifest: manifest,
      date: date,
      reference: reference,
      length: length,
      averageLength: manifest.averageLength || 1,
      total: null,                       // loaded when sorting by remedy
      facet: {
        council: column("council", Int32Array), category: column("category", Int32Array),
        subcategory: column("subcategory", Int32Array), outcome: column("outcome", Int32Array),
        band: column("band", Int32Array), year: yearColumn
      },
      values: values,
      vocabulary: new Set(manifest.vocabulary || []),
      ownFiles: new Set(manifest.ownFiles || []),
      parts: column("parts", Int32Array),
      inferred: column("inferred", Int32Array)    // facts inferred rather than printed: 4 outcome, 8 date
    };
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = "0" + text;
    return text;
  }

  /* ---------- postings ---------- */

  var decoded = new Map();

  // [packed id gaps, a weight character a decision, a part-mask character a decision]
  function decodeTerm(packed, n) {
    var gaps = S.unpack(packed[0]);
    var count = gaps.length;
    var docs = new Int32Array(count), weight = new Float64Array(count), mask = new Int32Array(count);
    var doc = -1;
    for (var i = 0; i < count; i++) {
      doc += gaps[i];
      docs[i] = doc;
      weight[i] = Math.pow(2, S.digit(packed[1].charCodeAt(i)) / 3);
      mask[i] = packed[2] ? S.digit(packed[2].charCodeAt(i)) : -1;      // -1: no mask, any part
    }
    return { docs: docs, weight: weight, mask: mask, idf: Math.log(1 + (n - count + 0.5) / (count + 0.5)) };
  }

  function termPostings(index, term) {
    var key = "t:" + term;
    if (decoded.has(key)) return Promise.resolve(decoded.get(key));
    var file = index.ownFiles.has(term) ? S.ownFile(term) : S.shardOf(term, index.manifest.termShards);
    return load("t/" + file + ".json").then(function (data) {
      var packed = data && Object.prototype.hasOwnProperty.call(data, term) ? data[term] : null;
      var postings = packed === null ? null : decodeTerm(packed, index.n);
      decoded.set(key, postings);
      return postings;
    });
  }

  function pairDocs(index, pair) {
    var key = "p:" + pair;
    if (decoded.has(key)) return Promise.resolve(decoded.get(key));
    var shard = S.shardOf(pair, index.manifest.pairShards);
    return load("p/" + shard + ".json").then(function (data) {
      var packed = data && Object.prototype.hasOwnProperty.call(data, pair) ? data[pair] : null;
      var docs = null;
      if (packed !== null) {
        var gaps = S.unpack(packed);
        docs = new Int32Array(gaps.length);
        var doc = -1;
        for (var i = 0; i < gaps.length; i++) { doc += gaps[i]; docs[i] = doc; }
      }
      decoded.set(key, docs);
      return docs;
    });
  }

  function vocabulary(index, word) {
    var name = S.vocabularyFile(word);
    if (!index.vocabulary.has(name)) return Promise.resolve({});
    return load("v/" + name + ".json").then(function (data) { return data || {}; });
  }

  function find(docs, doc) {
    var lo = 0, hi = docs.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (docs[mid] < doc) lo = mid + 1;
      else if (docs[mid] > doc) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  /* ---------- resolving the query: which terms each word stands for ---------- */

  // -> [{ term, weight }], most frequent first.
  function chooseTerms(vocab, test, limit, weight, budget) {
    var byTerm = new Map();
    Object.keys(vocab).forEach(function (word) {
      if (!test(word)) return;
      var entry = vocab[word];
      if (!byTerm.has(entry[0]) || byTerm.get(entry[0]) < entry[1]) byTerm.set(entry[0], entry[1]);
    });
    return Array.from(byTerm.entries())
      .sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); })
      .slice(0, limit)
      .filter(function (e, k) {
        if (budget === undefined) return true;
        budget -= e[1];
        return k === 0 || budget >= 0;
      })
      .map(function (e) { return { term: e[0], weight: weight }; });
  }

  function resolveWord(index, item) {
    var word = item.word;
    if (!item.prefix) {
      return termPostings(index, item.term).then(function (postings) {
        if (postings || word.length < S.TYPO_MIN || item.quoted) return postings ? [{ term: item.term, weight: 1 }] : [];
        return vocabulary(index, word).then(function (vocab) {
          return chooseTerms(vocab, function (w) { return S.oneTypo(word, w); }, TYPO_TERMS, 0.7);
        });
      });
    }
    return vocabulary(index, word).then(function (vocab) {
      var exact = Object.prototype.hasOwnProperty.call(vocab, word) ? [{ term: vocab[word][0], weight: 1 }] : [];
      if (word.length < 3) return exact;            // two letters: the word itself, not what it may become
      var completions = chooseTerms(vocab, function (w) { return w.length > word.length && w.lastIndexOf(word, 0) === 0; },
        PREFIX_TERMS, 0.9, index.n).filter(function (t) { return !exact.length || t.term !== exact[0].term; });
      var chosen = exact.concat(completions);
      if (!chosen.length && word.length >= S.TYPO_MIN) {
        chosen = chooseTerms(vocab, function (w) { return S.oneTypoPrefix(word, w); }, TYPO_TERMS, 0.7);
      }
      return chosen;
    });
  }

  // Every item becomes { kind, terms: [{term, weight, postings}], pairs: [docs], words } ready to score.
  function resolve(index, parsed) {
    // A word still being typed counts from two letters; common words ("the", "to") count only when
    // nothing else is asked for, and a word being typed that is one of them or shorter than three letters
    // waits for the next letter when there is anything else.
    var items = parsed.filter(function (item) { return item.kind === "phrase" || !item.prefix || item.word.length >= 2; });
    var content = items.filter(function (item) {
      return item.kind === "phrase" || (!S.STOP_WORDS.has(item.word) && (!item.prefix || item.word.length >= 3));
    });
    if (content.length) items = content;
    return Promise.all(items.map(function (item) {
      if (item.kind === "word") {
        return resolveWord(index, item).then(function (chosen) {
          return Promise.all(chosen.map(function (c) {
            return termPostings(index, c.term).then(function (p) { c.postings = p; return c; });
          })).then(function (terms) {
            return { kind: "word", item: item, terms: terms.filter(function (t) { return t.postings; }) };
          });
        });
      }
      var pairs = [];
      for (var i = 0; i + 1 < item.words.length; i++) pairs.push(item.words[i] + " " + item.words[i + 1]);
      var scored = item.words.filter(function (w) { return !S.STOP_WORDS.has(w); });
      return Promise.all([
        Promise.all(pairs.map(function (p) { return pairDocs(index, p); })),
        Promise.all(scored.map(function (w) {
          var t = S.stem(w);
          return termPostings(index, t).then(function (p) { return { term: t, weight: 1, postings: p }; });
        }))
      ]).then(function (got) {
        return { kind: "phrase", item: item, pairs: got[0], terms: got[1].filter(function (t) { return t.postings; }) };
      });
    }));
  }

  /* ---------- matching and ranking ---------- */

  function bm25(index, term, i) {
    var p = term.postings;
    var doc = p.docs[i];
    var tf = p.weight[i];
    var norm = K1 * (1 - B + B * index.length[doc] / index.averageLength);
    return term.weight * p.idf * tf * (K1 + 1) / (tf + norm);
  }

  function intersect(lists) {
    if (!lists.length || lists.some(function (l) { return !l; })) return new Int32Array(0);
    lists = lists.slice().sort(function (a, b) { return a.length - b.length; });
    var out = lists[0];
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

  // -> { matched: Uint8Array, score: Float64Array } over all decisions (null matched = every decision).
  function match(index, items) {
    var n = index.n;
    if (!items.length) return { matched: null, score: null };
    var hits = new Uint8Array(n), score = new Float64Array(n), best = new Float64Array(n);
    items.forEach(function (it) {
      var touched = [];
      if (it.kind === "word") {
        it.terms.forEach(function (t) {
          var docs = t.postings.docs;
          for (var i = 0; i < docs.length; i++) {
            var s = bm25(index, t, i) + 1e-9;
            var d = docs[i];
            if (best[d] === 0) touched.push(d);
            if (s > best[d]) best[d] = s;
          }
        });
      } else {
        var docs = intersect(it.pairs);
        var df = docs.length;
        var bonus = PHRASE_BONUS * Math.log(1 + (n - df + 0.5) / (df + 0.5)) + 1e-9;
        for (var i = 0; i < docs.length; i++) { best[docs[i]] = bonus; touched.push(docs[i]); }
        it.terms.forEach(function (t) {
          var tdocs = t.postings.docs;
          for (var k = 0; k < tdocs.length; k++) if (best[tdocs[k]] > 0) best[tdocs[k]] += bm25(index, t, k);
        });
      }
      for (var j = 0; j < touched.length; j++) {
        var d = touched[j];
        hits[d]++;
        score[d] += best[d];
        best[d] = 0;
      }
    });
    var need = items.length;
    var matched = new Uint8Array(n);
    for (var d = 0; d < n; d++) if (hits[d] === need) matched[d] = 1;
    return { matched: matched, score: score };
  }

  // Facet counts: each value counts the decisions it would give with the other facets' choices.
  function filterAndCount(index, matched, selected) {
    var n = index.n, results = [];
    var counts = {};
    var active = FACETS.filter(function (f) { return selected[f.key].size > 0; });
    FACETS.forEach(function (f) { counts[f.key] = new Int32Array(index.values[f.key].length + 1); });
    var flags = {};
    FACETS.forEach(function (f) {
      var flag = new Uint8Array(index.values[f.key].length + 1);
      selected[f.key].forEach(function (v) { flag[v] = 1; });
      flags[f.key] = flag;
    });
    for (var d = 0; d < n; d++) {
      if (matched && !matched[d]) continue;
      var fails = 0, failed = null;
      for (var a = 0; a < active.length; a++) {
        var key = active[a].key;
        if (!flags[key][index.facet[key][d]]) { fails++; failed = key; if (fails > 1) break; }
      }
      if (fails === 0) {
        results.push(d);
        for (var f = 0; f < FACETS.length; f++) counts[FACETS[f].key][index.facet[FACETS[f].key][d]]++;
      } else if (fails === 1) {
        counts[failed][index.facet[failed][d]]++;
      }
    }
    return { results: results, counts: counts };
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

  function sortResults(index, results, score, sort) {
    var date = index.date, total = index.total;
    if (sort === "relevance" && score) {
      results.sort(function (a, b) { return score[b] - score[a] || b - a; });
    } else if (sort === "oldest") {
      results.sort(function (a, b) {
        if (!date[a] !== !date[b]) return date[a] ? -1 : 1;
        return a - b;
      });
    } else if (sort === "remedy") {
      results.sort(function (a, b) { return total[b] - total[a] || b - a; });
    } else {
      results.sort(function (a, b) { return b - a; });     // ids count from the oldest; undated come first
    }
    return results;
  }

  /* ---------- text of a result ---------- */

  // Words of original text with their places: [{ start, end, word, term }].
  var TOKEN = /[\p{L}\p{M}\p{N}]+(?:['\u2018\u2019][\p{L}\p{M}\p{N}]+)*/gu;

  function tokens(text) {
    var out = [];
    TOKEN.lastIndex = 0;
    var m;
    while ((m = TOKEN.exec(text)) !== null) {
      var ws = S.words(S.fold(m[0]));
      if (!ws.length) continue;
      var word = ws.join("");
      out.push({ start: m.index, end: m.index + m[0].length, word: word, term: S.stem(word) });
    }
    return out;
  }

  // Which items a text holds, and where: { items: count of distinct items, hits, ranges }.
  function marks(text, items) {
    var toks = tokens(text);
    var found = new Set(), ranges = [];
    items.forEach(function (it, k) {
      if (it.kind === "word") {
        var set = it.termSet;
        toks.forEach(function (t) {
          if (set.has(t.term)) { found.add(k); ranges.push([t.start, t.end]); }
        });
      } else {
        var ws = it.item.words;
        for (var i = 0; i + ws.length <= toks.length; i++) {
          var ok = true;
          for (var j = 0; j < ws.length && ok; j++) ok = toks[i + j].word === ws[j];
          if (ok) { found.add(k); ranges.push([toks[i].start, toks[i + ws.length - 1].end]); }
        }
      }
    });
    return { items: found.size, hits: ranges.length, ranges: S.mergeRanges(ranges) };
  }

  // The text part most likely to hold the words: { part, unsure } (unsure: some word has no part mask).
  function bestPart(index, items, doc) {
    var counts = [], unsure = false;
    items.forEach(function (it) {
      var mask = it.kind === "word" ? 0 : -1;
      it.terms.forEach(function (t) {
        var i = find(t.postings.docs, doc);
        var m = i < 0 ? 0 : t.postings.mask[i];
        mask = it.kind === "word" ? mask | m : mask & m;
      });
      if (mask === -1) { unsure = true; return; }       // anywhere: no help in choosing
      for (var k = 0; mask; k++, mask >>>= 1) if (mask & 1) counts[k] = (counts[k] || 0) + 1;
    });
    var best = 0;
    for (var k = 1; k < counts.length; k++) if ((counts[k] || 0) > (counts[best] || 0)) best = k;
    return { part: best, unsure: unsure };
  }

  /* ---------- rendering helpers ---------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function isoDate(day) {
    return day ? new Date((day - 1) * 86400000).toISOString().slice(0, 10) : null;
  }

  function prettyDate(day) {
    if (!day) return null;
    var d = new Date((day - 1) * 86400000);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  function firstSentence(text) {
    var t = (text || "").trim();
    var m = /^[\s\S]*?[.!?](?=\s+["'\u2018\u201C(\[]?[A-Z0-9]|\s*$)/.exec(t);
    return m ? m[0] : t;
  }

  function slugOf(reference) {
    return reference.trim().split(/\s+/).join("-");
  }

  function appendMarked(parent, text, offset, ranges) {
    var pos = 0;
    ranges.forEach(function (r) {
      var s = Math.max(r[0] - offset, 0), e = Math.min(r[1] - offset, text.length);
      if (e <= pos || s >= text.length) return;
      s = Math.max(s, pos);
      if (s > pos) parent.appendChild(document.createTextNode(text.slice(pos, s)));
      parent.appendChild(el("mark", null, text.slice(s, e)));
      pos = e;
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  function snippetWindow(text, ranges) {
    if (text.length <= SNIPPET_LENGTH) return [0, text.length];
    var first = ranges.length ? ranges[0][0] : 0;
    var start = Math.max(0, first - Math.floor(SNIPPET_LENGTH / 4));
    if (start + SNIPPET_LENGTH > text.length) start = Math.max(0, text.length - SNIPPET_LENGTH);
    var end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (start > 0) {
      var sp = text.indexOf(" ", start);
      if (sp !== -1 && sp < first) start = sp + 1;
    }
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      if (back > start && back > (ranges.length ? ranges[0][1] : start)) end = back;
    }
    return [start, end];
  }

  // The terms to highlight on the decision page: stems, and phrases in double quotes.
  function highlightParam(items) {
    var parts = [];
    items.forEach(function (it) {
      if (it.kind === "word") it.terms.forEach(function (t) { if (parts.indexOf(t.term) === -1) parts.push(t.term); });
      else parts.push("\"" + it.item.words.join(" ") + "\"");
    });
    return parts.join(" ");
  }

  /* ---------- the page ---------- */

  function init() {
    var form = document.getElementById("search-form");
    var input = document.getElementById("search-q");
    var app = document.getElementById("search-app");
    var panel = document.getElementById("search-filter-panel");
    var facetsBox = document.getElementById("search-filters");
    var activeLabel = document.getElementById("search-active-filters");
    var clearButton = document.getElementById("search-clear");
    var sortBox = document.getElementById("search-sort");
    var status = document.getElementById("search-status");
    var errorBox = document.getElementById("search-error");
    var emptyNote = document.getElementById("search-empty");
    var list = document.getElementById("search-results");
    var moreButton = document.getElementById("search-more");
    if (!S || !form || !input || !app || !status || !list) return;

    app.hidden = false;
    var index = null;
    var selected = {};
    var facetInputs = {};
    FACETS.forEach(function (f) { selected[f.key] = new Set(); facetInputs[f.key] = []; });
    var state = { items: [], results: [], page: 1, shown: 0, sort: "relevance" };
    var timer = null;
    var runNumber = 0;

    var wide = window.matchMedia ? window.matchMedia(WIDE_SCREEN) : null;
    function placePanel() { if (panel && wide) panel.open = wide.matches; }
    placePanel();
    if (wide && wide.addEventListener) wide.addEventListener("change", placePanel);

    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      input.value = params.get("q") || "";
      FACETS.forEach(function (f) {
        selected[f.key].clear();
        var wanted = new Set(params.getAll(f.key));
        index.values[f.key].forEach(function (v, i) { if (wanted.has(v)) selected[f.key].add(i + 1); });
        facetInputs[f.key].forEach(function (o) { o.box.checked = selected[f.key].has(o.value); });
      });
      var sort = params.get("sort");
      state.sort = SORTS.some(function (s) { return s.key === sort; }) ? sort : "relevance";
      if (sortBox) sortBox.value = state.sort;
      var page = parseInt(params.get("page") || "1", 10);
      state.page = page > 0 && page < 1000 ? page : 1;
    }

    function writeUrl() {
      var p = new URLSearchParams();
      if (input.value.trim()) p.set("q", input.value);
      FACETS.forEach(function (f) {
        facetInputs[f.key].forEach(function (o) { if (o.box.checked) p.append(f.key, o.name); });
      });
      if (state.sort !== "relevance") p.set("sort", state.sort);
      if (state.page > 1) p.set("page", String(state.page));
      var qs = p.toString();
      var url = window.location.pathname + (qs ? "?" + qs : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        try { window.history.replaceState(window.history.state, "", url); } catch (e) { /* rate limited */ }
      }
    }

    function buildFacets() {
      FACETS.forEach(function (f) {
        var names = index.values[f.key];
        var fieldset = el("fieldset", "search-facet");
        fieldset.id = "search-facet-" + f.key;
        fieldset.appendChild(el("legend", "search-facet-legend", f.legend));
        var ul = el("ul", "search-facet-options" + (f.long ? " search-facet-options-long" : ""));
        names.forEach(function (name, i) {
          var li = el("li", "search-facet-option");
          var box = el("input");
          box.type = "checkbox";
          box.id = "search-" + f.key + "-" + i;
          box.name = f.key;
          box.value = name;
          box.setAttribute("form", "search-form");
          box.className = "search-facet-input";
          var label = el("label", "search-facet-label");
          label.htmlFor = box.id;
          label.appendChild(el("span", "search-facet-name", name));
          label.appendChild(document.createTextNode(" "));
          var count = el("span", "search-facet-count", "");
          label.appendChild(count);
          li.appendChild(box);
          li.appendChild(label);
          ul.appendChild(li);
          var option = { value: i + 1, name: name, box: box, li: li, count: count, long: f.long };
          box.addEventListener("change", function () {
            if (box.checked) selected[f.key].add(option.value); else selected[f.key].delete(option.value);
            state.page = 1;
            run();
          });
          facetInputs[f.key].push(option);
        });
        fieldset.appendChild(ul);
        var empty = el("p", "search-facet-empty", "None for this search");
        empty.hidden = true;
        fieldset.appendChild(empty);
        facetsBox.appendChild(fieldset);
        facetInputs[f.key].empty = empty;
      });
    }

    function updateFacetCounts(counts) {
      var active = 0;
      FACETS.forEach(function (f) {
        var visible = 0;
        facetInputs[f.key].forEach(function (o) {
          var n = counts[f.key][o.value] || 0;
          o.count.textContent = "(" + n.toLocaleString("en-GB") + ")";
          o.li.classList.toggle("search-facet-option-zero", n === 0);
          o.li.hidden = o.long && n === 0 && !o.box.checked;
          if (!o.li.hidden) visible++;
          if (o.box.checked) active++;
        });
        if (facetInputs[f.key].empty) facetInputs[f.key].empty.hidden = visible > 0;
      });
      if (activeLabel) activeLabel.textContent = active ? "(" + active + " selected)" : "";
      if (clearButton) clearButton.hidden = active === 0;
    }

    function statusText(n) {
      if (n === 0) return "No decisions match";
      if (n === 1) return "1 decision matches";
      return n.toLocaleString("en-GB") + " decisions match";
    }

    function emptyAdvice(filtered) {
      var q = input.value.trim();
      if (q && filtered) return "No decision contains every word of \u201C" + q + "\u201D with the filters chosen. Try removing a filter, or fewer words.";
      if (q) return "No decision contains every word of \u201C" + q + "\u201D. Try fewer or shorter words, or check the spelling.";
      return "No decision fits all the filters chosen. Try removing one.";
    }

    // A result from the document table alone: title, date, outcome, band. Its text comes later.
    function renderResult(doc) {
      var facet = index.facet;
      var reference = index.reference[doc];
      var council = index.values.council[facet.council[doc] - 1] || "";
      var url = "/decisions/" + slugOf(reference) + "/";
      var title = council + " (" + reference + ")";
      var li = el("li", "search-result");
      var h = el("h3", "search-result-title");
      var a = el("a", null, title);
      a.href = url;
      h.appendChild(a);
      li.appendChild(h);
      var meta = el("p", "search-result-meta");
      var dateSpan = el("span", "search-result-date");
      var day = index.date[doc];
      if (day) {
        var time = el("time", null, prettyDate(day));
        time.setAttribute("datetime", isoDate(day));
        dateSpan.appendChild(time);
      } else {
        dateSpan.textContent = "Date not printed";
      }
      if (day) markInferred(dateSpan, doc, 8, "decision_date");
      meta.appendChild(dateSpan);
      var outcome = index.values.outcome[facet.outcome[doc] - 1];
      if (outcome) {
        var outcomeSpan = el("span", "search-result-outcome", outcome);
        markInferred(outcomeSpan, doc, 4, "outcome");
        meta.appendChild(outcomeSpan);
      }
      var band = index.values.band[facet.band[doc] - 1];
      if (band) meta.appendChild(el("span", "search-result-band", band));
      li.appendChild(meta);
      li.setAttribute("data-doc", String(doc));
      return li;
    }

    // A fact inferred from the statement's text, not printed in it: marked, with the note the pages show.
    function markInferred(span, doc, bit, name) {
      if (!(index.inferred[doc] & bit)) return;
      span.setAttribute("data-inferred", name);
      span.appendChild(document.createTextNode(" "));
      span.appendChild(el("span", "inferred-note", "(not printed in the statement; inferred from its text)"));
    }

    // The summary (browsing) or the best paragraph with the words marked (searching).
    function addText(li, doc, part, items) {
      if (!part || li.getAttribute("data-text") === "done") return;
      li.setAttribute("data-text", "done");
      var url = "/decisions/" + slugOf(index.reference[doc]) + "/";
      var best = null;
      if (items.length) {
        part.p.forEach(function (p) {
          var found = marks(p[1], items);
          if (found.items && (!best || found.items > best.found.items ||
              (found.items === best.found.items && found.hits > best.found.hits))) {
            best = { n: p[0], text: p[1], found: found };
          }
        });
      }
      if (part.s && (!best || !items.length)) {
        var sentence = items.length ? part.s : firstSentence(part.s);
        var sumMarks = items.length ? marks(sentence, items) : { ranges: [], items: 0 };
        if (!items.length || sumMarks.items) {
          var summary = el("p", "search-result-summary");
          var win = items.length ? snippetWindow(sentence, sumMarks.ranges) : [0, sentence.length];
          if (win[0] > 0) summary.appendChild(document.createTextNode("\u2026"));
          appendMarked(summary, sentence.slice(win[0], win[1]), win[0], sumMarks.ranges);
          if (win[1] < sentence.length) summary.appendChild(document.createTextNode("\u2026"));
          li.appendChild(summary);
        }
      }
      if (best) {
        var w = snippetWindow(best.text, best.found.ranges);
        var snip = el("p", "search-result-snippet");
        var link = el("a", "search-result-para", "para " + best.n);
        var hl = highlightParam(items);
        link.href = url + (hl ? "?" + new URLSearchParams({ hl: hl }).toString() : "") + "#para-" + best.n;
        link.setAttribute("aria-label", "para " + best.n + " of " + li.querySelector("h3").textContent);
        snip.appendChild(link);
        snip.appendChild(document.createTextNode(" "));
        var quote = el("span", "search-result-excerpt");
        if (w[0] > 0) quote.appendChild(document.createTextNode("\u2026"));
        appendMarked(quote, best.text.slice(w[0], w[1]), w[0], best.found.ranges);
        if (w[1] < best.text.length) quote.appendChild(document.createTextNode("\u2026"));
        snip.appendChild(quote);
        li.appendChild(snip);
      }
    }

    // Text part k of a decision: search/x/<slug>-<k>.json (named by the decision, not its id).
    function partFile(doc, k) {
      return "x/" + slugOf(index.reference[doc]) + "-" + k + ".json";
    }

    // The part likeliest to hold the query's words (the first, for facets alone), and whether common
    // words leave that unsure.
    function choiceFor(doc, items) {
      return items.length ? bestPart(index, items, doc) : { part: 0, unsure: false };
    }

    function partOf(doc, items) {
      return partFile(doc, choiceFor(doc, items).part);
    }

    function holds(part, items) {
      return part.p.some(function (p) { return marks(p[1], items).items > 0; }) ||
        (part.s ? marks(part.s, items).items > 0 : false);
    }

    // The part to show: the likeliest; when common words leave that unsure and it holds none of them,
    // the decision's other parts in turn.
    function textFor(doc, items) {
      var choice = choiceFor(doc, items);
      return load(partFile(doc, choice.part)).then(function (part) {
        if (!part || !choice.unsure || holds(part, items)) return part;
        var others = [];
        for (var k = 0; k < index.parts[doc]; k++) if (k !== choice.part) others.push(k);
        function next(i) {
          if (i >= others.length) return part;
          return load(partFile(doc, others[i])).then(function (other) {
            return other && holds(other, items) ? other : next(i + 1);
          });
        }
        return next(0);
      });
    }

    // Text for the results on show that have none yet; now, or once typing pauses.
    var textTimer = null;
    function loadTexts(number, wait) {
      if (textTimer) { clearTimeout(textTimer); textTimer = null; }
      var pending = Array.prototype.filter.call(list.children, function (li) {
        return li.getAttribute("data-text") !== "done";
      });
      function done() {
        list.setAttribute("data-text", "done");
        document.dispatchEvent(new CustomEvent("digest-search-texts", { detail: { query: input.value, run: number } }));
      }
      if (!pending.length) { done(); return; }
      list.setAttribute("data-text", "pending");
      var items = state.items;
      function go() {
        textTimer = null;
        Promise.all(pending.map(function (li) {
          var doc = parseInt(li.getAttribute("data-doc"), 10);
          return textFor(doc, items).then(function (part) { addText(li, doc, part, items); });
        })).then(function () {
          if (number === runNumber) done();
        }).catch(function () { /* the results stand without their text */ });
      }
      if (wait) textTimer = setTimeout(go, SETTLE_MS);
      else go();
    }

    function showRange(start, stop) {
      var frag = document.createDocumentFragment(), first = null;
      for (var i = start; i < stop; i++) {
        var doc = state.results[i];
        var li = renderResult(doc);
        var cached = loaded.get(partOf(doc, state.items));
        if (cached && (!state.items.length || holds(cached, state.items))) addText(li, doc, cached, state.items);
        frag.appendChild(li);
        if (!first) first = li;
      }
      list.appendChild(frag);
      state.shown = stop;
      return first;
    }

    function showMoreButton() {
      moreButton.hidden = state.shown >= state.results.length;
      if (!moreButton.hidden) {
        var left = state.results.length - state.shown;
        moreButton.textContent = "Show " + Math.min(PAGE_SIZE, left) + " more (" + left.toLocaleString("en-GB") + " not shown)";
      }
    }

    function finish(number) {
      list.setAttribute("aria-busy", "false");
      writeUrl();
      document.documentElement.setAttribute("data-search-ready", "true");
      document.dispatchEvent(new CustomEvent("digest-search-results", {
        detail: { query: input.value, count: state.results.length, run: number }
      }));
    }

    function run(typing) {
      if (!index) return;
      if (timer) { clearTimeout(timer); timer = null; }
      var number = ++runNumber;
      var parsed = S.parseQuery(input.value);
      list.setAttribute("aria-busy", "true");
      Promise.all([resolve(index, parsed), state.sort === "remedy" ? loadTotals(index) : null]).then(function (got) {
        var items = got[0];
        if (number !== runNumber) return;
        items.forEach(function (it) {
          it.termSet = new Set(it.terms.map(function (t) { return t.term; }));
        });
        var matched = match(index, items);
        var out = filterAndCount(index, matched.matched, selected);
        var sort = state.sort === "relevance" && !items.length ? "newest" : state.sort;
        state.items = items;
        state.results = sortResults(index, out.results, matched.score, sort);
        while (list.firstChild) list.removeChild(list.firstChild);
        showRange(0, Math.min(state.results.length, state.page * PAGE_SIZE));
        showMoreButton();
        updateFacetCounts(out.counts);
        status.textContent = statusText(state.results.length);
        if (emptyNote) {
          emptyNote.hidden = state.results.length > 0;
          emptyNote.textContent = state.results.length ? "" : emptyAdvice(FACETS.some(function (f) { return selected[f.key].size; }));
        }
        finish(number);
        loadTexts(number, typing);
      }).catch(function () {
        if (number !== runNumber) return;
        fail();
      });
    }

    function more() {
      var stop = Math.min(state.results.length, state.shown + PAGE_SIZE);
      var first = showRange(state.shown, stop);
      state.page = Math.ceil(stop / PAGE_SIZE);
      showMoreButton();
      writeUrl();
      loadTexts(runNumber, false);
      var link = first && first.querySelector("a");
      if (link) link.focus();
    }

    function fail() {
      status.textContent = "Search is not available";
      list.setAttribute("aria-busy", "false");
      if (errorBox) errorBox.hidden = false;
      if (panel) panel.hidden = true;
      document.documentElement.setAttribute("data-search-ready", "error");
    }

    input.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      state.page = 1;
      timer = setTimeout(function () { timer = null; run(true); }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (e) {
      if (!index) return;                   // not loaded yet: the GET form reloads the page
      e.preventDefault();
      state.page = 1;
      run();
    });
    if (sortBox) {
      sortBox.addEventListener("change", function () {
        state.sort = sortBox.value;
        state.page = 1;
        run();
      });
    }
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        FACETS.forEach(function (f) {
          selected[f.key].clear();
          facetInputs[f.key].forEach(function (o) { o.box.checked = false; });
        });
        state.page = 1;
        run();
        input.focus();
      });
    }
    moreButton.addEventListener("click", more);
    window.addEventListener("popstate", function () { if (index) { readUrl(); run(); } });

    list.setAttribute("aria-busy", "true");
    Promise.all([load("index.json"), load("docs.json")]).then(function (got) {
      if (!got[0] || !got[1]) throw new Error("no index");
      index = prepare(got[0], got[1]);
      buildFacets();
      readUrl();
      run();
    }).catch(fail);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
