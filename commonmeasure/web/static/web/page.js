/* Small behaviours of the pages, here rather than in inline handlers: the Content-Security-Policy
   runs no inline script (docs/explanation/security.md).
   - <select data-autosubmit> sends its form when it changes (with a <noscript> button beside it);
   - <button data-print> prints the page. */
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
})();
