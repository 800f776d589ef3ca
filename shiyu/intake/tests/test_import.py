"""`shiyu import_cases`: hotline exports in, one case per good row, every bad row reported."""

import csv
import io
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from shiyu.cases.models import Case
from shiyu.core import errors
from shiyu.intake import importer

HEADER_ZH = ["工单编号", "标题", "内容", "类型", "分类", "区域", "地址", "联系人", "电话", "来电时间"]
GOOD_ROWS = [
    ["RX001", "小区门口占道经营", "每天傍晚有摊贩占用人行道。", "投诉", "C010101", "D01S1C1G1", "人民路1号",
     "陈先生", "13812345678", "2024-05-01 10:30"],
    ["RX002", "路灯不亮", "人民路路灯不亮\n已经一周", "求助", "路灯不亮", "", "", "", "13900000000",
     "2024/5/2 08:00"],
    ["RX003", "咨询入学", "孩子明年上小学，对口哪所学校？", "inquiry", "C050101", "", "", "李女士", "", ""],
]
BAD_ROWS = [
    ["RX101", "", "没有标题", "投诉", "C010101", "", "", "", "", ""],
    ["RX102", "未知分类", "内容", "投诉", "C999", "", "", "", "", ""],
    ["RX103", "坏电话", "内容", "投诉", "C010101", "", "", "", "call me", ""],
    ["RX104", "坏类型", "内容", "抱怨", "C010101", "", "", "", "", ""],
    ["RX105", "坏时间", "内容", "投诉", "C010101", "", "", "", "", "明天上午"],
    ["", "没有编号", "内容", "投诉", "C010101", "", "", "", "", ""],
]


def write_csv(path, header, rows, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_cases", str(path), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def read_report(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_with_chinese_headers_imports_good_rows_and_reports_bad_ones(city, tmp_path):
    source = write_csv(tmp_path / "export.csv", HEADER_ZH, GOOD_ROWS[:2] + BAD_ROWS + GOOD_ROWS[2:])
    report = tmp_path / "report.csv"
    code, out, err = run(source, "--report", str(report), "--quiet")
    assert code == 2
    assert "imported 3, skipped 0, failed 6" in out
    cases = {c.external_ref: c for c in Case.objects.all()}
    assert set(cases) == {"RX001", "RX002", "RX003"}
    first = cases["RX001"]
    assert (first.channel, first.kind, first.category.code, first.area.code) == (
        "hotline", "complaint", "C010101", "D01S1C1G1")
    assert first.contact_phone == "13812345678" and first.address == "人民路1号"
    assert timezone.localtime(first.submitted_at).replace(tzinfo=None) == datetime(2024, 5, 1, 10, 30)
    assert first.events.get().created_at == first.submitted_at
    assert cases["RX002"].category.code == "C010302"  # by name
    assert cases["RX002"].body == "人民路路灯不亮\n已经一周"
    assert cases["RX003"].kind == "inquiry"

    rows = read_report(report)
    assert [r["status"] for r in rows] == ["imported"] * 2 + ["failed"] * 6 + ["imported"]
    failed = {r["ticket"]: r for r in rows if r["status"] == "failed"}
    # Line numbers are the file's: the header is line 1 and RX002's body spans two lines.
    assert failed["RX101"]["line"] == "5"
    assert failed[""]["line"] == "10"
    assert rows[-1]["line"] == "11"
    assert all(r["message"] for r in failed.values())
    assert "C999" in failed["RX102"]["message"]
    for ticket in ("RX101", "RX102", "RX103", "RX104", "RX105"):
        assert f"({ticket})" in err  # named on the console as well, not only in the report


def test_reimporting_the_same_file_skips_every_row(city, tmp_path):
    source = write_csv(tmp_path / "export.csv", HEADER_ZH, GOOD_ROWS)
    assert run(source, "--quiet")[0] == 0
    report = tmp_path / "again.csv"
    code, out, _err = run(source, "--quiet", "--report", str(report))
    assert code == 0
    assert "imported 0, skipped 3, failed 0" in out
    assert Case.objects.count() == 3
    assert {r["status"] for r in read_report(report)} == {"skipped"}
    codes = set(Case.objects.values_list("code", flat=True))
    assert {r["message"].rsplit("(", 1)[-1].rstrip(")") for r in read_report(report)} == codes


def test_dry_run_writes_nothing(city, tmp_path):
    source = write_csv(tmp_path / "export.csv", HEADER_ZH, GOOD_ROWS + BAD_ROWS[:1])
    code, out, _err = run(source, "--dry-run", "--quiet")
    assert code == 2
    assert "dry run: imported 3, skipped 0, failed 1" in out
    assert not Case.objects.exists()


def test_xlsx_with_english_headers(city, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ticket", "Title", "Body", "Kind", "Category", "Area", "Phone", "Received at"])
    sheet.append(["X-1", "Noise at night", "Construction noise after 22:00.", "complaint", "C020101",
                  "D01S1C1G1", 13812345678, datetime(2024, 6, 1, 21, 15)])
    sheet.append(["X-2", "", "no title", "complaint", "C020101", "", None, None])
    sheet.append([None] * 8)  # blank rows are not submissions
    sheet.append([20240601, "求助", "电梯坏了", "求助", "C010202", "", "", "2024-06-02 09:00"])
    path = tmp_path / "export.xlsx"
    workbook.save(path)

    code, out, _err = run(path, "--quiet")
    assert code == 2 and "imported 2, skipped 0, failed 1" in out
    noise = Case.objects.get(external_ref="X-1")
    assert noise.contact_phone == "13812345678"  # a number cell becomes the digits, not 1.38e10
    assert timezone.localtime(noise.submitted_at).replace(tzinfo=None) == datetime(2024, 6, 1, 21, 15)
    assert Case.objects.get(external_ref="20240601").kind == "help"
    assert run(path, "--quiet")[1].startswith("imported 0, skipped 2, failed 1")


def test_gbk_csv_and_unreadable_files(city, tmp_path):
    source = write_csv(tmp_path / "gbk.csv", HEADER_ZH, GOOD_ROWS[:1], encoding="gbk")
    assert run(source, "--quiet")[0] == 0
    assert Case.objects.get().title == "小区门口占道经营"
    with pytest.raises(CommandError, match="title"):
        call_command("import_cases", str(write_csv(tmp_path / "x.csv", ["foo", "bar"], [["1", "2"]])))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_cases", str(tmp_path / "missing.csv"))
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(CommandError, match=r"\.txt"):
        call_command("import_cases", str(tmp_path / "x.txt"))


def test_parse_time_and_kind():
    assert importer.parse_kind("") == "complaint"
    assert importer.parse_kind("表扬") == "praise"
    assert importer.parse_kind("Suggestion") == "suggestion"
    moment = importer.parse_time("2024年5月1日 10:30")
    assert timezone.localtime(moment).replace(tzinfo=None) == datetime(2024, 5, 1, 10, 30)
    for bad in ("2999-01-01 00:00", "明天上午"):
        with pytest.raises(errors.InvalidInput) as exc:
            importer.parse_time(bad)
        assert exc.value.field == "received_at"
