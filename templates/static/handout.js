// A page printed as a handout carries the day it was printed (the page itself has no date: the site is
// built once and read for months).
(function () {
  "use strict";
  var stamp = document.getElementById("printed-on");
  if (!stamp) return;
  window.addEventListener("beforeprint", function () {
    stamp.textContent = "· printed " + new Date().toLocaleDateString("en-GB", {day: "numeric", month: "long", year: "numeric"});
  });
})();
