/* Decisions Digest: full-text search and filters over /search/index.json.
 *
 * Everything runs in the browser. Decision text comes from third parties, so
 * the page is built with createElement/textContent only: no HTML is ever
 * parsed from data or from the query.
 */
(function () {
  "use strict";

  var INDEX_URL = "/search/index.json";
  var DEBOUNCE_MS = 100;
  var PAGE_SIZE = 50;
  var SNIPPET_LENGTH = 240;
  var WIDE_SCREEN = "(min-width: 52em)";

  var FACETS = [
    { key: "council", legend: "Council", long: true },
    { key: "category", legend: "Category", long: true },
    { key: "outcome", legend: "Outcome", long: false },
    { key: "band", legend: "Financial remedy", long: false }
  ];

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  /* ---------- folding: case, accents, curly quotes ---------- */

  // Every character folds to exactly one UTF-16 code unit, so offsets in the
  // folded text are offsets in the original text too (needed for <mark>).
  var CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201A": "'", "\u201B": "'", "\u2032": "'", "\u00B4": "'",
    "\u201C": "\"", "\u201D": "\"", "\u201E": "\"", "\u201F": "\"", "\u2033": "\"",
    "\u00AB": "\"", "\u00BB": "\"",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00A0": " ", "\u2007": " ", "\u2009": " ", "\u202F": " "
  };
  var foldCache = new Map();

  function foldChar(c) {
    var r = foldCache.get(c);
    if (r !== undefined) return r;
    if (Object.prototype.hasOwnProperty.call(CHAR_MAP, c)) {
      r = CHAR_MAP[c];
    } else {
      var base = c.normalize("NFD").charAt(0).toLowerCase();
      if (base.length === 1) {
        r = base;
      } else {
        var low = c.toLowerCase();
        r = low.length === 1 ? low : c;
      }
    }
    foldCache.set(c, r);
    return r;
  }

  function fold(s) {
    return s ? String(s).replace(/[A-Z]|[^\x00-\x7F]/g, foldChar) : "";
  }

  /* ---------- query parsing ---------- */

  var WORD_CHAR = "[\\p{L}\\p{N}]";
  var WORD_RE = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
  var IS_WORD_CHAR = /[\p{L}\p{N}]/u;

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
  }

  function makeTerm(text, phrase, prefix) {
    var src = escapeRegExp(text).replace(/\s+/g, "\\s+");
    var first = text.charAt(0);
    var last = text.charAt(text.length - 1);
    var pattern = (IS_WORD_CHAR.test(first) ? "(?<!" + WORD_CHAR + ")" : "") + src;
    if (IS_WORD_CHAR.test(last)) {
      // A prefix still highlights the whole word it starts.
      pattern += prefix ? WORD_CHAR + "*" : "(?!" + WORD_CHAR + ")";
    }
    return { text: text, phrase: phrase, prefix: prefix, re: new RegExp(pattern, "gu") };
  }

  // Returns the list of terms; every one must match (AND).
  function parseQuery(raw) {
    var q = fold(String(raw).normalize("NFC")).replace(/\p{M}/gu, "")
      .replace(/[\u0000-\u001F\u007F]/g, " ");
    var endsOpen = !/\s$/.test(q);
    var parts = [];
    var re = /"([^"]*)("?)|([^\s"]+)/g;
    var m;
    while ((m = re.exec(q)) !== null) {
      if (m[3] !== undefined) {
        var words = m[3].match(WORD_RE) || [];
        for (var i = 0; i < words.length; i++) parts.push({ text: words[i], phrase: false, closed: false });
      } else {
        var inner = m[1].replace(/\s+/g, " ").trim();
        if (inner) parts.push({ text: inner, phrase: true, closed: m[2] === "\"" });
      }
    }
    var seen = new Set();
    var terms = [];
    parts.forEach(function (p, idx) {
      var prefix = idx === parts.length - 1 && endsOpen && !p.closed;
      var key = (p.phrase ? "\"" : "") + p.text + (prefix ? "*" : "");
      if (seen.has(key)) return;
      seen.add(key);
      terms.push(makeTerm(p.text, p.phrase, prefix));
    });
    return terms;
  }

  function countHits(text, re) {
    if (!text) return 0;
    re.lastIndex = 0;
    var n = 0;
    while (re.exec(text) !== null) n++;
    return n;
  }

  function hitRanges(text, terms) {
    var ranges = [];
    terms.forEach(function (t) {
      t.re.lastIndex = 0;
      var m;
      while ((m = t.re.exec(text)) !== null) ranges.push([m.index, m.index + m[0].length]);
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var lastR = merged[merged.length - 1];
      if (lastR && r[0] <= lastR[1]) lastR[1] = Math.max(lastR[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  /* ---------- index ---------- */

  // NFC first, so an accent stored as a separate combining mark joins its
  // letter and folds away with it.
  function str(v) {
    return v === null || v === undefined ? "" : String(v).normalize("NFC");
  }

  function prepare(data) {
    var docs = (data.decisions || []).map(function (d, i) {
      var title = str(d.title);
      var tierA = [title];
      if (d.council && title.indexOf(d.council) === -1) tierA.push(str(d.council));
      if (d.reference && title.indexOf(d.reference) === -1) tierA.push(str(d.reference));
      var tierB = [str(d.summary), str(d.category), str(d.subcategory)];
      var paras = (d.paragraphs || []).map(function (p) {
        var text = str(p[1]);
        return { n: p[0], text: text, folded: fold(text) };
      });
      var a = fold(tierA.join("\u0000"));
      var b = fold(tierB.join("\u0000"));
      return {
        d: d,
        i: i,
        a: a,
        b: b,
        summary: str(d.summary),
        paras: paras,
        all: a + "\u0000" + b + "\u0000" + paras.map(function (p) { return p.folded; }).join("\u0000"),
        values: { council: d.council || null, category: d.category || null,
          outcome: d.outcome || null, band: d.band || null }
      };
    });
    var options = {};
    FACETS.forEach(function (f) {
      var present = new Set();
      docs.forEach(function (doc) { if (doc.values[f.key]) present.add(doc.values[f.key]); });
      var ordered = [];
      var preset = f.key === "outcome" ? data.outcomes : f.key === "band" ? data.bands : null;
      if (preset) {
        preset.forEach(function (v) { ordered.push(v); present.delete(v); });
      }
      var rest = Array.from(present).sort(function (x, y) {
        return x.localeCompare(y, "en-GB", { sensitivity: "base" });
      });
      options[f.key] = ordered.concat(rest);
    });
    return { docs: docs, options: options };
  }

  /* ---------- search ---------- */

  function newerFirst(x, y) {
    var dx = x.d.date || "", dy = y.d.date || "";
    if (dx !== dy) {
      if (!dx) return 1;
      if (!dy) return -1;
      return dx < dy ? 1 : -1;
    }
    return x.i - y.i;
  }

  function scoreDoc(doc, terms) {
    var s = { doc: doc, a: 0, b: 0, c: 0, best: null };
    var bestKey = null;
    terms.forEach(function (t) {
      s.a += countHits(doc.a, t.re);
      s.b += countHits(doc.b, t.re);
    });
    doc.paras.forEach(function (p) {
      var distinct = 0, hits = 0;
      terms.forEach(function (t) {
        var h = countHits(p.folded, t.re);
        if (h) { distinct++; hits += h; }
      });
      s.c += hits;
      if (hits && (!bestKey || distinct > bestKey[0] || (distinct === bestKey[0] && hits > bestKey[1]))) {
        bestKey = [distinct, hits];
        s.best = p;
      }
    });
    return s;
  }

  function runSearch(index, terms, selected) {
    var counts = {};
    FACETS.forEach(function (f) { counts[f.key] = new Map(); });
    var results = [];
    index.docs.forEach(function (doc) {
      for (var k = 0; k < terms.length; k++) {
        if (doc.all.search(terms[k].re) === -1) return;
      }
      var fails = 0, failed = null;
      FACETS.forEach(function (f) {
        var sel = selected[f.key];
        if (sel.size && !sel.has(doc.values[f.key])) { fails++; failed = f.key; }
      });
      if (fails === 0) {
        results.push(doc);
        FACETS.forEach(function (f) { bump(counts[f.key], doc.values[f.key]); });
      } else if (fails === 1) {
        bump(counts[failed], doc.values[failed]);
      }
    });
    var scored;
    if (terms.length) {
      scored = results.map(function (doc) { return scoreDoc(doc, terms); });
      scored.sort(function (x, y) {
        return (y.a - x.a) || (y.b - x.b) || (y.c - x.c) || newerFirst(x.doc, y.doc);
      });
    } else {
      scored = results.slice().sort(newerFirst).map(function (doc) {
        return { doc: doc, a: 0, b: 0, c: 0, best: null };
      });
    }
    var filtered = FACETS.some(function (f) { return selected[f.key].size > 0; });
    return { results: scored, counts: counts, filtered: filtered };
  }

  function bump(map, value) {
    if (value) map.set(value, (map.get(value) || 0) + 1);
  }

  /* ---------- rendering helpers ---------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function formatDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return null;
    var month = MONTHS[parseInt(m[2], 10) - 1];
    if (!month) return null;
    return parseInt(m[3], 10) + " " + month + " " + m[1];
  }

  function firstSentence(text) {
    var t = text.trim();
    var m = /^[\s\S]*?[.!?](?=\s+["'\u2018\u201C(\[]?[A-Z0-9]|\s*$)/.exec(t);
    return m ? m[0] : t;
  }

  // Appends text to parent, wrapping [start, end) ranges in <mark>.
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

  /* ---------- the page ---------- */

  function init() {
    var form = document.getElementById("search-form");
    var input = document.getElementById("search-q");
    var app = document.getElementById("search-app");
    var panel = document.getElementById("search-filter-panel");
    var facetsBox = document.getElementById("search-filters");
    var activeLabel = document.getElementById("search-active-filters");
    var clearButton = document.getElementById("search-clear");
    var status = document.getElementById("search-status");
    var errorBox = document.getElementById("search-error");
    var emptyNote = document.getElementById("search-empty");
    var list = document.getElementById("search-results");
    var moreButton = document.getElementById("search-more");
    if (!form || !input || !app || !status || !list) return;

    app.hidden = false;

    var index = null;
    var terms = [];
    var selected = {};
    var facetInputs = {};
    FACETS.forEach(function (f) { selected[f.key] = new Set(); facetInputs[f.key] = []; });
    var current = [];
    var shown = 0;
    var timer = null;

    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";

    var wide = window.matchMedia ? window.matchMedia(WIDE_SCREEN) : null;
    if (panel) {
      panel.open = wide ? wide.matches : true;
      if (wide && wide.addEventListener) {
        wide.addEventListener("change", function (e) { panel.open = e.matches; });
      }
    }

    function buildFacets() {
      FACETS.forEach(function (f) {
        var values = index.options[f.key];
        if (!values.length) return;
        var fieldset = el("fieldset", "search-facet search-facet-" + f.key);
        fieldset.id = "search-facet-" + f.key;
        fieldset.appendChild(el("legend", "search-facet-legend", f.legend));
        var ul = el("ul", "search-facet-options");
        if (f.long && values.length > 8) ul.classList.add("search-facet-options-long");
        values.forEach(function (v, i) {
          var li = el("li", "search-facet-option");
          var box = document.createElement("input");
          box.type = "checkbox";
          box.id = "search-" + f.key + "-" + i;
          box.name = f.key;
          box.value = v;
          box.setAttribute("form", "search-form");
          box.className = "search-facet-input";
          var label = el("label", "search-facet-label");
          label.htmlFor = box.id;
          label.appendChild(el("span", "search-facet-name", v));
          label.appendChild(document.createTextNode(" "));
          var count = el("span", "search-facet-count", "");
          label.appendChild(count);
          li.appendChild(box);
          li.appendChild(label);
          ul.appendChild(li);
          box.addEventListener("change", function () {
            if (box.checked) selected[f.key].add(v); else selected[f.key].delete(v);
            update(true);
          });
          facetInputs[f.key].push({ value: v, box: box, li: li, count: count, long: f.long });
        });
        fieldset.appendChild(ul);
        var empty = el("p", "search-facet-empty", "None for this search");
        empty.hidden = true;
        fieldset.appendChild(empty);
        facetsBox.appendChild(fieldset);
        facetInputs[f.key].empty = empty;
      });
    }

    function restoreFilters(p) {
      FACETS.forEach(function (f) {
        var wanted = new Set(p.getAll(f.key));
        facetInputs[f.key].forEach(function (o) {
          o.box.checked = wanted.has(o.value);
          if (o.box.checked) selected[f.key].add(o.value);
        });
      });
    }

    function writeUrl() {
      var p = new URLSearchParams();
      if (input.value.trim()) p.set("q", input.value);
      FACETS.forEach(function (f) {
        facetInputs[f.key].forEach(function (o) { if (o.box.checked) p.append(f.key, o.value); });
      });
      var qs = p.toString();
      var url = window.location.pathname + (qs ? "?" + qs : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        try {
          window.history.replaceState(window.history.state, "", url);
        } catch (e) { /* some browsers limit replaceState calls; the search still works */ }
      }
    }

    function updateFacetCounts(counts) {
      var active = 0;
      FACETS.forEach(function (f) {
        var visible = 0;
        facetInputs[f.key].forEach(function (o) {
          var n = counts[f.key].get(o.value) || 0;
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
      if (q && filtered) {
        return "No decision contains every word of \u201C" + q + "\u201D with the filters chosen. " +
          "Try removing a filter, or fewer words.";
      }
      if (q) {
        return "No decision contains every word of \u201C" + q + "\u201D. " +
          "Try fewer or shorter words, or check the spelling.";
      }
      return "No decision fits all the filters chosen. Try removing one.";
    }

    function renderResult(r) {
      var d = r.doc.d;
      var li = el("li", "search-result");
      var h = el("h3", "search-result-title");
      var a = el("a", null, d.title || d.reference || d.slug);
      a.href = d.url;
      h.appendChild(a);
      li.appendChild(h);

      var meta = el("p", "search-result-meta");
      var who = d.council && d.reference ? d.council + " (" + d.reference + ")" : (d.council || d.reference || "");
      if (who) meta.appendChild(el("span", "search-result-council", who));
      var dateSpan = el("span", "search-result-date");
      var pretty = formatDate(d.date);
      if (pretty) {
        var time = el("time", null, pretty);
        time.setAttribute("datetime", d.date);
        dateSpan.appendChild(time);
      } else {
        dateSpan.textContent = "Date not printed";
      }
      meta.appendChild(dateSpan);
      if (d.outcome) meta.appendChild(el("span", "search-result-outcome", d.outcome));
      if (d.band) meta.appendChild(el("span", "search-result-band", d.band));
      li.appendChild(meta);

      var sentence = firstSentence(r.doc.summary);
      if (sentence) {
        var summary = el("p", "search-result-summary");
        var folded = fold(sentence);
        appendMarked(summary, sentence, 0, terms.length ? hitRanges(folded, terms) : []);
        li.appendChild(summary);
      }

      if (r.best) {
        var p = r.best;
        var ranges = hitRanges(p.folded, terms);
        var win = snippetWindow(p.text, ranges);
        var snip = el("p", "search-result-snippet");
        var link = el("a", "search-result-para", "para " + p.n);
        link.href = d.url + "#para-" + p.n;
        link.setAttribute("aria-label", "para " + p.n + " of " + (d.title || d.reference || ""));
        snip.appendChild(link);
        var quote = el("span", "search-result-excerpt");
        if (win[0] > 0) quote.appendChild(document.createTextNode("\u2026"));
        appendMarked(quote, p.text.slice(win[0], win[1]), win[0], ranges);
        if (win[1] < p.text.length) quote.appendChild(document.createTextNode("\u2026"));
        snip.appendChild(document.createTextNode(" "));
        snip.appendChild(quote);
        li.appendChild(snip);
      }
      return li;
    }

    function renderMore() {
      var frag = document.createDocumentFragment();
      var stop = Math.min(current.length, shown + PAGE_SIZE);
      var firstNew = null;
      for (var i = shown; i < stop; i++) {
        var item = renderResult(current[i]);
        if (!firstNew) firstNew = item;
        frag.appendChild(item);
      }
      list.appendChild(frag);
      shown = stop;
      moreButton.hidden = shown >= current.length;
      if (!moreButton.hidden) {
        moreButton.textContent = "Show more decisions (" + (current.length - shown).toLocaleString("en-GB") + " more)";
      }
      return firstNew;
    }

    function update(writeState) {
      if (!index) return;
      if (timer) { clearTimeout(timer); timer = null; }
      terms = parseQuery(input.value);
      var out = runSearch(index, terms, selected);
      current = out.results;
      shown = 0;
      while (list.firstChild) list.removeChild(list.firstChild);
      renderMore();
      updateFacetCounts(out.counts);
      status.textContent = statusText(current.length);
      if (emptyNote) {
        emptyNote.hidden = current.length > 0;
        emptyNote.textContent = current.length ? "" : emptyAdvice(out.filtered);
      }
      list.setAttribute("aria-busy", "false");
      if (writeState) writeUrl();
    }

    input.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () { timer = null; update(true); }, DEBOUNCE_MS);
    });

    form.addEventListener("submit", function (e) {
      if (!index) return; // not loaded: let the GET form reload the page
      e.preventDefault();
      update(true);
    });

    if (clearButton) {
      clearButton.addEventListener("click", function () {
        FACETS.forEach(function (f) {
          selected[f.key].clear();
          facetInputs[f.key].forEach(function (o) { o.box.checked = false; });
        });
        update(true);
        input.focus();
      });
    }

    moreButton.addEventListener("click", function () {
      var firstNew = renderMore();
      var link = firstNew && firstNew.querySelector("a");
      if (link) link.focus();
    });

    list.setAttribute("aria-busy", "true");
    fetch(INDEX_URL, { credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      })
      .then(function (data) {
        index = prepare(data);
        buildFacets();
        restoreFilters(params);
        update(false);
        document.documentElement.setAttribute("data-search-ready", "true");
      })
      .catch(function () {
        status.textContent = "Search is not available";
        list.setAttribute("aria-busy", "false");
        if (errorBox) errorBox.hidden = false;
        if (panel) panel.hidden = true;
        document.documentElement.setAttribute("data-search-ready", "error");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
