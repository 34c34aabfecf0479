/* Decisions Digest: search text rules shared by the search page and the decision page.
 *
 * The same rules as generator/search_text.py and generator/search.py, so that what the browser looks
 * up is what the build wrote: folding, words, the stemmer, query parsing, packed numbers, shard
 * numbers. tests/js/search-cases.json holds the cases both sides are tested against.
 */
(function (root, factory) {
  "use strict";
  var core = factory();
  if (typeof module === "object" && module.exports) module.exports = core;
  else root.DigestSearch = core;
})(this, function () {
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

  /* ---------- stemmer: Porter steps 1a, 1b, 1c and 5 ---------- */

  function isConsonant(w, i) {
    var c = w.charAt(i);
    if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") return false;
    if (c === "y") return i === 0 || !isConsonant(w, i - 1);
    return true;
  }

  function measure(s) {
    var m = 0, i = 0, n = s.length;
    while (i < n && isConsonant(s, i)) i++;
    while (i < n) {
      while (i < n && !isConsonant(s, i)) i++;
      if (i >= n) break;
      m++;
      while (i < n && isConsonant(s, i)) i++;
    }
    return m;
  }

  function hasVowel(s) {
    for (var i = 0; i < s.length; i++) if (!isConsonant(s, i)) return true;
    return false;
  }

  function doubleConsonant(w) {
    var n = w.length;
    return n >= 2 && w.charAt(n - 1) === w.charAt(n - 2) && isConsonant(w, n - 1);
  }

  function cvc(w) {
    var n = w.length;
    return n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1) &&
      "wxy".indexOf(w.charAt(n - 1)) === -1;
  }

  function endsWith(w, s) {
    return w.length >= s.length && w.slice(w.length - s.length) === s;
  }

  var stemCache = new Map();

  function stem(word) {
    if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
    var hit = stemCache.get(word);
    if (hit !== undefined) return hit;
    var w = word;
    if (endsWith(w, "sses") || endsWith(w, "ies")) w = w.slice(0, -2);
    else if (endsWith(w, "s") && !endsWith(w, "ss")) w = w.slice(0, -1);
    if (endsWith(w, "eed")) {
      if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
    } else {
      var suffixes = ["ed", "ing"];
      for (var i = 0; i < suffixes.length; i++) {
        var sfx = suffixes[i];
        if (endsWith(w, sfx) && hasVowel(w.slice(0, -sfx.length))) {
          w = w.slice(0, -sfx.length);
          if (endsWith(w, "at") || endsWith(w, "bl") || endsWith(w, "iz")) w += "e";
          else if (doubleConsonant(w) && "lsz".indexOf(w.charAt(w.length - 1)) === -1) w = w.slice(0, -1);
          else if (measure(w) === 1 && cvc(w)) w += "e";
          break;
        }
      }
    }
    if (endsWith(w, "y") && hasVowel(w.slice(0, -1))) w = w.slice(0, -1) + "i";
    if (endsWith(w, "e")) {
      var m = measure(w.slice(0, -1));
      if (m > 1 || (m === 1 && !cvc(w.slice(0, -1)))) w = w.slice(0, -1);
    }
    if (measure(w) > 1 && doubleConsonant(w) && endsWith(w, "l")) w = w.slice(0, -1);
    stemCache.set(word, w);
    return w;
  }

  var STOP_WORDS = new Set(("a an and are as at be but by for from had has have he her his i if in into is " +
    "it its of on or our she so that the their them there they this to was we were which who will with").split(" "));

  /* ---------- queries ---------- */

  // "delay council" -> two words; "working days" in double quotes -> a phrase. The last word, when the
  // query does not end in a space or closing quote, is still being typed: it matches as a prefix.
  function parseQuery(raw) {
    var q = fold(String(raw || "")).replace(/[\u0000-\u001F\u007F]/g, " ");
    var endsOpen = !/\s$/.test(q);
    var items = [];
    var re = /"([^"]*)("?)|([^\s"]+)/g;
    var m;
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
    if (last && last.kind === "word" && endsOpen && !last.quoted) last.prefix = true;
    if (last && last.kind === "phrase" && last.open && endsOpen) {
      // A phrase still being typed: its last word is matched as a prefix of its own.
      var typed = last.words.pop();
      if (last.words.length === 1) items[items.length - 1] = { kind: "word", word: last.words[0], prefix: false, quoted: true };
      items.push({ kind: "word", word: typed, prefix: true });
    }
    var seen = new Set();
    return items.filter(function (item) {
      var k = item.kind === "word" ? item.word + (item.prefix ? "*" : "") : "\"" + item.words.join(" ");
      if (seen.has(k)) return false;
      seen.add(k);
      if (item.kind === "word") item.term = stem(item.word);
      return true;
    });
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

  // "delay" -> "de"; other than a-z and 0-9 -> "u" + hex code.
  function vocabularyFile(word) {
    var out = "";
    var chars = Array.from(word).slice(0, 2);
    chars.forEach(function (c) {
      out += /^[a-z0-9]$/.test(c) ? c : "u" + c.codePointAt(0).toString(16);
    });
    return out;
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
    fold: fold, words: words, stem: stem, STOP_WORDS: STOP_WORDS, parseQuery: parseQuery,
    unpack: unpack, digit: digit, crc32: crc32, shardOf: shardOf, ownFile: ownFile, vocabularyFile: vocabularyFile,
    distance: distance, oneTypo: oneTypo, oneTypoPrefix: oneTypoPrefix, TYPO_MIN: TYPO_MIN,
    mergeRanges: mergeRanges
  };
});
