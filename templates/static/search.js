/* Decisions Digest: the search page (/search/).
 *
 * The engine (search-engine.js) reads the index under /search/: the manifest and document table once, then
 * per query only the files its words need, and for each result shown the text file holding its decision.
 * Decision text comes from third parties, so the page is built with createElement/textContent only: no
 * HTML is ever parsed from data or from the query.
 */
(function () {
  "use strict";

  var S = window.DigestSearch;
  var E = window.DigestEngine;
  var BASE = "/search/";
  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 30;
  var SETTLE_MS = 300;          // while typing, texts (snippets) wait for a pause this long
  var SNIPPET_LENGTH = 260;
  var FACET_SHOWN = 10;         // values of a long facet shown before "Show all"
  var WIDE_SCREEN = "(min-width: 52em)";

  var FACETS = [
    { key: "council", legend: "Council", long: true },
    { key: "category", legend: "Category", long: true },
    { key: "subcategory", legend: "Subcategory", long: true },
    { key: "outcome", legend: "Outcome", long: false },
    { key: "band", legend: "Financial remedy", long: false },
    { key: "year", legend: "Year", long: false }
  ];
  var SORTS = ["relevance", "newest", "oldest", "remedy"];
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

  function appendWindow(parent, text, ranges) {
    var w = snippetWindow(text, ranges);
    if (w[0] > 0) parent.appendChild(document.createTextNode("\u2026"));
    appendMarked(parent, text.slice(w[0], w[1]), w[0], ranges);
    if (w[1] < text.length) parent.appendChild(document.createTextNode("\u2026"));
  }

  function searchLink(query) {
    return "/search/?" + new URLSearchParams({ q: query }).toString();
  }

  function countText(n) {
    if (n === 0) return "No decisions match";
    if (n === 1) return "1 decision matches";
    return n.toLocaleString("en-GB") + " decisions match";
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
    var notes = document.getElementById("search-notes");
    var errorBox = document.getElementById("search-error");
    var emptyNote = document.getElementById("search-empty");
    var list = document.getElementById("search-results");
    var moreButton = document.getElementById("search-more");
    if (!S || !E || !form || !input || !app || !status || !list) return;

    form.hidden = false;
    app.hidden = false;
    var engine = E.create(load);
    var index = null;
    var selected = {};
    var facetInputs = {};
    FACETS.forEach(function (f) { selected[f.key] = new Set(); facetInputs[f.key] = []; });
    var state = { items: [], results: [], page: 1, shown: 0, sort: "relevance" };
    var timer = null;
    var runNumber = 0;
    var restoreScroll = null;          // the scroll position to go back to once the results are shown
    if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";

    var wide = window.matchMedia ? window.matchMedia(WIDE_SCREEN) : null;
    function placePanel() { if (panel && wide) panel.open = wide.matches; }
    placePanel();
    if (wide && wide.addEventListener) wide.addEventListener("change", placePanel);

    /* ----- the address: each filter change a history entry; typing and "show more" replace it ----- */

    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      input.value = params.get("q") || "";
      FACETS.forEach(function (f) {
        selected[f.key].clear();
        var wantedValues = new Set(params.getAll(f.key));
        index.values[f.key].forEach(function (v, i) { if (wantedValues.has(v)) selected[f.key].add(i + 1); });
        facetInputs[f.key].forEach(function (o) { o.box.checked = selected[f.key].has(o.value); });
      });
      var sort = params.get("sort");
      state.sort = SORTS.indexOf(sort) !== -1 ? sort : "relevance";
      if (sortBox) sortBox.value = state.sort;
      var page = parseInt(params.get("page") || "1", 10);
      state.page = page > 0 && page < 1000 ? page : 1;
      var saved = window.history.state;
      restoreScroll = saved && typeof saved.scrollY === "number" ? saved.scrollY : null;
    }

    function urlNow() {
      var p = new URLSearchParams();
      if (input.value.trim()) p.set("q", input.value);
      FACETS.forEach(function (f) {
        facetInputs[f.key].forEach(function (o) { if (o.box.checked) p.append(f.key, o.name); });
      });
      if (state.sort !== "relevance") p.set("sort", state.sort);
      if (state.page > 1) p.set("page", String(state.page));
      var qs = p.toString();
      return window.location.pathname + (qs ? "?" + qs : "") + window.location.hash;
    }

    var pending = "replace";           // how the next results go into the history: "push" or "replace"
    function writeUrl() {
      var url = urlNow();
      var how = pending;
      pending = "replace";
      if (url === window.location.pathname + window.location.search + window.location.hash) return;
      try {
        if (how === "push") window.history.pushState({ scrollY: 0 }, "", url);
        else window.history.replaceState(window.history.state, "", url);
      } catch (e) { /* rate limited */ }
    }

    // Scrolling: the position is noted in the history entry, and results coming into view get their text.
    var scrollTimer = null;
    window.addEventListener("scroll", function () {
      if (scrollTimer) return;
      scrollTimer = setTimeout(function () {
        scrollTimer = null;
        try { window.history.replaceState({ scrollY: window.scrollY }, ""); } catch (e) { /* rate limited */ }
        if (index && restoreScroll === null && !textTimer) loadTexts(runNumber, false);
      }, 150);
    }, { passive: true });

    /* ----- facets: long ones with a box to type in, values by count, "show all" ----- */

    function buildFacets() {
      FACETS.forEach(function (f) {
        var names = index.values[f.key];
        var fieldset = el("fieldset", "search-facet");
        fieldset.id = "search-facet-" + f.key;
        fieldset.appendChild(el("legend", "search-facet-legend", f.legend));
        var facet = { long: f.long, all: false, filter: "" };
        if (f.long && names.length > FACET_SHOWN) {
          var label = el("label", "search-visually-hidden", "Find a " + f.legend.toLowerCase());
          var box = el("input", "search-facet-filter");
          box.type = "search";
          box.id = "search-facet-filter-" + f.key;
          box.placeholder = "Type to find a " + f.legend.toLowerCase();
          box.setAttribute("autocomplete", "off");
          label.htmlFor = box.id;
          box.addEventListener("input", function () { facet.filter = S.fold(box.value).trim(); showFacet(f.key); });
          fieldset.appendChild(label);
          fieldset.appendChild(box);
        }
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
          var option = { value: i + 1, name: name, folded: S.fold(name), box: box, li: li, count: count, n: 0 };
          box.addEventListener("change", function () {
            if (box.checked) selected[f.key].add(option.value); else selected[f.key].delete(option.value);
            state.page = 1;
            pending = "push";
            run();
          });
          facetInputs[f.key].push(option);
        });
        fieldset.appendChild(ul);
        facet.list = ul;
        if (f.long && names.length > FACET_SHOWN) {
          var all = el("button", "search-facet-all");
          all.type = "button";
          all.addEventListener("click", function () { facet.all = !facet.all; showFacet(f.key); });
          fieldset.appendChild(all);
          facet.button = all;
        }
        var empty = el("p", "search-facet-empty", "None for this search");
        empty.hidden = true;
        fieldset.appendChild(empty);
        facet.empty = empty;
        facetsBox.appendChild(fieldset);
        facetInputs[f.key].facet = facet;
      });
    }

    // A long facet lists its values by count (chosen ones first), the first few unless "show all" or
    // a name is typed.
    function showFacet(key) {
      var options = facetInputs[key], facet = options.facet;
      var order = options.slice();
      if (facet.button) {
        order.sort(function (a, b) {
          return (b.box.checked - a.box.checked) || b.n - a.n || (a.folded < b.folded ? -1 : 1);
        });
      }
      var visible = 0, hiddenByLimit = 0;
      order.forEach(function (o) {
        var fits = !facet.filter || o.folded.indexOf(facet.filter) !== -1;
        var show = fits && (o.n > 0 || o.box.checked || !facet.long);
        if (show && facet.button && !facet.all && !facet.filter && visible >= FACET_SHOWN && !o.box.checked) {
          show = false;
          hiddenByLimit++;
        }
        o.li.hidden = !show;
        if (show) visible++;
        facet.list.appendChild(o.li);
      });
      if (facet.button) {
        var total = visible + hiddenByLimit;
        facet.button.hidden = facet.filter !== "" || total <= FACET_SHOWN;
        facet.button.textContent = facet.all ? "Show fewer" : "Show all " + total.toLocaleString("en-GB");
        facet.button.setAttribute("aria-expanded", facet.all ? "true" : "false");
      }
      facet.empty.hidden = visible > 0;
    }

    function updateFacetCounts(counts) {
      var active = 0;
      FACETS.forEach(function (f) {
        facetInputs[f.key].forEach(function (o) {
          o.n = counts[f.key][o.value] || 0;
          o.count.textContent = "(" + o.n.toLocaleString("en-GB") + ")";
          o.li.classList.toggle("search-facet-option-zero", o.n === 0);
          if (o.box.checked) active++;
        });
        showFacet(f.key);
      });
      if (activeLabel) activeLabel.textContent = active ? "(" + active + " selected)" : "";
      if (clearButton) clearButton.hidden = active === 0;
    }

    /* ----- what was searched: references, forgiven typos, equivalents ----- */

    function showNotes(items) {
      if (!notes) return;
      while (notes.firstChild) notes.removeChild(notes.firstChild);
      items.forEach(function (it) {
        if (it.kind !== "reference" || !it.item.last) return;
        it.docs.forEach(function (doc) {
          var p = el("p", "search-note search-note-goto");
          var a = el("a", null, "Go to decision " + index.reference[doc]);
          a.href = "/decisions/" + index.slug[doc] + "/";
          p.appendChild(a);
          notes.appendChild(p);
        });
        if (!it.docs.length) notes.appendChild(el("p", "search-note", "No decision has the reference " + it.item.text + "."));
      });
      var corrected = [];
      items.forEach(function (it) { if (it.kind === "word" && it.item.corrected) corrected.push(it.item); });
      if (corrected.length) {
        var shown = input.value, typed = input.value;
        corrected.forEach(function (item) {
          shown = shown.replace(new RegExp(item.word.replace(/[^a-z0-9]/g, ""), "i"), item.corrected);
          typed = typed.replace(new RegExp(item.word.replace(/[^a-z0-9]/g, ""), "i"), "\"" + item.word + "\"");
        });
        var p = el("p", "search-note search-note-corrected");
        p.appendChild(document.createTextNode("Showing results for "));
        p.appendChild(el("strong", null, shown.trim()));
        p.appendChild(document.createTextNode(". "));
        var instead = el("a", null, "Search for " + corrected.map(function (c) { return c.word; }).join(" ") + " as typed");
        instead.href = searchLink(typed.trim());
        p.appendChild(instead);
        notes.appendChild(p);
      }
      var also = [];
      items.forEach(function (it) { if (it.kind === "any") also = also.concat(it.item.also); });
      if (also.length) {
        notes.appendChild(el("p", "search-note search-note-also", "Also searched for " +
          also.map(function (a) { return "\u201C" + a + "\u201D"; }).join(", ") + "."));
      }
      notes.hidden = !notes.firstChild;
    }

    function emptyAdvice(filtered) {
      var q = input.value.trim();
      if (q && filtered) return "No decision contains every word of \u201C" + q + "\u201D with the filters chosen. Try removing a filter, or fewer words.";
      if (q) return "No decision contains every word of \u201C" + q + "\u201D. Try fewer or shorter words, or check the spelling.";
      return "No decision fits all the filters chosen. Try removing one.";
    }

    /* ----- results ----- */

    function decisionUrl(doc) {
      return "/decisions/" + index.slug[doc] + "/";
    }

    // A result from the document table alone: title, date, outcome, band. Its text comes later.
    function renderResult(doc) {
      var facet = index.facet;
      var council = index.values.council[facet.council[doc] - 1] || "";
      var li = el("li", "search-result");
      var h = el("h3", "search-result-title");
      var a = el("a", null, council + " (" + index.reference[doc] + ")");
      a.href = decisionUrl(doc);
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

    // The summary (browsing) or the best paragraph with the words marked (searching); the title then
    // leads to that paragraph, its words marked.
    function addText(li, doc, record, items) {
      li.setAttribute("data-text", "done");
      if (!record) return;
      var words = items.filter(function (it) { return it.kind !== "reference" && it.kind !== "near"; });
      var best = E.bestParagraph(record, words);
      if (!words.length || !best) {
        var sentence = words.length ? record.s : firstSentence(record.s);
        var sumMarks = words.length ? E.marks(sentence, words) : { ranges: [], items: 0 };
        if (!words.length || sumMarks.items || !best) {
          var summary = el("p", "search-result-summary");
          appendWindow(summary, sentence, sumMarks.ranges);
          li.appendChild(summary);
        }
      }
      if (!best) return;
      var hl = E.highlightParam(words);
      var target = decisionUrl(doc) + (hl ? "?" + new URLSearchParams({ hl: hl }).toString() : "") + "#para-" + best.n;
      var title = li.querySelector(".search-result-title a");
      title.href = target;
      var snip = el("p", "search-result-snippet");
      var link = el("a", "search-result-para", "Best match: para " + best.n);
      link.href = target;
      link.setAttribute("aria-label", "Best match: para " + best.n + " of " + title.textContent);
      snip.appendChild(link);
      snip.appendChild(document.createTextNode(" "));
      var quote = el("span", "search-result-excerpt");
      appendWindow(quote, best.text, best.found.ranges);
      snip.appendChild(quote);
      li.appendChild(snip);
    }

    // Text for the results on show, in or near the window, that have none yet; now, or once typing pauses.
    // Those further down load as they are scrolled to.
    var textTimer = null;
    function nearView(li) {
      var box = li.getBoundingClientRect();
      return box.top < window.innerHeight + 300 && box.bottom > -300;
    }

    function loadTexts(number, wait) {
      if (textTimer) { clearTimeout(textTimer); textTimer = null; }
      var waiting = Array.prototype.filter.call(list.children, function (li) {
        return !li.hasAttribute("data-text") && (restoreScroll !== null || nearView(li));
      });
      function done() {
        if (list.querySelector("li[data-text=loading]")) return;
        list.setAttribute("data-text", "done");
        if (restoreScroll !== null) { window.scrollTo(0, restoreScroll); restoreScroll = null; loadTexts(number, false); }
        document.dispatchEvent(new CustomEvent("digest-search-texts", { detail: { query: input.value, run: number } }));
      }
      if (!waiting.length) { done(); return; }
      list.setAttribute("data-text", "pending");
      var items = state.items;
      function go() {
        textTimer = null;
        waiting.forEach(function (li) { li.setAttribute("data-text", "loading"); });
        Promise.all(waiting.map(function (li) {
          var doc = parseInt(li.getAttribute("data-doc"), 10);
          return engine.text(index, doc).then(function (record) { addText(li, doc, record, items); });
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
        var li = renderResult(state.results[i]);
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

    function show(number, items, found, typing) {
      var out = E.filterAndCount(index, found.matched, selected);
      var sort = state.sort === "relevance" && !items.length ? "newest" : state.sort;
      state.items = items;
      state.results = E.sortResults(index, out.results, found, sort);
      while (list.firstChild) list.removeChild(list.firstChild);
      showRange(0, Math.min(state.results.length, state.page * PAGE_SIZE));
      showMoreButton();
      updateFacetCounts(out.counts);
      showNotes(items);
      status.textContent = countText(state.results.length);
      if (emptyNote) {
        emptyNote.hidden = state.results.length > 0;
        emptyNote.textContent = state.results.length ? "" : emptyAdvice(FACETS.some(function (f) { return selected[f.key].size; }));
      }
      finish(number);
      loadTexts(number, typing);
    }

    // `typing`: the query is still being typed (its last word may be a prefix; texts wait for a pause).
    function run(typing) {
      if (!index) return;
      if (timer) { clearTimeout(timer); timer = null; }
      var number = ++runNumber;
      var parsed = S.parseQuery(input.value, !typing);
      list.setAttribute("aria-busy", "true");
      Promise.all([engine.resolve(index, parsed), state.sort === "remedy" ? engine.loadTotals(index) : null]).then(function (got) {
        if (number !== runNumber) return;
        show(number, got[0], E.match(index, got[0]), typing);
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
      pending = "push";
      run(false);
    });
    if (sortBox) {
      sortBox.addEventListener("change", function () {
        state.sort = sortBox.value;
        state.page = 1;
        pending = "push";
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
        pending = "push";
        run();
        input.focus();
      });
    }
    moreButton.addEventListener("click", more);
    window.addEventListener("popstate", function () { if (index) { readUrl(); run(); } });

    list.setAttribute("aria-busy", "true");
    Promise.all([load("index.json"), load("docs.json")]).then(function (got) {
      if (!got[0] || !got[1]) throw new Error("no index");
      index = E.prepare(got[0], got[1]);
      buildFacets();
      readUrl();
      run();
    }).catch(fail);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
