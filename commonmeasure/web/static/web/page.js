/* Small behaviours of the pages, here rather than in inline handlers: the Content-Security-Policy
   runs no inline script (docs/explanation/security.md).
   - <select data-autosubmit> sends its form when it changes (with a <noscript> button beside it);
   - <button data-print> prints the page;
   - a table too wide or too long for its box (.table-wrap, .numbers) can be scrolled with the keyboard:
     the box takes the focus and is named after the table's caption (WCAG 2.1.1). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (el) {
      event.preventDefault();
      window.print();
    }
  });

  function scrollable() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap, .numbers, .scroll-box"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (!scrolls || box.hasAttribute("tabindex")) { return; }
      var caption = box.querySelector("caption");
      var name = caption ? caption.textContent.trim() : "";
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var root = document.documentElement;
      var scroll = root.getAttribute("data-text-table-scroll") || "(table; scroll with the arrow keys)";
      var table = root.getAttribute("data-text-table") || "Table (scroll with the arrow keys)";
      box.setAttribute("aria-label", name ? name + " " + scroll : table);
    });
  }
  document.addEventListener("DOMContentLoaded", scrollable);
  window.addEventListener("load", scrollable);
  document.addEventListener("htmx:afterSettle", scrollable);
  window.addEventListener("resize", scrollable);
  document.addEventListener("toggle", scrollable, true);  // a <details> opened shows its table
})();
