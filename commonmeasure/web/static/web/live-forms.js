/* Live filter forms (a form with data-live-form and hx-get): the results on the page always match
   what the form says.

   - Each form carries hx-sync="this:replace", so a new request cancels the one in flight.
   - An answer that still arrives for anything but the form's current state is never swapped in:
     its query string is compared with the form's own (empty fields left out, order ignored).
   - The form tells when it is done: data-live-state is "loading" while a request is out and
     "settled" once the page shows the answer for what the form says; data-live-settled="true"
     (and window.cmLive.settled(form)) only then. The end-to-end tests wait on that attribute,
     never on luck. */
(function () {
  "use strict";

  function canonical(params) {
    var seen = {};
    var pairs = [];
    params.forEach(function (value, key) {
      var pair = key + "=" + value;
      if (value !== "" && !seen[pair]) { seen[pair] = true; pairs.push([key, value]); }
    });
    pairs.sort(function (a, b) {
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
    });
    return new URLSearchParams(pairs).toString();
  }

  function formQuery(form) {
    return canonical(new URLSearchParams(new FormData(form)));
  }

  function requestQuery(path) {
    var at = path.indexOf("?");
    return canonical(new URLSearchParams(at < 0 ? "" : path.slice(at + 1)));
  }

  function liveForm(elt) {
    return elt && elt.closest ? elt.closest("form[data-live-form]") : null;
  }

  function markSettled(root) {
    var forms = [];
    if (root.matches && root.matches("form[data-live-form]")) { forms.push(root); }
    if (root.querySelectorAll) {
      Array.prototype.push.apply(forms, root.querySelectorAll("form[data-live-form]"));
    }
    forms.forEach(function (form) {
      // A form drawn by the server shows the answer for its own state.
      form.setAttribute("data-settled-query", formQuery(form));
      form.setAttribute("data-live-state", "settled");
      mark(form);
    });
  }

  function settled(form) {
    if (typeof form === "string") { form = document.querySelector(form); }
    return !!form && form.isConnected &&
      form.getAttribute("data-live-state") === "settled" &&
      !form.classList.contains("htmx-request") &&
      form.getAttribute("data-settled-query") === formQuery(form);
  }

  function mark(form) {
    if (form && form.isConnected) {
      form.setAttribute("data-live-settled", settled(form) ? "true" : "false");
    }
  }

  function markAll() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-live-form]"), mark);
  }

  window.cmLive = { settled: settled, formQuery: formQuery, requestQuery: requestQuery };

  // Typing or choosing changes what the form says: it is not settled until its answer is shown.
  document.addEventListener("input", function (event) { mark(liveForm(event.target)); }, true);
  document.addEventListener("change", function (event) { mark(liveForm(event.target)); }, true);

  document.addEventListener("DOMContentLoaded", function () { markSettled(document); });
  document.addEventListener("htmx:load", function (event) { markSettled(event.target); });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = liveForm(event.detail.elt);
    if (form) { form.setAttribute("data-live-state", "loading"); mark(form); }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig || {};
    var form = liveForm(config.elt);
    if (!form || (config.verb || "get").toLowerCase() !== "get") { return; }
    var path = (event.detail.pathInfo && event.detail.pathInfo.finalRequestPath) || config.path || "";
    if (!form.isConnected || requestQuery(path) !== formQuery(form)) {
      // A stale answer: the form has changed since it was asked. The request for the form's
      // current state is on its way (hx-sync replaced this one, or its trigger is pending).
      event.detail.shouldSwap = false;
      var current = form.getAttribute("data-settled-query") === formQuery(form);
      form.setAttribute("data-live-state", current ? "settled" : "stale");
      mark(form);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // A form that stays on the page (its results are swapped elsewhere) settles on its answer.
    var config = event.detail.requestConfig || {};
    var form = liveForm(config.elt);
    if (!form || !form.isConnected || form.getAttribute("data-live-state") !== "loading") { return; }
    var path = (event.detail.pathInfo && event.detail.pathInfo.finalRequestPath) || config.path || "";
    form.setAttribute("data-settled-query", requestQuery(path));
    form.setAttribute("data-live-state", "settled");
    mark(form);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = liveForm(event.detail.elt);
    if (form && form.isConnected && form.getAttribute("data-live-state") === "loading" &&
        !event.detail.successful) {
      form.setAttribute("data-live-state", "failed");
    }
    markAll();  // a cancelled or finished request may leave the form showing its current answer
  });
})();
