/* Draws every Vega-Lite chart on the page with vega-embed (served locally from /assets/vega.js).
   A chart is <div class="chart" data-spec-id="ID"> with its spec in <script type="application/json" id="ID">. */
(function () {
  "use strict";

  // vega-embed's menu (save as SVG or PNG) is a <details> whose <summary> holds only an icon:
  // give it words, so that it is announced as what it is (docs/explanation/accessibility.md).
  function named(el) {
    Array.prototype.forEach.call(el.querySelectorAll("details > summary"), function (summary) {
      if (!summary.textContent.trim()) { summary.setAttribute("aria-label", "Chart menu: save the chart as an image"); }
      summary.parentNode.removeAttribute("title");
    });
  }

  function draw(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var charts = scope.querySelectorAll(".chart[data-spec-id]");
    Array.prototype.forEach.call(charts, function (el) {
      if (el.getAttribute("data-drawn")) { return; }
      var source = document.getElementById(el.getAttribute("data-spec-id"));
      if (!source || typeof window.vegaEmbed !== "function") { return; }
      el.setAttribute("data-drawn", "1");
      // Vega names the box it draws in after the spec's description; the page's own label (the
      // chart's text alternative: title, what it shows, latest figures) and role are put back.
      var role = el.getAttribute("role"), label = el.getAttribute("aria-label");
      var actions = el.getAttribute("data-actions") === "true"
        ? { export: true, source: false, compiled: false, editor: false }
        : false;
      // ast: Vega parses expressions to a tree and runs them with the interpreter bundled in
      // vega-embed, never with eval or Function (the CSP allows neither).
      window.vegaEmbed(el, JSON.parse(source.textContent), { actions: actions, renderer: "svg", ast: true })
        .then(function () {
          if (role) { el.setAttribute("role", role); }
          if (label) { el.setAttribute("aria-label", label); }
          named(el);
          el.classList.add("chart-ready");
        })
        .catch(function (error) {
          el.classList.add("chart-failed");
          el.textContent = "The chart could not be drawn (" + error.message + "). The table has the same figures.";
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
