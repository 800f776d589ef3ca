"""Copy the npm packages the pages use into assets/vendor (served by whitenoise)."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "htmx.org/dist/htmx.min.js": "vendor/htmx.min.js",
    "echarts/dist/echarts.min.js": "vendor/echarts.min.js",
    "leaflet/dist/leaflet.js": "vendor/leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "vendor/leaflet/leaflet.css",
    "leaflet/dist/images/marker-icon.png": "vendor/leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "vendor/leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "vendor/leaflet/images/marker-shadow.png",
    "leaflet/dist/images/layers.png": "vendor/leaflet/images/layers.png",
    "leaflet/dist/images/layers-2x.png": "vendor/leaflet/images/layers-2x.png",
    "leaflet.markercluster/dist/leaflet.markercluster.js": "vendor/leaflet/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "vendor/leaflet/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css": "vendor/leaflet/MarkerCluster.Default.css",
}


def main() -> int:
    for source, target in FILES.items():
        src = ROOT / "node_modules" / source
        if not src.exists():
            print(f"missing {src}: run npm ci", file=sys.stderr)
            return 1
        dst = ROOT / "assets" / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    print(f"assets: {len(FILES)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
