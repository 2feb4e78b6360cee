"""TopoJSON to SVG paths: the municipal map of Finland for the charts. Plain Python, no Django.

TopoJSON stores each shared border once, as an *arc* of delta-encoded integer points (quantised by the
file's ``transform``); a polygon's ring lists its arcs by index, ``~i`` (that is ``-i - 1``) meaning arc ``i``
walked backwards, and consecutive arcs share their joining point. Coordinates are longitude and latitude;
the map projects them with an equirectangular projection at 65° N (Finland's middle), which keeps the
country's shape recognisable at the size drawn, and drops points closer than ``tolerance`` pixels to the
last one kept, so that the page stays light.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from avustus.opendata.svg import Area

Point = tuple[float, float]
PARALLEL = math.cos(math.radians(65))


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Every arc as absolute longitude/latitude points."""
    transform = topology.get("transform")
    scale, translate = (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
            else:
                x, y = dx, dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring(indices: Iterable[int], arcs: list[list[Point]]) -> list[Point]:
    """The closed ring the arcs make, each joining point once."""
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to pixels, fitted to ``width`` with a margin."""

    west: float
    north: float
    scale: float
    width: float
    height: float

    def __call__(self, point: Point) -> Point:
        lon, lat = point
        return (lon - self.west) * PARALLEL * self.scale, (self.north - lat) * self.scale


def fit(arcs: list[list[Point]], width: float) -> Projection:
    lons = [p[0] for arc in arcs for p in arc]
    lats = [p[1] for arc in arcs for p in arc]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    scale = width / ((east - west) * PARALLEL)
    return Projection(west, north, scale, width, (north - south) * scale)


def path_data(rings: Iterable[list[Point]], project: Projection) -> str:
    """SVG path data of the rings in whole pixels, each point relative to the last (``l``), dropping points
    that round to the one before: a third of the size of absolute decimals, the same picture."""
    parts = []
    for points in rings:
        kept: list[tuple[int, int]] = []
        for point in points:
            x, y = project(point)
            here = (round(x), round(y))
            if not kept or here != kept[-1]:
                kept.append(here)
        if len(kept) < 3:
            continue
        steps = [f"{b[0] - a[0]},{b[1] - a[1]}" for a, b in zip(kept, kept[1:], strict=False)]
        parts.append(f"M{kept[0][0]},{kept[0][1]}l" + " ".join(steps) + "z")
    return "".join(parts)


def areas(topology: dict, object_name: str, width: float) -> tuple[list[Area], float]:
    """Each geometry of the object as an ``Area`` (code and name from its properties), and the map's height."""
    arcs = decode_arcs(topology)
    project = fit(arcs, width)
    found = []
    for geometry in topology["objects"][object_name]["geometries"]:
        kind, shape = geometry["type"], geometry.get("arcs", [])
        polygons = shape if kind == "MultiPolygon" else [shape] if kind == "Polygon" else []
        rings = [ring(indices, arcs) for polygon in polygons for indices in polygon]
        props = geometry.get("properties", {})
        found.append(Area(str(props.get("code", "")), str(props.get("name", "")), path_data(rings, project)))
    return found, project.height
