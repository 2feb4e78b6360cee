"""The SVG builders and the TopoJSON conversion: pure functions, no database."""

import json
import re
from decimal import Decimal
from importlib import resources
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avustus.opendata import svg, topo

NS = {"s": "http://www.w3.org/2000/svg"}
TWO = [svg.Series("applied", "chart-applied"), svg.Series("granted", "chart-granted")]


def _parse(text: str) -> ElementTree.Element:
    return ElementTree.fromstring(text)  # noqa: S314 - the SVG the code under test built


def test_a_bar_chart_is_named_described_and_scaled_to_its_largest_value():
    text = svg.bar_chart("c1", "Applied & granted", "Group 1: 10 vs 5", ["Group 1", "Group 2"], TWO,
                         [[Decimal(10), Decimal(5)], [Decimal(20), Decimal(0)]], str)
    root = _parse(text)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find("s:title", NS).text == "Applied & granted"
    assert root.find("s:desc", NS).text == "Group 1: 10 vs 5"
    bars = [r for r in root.findall("s:rect", NS) if r.get("height") == str(svg.BAR - 2)]
    widths = [float(b.get("width")) for b in bars]
    assert widths[2] == max(widths) and widths[0] == pytest.approx(widths[2] / 2, abs=0.1)
    assert widths[1] == pytest.approx(widths[2] / 4, abs=0.1) and widths[3] == 0
    assert [b.get("class") for b in bars] == ["chart-applied", "chart-granted"] * 2
    assert "style" not in text and "<script" not in text


def test_text_is_escaped():
    text = svg.bar_chart("c", "<script>x</script>", "a&b", ['"><img src=x>'], TWO[:1], [[1]], str)
    root = _parse(text)  # parses: nothing broke out of its element
    assert root.find("s:title", NS).text == "<script>x</script>"
    assert "<script>" not in text and "<img" not in text


def test_values_must_match_categories_and_series():
    with pytest.raises(ValueError):
        svg.bar_chart("c", "t", "d", ["a", "b"], TWO, [[1, 2]], str)
    with pytest.raises(ValueError):
        svg.column_chart("c", "t", "d", ["a"], TWO, [[1]], str)


@settings(deadline=None)  # the machine is shared: no timing in tests
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**9)), min_size=1, max_size=12))
def test_columns_never_leave_the_picture(pairs):
    text = svg.column_chart("c", "t", "d", [f"r{i}" for i in range(len(pairs))], TWO, [list(p) for p in pairs], str)
    root = _parse(text)
    for rect in root.findall("s:rect", NS)[len(TWO):]:
        y, h = float(rect.get("y")), float(rect.get("height"))
        assert h >= 0 and y >= 0 and y + h <= 260


def test_a_map_shades_the_given_codes_and_names_every_area():
    areas = [svg.Area("109", "Hämeenlinna", "M0,0L1,0L1,1Z"), svg.Area("734", "Salo", "M2,2L3,2L3,3Z")]
    root = _parse(svg.map_chart("m", "Map", "1 of 2", areas, {"109"}, 10, 10))
    paths = root.findall("s:path", NS)
    assert [p.get("class") for p in paths] == ["chart-area chart-area-on", "chart-area"]
    assert [p.find("s:title", NS).text for p in paths] == ["Hämeenlinna", "Salo"]


def test_arcs_decode_from_deltas_and_rings_join_them_reversed_where_negative():
    topology = {"transform": {"scale": [0.5, 2], "translate": [10, 60]},
                "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, -1]]]}
    arcs = topo.decode_arcs(topology)
    assert arcs == [[(10, 60), (11, 60), (11, 62)], [(11, 62), (10, 60)]]
    assert topo.ring([0, 1], arcs) == [(10, 60), (11, 60), (11, 62), (10, 60)]
    assert topo.ring([~1, ~0], arcs) == [(10, 60), (11, 62), (11, 60), (10, 60)]


def _absolute(path: str) -> list[tuple[int, int]]:
    """The points of a path written as ``M x,y l dx,dy ... z`` rings."""
    points = []
    for ring in path.split("M")[1:]:
        start, _, steps = ring.rstrip("z").partition("l")
        x, y = map(int, start.split(","))
        points.append((x, y))
        for step in steps.split():
            dx, dy = map(int, step.split(","))
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


def test_the_map_of_finland_has_every_2017_municipality_as_a_closed_path():
    data = json.loads(resources.files("avustus.opendata").joinpath("data", "municipalities-2017.topo.json")
                      .read_text(encoding="utf-8"))
    areas, height = topo.areas(data, "kuntarajat", 600)
    assert len(areas) == 311 and len({a.code for a in areas}) == 311
    assert {"109", "911", "541"} <= {a.code for a in areas}
    assert 1000 < height < 1600  # Finland is about twice as tall as it is wide
    for area in areas:
        assert re.fullmatch(r"(M-?\d+,-?\d+l[-\d, ]+z)+", area.path), area.code
        assert all(-1 <= x <= 601 and -1 <= y <= height + 1 for x, y in _absolute(area.path))
    hml = _absolute(next(a for a in areas if a.code == "109").path)
    mean_x, mean_y = sum(p[0] for p in hml) / len(hml), sum(p[1] for p in hml) / len(hml)
    assert 120 < mean_x < 320 and mean_y > height * 0.75  # in the south, west of the middle
