"""`shiyu locate LAT LON`: the areas containing a point, from the city down."""

import math

from django.core.management.base import BaseCommand, CommandError

from shiyu.geo import crs, selectors


class Command(BaseCommand):
    help = "Print the path of areas whose boundaries contain a point (WGS84 unless --crs gcj02)."

    def add_arguments(self, parser):
        parser.add_argument("lat", type=float)
        parser.add_argument("lon", type=float)
        parser.add_argument("--crs", default=crs.WGS84, choices=crs.SYSTEMS)

    def handle(self, *args, lat: float, lon: float, crs: str, **options):
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise CommandError("LAT must be within -90..90 and LON within -180..180")
        lat, lon = selectors.point_to_wgs84(lat, lon, crs)
        path = selectors.area_path_for_point(lat, lon)
        if not path:
            raise CommandError(f"No area contains {lat:.6f}, {lon:.6f}", returncode=3)
        for depth, area in enumerate(path):
            self.stdout.write(f"{'  ' * depth}{area.code}\t{area.name}\t{area.level}")
