"""Hotline exports (CSV or XLSX) → cases, one row at a time through intake_submit.

Headers may be Chinese or English. Each row is its own transaction; the hotline ticket number
becomes the case's external_ref, so importing the same file again skips what is already in.
A bad row is reported with its line number and the service's (localised) message, never dropped.
"""

import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiyu.cases.models import Case
from shiyu.cases.selectors import case_by_external_ref
from shiyu.cases.services import CaseInput
from shiyu.core import clock, errors
from shiyu.core.text import clean
from shiyu.intake.services import intake_submit

CHANNEL = Case.Channel.HOTLINE

# Field → accepted header spellings (compared without case, spaces, underscores or colons).
HEADERS: dict[str, tuple[str, ...]] = {
    "ticket": ("工单编号", "工单号", "编号", "ticket", "ticketno", "ticketnumber", "ref", "externalref"),
    "title": ("标题", "诉求标题", "title", "subject"),
    "body": ("内容", "诉求内容", "来电内容", "body", "content", "description"),
    "kind": ("类型", "诉求类型", "kind", "type"),
    "category": ("分类", "诉求分类", "category"),
    "area": ("区域", "所属区域", "area", "region"),
    "address": ("地址", "事发地址", "address"),
    "name": ("联系人", "来电人", "姓名", "name", "contact", "contactname"),
    "phone": ("电话", "联系电话", "来电号码", "phone", "telephone", "contactphone"),
    "received_at": ("来电时间", "受理时间", "receivedat", "received", "time", "calltime"),
}
KINDS: dict[str, str] = {"投诉": "complaint", "求助": "help", "咨询": "inquiry", "建议": "suggestion",
                         "举报": "report", "表扬": "praise", "help": "help", "complaint": "complaint",
                         "inquiry": "inquiry", "suggestion": "suggestion", "report": "report",
                         "praise": "praise"}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M",
                "%Y年%m月%d日%H:%M", "%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d%H%M%S")


class ImportFormatError(Exception):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class RowResult:
    line: int
    ticket: str
    status: str  # imported | skipped | failed
    message: str = ""
    case_code: str = ""


@dataclass
class ImportSummary:
    results: list[RowResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def imported(self) -> int:
        return self.count("imported")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def failed(self) -> int:
        return self.count("failed")


def _key(header: Any) -> str:
    text = str(header or "").strip().lower()
    return "".join(ch for ch in text if ch not in " _-:：\ufeff")


_LOOKUP = {_key(h): name for name, spellings in HEADERS.items() for h in spellings}


def _columns(header_row: Iterable[Any]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, header in enumerate(header_row):
        name = _LOOKUP.get(_key(header))
        if name and name not in columns.values():
            columns[index] = name
    missing = [name for name in ("title", "body") if name not in columns.values()]
    if missing:
        raise ImportFormatError(_("The file has no %(columns)s column (标题/title, 内容/body).")
                                % {"columns": ", ".join(missing)})
    return columns


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number or ticket stored as a number in Excel
    return str(value).strip()


def read_rows(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, {field: value}) for every non-blank data row of a CSV or XLSX file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path.read_bytes())
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise ImportFormatError(_("Unsupported file type %(suffix)s: use .csv or .xlsx.") % {"suffix": suffix})


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError(_("The file is neither UTF-8 nor GBK text."))


def _read_csv(raw: bytes) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(_decode(raw), newline=""))
    rows: list[tuple[int, dict[str, Any]]] = []
    columns: dict[int, str] | None = None
    last_line = 0
    for record in reader:
        start, last_line = last_line + 1, reader.line_num  # a quoted cell may span lines
        if not any(cell.strip() for cell in record):
            continue
        if columns is None:
            columns = _columns(record)
            continue
        rows.append((start, {name: _cell(record[i]) if i < len(record) else ""
                             for i, name in columns.items()}))
    if columns is None:
        raise ImportFormatError(_("The file is empty."))
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFormatError(_("The workbook cannot be read: %(error)s") % {"error": exc}) from exc
    try:
        sheet = workbook.active
        rows: list[tuple[int, dict[str, Any]]] = []
        columns: dict[int, str] | None = None
        for line, record in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(_cell(v) for v in record):
                continue
            if columns is None:
                columns = _columns(record)
                continue
            rows.append((line, {name: _cell(record[i]) if i < len(record) else ""
                                for i, name in columns.items()}))
    finally:
        workbook.close()
    if columns is None:
        raise ImportFormatError(_("The file is empty."))
    return rows


def parse_time(value: Any) -> datetime | None:
    """A call time from a cell: a datetime, a date, or text in the usual Chinese formats."""
    if value in (None, ""):
        return None
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)  # noqa: DTZ001  (made aware below)
    else:
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)  # noqa: DTZ007  (made aware below)
                break
            except ValueError:
                continue
        if moment is None:
            with contextlib.suppress(ValueError):
                moment = datetime.fromisoformat(text)
        if moment is None:
            raise errors.InvalidInput(_("Cannot read the call time: %(value)s") % {"value": text},
                                      field="received_at")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the city's own time zone
    if moment > clock.now():
        raise errors.InvalidInput(_("The call time is in the future."), field="received_at")
    return moment


def parse_kind(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return Case.Kind.COMPLAINT
    kind = KINDS.get(text) or KINDS.get(text.lower())
    if kind is None:
        raise errors.InvalidInput(_("Unknown kind of request: %(value)s") % {"value": text}, field="kind")
    return kind


def import_row(line: int, row: dict[str, Any], *, dry_run: bool = False) -> RowResult:
    ticket = clean(str(row.get("ticket") or ""))[:64]
    if not ticket:
        return RowResult(line, "", "failed", _("The ticket number is missing."))
    existing = case_by_external_ref(channel=CHANNEL, external_ref=ticket)
    if existing is not None:
        return RowResult(line, ticket, "skipped", _("already imported"), existing.code)
    try:
        data = CaseInput(
            title=str(row.get("title") or ""), body=str(row.get("body") or ""),
            kind=parse_kind(row.get("kind")),
            category=str(row.get("category") or "") or None, area=str(row.get("area") or "") or None,
            address=str(row.get("address") or ""), channel=CHANNEL, contact_name=str(row.get("name") or ""),
            contact_phone=str(row.get("phone") or ""), external_ref=ticket)
        received = parse_time(row.get("received_at"))
        with clock.frozen_at(received or clock.now()), transaction.atomic():
            case, _created = intake_submit(actor=None, data=data)
            if dry_run:
                transaction.set_rollback(True)
    except errors.DomainError as exc:
        return RowResult(line, ticket, "failed", str(exc.message))
    except IntegrityError:
        # Another import of the same ticket committed first.
        return RowResult(line, ticket, "skipped", _("already imported"))
    return RowResult(line, ticket, "imported", "" if not dry_run else _("valid (dry run)"),
                     "" if dry_run else case.code)


def import_rows(rows: Iterable[tuple[int, dict[str, Any]]], *, dry_run: bool = False,
                on_row: Callable[[RowResult], None] | None = None) -> ImportSummary:
    summary = ImportSummary()
    for line, row in rows:
        result = import_row(line, row, dry_run=dry_run)
        summary.results.append(result)
        if on_row is not None:
            on_row(result)
    return summary


def write_report(results: Iterable[RowResult], out: io.TextIOBase | Any) -> None:
    writer = csv.writer(out)
    writer.writerow(["line", "ticket", "status", "message"])
    for r in results:
        message = r.message
        if r.case_code:
            message = f"{message} ({r.case_code})" if message else r.case_code
        writer.writerow([r.line, r.ticket, r.status, message])


def iter_failures(summary: ImportSummary) -> Iterator[RowResult]:
    return (r for r in summary.results if r.status == "failed")
