/* The data-entry grid: the running sum of each breakdown beside its total, and a button that
   fills the total from a complete breakdown (docs/reference/validation-rules.md, "Breakdowns and
   totals"). The server checks the same on save; this only helps while typing. Then the keys of a
   spreadsheet (below). No libraries. */
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

  // The words come from the page, in its language (web/_breakdown_sum.html): "%(name)s" marks
  // where each figure goes.
  function words(box, name, english, figures) {
    var text = (box && box.getAttribute("data-text-" + name)) || english;
    Object.keys(figures).forEach(function (key) { text = text.split("%(" + key + ")s").join(figures[key]); });
    return text;
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
      var box = output.closest(".breakdown-sum");
      var figures = { given: count, expected: expected, total: t === null ? "" : plain(t) };
      var note = words(box, "given", "(%(given)s of %(expected)s given)", figures);
      var mismatch = false;
      if (t !== null && count && !bad) {
        if (complete && !same(sum, t)) {
          note = words(box, "given-total", "(%(given)s of %(expected)s given; the total is %(total)s)", figures);
          mismatch = true;
        }
        if (!complete && sum > t && !same(sum, t)) {
          note = words(box, "given-more", "(%(given)s of %(expected)s given; more than the total %(total)s)", figures);
          mismatch = true;
        }
      }
      given.textContent = note;
      output.classList.toggle("mismatch", mismatch);
      if (button) {
        button.hidden = !(complete && count && (t === null || !same(sum, t)));
        button.textContent = words(box, "use", "Use %(sum)s as the total", { sum: plain(sum) });
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


  /* Spreadsheet keys (docs/explanation/accessibility.md, "The data-entry grid"):
     - Arrow Up / Down and Enter / Shift+Enter move to the nearest cell above or below in the
       same column (the columns overlap on screen); Enter never submits the form.
     - Arrow Left / Right move to the previous / next cell of the same indicator, in reading
       order, when the caret is already at the start / end of the text (so that the arrows
       still move the caret within a value).
     - Escape puts back the cell's saved value.
     - Tab is left to the browser: reading order.
     - Pasting tab-separated rows fills the grid from the focused cell, one row down for each line
       and one cell to the right for each column, each cell checked as if typed. */
  function cells(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input[name^='v:']"))
      .filter(function (input) { return !input.disabled && !input.readOnly; });
  }

  function rowOf(input) { return input.closest("tr[id^='row-']"); }

  function across(form, input, step) {
    var row = rowOf(input);
    var inRow = cells(form).filter(function (c) { return rowOf(c) === row; });
    return inRow[inRow.indexOf(input) + step] || null;
  }

  // The cell above or below: of the cells in that direction whose column overlaps this one,
  // the nearest; if none overlaps, the nearest of all in that direction.
  function vertical(form, input, step) {
    var here = input.getBoundingClientRect();
    var best = null, bestScore = Infinity;
    cells(form).forEach(function (c) {
      if (c === input) { return; }
      var r = c.getBoundingClientRect();
      var gap = step > 0 ? r.top - here.bottom : here.top - r.bottom;
      if (gap < -1) { return; }
      var overlaps = r.left < here.right && r.right > here.left;
      var sideways = Math.abs((r.left + r.right) / 2 - (here.left + here.right) / 2);
      var score = (overlaps ? 0 : 1e6) + gap * 10 + sideways;
      if (score < bestScore) { best = c; bestScore = score; }
    });
    return best;
  }

  function move(target) {
    if (!target) { return false; }
    target.focus();
    target.select();
    return true;
  }

  // Left and right leave the cell when its whole value is selected (as on arriving in it) or
  // when the caret is at that end of the text.
  function caretAt(input, edge) {
    var start = input.selectionStart, end = input.selectionEnd, length = input.value.length;
    if (start === 0 && end === length) { return true; }
    if (start !== end) { return false; }
    return edge < 0 ? start === 0 : end === length;
  }

  function typed(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function keys(form) {
    form.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[name^='v:']")) { return; }
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      var key = event.key;
      if (key === "Enter") {
        event.preventDefault();  // never submits: a spreadsheet's Enter moves down
        move(vertical(form, input, event.shiftKey ? -1 : 1));
      } else if (key === "ArrowDown" || key === "ArrowUp") {
        if (move(vertical(form, input, key === "ArrowDown" ? 1 : -1))) { event.preventDefault(); }
      } else if ((key === "ArrowLeft" || key === "ArrowRight") && !event.shiftKey) {
        var step = key === "ArrowRight" ? 1 : -1;
        if (caretAt(input, step) && move(across(form, input, step))) { event.preventDefault(); }
      } else if (key === "Escape") {
        var saved = input.getAttribute("data-saved") || "";
        if (input.value !== saved) {
          event.preventDefault();
          typed(input, saved);
          input.select();
        }
      }
    });

    form.addEventListener("paste", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[name^='v:']")) { return; }
      var text = (event.clipboardData || window.clipboardData).getData("text") || "";
      if (text.indexOf("\t") < 0 && !/[\r\n]./.test(text)) { return; }  // one value: pasted as usual
      event.preventDefault();
      var lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
      var start = input;
      lines.forEach(function (line) {
        var cell = start;
        line.split("\t").forEach(function (value) {
          if (cell) { typed(cell, value.trim()); }
          cell = cell && across(form, cell, 1);
        });
        start = start && vertical(form, start, 1);
      });
    });

    // The focused cell is never left under the sticky Save bar (scroll-margin does it where the
    // browser scrolls; this covers a cell already in the viewport but behind the bar).
    var bar = form.querySelector(".form-actions.sticky");
    form.addEventListener("focusin", function (event) {
      var target = event.target;
      if (!bar || !target.matches("input, textarea")) { return; }
      window.requestAnimationFrame(function () {  // after the browser's own scrolling
        var under = target.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
        if (under > -8) { window.scrollBy(0, under + 16); }
      });
    });

    // After a refused save the first cell in error has the focus, its message read with it.
    var first = form.querySelector(".cell.invalid input[name^='v:']");
    if (first) { first.focus(); }

    document.querySelectorAll("[data-first-cell]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = cells(form)[0];
        if (target) { event.preventDefault(); move(target); }
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-breakdown]").forEach(setUp);
    var form = document.getElementById("grid-form");
    if (form) { keys(form); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
