/* Decisions Digest: search text rules shared by the search page and the decision page.
 *
 * The same rules as generator/search/text.py and generator/search/files.py, so that what the browser looks
 * up is what the build wrote: folding, words, terms (porter2.js and the family table), query parsing,
 * references, packed numbers, shard and file names. tests/js/search-cases.json holds the cases both sides
 * are tested against.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory(require("./porter2.js"));
  else root.DigestSearch = factory(root.Porter2Stemmer);
})(this, function (porter2) {
  "use strict";

  /* ---------- folding and words ---------- */

  var QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201A": "'", "\u201B": "'", "\u2032": "'", "\u00B4": "'",
    "\u201C": "\"", "\u201D": "\"", "\u201E": "\"", "\u201F": "\"", "\u2033": "\"", "\u00AB": "\"", "\u00BB": "\""
  };
  var QUOTE_RE = /[\u2018\u2019\u201A\u201B\u2032\u00B4\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
  var MARKS = /\p{M}/gu;
  var WORD = /[\p{L}\p{N}]+/gu;

  // NFKD, lower case, no combining marks, straight quotes: "Café’s" -> "cafe's".
  function fold(text) {
    if (!text) return "";
    return String(text).normalize("NFKD").toLowerCase().replace(MARKS, "")
      .replace(QUOTE_RE, function (c) { return QUOTES[c]; });
  }

  // Words of folded text, apostrophes taken out first: "council's" -> "councils".
  function words(folded) {
    return folded.replace(/'/g, "").match(WORD) || [];
  }

  /* ---------- terms: -ise spellings, Porter2, families (as generator/search/text.py) ---------- */

  var ISE_KEPT = new Set(("advertise chastise circumcise compromise concise demise despise enfranchise excise " +
    "exercise expertise franchise incise merchandise mortise paradise practise precise premise promise surmise " +
    "treatise valise").split(" "));
  var ISE_KEPT_AFTER = ["w", "v", "pr", "a", "o", "u"];
  var ISE = /^([a-z]{3,}?)(is|ys)(e|es|ed|ing|ation|ations|er|ers)$/;
  var FAMILIES = {
    decis: "decid", referr: "refer", explan: "explain", respons: "respond", conclus: "conclud",
    failur: "fail", provis: "provid", applic: "appli", notif: "notifi", resolut: "resolv",
    intervent: "interven", behaviour: "behav", behavior: "behav", judgement: "judg",
    judgment: "judg", enquiri: "enquir", inquir: "enquir", inquiri: "enquir", licens: "licenc",
    practis: "practic", children: "child", complaint: "complain", paid: "pay", payment: "pay"
  };

  function spelling(word) {
    var m = ISE.exec(word);
    if (!m) return word;
    var before = m[1];
    if (m[2] === "is" && (ISE_KEPT.has(before + "ise") ||
        ISE_KEPT_AFTER.some(function (end) { return before.slice(-end.length) === end; }))) return word;
    return before + m[2].charAt(0) + "z" + m[3];
  }

  var termCache = new Map();

  // A folded word -> its term, as the index has it.
  function term(word) {
    if (word.length < 3 || !/^[a-z]+$/.test(word)) return word;
    var hit = termCache.get(word);
    if (hit !== undefined) return hit;
    var s = porter2(spelling(word));
    var t = Object.prototype.hasOwnProperty.call(FAMILIES, s) ? FAMILIES[s] : s;
    termCache.set(word, t);
    return t;
  }

  var STOP_WORDS = new Set(("a an and are as at be but by for from had has have he her his i if in into is " +
    "it its of on or our she so that the their them there they this to was we were which who will with").split(" "));

  /* ---------- queries ---------- */

  // A decision's reference in any form: 24001566, 24-001-566, 24 001 566, 24/001/566, with a letter after
  // it (17 002 402b); or its start, 24 001. -> [{ start, end, yy, first, last (null: a start), suffix }]
  var REFERENCE = /(^|[\s(])(\d{2})[\s\-\/.]?(\d{3})(?:[\s\-\/.]?(\d{3})([a-z]?))?(?=$|[\s),.;:])/g;

  function findReferences(folded) {
    var out = [], m;
    REFERENCE.lastIndex = 0;
    while ((m = REFERENCE.exec(folded)) !== null) {
      var start = m.index + m[1].length;
      out.push({ start: start, end: REFERENCE.lastIndex, yy: m[2], first: m[3], last: m[4] || null, suffix: m[5] || "" });
    }
    return out;
  }

  function referenceText(ref) {
    return ref.yy + " " + ref.first + (ref.last ? " " + ref.last + ref.suffix : "");
  }

  // "delay council" -> two words; "working days" in double quotes -> a phrase; a reference -> a reference.
  // The last word, when the query is still being typed (not `finished`: from the address, the Search
  // button or Enter) and does not end in a space or closing quote, may also match as a prefix.
  function parseQuery(raw, finished) {
    var q = fold(String(raw || "")).replace(/[\u0000-\u001F\u007F]/g, " ");
    var endsOpen = !finished && !/\s$/.test(q);
    var items = [];
    var refs = [];
    var re = /"([^"]*)("?)|([^\s"]+)/g;
    var m;
    var unquoted = q.replace(/"[^"]*"?/g, function (part) { return part.replace(/[^"]/g, " "); });
    findReferences(unquoted).forEach(function (ref) {
      refs.push(ref);
      q = q.slice(0, ref.start) + q.slice(ref.start, ref.end).replace(/./g, " ") + q.slice(ref.end);
    });
    while ((m = re.exec(q)) !== null) {
      if (m[3] !== undefined) {
        words(m[3]).forEach(function (w) { items.push({ kind: "word", word: w, prefix: false }); });
      } else {
        var ws = words(m[1]);
        if (ws.length === 1) items.push({ kind: "word", word: ws[0], prefix: false, quoted: true });
        else if (ws.length > 1) items.push({ kind: "phrase", words: ws });
        if (ws.length && m[2] !== "\"") items[items.length - 1].open = true;
      }
    }
    var last = items[items.length - 1];
    var lastRef = refs[refs.length - 1];
    var refIsLast = lastRef && !/\S/.test(q.slice(lastRef.end));
    if (last && !refIsLast && last.kind === "word" && endsOpen && !last.quoted) last.prefix = true;
    if (last && !refIsLast && last.kind === "phrase" && last.open && endsOpen) {
      // A phrase still being typed: its last word is matched as a prefix of its own.
      var typed = last.words.pop();
      if (last.words.length === 1) items[items.length - 1] = { kind: "word", word: last.words[0], prefix: false, quoted: true };
      items.push({ kind: "word", word: typed, prefix: true });
    }
    var seen = new Set();
    items = items.filter(function (item) {
      var k = item.kind === "word" ? item.word + (item.prefix ? "*" : "") : "\"" + item.words.join(" ");
      if (seen.has(k)) return false;
      seen.add(k);
      if (item.kind === "word") item.term = term(item.word);
      return true;
    });
    refs.forEach(function (ref) {
      items.push({ kind: "reference", yy: ref.yy, first: ref.first, last: ref.last, suffix: ref.suffix,
        text: referenceText(ref) });
    });
    return items;
  }

  /* ---------- domain equivalents ---------- */

  // Word items in a row that spell a member of a group of equivalents ([["ehcp", "ehc plan", ...], ...],
  // folded, from the manifest) become one item, { kind: "any", typed, others, also }: a decision holding
  // any member (a member of two words or more as a phrase, the one typed too) matches it. Members are
  // recognised by their terms (ehc plans = ehc plan), longest first; a word being typed is left alone.
  function withEquivalents(items, groups) {
    var members = [];
    (groups || []).forEach(function (group) {
      group.forEach(function (member) {
        members.push({ words: member.split(" "), terms: member.split(" ").map(term), group: group, text: member });
      });
    });
    members.sort(function (a, b) { return b.words.length - a.words.length; });
    var out = [];
    for (var i = 0; i < items.length; i++) {
      var found = null;
      for (var k = 0; k < members.length && !found; k++) {
        var mem = members[k], n = mem.terms.length, ok = i + n <= items.length;
        for (var j = 0; j < n && ok; j++) {
          var it = items[i + j];
          ok = it.kind === "word" && !it.prefix && !it.quoted && it.term === mem.terms[j];
        }
        if (ok) found = mem;
      }
      if (!found) { out.push(items[i]); continue; }
      var typed = items.slice(i, i + found.words.length);
      out.push({
        kind: "any", text: found.text,
        typed: typed.length === 1 ? typed[0] : { kind: "phrase", words: typed.map(function (w) { return w.word; }) },
        others: found.group.filter(function (other) { return other !== found.text; }).map(function (other) {
          var ws = other.split(" ");
          return ws.length === 1 ? { kind: "word", word: ws[0], term: term(ws[0]), prefix: false }
            : { kind: "phrase", words: ws };
        }),
        also: found.group.filter(function (other) { return other !== found.text; })
      });
      i += found.words.length - 1;
    }
    return out;
  }

  /* ---------- index files ---------- */

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = new Int8Array(128).fill(-1);
  for (var d = 0; d < 64; d++) DIGIT[ALPHABET.charCodeAt(d)] = d;

  function digit(code) {
    return DIGIT[code];
  }

  // Packed numbers -> array of numbers (see pack() in generator/search.py).
  function unpack(text) {
    var out = [], value = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)];
      value = value * 32 + (digit & 31);
      if (digit < 32) { out.push(value); value = 0; }
    }
    return out;
  }

  var CRC_TABLE = (function () {
    var table = new Int32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
    return table;
  })();
  var encoder = typeof TextEncoder !== "undefined" ? new TextEncoder() : null;

  function crc32(text) {
    var bytes = encoder.encode(text);
    var crc = -1;
    for (var i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xFF] ^ (crc >>> 8);
    return (crc ^ -1) >>> 0;
  }

  function shardOf(text, shards) {
    return crc32(text) % shards;
  }

  // The file of a term too big to share a shard: "x" and the hex of its crc32.
  function ownFile(text) {
    var hex = crc32(text).toString(16);
    while (hex.length < 8) hex = "0" + hex;
    return "x" + hex;
  }

  // "delay" -> "de" (letters 1: "d"); other than a-z and 0-9 -> "u" + hex code.
  function vocabularyFile(word, letters) {
    var out = "";
    var chars = Array.from(word).slice(0, letters || 2);
    chars.forEach(function (c) {
      out += /^[a-z0-9]$/.test(c) ? c : "u" + c.codePointAt(0).toString(16);
    });
    return out;
  }

  // The vocabulary file holding a word, from the names the manifest lists; null: no word starts so.
  function vocabularyFileOf(word, names) {
    var two = vocabularyFile(word, 2), one = vocabularyFile(word, 1);
    return names.has(two) ? two : names.has(one) ? one : null;
  }

  // Slugs in order -> the text files: a slug whose crc32 is even shares with the next when that one's is
  // odd. -> { of(slug): { name, path } }
  function textFiles(slugs) {
    var ordered = slugs.slice().sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    var at = new Map(ordered.map(function (slug, i) { return [slug, i]; }));
    function even(i) { return crc32(ordered[i]) % 2 === 0; }
    function of(slug) {
      var i = at.get(slug);
      if (i === undefined) return null;
      var first = i;
      if (!even(i) && i > 0 && even(i - 1)) first = i - 1;
      var name = ordered[first];
      var folder = ((crc32(name) >>> 8) % 64).toString(16);
      return { name: name, path: "x/" + (folder.length < 2 ? "0" : "") + folder + "/" + name + ".json" };
    }
    return { of: of };
  }

  /* ---------- one typo ---------- */

  // Optimal string alignment distance, stopping early once it is over `limit`.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (var k = 1; k <= b.length; k++) {
        var cost = a.charAt(i - 1) === b.charAt(k - 1) ? 0 : 1;
        var v = Math.min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + cost);
        if (prev2 && i > 1 && k > 1 && a.charAt(i - 1) === b.charAt(k - 2) && a.charAt(i - 2) === b.charAt(k - 1)) {
          v = Math.min(v, prev2[k - 2] + 1);
        }
        cur.push(v);
        if (v < best) best = v;
      }
      if (best > limit) return limit + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  // Does `word` (typed in full) match `candidate` with at most one typo?
  function oneTypo(word, candidate) {
    return distance(word, candidate, 1) <= 1;
  }

  // Does the start of `candidate` match `prefix` with at most one typo?
  function oneTypoPrefix(prefix, candidate) {
    for (var n = prefix.length - 1; n <= prefix.length + 1; n++) {
      if (n > 0 && n <= candidate.length && distance(prefix, candidate.slice(0, n), 1) <= 1) return true;
    }
    return false;
  }

  var TYPO_MIN = 5;

  // [start, end) ranges of matched text, sorted and with overlaps joined, for <mark>ing.
  function mergeRanges(ranges) {
    var merged = [];
    ranges.slice().sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; }).forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  return {
    fold: fold, words: words, term: term, spelling: spelling, STOP_WORDS: STOP_WORDS, parseQuery: parseQuery,
    findReferences: findReferences, withEquivalents: withEquivalents,
    unpack: unpack, digit: digit, crc32: crc32, shardOf: shardOf, ownFile: ownFile, vocabularyFile: vocabularyFile,
    vocabularyFileOf: vocabularyFileOf, textFiles: textFiles,
    distance: distance, oneTypo: oneTypo, oneTypoPrefix: oneTypoPrefix, TYPO_MIN: TYPO_MIN,
    mergeRanges: mergeRanges
  };
});
