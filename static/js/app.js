/* Small progressive enhancements; every page works without JavaScript. */
(function () {
  "use strict";

  // Number and symbol field: say which type the symbol implies, and pick it when no type is chosen yet.
  // Mirrors documents/symbols.py (the server decides; this only helps while typing).
  function parseSymbol(text, codes) {
    var t = (text || "").normalize("NFC").trim().replace(/\s+/g, " ").replace(/\s*([\/-])\s*/g, "$1");
    var lower = {};
    codes.forEach(function (c) { lower[c.toLocaleLowerCase("vi")] = c; });
    var party = /^(\d+[A-Za-z]?)-([^\W\d_]+)\/(\S+)$/u.exec(t);
    if (party) {
      var pc = lower[party[2].toLocaleLowerCase("vi")];
      return pc ? { type: pc } : null;
    }
    var state = /^(\d+[A-Za-z]?)\/(?:(\d{4})\/)?([^\W\d_]+)-(\S+)$/u.exec(t);
    if (state) {
      var sc = lower[state[3].toLocaleLowerCase("vi")];
      if (sc) return { type: sc };
      if (!state[2]) return { type: "CV" };
    }
    return null;
  }

  function setupSymbolHint(input) {
    var hint = document.getElementById(input.dataset.hintId);
    var select = document.getElementById(input.dataset.typeSelect);
    var codes = (input.dataset.typeCodes || "").split("|").filter(Boolean);
    if (!hint || !select) return;
    function update() {
      if (!input.value.trim()) { hint.textContent = ""; hint.className = "symbol-hint"; return; }
      var parsed = parseSymbol(input.value, codes);
      if (!parsed) {
        hint.textContent = input.dataset.msgUnparsed;
        hint.className = "symbol-hint is-warn";
        return;
      }
      if (!select.value) select.value = parsed.type;
      if (select.value === parsed.type) {
        hint.textContent = input.dataset.msgOk.replace("%s", parsed.type);
        hint.className = "symbol-hint is-ok";
      } else {
        hint.textContent = input.dataset.msgMismatch.replace("%s", parsed.type);
        hint.className = "symbol-hint is-warn";
      }
    }
    input.addEventListener("input", update);
    select.addEventListener("change", update);
    update();
  }

  // Exception reference: only relevant when the exception box is ticked.
  function setupDependentField(checkbox) {
    var target = document.getElementById(checkbox.dataset.controls);
    if (!target) return;
    var wrapper = target.closest(".field");
    function update() { if (wrapper) wrapper.classList.toggle("is-dimmed", !checkbox.checked); }
    checkbox.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-symbol-hint]").forEach(setupSymbolHint);
    document.querySelectorAll("input[data-controls]").forEach(setupDependentField);
    // Filter selects submit at once, so a year or a type is one click away.
    document.querySelectorAll("form.filters select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
