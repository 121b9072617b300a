// The indicator form: show the formula box only for a formula indicator and the composite's
// fields only for a composite. Without JavaScript every field is shown and the save checks them.
(function () {
  "use strict";
  function show() {
    var kind = document.getElementById("id_kind");
    if (!kind) return;
    var formula = document.getElementById("field-formula");
    var composite = document.getElementById("composite-fields");
    if (formula) formula.hidden = kind.value !== "formula";
    if (composite) composite.hidden = kind.value !== "composite";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var kind = document.getElementById("id_kind");
    if (!kind) return;
    kind.addEventListener("change", show);
    show();
  });
})();
