// The unit picker of the commitment forms, improved: a filter by name or
// short name, and one role per unit (ticking "leads" clears "supports" and
// the other way round). Without this script the picker is plain checkboxes.
(function () {
  "use strict";
  function setUp(picker) {
    var box = picker.querySelector(".unit-filter");
    var input = picker.querySelector("#unit-filter");
    var none = picker.querySelector(".picker-none");
    var rows = Array.prototype.slice.call(picker.querySelectorAll("tr[data-names]"));
    var groups = Array.prototype.slice.call(picker.querySelectorAll("table.unit-group"));
    if (!box || !input) {
      return;
    }
    box.hidden = false;
    function filter() {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var chosen = row.querySelector("input:checked") !== null;
        var match = q === "" || chosen || row.getAttribute("data-names").indexOf(q) >= 0;
        row.hidden = !match;
        if (match) {
          shown++;
        }
      });
      groups.forEach(function (g) {
        g.hidden = g.querySelector("tr[data-names]:not([hidden])") === null;
      });
      if (none) {
        none.hidden = shown > 0;
      }
    }
    input.addEventListener("input", filter);
    // Enter in the filter must not submit the whole form.
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
      }
    });
    picker.addEventListener("change", function (e) {
      var t = e.target;
      if (!t.checked || (t.name !== "lead" && t.name !== "support")) {
        return;
      }
      var other = t.name === "lead" ? "support" : "lead";
      var row = t.closest("tr");
      var o = row && row.querySelector('input[name="' + other + '"]');
      if (o) {
        o.checked = false;
      }
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-unit-picker]"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
