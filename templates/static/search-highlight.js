/* Decisions Digest: on a decision page opened from a search result (/decisions/<slug>/?hl=...#para-12),
 * mark the words searched for. `hl` lists the terms (as the index has them) and "quoted phrases" the search
 * matched; marks are added with createElement/textContent only. Their styles are in style.css. */
(function () {
  "use strict";
  var S = window.DigestSearch;
  var wanted = new URLSearchParams(window.location.search).get("hl");
  var text = document.getElementById("decision-text");
  if (!S || !wanted || !text) return;

  var terms = new Set(), phrases = [];
  var re = /"([^"]*)"|(\S+)/g, m;
  while ((m = re.exec(wanted)) !== null) {
    if (m[1] !== undefined) {
      var ws = S.words(S.fold(m[1]));
      if (ws.length > 1) phrases.push(ws);
      else if (ws.length === 1) terms.add(S.term(ws[0]));
    } else {
      S.words(S.fold(m[2])).forEach(function (w) { terms.add(w); });
    }
  }
  if (!terms.size && !phrases.length) return;

  var TOKEN = /[\p{L}\p{M}\p{N}]+(?:['\u2018\u2019][\p{L}\p{M}\p{N}]+)*/gu;

  function ranges(value) {
    var toks = [], out = [], t;
    TOKEN.lastIndex = 0;
    while ((t = TOKEN.exec(value)) !== null) {
      var word = S.words(S.fold(t[0])).join("");
      if (word) toks.push({ start: t.index, end: t.index + t[0].length, word: word });
    }
    toks.forEach(function (tok) {
      if (terms.has(S.term(tok.word)) || terms.has(tok.word)) out.push([tok.start, tok.end]);
    });
    phrases.forEach(function (ws) {
      for (var i = 0; i + ws.length <= toks.length; i++) {
        var ok = true;
        for (var j = 0; j < ws.length && ok; j++) ok = toks[i + j].word === ws[j];
        if (ok) out.push([toks[i].start, toks[i + ws.length - 1].end]);
      }
    });
    return S.mergeRanges(out);
  }

  var roots = [text, document.getElementById("summary")].filter(Boolean);
  var nodes = [];
  roots.forEach(function (root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentNode;
        if (!node.nodeValue.trim() || (parent.closest && parent.closest("a.para-num, a.anchor, h2, mark"))) {
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    while (walker.nextNode()) nodes.push(walker.currentNode);
  });
  var count = 0;
  nodes.forEach(function (node) {
    var value = node.nodeValue, found = ranges(value);
    if (!found.length) return;
    var frag = document.createDocumentFragment(), pos = 0;
    found.forEach(function (r) {
      if (r[0] > pos) frag.appendChild(document.createTextNode(value.slice(pos, r[0])));
      var mark = document.createElement("mark");
      mark.className = "search-hit";
      mark.textContent = value.slice(r[0], r[1]);
      frag.appendChild(mark);
      pos = r[1];
      count++;
    });
    if (pos < value.length) frag.appendChild(document.createTextNode(value.slice(pos)));
    node.parentNode.replaceChild(frag, node);
  });
  document.documentElement.setAttribute("data-search-marks", String(count));
  var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target && target.scrollIntoView) target.scrollIntoView();
})();
