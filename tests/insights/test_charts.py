"""Charts are readable SVG images drawn on the server (kiban.insights.charts)."""

from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from kiban.insights import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [t.text for t in parse(svg).iter(f"{SVG}text")]


def test_a_funnel_hatches_and_names_the_worst_step():
    svg = charts.funnel_chart(
        "f",
        "Funnel",
        "Largest drop-off: Household",
        [
            charts.Stage("Started", 1000),
            charts.Stage("Applicant", 900, "−10%"),
            charts.Stage("Household", 600, "−33%", highlight=True),
            charts.Stage("Completed", 580),
        ],
    )
    root = parse(svg)

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Funnel"
    assert root.find(f"{SVG}desc").text == "Largest drop-off: Household"
    assert sum(1 for r in root.iter(f"{SVG}rect") if r.get("fill") == "url(#f-hatch)") == 1
    assert any("Largest drop-off" in t for t in texts(svg))
    assert "600 (60%)" in texts(svg)


def test_bars_draw_a_labelled_target_and_mark_suppressed_values():
    svg = charts.bar_chart(
        "b",
        "Copy paper",
        "desc",
        [charts.Bar("FY2016", 2e8), charts.Bar("FY2021", 9e7), charts.Bar("FY2022", None)],
        charts.Target(1e8, "Target 1億"),
        suppressed_label="fewer than 10",
    )

    assert "Target 1億" in texts(svg)
    assert charts.SUPPRESSED_MARK in texts(svg)
    assert "2億" in texts(svg)


def test_a_line_leaves_a_gap_for_a_suppressed_point():
    svg = charts.line_chart(
        "l",
        "Trend",
        "d",
        ["a", "b", "c", "d"],
        [charts.Series("rate", [50, 60, None, 70])],
        suffix="%",
    )

    assert len(list(parse(svg).iter(f"{SVG}polyline"))) == 1  # a–b; d stands alone
    assert "70%" in texts(svg)


def test_an_interval_chart_draws_whiskers():
    svg = charts.interval_chart(
        "i", "NPS", "d", [charts.IntervalRow("A", 10, 2, 18), charts.IntervalRow("B", None)]
    )

    assert (
        len([line for line in parse(svg).iter(f"{SVG}line") if line.get("class") == "whisker"]) == 3
    )
    assert any("fewer than 10" in t for t in texts(svg))


def test_no_data_says_so():
    assert "No data" in texts(charts.bar_chart("e", "t", "d", []))


@given(st.text(max_size=40))
def test_labels_are_escaped(label):
    svg = charts.hbar_chart("h", label, label, [charts.Bar(label, 5.0)])

    tags = {element.tag.removeprefix(SVG) for element in parse(svg).iter()}
    assert tags <= {"svg", "title", "desc", "defs", "pattern", "rect", "line", "text"}


def test_long_labels_are_shortened_to_fit():
    assert charts.fit("Application for Tokyo Metropolitan Housing", 120).endswith("…")
    assert charts.text_width(charts.fit("中小企業デジタル化支援補助金の交付申請", 120)) <= 120
