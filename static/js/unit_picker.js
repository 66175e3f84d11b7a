/* The unit pickers: type a unit's name (with or without diacritics) or code and choose it, with its province.
   Every [data-unit-picker] control (a select of ids, or a text box taking a code or a name) becomes a search box
   over its scope's /units/search/ endpoint (the vendored Tom Select). Without JavaScript, or if Tom Select did
   not load, the plain control stays and works. */
(function () {
  "use strict";

  function parseCurrent(text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch (error) { return null; }
  }

  // The server's folding (reform/unitsearch.py), to narrow the options already shown while the search runs.
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function matcher(query) {
    var words = fold(query).split(" ").filter(Boolean);
    var code = query.trim().toLowerCase();
    return function (item) {
      if (code && item.code && String(item.code).toLowerCase().indexOf(code) >= 0) return 1;
      var name = fold(item.name || item.label);
      return words.every(function (word) { return name.indexOf(word) >= 0; }) ? 1 : 0;
    };
  }

  function setupUnitPicker(original) {
    if (typeof window.TomSelect !== "function" || original.disabled || original.readOnly) return;
    var data = original.dataset;
    var valueField = data.valueField || "id";
    var current = parseCurrent(data.current);
    var typed = original.tagName === "INPUT" ? original.value.trim() : "";

    // A select of the same name and id (so the label still points at it), holding only the current choice.
    var select = document.createElement("select");
    select.name = original.name;
    select.id = original.id;
    select.required = original.required;
    ["aria-describedby", "aria-invalid", "class"].forEach(function (name) {
      if (original.hasAttribute(name)) select.setAttribute(name, original.getAttribute(name));
    });
    select.appendChild(new Option("", ""));
    var options = [];
    if (current) {
      select.appendChild(new Option(current.label, String(current[valueField]), true, true));
      options.push(current);
    } else if (typed) {
      // A filter's name that several units share: kept as typed, the list filters by all of them.
      var asTyped = { label: typed, name: typed, code: "", detail: "" };
      asTyped[valueField] = typed;
      select.appendChild(new Option(typed, typed, true, true));
      options.push(asTyped);
    }
    original.parentNode.replaceChild(select, original);

    var latest = 0;
    var picker = new window.TomSelect(select, {
      valueField: valueField,
      labelField: "label",
      searchField: [],
      options: options,
      maxOptions: 50,
      loadThrottle: 200,
      preload: "focus",
      placeholder: data.placeholder || "",
      plugins: select.required ? [] : { clear_button: { title: data.clear || "×" } },
      // The server ranks and filters (diacritics, codes, scope): its answer is shown in its order; the options
      // already there are narrowed the same way meanwhile.
      score: matcher,
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var self = this;
        var ticket = ++latest;
        var url = data.searchUrl + (data.searchUrl.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (answer) {
            if (ticket !== latest) { callback(); return; }  // a later search is on its way
            self.clearOptions();
            callback(answer.results || []);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          return '<div class="unit-option"><span class="unit-option__name">' + escape(item.name || item.label) +
            (item.code ? ' <span class="unit-option__code">' + escape(item.code) + "</span>" : "") + "</span>" +
            (item.detail ? '<span class="unit-option__detail">' + escape(item.detail) + "</span>" : "") + "</div>";
        },
        item: function (item, escape) { return "<div>" + escape(item.label) + "</div>"; },
        no_results: function (item, escape) { return '<div class="no-results">' + escape(data.noResults || "") + "</div>"; }
      },
      onChange: function () {
        if (original.hasAttribute("data-autosubmit") && select.form) select.form.submit();
      }
    });
    select.unitPicker = picker;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-unit-picker]").forEach(setupUnitPicker);
  });
})();
