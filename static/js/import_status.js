/* The upload page polls its batch's status until it has finished, then reloads (a file: CSP script-src 'self'). */
(function () {
  "use strict";
  var rows = (document.currentScript && document.currentScript.dataset.rowsLabel) || "rows";
  var box = document.getElementById("import-status");
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var label = document.getElementById("import-status-label");
  if (!box) return;
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.progress.fraction;
        text.textContent = s.progress.rows_done.toLocaleString() + " / " + s.progress.rows_total.toLocaleString() + " " + rows;
        label.textContent = s.status_label;
        if (s.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
