// "Cite as" names the targeted paragraph: "Essex County Council (24 001 566), para 12 — URL#para-12".
(function () {
  "use strict";
  var article = document.querySelector("article.decision");
  var cite = document.getElementById("cite");
  if (!article || !cite) return;
  var text = cite.querySelector(".cite-text");
  var link = cite.querySelector(".cite-url");
  var title = article.getAttribute("data-cite");
  var base = link.getAttribute("href");
  var absolute = link.textContent;

  function update() {
    var match = /^#para-(\d+)$/.exec(window.location.hash);
    var target = match && document.getElementById("para-" + match[1]);
    text.textContent = target ? title + ", para " + match[1] : title;
    link.setAttribute("href", target ? base + "#para-" + match[1] : base);
    link.textContent = target ? absolute + "#para-" + match[1] : absolute;
  }
  window.addEventListener("hashchange", update);
  update();
})();
