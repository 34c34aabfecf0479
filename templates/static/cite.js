// Citations for trainers. "Cite as" names the targeted paragraph ("Council (ref), para 12 — URL#para-12").
// Next to each paragraph number and section anchor (plain links that work without JavaScript) a button
// copies the citation; clicking a paragraph number or section anchor also copies its link.
(function () {
  "use strict";
  var article = document.querySelector("article.decision");
  var cite = document.getElementById("cite");
  var status = document.getElementById("cite-status");
  if (!article || !cite || !status) return;
  var title = article.getAttribute("data-cite");
  var base = cite.getAttribute("data-base");
  var citeText = cite.querySelector(".cite-text");
  var citeLink = cite.querySelector(".cite-url");
  var pagePath = citeLink.getAttribute("href");

  function showTargetedParagraph() {
    var match = /^#para-(\d+)$/.exec(window.location.hash);
    var number = match && document.getElementById("para-" + match[1]) ? match[1] : null;
    citeText.textContent = number ? title + ", para " + number : title;
    citeLink.setAttribute("href", number ? pagePath + "#para-" + number : pagePath);
    citeLink.textContent = number ? base + "#para-" + number : base;
  }
  window.addEventListener("hashchange", showTargetedParagraph);
  showTargetedParagraph();

  function copy(text, message) {
    function done() { status.textContent = message; }
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

  function citation(number) {
    return number ? title + ", para " + number + " — " + base + "#para-" + number : title + " — " + base;
  }

  function sectionCitation(heading, anchor) {
    return title + ", " + heading + " — " + base + anchor;
  }

  function addButton(after, label, text, message) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-cite";
    button.textContent = "Cite";
    button.setAttribute("aria-label", label);
    button.addEventListener("click", function () { copy(text, message); });
    after.insertAdjacentElement("afterend", button);
  }

  document.querySelectorAll(".decision-text li[id^='para-'] > a.para-num").forEach(function (link) {
    var number = link.parentElement.id.slice(5);
    addButton(link, "Cite paragraph " + number + ": copy its citation", citation(number),
              "Copied: " + citation(number));
    link.addEventListener("click", function () {
      copy(base + "#para-" + number, "Link to paragraph " + number + " copied: " + base + "#para-" + number);
    });
  });
  document.querySelectorAll(".decision-text a.anchor").forEach(function (link) {
    var anchor = link.getAttribute("href");
    var heading = link.parentElement.firstChild.textContent.trim();
    addButton(link, "Cite section " + heading + ": copy its citation", sectionCitation(heading, anchor),
              "Copied: " + sectionCitation(heading, anchor));
    link.addEventListener("click", function () {
      copy(base + anchor, "Link to this section copied: " + base + anchor);
    });
  });
  addButton(cite.querySelector(".cite-url"), "Cite the whole decision: copy its citation", citation(null),
            "Copied: " + citation(null));
})();
