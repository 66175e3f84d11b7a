"""The figures as built (no database): status never told by colour alone, labels that fit, the narrow variant."""
from __future__ import annotations

import json
from decimal import Decimal

from django.utils import translation

from reform.models import Target, Unit
from reporting import charts
from reporting.choices import Status

LONG_NAME = "Ban Quản lý các khu công nghệ cao, khu công nghiệp và khu chế xuất tại TP Hà Nội"


def _targets() -> list[Target]:
    return [Target(code="DOC_REDUCTION", name_en="Reduce administrative documents compared with the year before",
                   name_vi="Giảm văn bản hành chính so với năm trước", comparison="reduction_gte"),
            Target(code="PROVINCE_WIDE_CAP", name_en="Limit province-wide conferences a year",
                   name_vi="Giới hạn hội nghị toàn tỉnh", comparison="count_lte")]


def test_every_status_has_a_symbol_of_its_own_and_each_unmet_one_a_hatching_of_its_own():
    symbols = [charts.STATUS_SYMBOLS[s] for s in Status.values]
    assert len(set(symbols)) == len(symbols) and all(symbols)
    hatchings = [charts.bar_pattern(s)["shape"] for s in (Status.MISSED, Status.NO_BASELINE, Status.NO_DATA)]
    assert len(set(hatchings)) == 3 and all(hatchings)
    assert charts.bar_pattern(Status.MET)["shape"] == ""
    per_bar = charts.bar_pattern([Status.MET, Status.MISSED, None])
    assert per_bar["shape"] == ["", "x", ""]


def test_a_heat_map_cell_carries_its_status_symbol_and_long_names_are_shortened_for_the_axes():
    targets = _targets()
    units = [Unit(code="01", name="Thành phố Hà Nội"), Unit(code="01-BQL", name=LONG_NAME)]
    grid = {("01", "DOC_REDUCTION"): {"status": Status.MISSED, "value": Decimal("0.05")},
            ("01-BQL", "DOC_REDUCTION"): {"status": Status.MET, "value": Decimal("0.3")},
            ("01-BQL", "PROVINCE_WIDE_CAP"): {"status": Status.NO_DATA, "value": None}}
    with translation.override("en"):
        chart = charts.heatmap_chart(units=units, targets=targets, grid=grid, row_urls=["/a", "/b"], chart_id="h",
                                     title="t", description="d", unit_label="Unit")
    fig = chart.figure.to_dict()
    heat, layout = fig["data"][0], fig["layout"]
    assert heat["text"] == [["✗", ""], ["✓", "∅"]] and heat["texttemplate"] == "%{text}"
    # The hover reads the full names (the categories); the axes show them shortened.
    assert heat["y"] == ["Thành phố Hà Nội (01)", f"{LONG_NAME} (01-BQL)"] and "%{y}" in heat["hovertemplate"]
    assert heat["x"] == [t.name_en for t in targets] and "%{x}" in heat["hovertemplate"]
    assert layout["yaxis"]["ticktext"][1] == "Ban Quản lý các khu công… (01-BQL)"
    assert layout["xaxis"]["ticktext"] == ["Fewer<br>documents", "Province-<br>wide cap"]
    narrow = layout["meta"]["narrow"]
    assert narrow["below"] == charts.HEATMAP_UPRIGHT_BELOW
    assert narrow["layout"]["xaxis"]["tickangle"] == -90
    assert narrow["layout"]["yaxis"]["ticktext"] == ["Thành phố Hà Nội", "Ban Quản lý các khu c…"]
    assert [key["symbol"] for key in chart.legend] == [charts.STATUS_SYMBOLS[s] for s in charts.d.STATUS_ORDER]


def _share_row(code: str, name: str) -> dict:
    row = {"target": code, "target_name": name, "units": 4, "not_applicable": 0}
    for status in ("met", "missed", "no_baseline", "no_data"):
        row[f"n_{status}"], row[f"share_{status}"] = 1, 0.25
    return row


def test_the_status_bars_axis_runs_to_100_percent_and_a_phone_gets_the_short_names():
    with translation.override("en"):
        chart = charts.status_bars_chart([_share_row("DOC_REDUCTION", _targets()[0].name_en)])
    layout = chart.figure.to_dict()["layout"]
    assert layout["xaxis"]["range"] == [0, 1] and layout["xaxis"]["tickvals"][-1] == 1
    assert layout["margin"]["r"] >= 24  # room for the last label, "100%", inside the figure
    narrow = layout["meta"]["narrow"]["layout"]
    assert narrow["xaxis"]["tickvals"][-1] == 1
    assert narrow["yaxis"]["ticktext"] == ["Fewer<br>documents"]
    assert layout["showlegend"] is False and chart.legend_patterns  # the key is the page's, under the figure
    assert [t["marker"]["pattern"]["shape"] for t in chart.figure.data] == ["", "x", "/", "."]


def test_the_histograms_target_label_sits_above_the_plot_away_from_the_nearer_edge():
    for threshold, anchor in ((0.15, "right"), (-0.3, "left")):
        with translation.override("en"):
            chart = charts.reduction_histogram_chart([0.2, 0.05, 0.3, 0.3], threshold)
        layout = chart.figure.to_dict()["layout"]
        (label,) = layout["annotations"]
        assert (label["yref"], label["y"], label["yanchor"]) == ("paper", 1, "bottom")  # above every bar
        assert label["xanchor"] == anchor
        assert layout["margin"]["t"] >= 30
    title = layout["xaxis"]["title"]["text"]
    assert "<br>" in title and all(len(line) <= 40 for line in title.split("<br>"))
    narrow_title = layout["meta"]["narrow"]["layout"]["xaxis"]["title"]["text"]
    assert all(len(line) <= 28 for line in narrow_title.split("<br>"))


def test_wrap_label_breaks_after_a_hyphen_only_when_asked():
    assert charts.wrap_label("Province-wide cap", 10) == "Province-wide<br>cap"
    assert charts.wrap_label("Province-wide cap", 10, at_hyphens=True) == "Province-<br>wide cap"
    assert charts.shorten("Phường Ba Đình", 20) == "Phường Ba Đình"
    assert charts.shorten("Phường Hoàn Kiếm", 8) == "Phường…"


def test_the_figure_sent_in_the_page_is_utf_8_and_cannot_close_its_script_element():
    units = [Unit(code="01", name="Phường </script><script>alert(1)</script> & Co")]
    with translation.override("vi"):
        chart = charts.heatmap_chart(units=units, targets=_targets(), grid={}, row_urls=["/a"], chart_id="h",
                                     title="t", description="d", unit_label="Đơn vị")
    sent = chart.figure_json
    assert "Phường" in sent and "\\u01b0" not in sent  # the names as they are: half the bytes of \u escapes
    assert "<" not in sent and ">" not in sent and "&" not in sent
    assert json.loads(sent)["data"][0]["y"] == ["Phường </script><script>alert(1)</script> & Co (01)"]
