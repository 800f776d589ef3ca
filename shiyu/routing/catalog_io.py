"""The dispatch catalog as a spreadsheet (XLSX or CSV), the way catalogs travel between offices.

One row per rule, units and places by code. Headers may be the English keys or the Chinese
column names below (what `shiyu catalog export` writes). Reading only parses: checking codes and
writing rules is catalog_import's job (services), in one transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

# key, Chinese header (written), other accepted spellings
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("category", "分类编码", ("category_code", "分类")),
    ("area", "区域编码", ("area_code", "区域")),
    ("lead_department", "主办单位编码", ("lead", "主办单位")),
    ("assisting_departments", "协办单位编码", ("assisting", "协办单位")),
    ("ack_hours", "签收时限(工作小时)", ("签收时限",)),
    ("complete_days", "办结时限(工作日)", ("办结时限",)),
    ("urgent_ack_hours", "紧急签收时限(工作小时)", ("紧急签收时限",)),
    ("urgent_complete_days", "紧急办结时限(工作日)", ("紧急办结时限",)),
    ("note", "依据/备注", ("备注", "依据")),
    ("active", "启用", ("is_active",)),
]
KEYS = [c[0] for c in COLUMNS]
_ALIASES = {alias.strip().lower(): key for key, zh, more in COLUMNS for alias in (key, zh, *more)}
MAX_ROWS = 50_000
SEPARATORS = (";", "；", "、", ",", "，", " ")


class FileError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, no header, too big)."""


@dataclass
class RawRow:
    line: int  # 1-based, as the spreadsheet shows it (the header is line 1)
    values: dict[str, str]


def split_codes(value: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        value = value.replace(sep, SEPARATORS[0])
    return [p.strip() for p in value.split(SEPARATORS[0]) if p.strip()]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(table: Iterable[Iterable[object]]) -> list[RawRow]:
    it = iter(table)
    header = None
    for header_row in it:
        cells = [_cell(v) for v in header_row]
        if any(cells):
            header = cells
            break
    if header is None:
        raise FileError(_("The file has no header row."))
    keys = [_ALIASES.get(h.lstrip("\ufeff").strip().lower()) for h in header]
    unknown = [h for h, k in zip(header, keys, strict=True) if h and k is None]
    if unknown:
        raise FileError(_("Unknown columns: %(names)s") % {"names": ", ".join(unknown)})
    if "lead_department" not in keys:
        raise FileError(_("The column lead_department (主办单位编码) is missing."))
    out: list[RawRow] = []
    for line, row in enumerate(it, start=2):
        cells = [_cell(v) for v in row]
        if not any(cells):
            continue
        if len(out) >= MAX_ROWS:
            raise FileError(_("More than %(n)d rows.") % {"n": MAX_ROWS})
        values = {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k}
        out.append(RawRow(line, values))
    return out


def read(data: bytes, name: str) -> list[RawRow]:
    """Parse an uploaded or local file by its extension (.xlsx or .csv, UTF-8 with or without BOM)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise FileError(
                _("Not a readable XLSX file (%(error)s).") % {"error": type(exc).__name__}
            ) from None
        try:
            return _rows(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileError(_("The CSV file is not UTF-8.")) from None
        return _rows(csv.reader(io.StringIO(text)))
    raise FileError(_("Use an .xlsx or .csv file."))


def header() -> list[str]:
    return [zh for _key, zh, _more in COLUMNS]


def write(rows: list[dict[str, object]], name: str) -> bytes:
    """Rows keyed by KEYS → file bytes in the format named by `name`'s extension."""
    suffix = Path(name).suffix.lower()
    table = [header()] + [[_cell(r.get(k)) for k in KEYS] for r in rows]
    if suffix == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(table)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8
    if suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "派单目录"
        for row in table:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise FileError(_("Use an .xlsx or .csv file."))
