/* Small progressive enhancements; every page works without JavaScript. */
(function () {
  "use strict";

  // Number and symbol field: say which type the symbol implies, and pick it when no type is chosen yet.
  // The rules are the server's (documents/symbols.py `client_rules`, in a JSON script tag): the same forms, sets
  // of characters, normalisation and type codes; the server still decides, this only helps while typing.
  function symbolParser(rules) {
    var state = new RegExp(rules.state, "u"), party = new RegExp(rules.party, "u");
    var stroked = new RegExp(rules.strokedD, "gu");
    var edges = new RegExp("^" + rules.space + "+|" + rules.space + "+$", "gu");
    var spaces = new RegExp(rules.space + "+", "gu");
    var separators = new RegExp(rules.space + "*([/-])" + rules.space + "*", "gu");
    // Python's str.casefold: each character's lower case, or its folding where that differs (ß is ss, ſ is s).
    function fold(text) {
      return Array.from(text, function (c) {
        return Object.prototype.hasOwnProperty.call(rules.folds, c) ? rules.folds[c] : c.toLowerCase();
      }).join("");
    }
    function normalize(text) {
      return (text || "").normalize("NFC").replace(stroked, function (m, d) { return d === "D" ? "Đ" : "đ"; })
        .replace(edges, "").replace(spaces, " ").replace(separators, "$1");
    }
    function code(head) {
      var folded = fold(head);
      return Object.prototype.hasOwnProperty.call(rules.codes, folded) ? rules.codes[folded] : null;
    }
    function parse(text) {
      var t = normalize(text), m = party.exec(t), found;
      if (m) {
        found = code(m.groups.head);
        return found ? { type: found } : null;
      }
      m = state.exec(t);
      if (m) {
        found = code(m.groups.head);
        if (found) return { type: found };
        if (m.groups.year === undefined) return { type: rules.letterType };
      }
      return null;
    }
    return { normalize: normalize, parse: parse };
  }

  function setupSymbolHint(input) {
    var hint = document.getElementById(input.dataset.hintId);
    var select = document.getElementById(input.dataset.typeSelect);
    var source = document.getElementById(input.dataset.rulesId);
    if (!hint || !select || !source) return;
    var symbols = symbolParser(JSON.parse(source.textContent));
    // The verdict is in data-verdict (ok, mismatch, unparsed) and data-type, for the tests and the styles.
    function show(verdict, text, type) {
      hint.textContent = text;
      hint.className = "symbol-hint" + (verdict === "ok" ? " is-ok" : verdict ? " is-warn" : "");
      hint.dataset.verdict = verdict;
      hint.dataset.type = type || "";
    }
    function update() {
      if (!symbols.normalize(input.value)) { show("", ""); return; }
      var parsed = symbols.parse(input.value);
      if (!parsed) { show("unparsed", input.dataset.msgUnparsed); return; }
      if (!select.value) select.value = parsed.type;
      if (select.value === parsed.type) {
        show("ok", input.dataset.msgOk.replace("%s", parsed.type), parsed.type);
      } else {
        show("mismatch", input.dataset.msgMismatch.replace("%s", parsed.type), parsed.type);
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
