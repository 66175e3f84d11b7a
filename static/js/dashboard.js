/* Draws the dashboards' Plotly figures (built on the server) and opens a unit when a heat-map cell is clicked. */
(function () {
  "use strict";

  // Nothing is fetched from outside the app: no topojson, no MathJax, no cloud links.
  var CONFIG = {
    displaylogo: false, responsive: true, showLink: false, showSendToCloud: false, showEditInChartStudio: false,
    typesetMath: false, topojsonURL: "/static/vendor/", modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]
  };

  function rowOf(point) {
    var idx = point.pointIndex !== undefined ? point.pointIndex : point.pointNumber;
    return Array.isArray(idx) ? idx[0] : idx;
  }

  // The heat map's click handler: the clicked row's page (also used by the tests through Plotly's events).
  function onHeatmapClick(div, urls) {
    return function (event) {
      if (!event || !event.points || !event.points.length) return;
      var row = rowOf(event.points[0]);
      var url = urls[row];
      if (url) window.location.assign(url);
    };
  }

  function draw(div) {
    var source = document.getElementById(div.dataset.figure);
    if (!source || !window.Plotly) return;
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(div, figure.data, figure.layout, CONFIG).then(function () {
      div.classList.add("is-drawn");
      if (div.dataset.clickUrls) {
        var urls = JSON.parse(div.dataset.clickUrls);
        div.on("plotly_click", onHeatmapClick(div, urls));
        div.classList.add("is-clickable");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart[data-figure]").forEach(draw);
  });
})();
