/* Scenario sliders: show each slider's value as it moves, and let "Every outcome" set them all.
   htmx (hx-trigger on the form) fetches the figures; this file only keeps the labels in step. */
(function () {
  "use strict";
  function show(input) {
    var out = document.getElementById(input.getAttribute("data-output"));
    if (out) { out.textContent = input.value + "%"; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("scenario-form");
    if (!form) { return; }
    var all = form.querySelector("input[data-all]");
    var sliders = form.querySelectorAll("input[type=range][data-output]");
    form.addEventListener("input", function (event) {
      var target = event.target;
      if (target === all) {
        Array.prototype.forEach.call(sliders, function (s) { s.value = all.value; show(s); });
        all.nextElementSibling.textContent = all.value + "%";
      } else if (target.hasAttribute("data-output")) {
        show(target);
        all.nextElementSibling.textContent = "–";
      }
    });
  });
})();
