/* The data-entry grid: the running sum of each breakdown beside its total, and a button that
   fills the total from a complete breakdown (docs/reference/validation-rules.md, "Breakdowns and
   totals"). The server checks the same on save; this only helps while typing. No libraries. */
(function () {
  "use strict";

  function number(text) {
    var t = (text || "").trim();
    if (t === "" || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) { return null; }
    return parseFloat(t);
  }

  function plain(value) {
    var rounded = Math.round(value * 1e9) / 1e9;
    return String(rounded);
  }

  function same(a, b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }

  function setUp(group) {
    var total = document.getElementById(group.getAttribute("data-total"));
    var expected = parseInt(group.getAttribute("data-expected"), 10);
    var inputs = group.querySelectorAll("input[name^='v:']");
    var output = group.querySelector("[data-sum]");
    var shown = group.querySelector("[data-sum-value]");
    var given = group.querySelector("[data-sum-given]");
    var button = group.querySelector("[data-fill-total]");
    if (!total || !output || !inputs.length) { return; }

    function update() {
      var sum = 0, count = 0, bad = false;
      inputs.forEach(function (input) {
        var v = number(input.value);
        if (input.value.trim() !== "" && v === null) { bad = true; }
        if (v !== null) { sum += v; count += 1; }
      });
      var complete = count >= expected && !bad;
      var t = number(total.value);
      shown.textContent = count ? plain(sum) : "—";
      var note = "(" + count + " of " + expected + " given";
      var mismatch = false;
      if (t !== null && count && !bad) {
        if (complete && !same(sum, t)) { note += "; the total is " + plain(t); mismatch = true; }
        if (!complete && sum > t && !same(sum, t)) { note += "; more than the total " + plain(t); mismatch = true; }
      }
      given.textContent = note + ")";
      output.classList.toggle("mismatch", mismatch);
      if (button) {
        button.hidden = !(complete && count && (t === null || !same(sum, t)));
        button.textContent = "Use " + plain(sum) + " as the total";
        button.dataset.sum = plain(sum);
      }
    }

    inputs.forEach(function (input) { input.addEventListener("input", update); });
    total.addEventListener("input", update);
    if (button) {
      button.addEventListener("click", function () {
        total.value = button.dataset.sum;
        total.dispatchEvent(new Event("input", { bubbles: true }));
        total.dispatchEvent(new Event("change", { bubbles: true }));
        total.focus();
      });
    }
    update();
  }

  function start() {
    document.querySelectorAll("[data-breakdown]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
