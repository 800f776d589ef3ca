"""Where the shared public data lives: ../shared/data next to the repository (never copied in)."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DATA = REPO.parent / "shared" / "data"
GEO = DATA / "geo"
COMMUNITY_DISTRICTS = GEO / "community_districts.geojson"
CHANGSHA = GEO / "changsha_districts.json"
NYC_SAMPLE = DATA / "nyc311" / "nyc311_2023-02-28_sample.csv"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (public data kept outside the repository)")
    return path
