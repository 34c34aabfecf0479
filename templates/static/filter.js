/* The filter box of an A-Z index (/councils/): typing narrows the list to the names holding every word
   typed (case and accents ignored), hiding emptied letters. Without JavaScript the box stays hidden and
   every name is listed. */
(function () {
  "use strict";
  var box = document.getElementById("term-filter");
  var list = document.getElementById("term-filter-list");
  if (!box || !list) return;
  var input = document.getElementById("term-filter-input");
  var status = document.getElementById("term-filter-status");
  var noun = box.getAttribute("data-noun") || "names";
  var items = Array.prototype.slice.call(list.querySelectorAll("li"));
  var sections = Array.prototype.slice.call(list.querySelectorAll("section[data-letter]"));
  var letters = Array.prototype.slice.call(document.querySelectorAll(".letters li[data-letter]"));

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var names = items.map(function (item) { return fold(item.querySelector("a").textContent); });

  function apply() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item, i) {
      var match = words.every(function (word) { return names[i].indexOf(word) !== -1; });
      item.hidden = !match;
      if (match) shown += 1;
    });
    var empty = {};
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("li:not([hidden])");
      empty[section.getAttribute("data-letter")] = section.hidden;
    });
    letters.forEach(function (letter) { letter.hidden = empty[letter.getAttribute("data-letter")]; });
    status.textContent = words.length ? shown + " of " + items.length + " " + noun + " shown" : "";
  }

  box.hidden = false;
  input.addEventListener("input", apply);
  if (input.value) apply();          /* a value the browser kept on going back */
})();
