"""`shiyu import_areas FILE --level district --name-field name --code-field adcode [--parent CODE]`."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shiyu.core.errors import InvalidInput
from shiyu.geo import crs, selectors, services
from shiyu.geo.models import Area


class Command(BaseCommand):
    help = ("Import areas and their boundaries from a GeoJSON FeatureCollection (also the DataV "
            "format of Chinese administrative boundaries: --name-field name --code-field adcode). "
            "A known code updates that area; invalid polygons are repaired and reported (or, with "
            "--no-repair, reported and skipped); features that cannot be used are reported.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .geojson / .json FeatureCollection")
        parser.add_argument("--level", required=True, choices=Area.Level.values)
        parser.add_argument("--name-field", required=True, help="property holding the area's name")
        parser.add_argument("--code-field", required=True, help="property holding the area's unique code")
        parser.add_argument("--name-en-field", default="", help="property holding the English name")
        parser.add_argument("--parent", default="", help="code (or id, or name) of the parent area")
        parser.add_argument("--crs", default=crs.WGS84, choices=crs.SYSTEMS,
                            help="coordinate system of the file (DataV files are usually gcj02)")
        parser.add_argument("--no-repair", action="store_true",
                            help="skip invalid polygons instead of repairing them")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, file: str, level: str, name_field: str, code_field: str, name_en_field: str,
               parent: str, crs: str, no_repair: bool, quiet: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            collection = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} is not JSON: {exc}") from None
        parent_area = None
        if parent:
            parent_area = selectors.area_find(parent)
            if parent_area is None:
                raise CommandError(f"No area with code, id or name {parent!r}")
        total = len(collection.get("features") or []) if isinstance(collection, dict) else 0
        bar = tqdm(total=total, unit="area", desc="importing", file=sys.stderr,
                   disable=quiet or not sys.stderr.isatty())
        try:
            report = services.areas_import(
                actor=None, collection=collection, level=level, name_field=name_field,
                code_field=code_field, name_en_field=name_en_field, parent=parent_area, crs_name=crs,
                repair=not no_repair, progress=bar.update)
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from None
        finally:
            bar.close()
        for code, why in report.repaired:
            self.stderr.write(f"repaired {code}: {why}")
        for label, why in report.rejected:
            self.stderr.write(f"rejected {label}: {why}")
        self.stdout.write(f"created {len(report.created)}, updated {len(report.updated)}, "
                          f"repaired {len(report.repaired)}, rejected {len(report.rejected)}")
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} feature(s) rejected", returncode=2)
