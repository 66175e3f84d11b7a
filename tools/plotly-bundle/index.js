// The dashboards' plotly.js: the core (which carries the scatter trace) and the other trace types that
// reporting/charts.py draws. A chart using another type needs it added here (tests/web/test_plotly_bundle.py
// compares this list with the figures' types).
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
]);

module.exports = Plotly;
