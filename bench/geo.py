"""Point-in-polygon speed and accuracy of the area index (shiyu/geo/spatial.py).

Prints points assigned per second, vectorised (imports, back-fills) and one at a time (intake),
against the NYC community districts (71 polygons, ../shared/data/geo/community_districts.geojson)
and a generated city grid of 5,000 irregular cells; then the agreement of the assignment with the
Borough field of the NYC 311 sample of 2023-02-28, over all its located rows. The index is the one
the application uses, built from the same GeoJSON text it stores.

    python bench/geo.py [--points 1000000] [--single 20000] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from shiyu.geo import generate  # noqa: E402
from shiyu.geo.spatial import Index, build  # noqa: E402

BOROUGH_OF_DIGIT = {"1": "MANHATTAN", "2": "BRONX", "3": "BROOKLYN", "4": "QUEENS", "5": "STATEN ISLAND"}


def index_of(geometries: list, codes: list[str]) -> tuple[Index, dict[int, str]]:
    rows = [(i + 1, f"/{i + 1:08d}/", shapely.to_geojson(g)) for i, g in enumerate(geometries)]
    return build(rows), {i + 1: c for i, c in enumerate(codes)}


def timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result). On a shared machine the CPU time is the
    figure that says what the code costs; the wall time says what this run got."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def rate(index: Index, lon: np.ndarray, lat: np.ndarray, single: int) -> tuple[str, str, np.ndarray]:
    index.locate_many(lon[:1000], lat[:1000])  # warm-up
    wall, cpu, found = timed(lambda: index.locate_many(lon, lat))
    batch = f"{len(lon) / cpu:,.0f} points/s of CPU ({len(lon) / wall:,.0f} wall)"
    wall, cpu, _ = timed(lambda: [index.locate(float(lon[i]), float(lat[i])) for i in range(single)])
    one = f"{single / cpu:,.0f} points/s of CPU ({single / wall:,.0f} wall)"
    return batch, one, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=20_000)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = parser.parse_args()
    data = Path(args.data)
    districts_file = data / "geo" / "community_districts.geojson"
    sample_file = data / "nyc311" / "nyc311_2023-02-28_sample.csv"
    if not districts_file.exists():
        print(f"missing {districts_file}", file=sys.stderr)
        return 1
    rng = np.random.default_rng(42)
    print(f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), numpy {np.__version__}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    collection = json.loads(districts_file.read_text())
    geoms = [shapely.from_geojson(json.dumps(f["geometry"])) for f in collection["features"]]
    codes = [str(f["properties"]["BoroCD"]) for f in collection["features"]]
    start = time.perf_counter()
    nyc, code_of = index_of(geoms, codes)
    built = time.perf_counter() - start
    west, south, east, north = shapely.total_bounds(np.array(geoms))
    lon, lat = rng.uniform(west, east, args.points), rng.uniform(south, north, args.points)
    batch, one, found = rate(nyc, lon, lat, args.single)
    vertices = int(sum(shapely.get_num_coordinates(g) for g in geoms))
    print(f"\nNYC community districts: {len(geoms)} polygons, {vertices:,} vertices, index built in "
          f"{built * 1000:.0f} ms")
    print(f"  {args.points:,} random points in the bounding box ({(found >= 0).mean():.1%} inside a district)")
    print(f"  vectorised: {batch}")
    print(f"  one at a time (intake): {one}")

    frame = (west, south, east, north)
    start = time.perf_counter()
    cells = generate.voronoi_grid(frame, 5000, seed=7)
    grid, _ = index_of(cells, [f"G{i}" for i in range(len(cells))])
    built = time.perf_counter() - start
    batch, one, found = rate(grid, lon, lat, args.single)
    print(f"\nGenerated city grid: {len(cells):,} irregular cells over the same box, built in "
          f"{built * 1000:.0f} ms")
    print(f"  {args.points:,} random points ({(found >= 0).mean():.1%} assigned)")
    print(f"  vectorised: {batch}")
    print(f"  one at a time (intake): {one}")

    if not sample_file.exists():
        print(f"\n(missing {sample_file}: no agreement figure)")
        return 0
    with sample_file.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    located = [r for r in rows if r.get("Latitude") and r.get("Longitude")]
    s_lat = np.array([float(r["Latitude"]) for r in located])
    s_lon = np.array([float(r["Longitude"]) for r in located])
    found = nyc.locate_many(s_lon, s_lat)
    assigned = found >= 0
    borough = np.array([BOROUGH_OF_DIGIT.get(code_of.get(int(f), "0")[:1], "") for f in found])
    given = np.array([r["Borough"].strip().upper() for r in located])
    agree = int(((borough == given) & assigned).sum())
    print(f"\nNYC 311 sample 2023-02-28: {len(rows):,} rows, {len(located):,} located")
    print(f"  assigned to a community district: {int(assigned.sum()):,} ({assigned.mean():.2%})")
    print(f"  borough of the district = the row's Borough field: {agree:,} of {len(located):,} "
          f"({agree / len(located):.2%})")
    for i in np.flatnonzero(borough != given):
        print(f"  disagrees: {given[i]} in the row, district {code_of.get(int(found[i]), '-')} "
              f"({borough[i]}) at {s_lat[i]:.6f}, {s_lon[i]:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
