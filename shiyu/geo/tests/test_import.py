"""`shiyu import_areas` and `shiyu locate`: the NYC community districts and the Changsha districts
(DataV, GCJ-02), synthetic files with bad features, and a fresh SQLite database."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shiyu.geo import selectors
from shiyu.geo.models import Area
from shiyu.geo.tests.data import CHANGSHA, COMMUNITY_DISTRICTS, REPO, need

pytestmark = pytest.mark.django_db

# Places whose community district is known (NYC Planning's district map).
NYC_POINTS = [
    ((40.7580, -73.9855), "105"),  # Times Square, Manhattan CD 5
    ((40.6925, -73.9903), "302"),  # Brooklyn Borough Hall, Brooklyn CD 2
    ((40.6437, -74.0736), "501"),  # St. George ferry terminal, Staten Island CD 1
    ((40.8296, -73.9262), "204"),  # Yankee Stadium, Bronx CD 4
    ((40.7593, -73.8303), "407"),  # Flushing, Main St, Queens CD 7
    ((40.7812, -73.9665), "164"),  # Central Park (a joint interest area of its own)
]
# GCJ-02 points, as a Chinese web map shows them: DataV's district seats and landmarks.
CHANGSHA_POINTS = [
    ((28.347458, 112.819549), "430112"),  # 望城区 seat
    ((28.237888, 113.080098), "430121"),  # 长沙县 seat (星沙)
    ((28.141112, 113.633301), "430181"),  # 浏阳市 seat
    ((28.253928, 112.553182), "430182"),  # 宁乡市 seat
    ((28.1830, 112.9440), "430104"),  # 岳麓山
    ((28.1890, 113.2200), "430121"),  # 黄花国际机场
    ((28.2120, 112.9930), "430105"),  # 湖南省博物馆
    ((28.1960, 113.0100), "430102"),  # 长沙站
]


def test_import_nyc_community_districts_and_locate_known_points(capsys):
    call_command("import_areas", str(need(COMMUNITY_DISTRICTS)), "--level", "district", "--name-field",
                 "BoroCD", "--code-field", "BoroCD", "--quiet")
    assert "created 71, updated 0" in capsys.readouterr().out
    assert Area.objects.filter(level="district").exclude(boundary="").count() == 71
    for (lat, lon), code in NYC_POINTS:
        assert selectors.area_for_point(lat, lon).code == code, (lat, lon)
    assert selectors.area_for_point(40.70, -73.60) is None  # Nassau County: outside the city
    call_command("locate", "40.7580", "-73.9855")
    assert capsys.readouterr().out.split("\t")[0] == "105"


def test_import_changsha_datav_in_gcj02_then_reimport_updates(capsys):
    path = str(need(CHANGSHA))
    args = ["--level", "district", "--name-field", "name", "--code-field", "adcode", "--crs", "gcj02",
            "--quiet"]
    call_command("import_areas", path, *args)
    assert "created 9" in capsys.readouterr().out
    assert Area.objects.get(code="430104").name == "岳麓区"
    for (lat, lon), code in CHANGSHA_POINTS:
        wgs = selectors.point_to_wgs84(lat, lon, "gcj02")
        assert selectors.area_for_point(*wgs).code == code, (lat, lon)
    call_command("locate", "28.1830", "112.9440", "--crs", "gcj02")
    assert "岳麓区" in capsys.readouterr().out
    call_command("import_areas", path, *args)
    assert "created 0, updated 9" in capsys.readouterr().out
    assert Area.objects.count() == 9


def test_import_under_a_parent_reports_repairs_and_rejects(tmp_path, capsys):
    city = _write(tmp_path, [_feature("P", "市", [[0, 0], [4, 0], [4, 4], [0, 4]])])
    call_command("import_areas", str(city),
                 "--level", "city", "--name-field", "name", "--code-field", "code", "--quiet")
    features = [
        _feature("G1", "第一网格", [[0, 0], [2, 0], [2, 2], [0, 2]]),
        _feature("G2", "蝴蝶结", [[2, 0], [4, 2], [4, 0], [2, 2]]),  # self-intersecting: repaired
        _feature("", "无编号", [[0, 2], [1, 2], [1, 3], [0, 3]]),
        {"type": "Feature", "properties": {"code": "G4", "name": "线"},
         "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
    ]
    with pytest.raises(CommandError, match="2 feature"):
        call_command("import_areas", str(_write(tmp_path, features)), "--level", "grid", "--name-field",
                     "name", "--code-field", "code", "--parent", "P", "--quiet")
    out = capsys.readouterr()
    assert "created 2, updated 0, repaired 1, rejected 2" in out.out
    assert "repaired G2: Self-intersection" in out.err
    assert "rejected #3" in out.err and "rejected #4 G4" in out.err
    assert set(Area.objects.filter(parent__code="P").values_list("code", flat=True)) == {"G1", "G2"}
    assert selectors.area_for_point(1, 1).code == "G1"
    assert selectors.area_for_point(1, 2.5).code == "G2"  # in a lobe of the repaired bow tie
    assert selectors.area_for_point(3, 3).code == "P"


def test_no_repair_skips_invalid_polygons(tmp_path):
    features = [_feature("B", "蝴蝶结", [[0, 0], [2, 2], [2, 0], [0, 2]])]
    with pytest.raises(CommandError):
        call_command("import_areas", str(_write(tmp_path, features)), "--level", "grid", "--name-field",
                     "name", "--code-field", "code", "--no-repair", "--quiet")
    assert not Area.objects.exists()


def test_bad_files_and_arguments_change_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    for path in [str(bad), str(tmp_path / "missing.json")]:
        with pytest.raises(CommandError):
            call_command("import_areas", path, "--level", "grid", "--name-field", "n", "--code-field", "c")
    not_collection = tmp_path / "point.json"
    not_collection.write_text(json.dumps({"type": "Point", "coordinates": [0, 0]}))
    with pytest.raises(CommandError, match="FeatureCollection"):
        call_command("import_areas", str(not_collection), "--level", "grid", "--name-field", "n",
                     "--code-field", "c")
    with pytest.raises(CommandError, match="No area"):
        call_command("import_areas", str(_write(tmp_path, [])), "--level", "grid", "--name-field", "n",
                     "--code-field", "c", "--parent", "nope")
    with pytest.raises(CommandError):
        call_command("locate", "91", "0")
    assert not Area.objects.exists()


def test_commands_work_on_a_fresh_sqlite_file_given_by_database_url(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "config.settings.local", "SHIYU_VAR_DIR": str(tmp_path)}
    shiyu = [sys.executable, str(REPO / "manage.py")]

    def run(*args):
        return subprocess.run([*shiyu, *args], env=env, capture_output=True, text=True, cwd=REPO, timeout=300)

    assert run("migrate", "-v0").returncode == 0
    features = [_feature("X1", "甲区", [[10, 10], [11, 10], [11, 11], [10, 11]]),
                _feature("X2", "乙区", [[11, 10], [12, 10], [12, 11], [11, 11]])]
    done = run("import_areas", str(_write(tmp_path, features)), "--level", "district", "--name-field",
               "name", "--code-field", "code")
    assert done.returncode == 0, done.stderr
    assert "created 2" in done.stdout
    found = run("locate", "10.5", "11.5")
    assert found.returncode == 0 and found.stdout.startswith("X2\t乙区\tdistrict"), found
    outside = run("locate", "0", "0")
    assert outside.returncode == 3 and "No area contains" in outside.stderr


def _feature(code, name, ring):
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}}


def _write(tmp_path, features):
    path = tmp_path / f"areas{len(list(tmp_path.iterdir()))}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path
