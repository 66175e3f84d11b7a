"""Every chart draws on a phone (390 px) and on a desktop (1,400 px), in English and Vietnamese: the overview, a
province and a commune; nothing clipped, no overlapping labels, no console error, no sideways scroll of the page."""
from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_dashboard_browser import assert_only_local_requests, log_in
from tests.reporting.factories_dash import results_for_unit

pytestmark = [pytest.mark.browser]

# An agency's full name of 80 characters, as the longest ones in the catalogue of units are.
LONG_NAME = "Ban Quản lý các khu công nghệ cao, khu công nghiệp và khu chế xuất tại TP Hà Nội"
PAGES = {
    "overview": "/dashboard/?year=2026&period=Y",
    "province": "/dashboard/province/01/?year=2026&period=Y",
    "commune": "/dashboard/unit/00070/?year=2026&period=Y",
}
CHARTS = {
    "overview": ["status-shares", "provinces", "trend", "doc-reduction"],
    "province": ["status-shares", "units-heatmap", "trend", "doc-reduction"],
    "commune": ["unit-values"],
}


@pytest.fixture
def charts_data(tree):
    from tests.factories import UnitFactory

    assert len(LONG_NAME) == 80
    tree["long"] = UnitFactory(code="01-BQL", name=LONG_NAME, level="provincial", kind="agency", parent=tree["01"])
    for n in range(12):  # a province of a few dozen units: a tall heat map, a wide table
        tree[f"c{n}"] = UnitFactory(code=f"{100 + n:05d}", name=f"Xã Thử Nghiệm Số {n + 1}", level="commune",
                                    parent=tree["01"])
    for i, unit in enumerate(u for u in tree.values()):
        for year in (2024, 2025, 2026):
            results_for_unit(unit, seed=i + year, year=year)
    return tree


# What each chart looks like once drawn, measured in the page (CSS pixels).
MEASURE = """
const out = {};
for (const gd of document.querySelectorAll('.chart[data-figure]')) {
  const box = gd.getBoundingClientRect();
  const full = gd._fullLayout;
  const texts = [...gd.querySelectorAll('.main-svg text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, cls: t.getAttribute('class') || t.parentNode.getAttribute('class') || '',
            left: r.left - box.left, right: r.right - box.left, top: r.top - box.top, bottom: r.bottom - box.top,
            width: r.width, height: r.height};
  });
  const rects = sel => [...gd.querySelectorAll(sel)].map(e => e.getBoundingClientRect()).map(r => (
      {left: r.left - box.left, right: r.right - box.left, top: r.top - box.top, bottom: r.bottom - box.top}));
  out[gd.id.replace(/^chart-/, '')] = {
    drawn: gd.classList.contains('is-drawn'),
    svgs: gd.querySelectorAll('.main-svg').length,
    traces: gd.querySelectorAll('.cartesianlayer .trace, .cartesianlayer .hm').length,
    width: box.width, height: box.height,
    plot: full ? {width: full._size.w, height: full._size.h, left: full._size.l, top: full._size.t} : null,
    legend: full && full.showlegend && full.legend && full.legend._height ? full.legend._height : 0,
    texts: texts,
    xticks: rects('.xtick text'), yticks: rects('.ytick text'),
    bars: rects('.barlayer .point path'), annotations: rects('.annotation'),
    xrange: full && full.xaxis ? full.xaxis.range : null,
    data: (gd.data || []).map(t => ({type: t.type, y: t.y, x: t.x})),
    layout: {xaxis: full && full.xaxis && {ticktext: full.xaxis.ticktext, tickvals: full.xaxis.tickvals},
             yaxis: full && full.yaxis && {ticktext: full.yaxis.ticktext, tickvals: full.yaxis.tickvals}},
  };
}
return out;
"""


def hover_text(driver, chart_id: str, row: int, col: int) -> str:
    """What the heat map's hover label says over a cell (Plotly's own hover, as a pointer would raise it)."""
    driver.execute_script("Plotly.Fx.hover(document.getElementById(arguments[0]),"
                          " [{curveNumber: 0, pointNumber: [arguments[1], arguments[2]]}])", chart_id, row, col)
    return WebDriverWait(driver, 5).until(lambda d: d.execute_script(
        "const t = document.querySelector('#' + arguments[0] + ' .hovertext'); return t && t.textContent",
        chart_id))


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def overlaps(a: dict, b: dict, tolerance: float = 0.5) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > tolerance
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > tolerance)


def wait_for_charts(driver, expected: list[str]) -> None:
    """Every chart div of the page drawn (or failed: the script marks a failure too, so the test reports it)."""
    WebDriverWait(driver, 40).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('.chart[data-figure]')].every("
        "c => c.classList.contains('is-drawn') || c.classList.contains('has-failed'))"))
    ids = driver.execute_script("return [...document.querySelectorAll('.chart[data-figure]')].map(c => c.id)")
    assert ids == [f"chart-{c}" for c in expected]
    # Drawn charts make the page taller; its scroll bar narrows it and Plotly redraws to the new width: measure
    # once the sizes hold still.
    sizes = ("return [...document.querySelectorAll('.chart .main-svg')].map(s => s.getBoundingClientRect())"
             ".map(r => r.width + 'x' + r.height).join()")
    last = {"sizes": None}

    def settled(d) -> bool:
        now = d.execute_script(sizes)
        same, last["sizes"] = now == last["sizes"], now
        return same

    WebDriverWait(driver, 20, poll_frequency=0.5).until(settled)


def check_page(driver, page: str, width: int) -> dict:
    """The charts' measures; every problem found is listed (not only the first)."""
    charts = driver.execute_script(MEASURE)
    assert sorted(charts) == sorted(CHARTS[page])
    problems = []
    for chart_id, c in charts.items():
        where = f"{page} {chart_id} at {width} px"
        if not (c["drawn"] and c["svgs"] >= 1 and c["traces"] >= 1):
            problems.append((where, "not drawn", c["drawn"], c["svgs"], c["traces"]))
            continue
        # The plotting area keeps most of the chart: labels do not squeeze it (the cause of Plotly's
        # "Something went wrong with axis scaling" on phones).
        if c["plot"]["width"] < 0.45 * c["width"]:
            problems.append((where, "plot squeezed", c["plot"], c["width"]))
        # Nothing is cut at the chart's edges: every label, title, tick and legend entry lies inside it.
        for t in c["texts"]:
            if not (t["left"] >= -1 and t["right"] <= c["width"] + 1 and t["top"] >= -1
                    and t["bottom"] <= c["height"] + 1):
                problems.append((where, "clipped", t))
        # Tick labels do not overlap their neighbours.
        for axis in ("xticks", "yticks"):
            ticks = c[axis]
            for a, b in zip(ticks, ticks[1:]):
                if overlaps(a, b):
                    problems.append((where, f"{axis} overlap", a, b))
        # A legend takes a small part of the card, never half of it.
        if c["legend"] > 0.25 * c["height"]:
            problems.append((where, "legend too tall", c["legend"], c["height"]))
    assert not problems, "\n".join(map(repr, problems))
    return charts


STICKY = """
const wrap = document.querySelector('#units .table-wrap');
wrap.scrollLeft = wrap.scrollWidth; wrap.scrollTop = wrap.scrollHeight;
const box = wrap.getBoundingClientRect();
const name = wrap.querySelector('tbody tr:last-child th[scope=row]').getBoundingClientRect();
const corner = wrap.querySelector('thead th:nth-child(2)').getBoundingClientRect();
const head = wrap.querySelector('thead th:last-child').getBoundingClientRect();
const code = wrap.querySelector('tbody tr:last-child td:first-child').getBoundingClientRect();
return {scrolled: [wrap.scrollLeft, wrap.scrollTop], box: [box.left, box.top, box.width],
        name: [name.left, name.width, name.bottom], corner: [corner.left, corner.top], head: [head.top],
        code: [code.left], table: wrap.scrollWidth, target: wrap.querySelector('thead th:last-child').offsetWidth};
"""


def check_units_table_keeps_its_header_and_names_in_view(driver, width: int) -> None:
    """Scrolled to its far right and bottom, the units table still shows which unit a row is and which target a
    column is: the name column and the header row stay at its edges (the code column has passed under)."""
    m = driver.execute_script(STICKY)
    left, top, box_width = m["box"]
    assert m["scrolled"][0] > 0, "the table is wider than its box: it scrolls sideways"
    if width < 700:
        assert m["scrolled"][1] > 0, "on a phone the table is taller than its box: it scrolls down"
    assert abs(m["name"][0] - left) <= 2 and m["name"][1] <= 0.45 * box_width  # the names stay, a narrow column
    assert abs(m["corner"][0] - left) <= 2 and abs(m["corner"][1] - top) <= 2
    assert abs(m["head"][0] - top) <= 2
    assert m["code"][0] < left  # scrolled out of view, under the names
    assert m["target"] <= 10 * 16 + 1  # a target's heading wraps at 10rem


# A phone and a desktop in both languages; a tablet (the heat maps' labels turn upright below 1,100 px of chart).
@pytest.mark.parametrize(("lang", "width"), [("en", 390), ("vi", 390), ("en", 768), ("en", 1400), ("vi", 1400)])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_chart_draws_whole_on_a_phone_and_a_desktop(live_server, browser, viewport, language, screenshot,
                                                          charts_data, width, lang):
    from tests.factories import UserFactory

    UserFactory(username="charts-reviewer", role="reviewer", unit=None)
    base = live_server.url
    viewport(width)
    log_in(browser, base, "charts-reviewer")
    language(base, lang)
    console_errors(browser)  # drop what the log-in page logged
    for page, path in PAGES.items():
        browser.get(base + path)
        assert browser.execute_script("return document.documentElement.lang") == lang
        assert browser.execute_script("return window.innerWidth") == width
        wait_for_charts(browser, CHARTS[page])
        screenshot(f"{page}-{lang}-{width}", full_page=True)
        charts = check_page(browser, page, width)
        # The page itself never scrolls sideways (wide tables scroll inside their own box).
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"), (page, width)
        assert console_errors(browser) == [], (page, width)
        if page == "overview":
            bars = charts["status-shares"]
            assert bars["xrange"][1] >= 1  # the shares' axis goes to 100 %
            assert any(t["text"].replace("\u00a0", " ") in ("100%", "100 %") for t in bars["texts"])
            # A province's cell is the province as a whole, its own records beside it.
            hover = hover_text(browser, "chart-provinces", 0, 0)
            assert "Thành phố Hà Nội (01)" in hover
            assert ("As a whole:" in hover and "Its own records:" in hover) if lang == "en" else (
                "Tổng thể:" in hover and "Số liệu của chính đơn vị:" in hover)
            histogram = charts["doc-reduction"]
            assert histogram["annotations"], "the target line has its label"
            for label in histogram["annotations"]:
                assert not any(overlaps(label, bar) for bar in histogram["bars"]), (label, width)
        if page == "province":
            heat = charts["units-heatmap"]
            shown = heat["layout"]["yaxis"]["ticktext"]
            full = heat["data"][0]["y"]
            long_row = next(i for i, name in enumerate(full) if name.startswith(LONG_NAME))
            assert len(shown[long_row]) < 40 and "…" in shown[long_row]  # shortened; the full name on hover
            assert LONG_NAME in hover_text(browser, "chart-units-heatmap", long_row, 0)
            check_units_table_keeps_its_header_and_names_in_view(browser, width)
            browser.execute_script("document.getElementById('units').scrollIntoView()")
            screenshot(f"units-table-scrolled-{lang}-{width}")
    assert_only_local_requests(browser, base)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_resized_window_keeps_the_charts_heights_and_switches_their_variant(live_server, browser, viewport,
                                                                              screenshot, charts_data):
    """A desktop window made narrower, then a phone turned: the charts keep their heights (Plotly's responsive
    resize used to shrink them to their box's 240 px) and draw the variant of their new width."""
    from tests.factories import UserFactory

    UserFactory(username="resize-reviewer", role="reviewer", unit=None)
    base = live_server.url
    viewport(1400)
    log_in(browser, base, "resize-reviewer")
    console_errors(browser)
    browser.get(base + PAGES["overview"])
    wait_for_charts(browser, CHARTS["overview"])
    heights = ("return [...document.querySelectorAll('.chart[data-figure]')]"
               ".map(c => Math.round(c.getBoundingClientRect().height))")
    ticks = "return document.getElementById('chart-status-shares')._fullLayout.yaxis.ticktext"
    wide_heights = browser.execute_script(heights)
    assert min(wide_heights) >= 260 and browser.execute_script(ticks) is None  # the full names, no short ones
    viewport(1200)
    wait_for_charts(browser, CHARTS["overview"])
    assert browser.execute_script(heights) == wide_heights
    viewport(390)
    wait_for_charts(browser, CHARTS["overview"])
    check_page(browser, "overview", 390)
    assert browser.execute_script(ticks)[0].replace("<br>", " ") == "Fewer documents"
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("overview-turned-to-390", full_page=True)
    assert console_errors(browser) == []
