// Citations and links for trainers. Next to each paragraph number and section anchor (plain links that work
// without JavaScript) a button copies the citation, in the style chosen under "Cite as" (plain, Markdown
// link, or legal style; remembered in localStorage); clicking a paragraph number or section anchor copies its
// link. Each confirmation appears beside its button, in a live region screen readers announce.
// Paragraph ranges: /decisions/<slug>/#para-12-14 scrolls to paragraph 12 and marks 12 to 14 as a single
// #para-12 is marked (a range past the last paragraph ends at it); selecting text over several paragraphs
// offers a link to them.
(function () {
  "use strict";
  var article = document.querySelector("article.decision");
  var cite = document.getElementById("cite");
  if (!article || !cite) return;
  var title = article.getAttribute("data-cite");          // "Essex County Council (24 001 566)"
  var day = article.getAttribute("data-date") || "";      // "14 January 2025", or none printed
  var base = cite.getAttribute("data-base");
  var citeText = cite.querySelector(".cite-text");
  var citeLink = cite.querySelector(".cite-url");
  var pagePath = citeLink.getAttribute("href");
  var STYLES = [["plain", "Plain"], ["markdown", "Markdown link"], ["legal", "Legal style"]];
  var KEY = "digest-cite-style";
  var style = remembered();

  function remembered() {
    try {
      var value = window.localStorage.getItem(KEY);
      return STYLES.some(function (s) { return s[0] === value; }) ? value : "plain";
    } catch (e) { return "plain"; }
  }

  // `where`: "" (the whole decision), "para 12", "paras 12–14" or a section's heading; `anchor` its fragment.
  function citation(where, anchor) {
    var named = where ? title + ", " + where : title;
    if (style === "markdown") return "[" + named + "](" + base + anchor + ")";
    if (style === "legal") return title + (day ? ", " + day : "") + (where ? ", " + where : "");
    return named + " — " + base + anchor;
  }

  // ---------------------------------------------------------------- the paragraphs a link targets

  function span(first, last) {
    return first === last ? "para " + first : "paras " + first + "–" + last;
  }

  function fragment(first, last) {
    return first === last ? "#para-" + first : "#para-" + first + "-" + last;
  }

  // The numbered paragraphs on the page, in order: a range is only ever walked over these, never counted
  // through (`#para-1-99999999999999999999` is no loop of 10^20 steps).
  var numbers = Array.prototype.map.call(
    document.querySelectorAll(".decision-text li[id^='para-']"), function (item) { return +item.id.slice(5); });

  // The paragraphs `#para-12` or `#para-12-14` names, as far as the page has them: a range running past the
  // last paragraph ends at it (`#para-30-40` on a decision of 33 is 30 to 33), so the "Cite as" box never
  // names a paragraph that is not there. Null when the first paragraph is not on the page.
  function targeted() {
    var match = /^#para-([1-9][0-9]{0,8})(?:-([1-9][0-9]*))?$/.exec(window.location.hash);
    if (!match || !document.getElementById("para-" + match[1])) return null;
    var first = +match[1];
    var asked = match[2] ? (match[2].length > 9 ? Infinity : +match[2]) : first;
    if (asked < first) return null;
    var within = numbers.filter(function (n) { return n >= first && n <= asked; });
    if (!within.length) return null;
    return {first: first, last: within[within.length - 1], numbers: within, range: !!match[2]};
  }

  function showTargeted(scroll) {
    document.querySelectorAll(".decision-text li.in-range").forEach(function (item) {
      item.classList.remove("in-range");
    });
    var target = targeted();
    if (target && target.range) {            // a single #para-12 is the browser's :target, scrolled to by it
      target.numbers.forEach(function (n) { document.getElementById("para-" + n).classList.add("in-range"); });
      if (scroll) document.getElementById("para-" + target.first).scrollIntoView();
    }
    var where = target ? span(target.first, target.last) : "";
    var anchor = target ? fragment(target.first, target.last) : "";
    citeText.textContent = where ? title + ", " + where : title;
    citeLink.setAttribute("href", pagePath + anchor);
    citeLink.textContent = base + anchor;
  }
  window.addEventListener("hashchange", function () { showTargeted(true); });
  showTargeted(true);

  // ---------------------------------------------------------------- copying, confirmed beside the button

  function statusAfter(element) {
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    element.insertAdjacentElement("afterend", status);
    return status;
  }

  function copy(text, button, status, message) {
    function done() {
      status.textContent = message;
      button.classList.add("copied");
      window.clearTimeout(status.clearing);
      status.clearing = window.setTimeout(function () {
        status.textContent = "";
        button.classList.remove("copied");
      }, 5000);
    }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } catch (e) { status.textContent = text; }
      document.body.removeChild(area);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function addButton(after, label, where, anchor) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-cite";
    button.textContent = "Cite";
    button.setAttribute("aria-label", label);
    after.insertAdjacentElement("afterend", button);
    var status = statusAfter(button);
    button.addEventListener("click", function () {
      copy(citation(where, anchor), button, status, "Citation copied: " + citation(where, anchor));
    });
    return {button: button, status: status};
  }

  document.querySelectorAll(".decision-text li[id^='para-'] > a.para-num").forEach(function (link) {
    var number = link.parentElement.id.slice(5);
    var control = addButton(link, "Cite paragraph " + number + ": copy its citation", "para " + number,
                            "#para-" + number);
    link.addEventListener("click", function () {
      copy(base + "#para-" + number, control.button, control.status, "Link to paragraph " + number + " copied");
    });
  });
  document.querySelectorAll(".decision-text a.anchor").forEach(function (link) {
    var anchor = link.getAttribute("href");
    var heading = link.parentElement.firstChild.textContent.trim();
    var control = addButton(link, "Cite section " + heading + ": copy its citation", heading, anchor);
    link.addEventListener("click", function () {
      copy(base + anchor, control.button, control.status, "Link to this section copied");
    });
  });
  addButton(citeLink, "Cite the whole decision: copy its citation", "", "");

  // ---------------------------------------------------------------- the citation style, remembered

  var chooser = document.createElement("span");
  chooser.className = "cite-style";
  var label = document.createElement("label");
  label.setAttribute("for", "cite-style");
  label.textContent = "Citation style";
  var select = document.createElement("select");
  select.id = "cite-style";
  STYLES.forEach(function (pair) {
    var option = document.createElement("option");
    option.value = pair[0];
    option.textContent = pair[1];
    option.selected = pair[0] === style;
    select.appendChild(option);
  });
  select.addEventListener("change", function () {
    style = select.value;
    try { window.localStorage.setItem(KEY, style); } catch (e) { /* private browsing: for this page only */ }
  });
  chooser.appendChild(label);
  chooser.appendChild(document.createTextNode(" "));
  chooser.appendChild(select);
  cite.appendChild(chooser);

  // ---------------------------------------------------------------- a link to the paragraphs selected

  var offer = document.createElement("div");
  offer.className = "range-offer";
  offer.hidden = true;
  var offerButton = document.createElement("button");
  offerButton.type = "button";
  offer.appendChild(offerButton);
  var offerStatus = statusAfter(offerButton);
  document.body.appendChild(offer);
  var selected = null;

  function paragraphOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var item = element && element.closest(".decision-text li[id^='para-']");
    return item ? +item.id.slice(5) : null;
  }

  function offerRange() {
    var selection = window.getSelection();
    var from = selection && !selection.isCollapsed ? paragraphOf(selection.anchorNode) : null;
    var to = from !== null ? paragraphOf(selection.focusNode) : null;
    if (from === null || to === null || from === to) {
      if (!offer.contains(document.activeElement)) offer.hidden = true;
      return;
    }
    selected = {first: Math.min(from, to), last: Math.max(from, to)};
    offerButton.textContent = "Copy link to paras " + selected.first + "–" + selected.last;
    offerStatus.textContent = "";
    var box = selection.getRangeAt(0).getBoundingClientRect();
    offer.style.top = (window.scrollY + box.bottom + 8) + "px";
    offer.style.left = Math.max(8, window.scrollX + Math.min(box.left, document.documentElement.clientWidth - 280)) + "px";
    offer.hidden = false;
  }
  var waiting = 0;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(waiting);
    waiting = window.setTimeout(offerRange, 120);
  });
  offerButton.addEventListener("mousedown", function (event) { event.preventDefault(); });   // keep the selection
  offerButton.addEventListener("click", function () {
    if (!selected) return;
    var link = base + fragment(selected.first, selected.last);
    copy(link, offerButton, offerStatus, "Link copied: " + link);
  });
})();
