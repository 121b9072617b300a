/* Draws every Vega-Lite chart on the page with vega-embed (served locally from /assets/vega.js).
   A chart is <div class="chart" data-spec-id="ID"> with its spec in <script type="application/json" id="ID">. */
(function () {
  "use strict";
  // The page's language (its <html> attributes, set by the cm_web html_attributes tag): the words
  // shown here, and the decimal mark and thousands separator of the numbers on the axes.
  var root = document.documentElement;
  function text(name, english) { return root.getAttribute("data-text-" + name) || english; }
  var formatLocale = root.getAttribute("data-decimal") ? {
    decimal: root.getAttribute("data-decimal"),
    thousands: root.getAttribute("data-thousands"),
    grouping: [3],
    currency: ["", ""]
  } : null;

  // vega-embed's menu (save as SVG or PNG) is a <details> whose <summary> holds only an icon:
  // give it words, so that it is announced as what it is (docs/explanation/accessibility.md).
  function named(el) {
    Array.prototype.forEach.call(el.querySelectorAll("details > summary"), function (summary) {
      if (!summary.textContent.trim()) { summary.setAttribute("aria-label", text("chart-menu", "Chart menu: save the chart as an image")); }
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
      var options = { actions: actions, renderer: "svg", ast: true };
      if (formatLocale) { options.formatLocale = formatLocale; }
      window.vegaEmbed(el, JSON.parse(source.textContent), options)
        .then(function () {
          if (role) { el.setAttribute("role", role); }
          if (label) { el.setAttribute("aria-label", label); }
          named(el);
          el.classList.add("chart-ready");
        })
        .catch(function (error) {
          el.classList.add("chart-failed");
          el.textContent = text("chart-failed", "The chart could not be drawn (%(error)s). The table has the same figures.")
            .replace("%(error)s", error.message);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
