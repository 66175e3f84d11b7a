/* Draws the dashboards' Plotly figures (built on the server) and opens a unit when a heat-map cell is clicked.

A figure may carry a narrow variant in layout.meta.narrow ({below: px, layout: {...}, data: [{...}, ...]}, built
by reporting/charts.py): in a chart narrower than `below` pixels it is merged over the figure, and the chart is
drawn again when a resize crosses that width. A chart that fails to draw is marked and does not stop the others. */
(function () {
  "use strict";

  // Nothing is fetched from outside the app: no topojson, no MathJax, no cloud links.
  var CONFIG = {
    displaylogo: false, responsive: true, showLink: false, showSendToCloud: false, showEditInChartStudio: false,
    typesetMath: false, topojsonURL: "/static/vendor/", modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]
  };

  // A narrow chart (a phone, where nothing hovers) has no tool bar sitting over its labels.
  function configFor(narrow) {
    return narrow ? merged(CONFIG, {displayModeBar: false}) : CONFIG;
  }

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

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // A copy of `base` with `over` merged in: objects merge key by key, anything else (arrays too) replaces.
  function merged(base, over) {
    var out = {};
    Object.keys(base).forEach(function (key) { out[key] = base[key]; });
    Object.keys(over || {}).forEach(function (key) {
      out[key] = isObject(out[key]) && isObject(over[key]) ? merged(out[key], over[key]) : over[key];
    });
    return out;
  }

  function narrowVariant(figure) {
    return (figure.layout.meta && figure.layout.meta.narrow) || null;
  }

  function isNarrow(div, figure) {
    var alt = narrowVariant(figure);
    return Boolean(alt) && div.clientWidth < alt.below;
  }

  // The figure to draw at this chart width: the server's, or its narrow variant.
  // The figure to draw at this chart width: a fresh copy of the server's, or of its narrow variant (Plotly
  // changes the objects it is given, so the source stays as sent).
  function variant(source, narrow) {
    var figure = JSON.parse(source);
    var alt = narrow && narrowVariant(figure);
    if (!alt) return figure;
    return {
      data: figure.data.map(function (trace, i) { return merged(trace, (alt.data || [])[i]); }),
      layout: merged(figure.layout, alt.layout)
    };
  }

  function failed(div, error) {
    div.classList.add("has-failed");
    if (window.console) window.console.error("chart " + div.id + " was not drawn:", error);
  }

  // With `responsive`, Plotly sizes a figure to its box when the window is resized (forgetting layout.height):
  // the box gets the figure's height, so a resize keeps it.
  function plot(div, figure, narrow, how) {
    if (figure.layout.height) div.style.height = figure.layout.height + "px";
    return window.Plotly[how](div, figure.data, figure.layout, configFor(narrow));
  }

  function draw(div) {
    var element = document.getElementById(div.dataset.figure);
    if (!element || !window.Plotly) return;
    var source = element.textContent;
    var narrow = isNarrow(div, JSON.parse(source));
    var drawing;
    try {
      drawing = plot(div, variant(source, narrow), narrow, "newPlot");
    } catch (error) {
      failed(div, error);
      return;
    }
    drawing.then(function () {
      div.classList.add("is-drawn");
      if (div.dataset.clickUrls) {
        var urls = JSON.parse(div.dataset.clickUrls);
        div.on("plotly_click", onHeatmapClick(div, urls));
        div.classList.add("is-clickable");
      }
      // A window resized across the narrow width (a phone turned) draws the other variant.
      window.addEventListener("resize", function () {
        var now = isNarrow(div, JSON.parse(source));
        if (now === narrow) return;
        narrow = now;
        plot(div, variant(source, narrow), narrow, "react").catch(function (error) { failed(div, error); });
      });
    }, function (error) { failed(div, error); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart[data-figure]").forEach(draw);
  });
})();
