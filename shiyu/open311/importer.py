"""A 311 export in the NYC Open Data layout → cases with their history (`shiyu import_open311_csv`).

Complaint type → a category under an "Imported" root (or the one a mapping file names), published
as an Open311 service; agency → department; borough → district and community board → street
under the city; created and closed dates → the case's own events (see intake.history). The
Unique Key is the case's external_ref: importing the file again skips what is already in.
Reference data is made first, through its services; then each row is one transaction.
"""

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import IntegrityError
from django.utils.translation import gettext as _

from shiyu.accounts.selectors import department_find
from shiyu.accounts.services import department_create
from shiyu.cases.models import Case, Category
from shiyu.cases.selectors import case_by_external_ref
from shiyu.cases.services import CaseInput, category_create
from shiyu.core import errors
from shiyu.geo.models import Area
from shiyu.geo.selectors import area_find
from shiyu.geo.services import area_create
from shiyu.intake.history import HistoricalCase, intake_historical
from shiyu.intake.importer import ImportFormatError, ImportSummary, RowResult
from shiyu.open311.services import service_publish

CHANNEL = Case.Channel.IMPORT
DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M:%S")
REQUIRED = ("Unique Key", "Created Date", "Complaint Type")
IMPORTED_ROOT = "IMPORTED"
NO_PLACE = {"", "UNSPECIFIED", "0 UNSPECIFIED", "N/A"}


def _code(prefix: str, text: str, limit: int = 32) -> str:
    """A stable, readable code for a source name: slug plus a short hash (two names never collide)."""
    slug = re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")
    digest = hashlib.sha1(text.encode()).hexdigest()[:4]  # noqa: S324  (a name, not a secret)
    return f"{prefix}{slug[:limit - len(prefix) - 5]}-{digest}"


def _mojibake(text: str) -> str:
    """NYC's export carries UTF-8 read once as Latin-1 ("â\x80\x99s" for "’s"); undo it where that
    is what it is, and leave any other text alone."""
    if "â" not in text and "Ã" not in text:
        return text
    for wrong in ("latin-1", "cp1252"):
        try:
            return text.encode(wrong).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def read_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in reader.fieldnames or []]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise ImportFormatError(_("The file has no %(columns)s column.") % {"columns": ", ".join(missing)})
    reader.fieldnames = headers
    rows = []
    last = 1
    for record in reader:
        rows.append((last + 1, {k: _mojibake((v or "").strip()) for k, v in record.items() if k}))
        last = reader.line_num
    return rows


def parse_time(text: str, tz: ZoneInfo, field_name: str) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    raise errors.InvalidInput(_("Cannot read the date %(value)s.") % {"value": text[:40]}, field=field_name)


@dataclass
class References:
    """Source names → ids, made before the rows so each row's transaction only writes its case."""

    categories: dict[str, int] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    areas: dict[tuple[str, str], int] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)


def _city_root() -> Area:
    root = Area.objects.filter(level=Area.Level.CITY).order_by("path").first()
    return root or area_create(code="IMPORTED", name="Imported", name_en="Imported", level="city")


def prepare_references(rows: Iterable[tuple[int, dict[str, str]]], *, mapping: dict[str, str]) -> References:
    refs = References()
    rows = list(rows)
    root_category: Category | None = None
    for complaint in sorted({r.get("Complaint Type", "") for _line, r in rows} - {""}):
        if complaint in mapping:
            found = Category.objects.filter(code=mapping[complaint]).first()
            if found is None:
                raise ImportFormatError(_("The mapping names an unknown category: %(code)s")
                                        % {"code": mapping[complaint]})
            refs.categories[complaint] = found.pk
            continue
        code = _code("IMP-", complaint)
        category = Category.objects.filter(code=code).first()
        if category is None:
            if root_category is None:
                root_category = Category.objects.filter(code=IMPORTED_ROOT).first() or category_create(
                    code=IMPORTED_ROOT, name="导入", name_en="Imported")
            category = category_create(code=code, name=complaint[:100], name_en=complaint[:100],
                                       parent=root_category)
            service_publish(category=category, service_code=code, group="Imported")
            refs.created.append(f"category {code}")
        refs.categories[complaint] = category.pk
    agencies = {r.get("Agency", ""): r.get("Agency Name", "") for _line, r in rows}
    for agency, agency_name in sorted(agencies.items()):
        if not agency:
            continue
        code = agency.upper()[:32]
        dept = department_find(code)
        if dept is None:
            dept = department_create(code=code, name=(agency_name or agency)[:100],
                                     name_en=(agency_name or agency)[:100])
            refs.created.append(f"department {code}")
        refs.departments[agency] = dept.pk
    city: Area | None = None
    for borough, board in sorted({(r.get("Borough", "").upper(), r.get("Community Board", "").upper())
                                  for _line, r in rows}):
        if borough in NO_PLACE:
            continue
        if (borough, "") not in refs.areas:
            code = _code("B-", borough)
            district = area_find(code)
            if district is None:
                city = city or _city_root()
                district = area_create(code=code, name=borough.title()[:100], name_en=borough.title()[:100],
                                       level="district", parent=city)
                refs.created.append(f"area {code}")
            refs.areas[(borough, "")] = district.pk
        if board in NO_PLACE or (borough, board) in refs.areas:
            continue
        code = _code("CB-", board)
        street = area_find(code)
        if street is None:
            parent = Area.objects.get(pk=refs.areas[(borough, "")])
            street = area_create(code=code, name=f"Community Board {board.title()}"[:100],
                                 name_en=f"Community Board {board.title()}"[:100], level="street",
                                 parent=parent)
            refs.created.append(f"area {code}")
        refs.areas[(borough, board)] = street.pk
    return refs


def _address(row: dict[str, str]) -> str:
    street = row.get("Incident Address", "")
    if not street and row.get("Intersection Street 1"):
        street = f"{row['Intersection Street 1']} & {row.get('Intersection Street 2', '')}".strip(" &")
    parts = [p for p in (street, row.get("City", ""), row.get("Incident Zip", "")) if p]
    return ", ".join(parts)[:300]


def _float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def import_row(line: int, row: dict[str, str], *, refs: References, tz: ZoneInfo) -> RowResult:
    key = (row.get("Unique Key") or "").strip()[:64]
    if not key:
        return RowResult(line, "", "failed", _("The Unique Key is missing."))
    if case_by_external_ref(channel=CHANNEL, external_ref=key) is not None:
        return RowResult(line, key, "skipped", _("already imported"))
    complaint, descriptor = row.get("Complaint Type", ""), row.get("Descriptor", "")
    note = ""
    try:
        received = parse_time(row.get("Created Date", ""), tz, "Created Date")
        if received is None:
            raise errors.InvalidInput(_("The created date is missing."), field="Created Date")
        closed = parse_time(row.get("Closed Date", ""), tz, "Closed Date")
        if row.get("Status", "").lower() != "closed":
            closed = None  # an open request may carry a provisional date
        if closed is not None and closed < received:
            note = _("closed before it was created: closed at its creation time")
            closed = received
        body = "\n".join(p for p in (
            f"{complaint}: {descriptor}" if descriptor else complaint,
            row.get("Location Type", "") and _("Location type: %(type)s") % {"type": row["Location Type"]},
        ) if p)
        lat, lon = _float(row.get("Latitude", "")), _float(row.get("Longitude", ""))
        borough, board = row.get("Borough", "").upper(), row.get("Community Board", "").upper()
        area = refs.areas.get((borough, board)) or refs.areas.get((borough, ""))
        data = CaseInput(
            title=(f"{complaint} — {descriptor}" if descriptor else complaint)[:200], body=body,
            category=refs.categories.get(complaint), area=area,
            latitude=lat if lon is not None else None, longitude=lon if lat is not None else None,
            address=_address(row), channel=CHANNEL, external_ref=key)
        case = intake_historical(record=HistoricalCase(
            data=data, received_at=received, lead_department_id=refs.departments.get(row.get("Agency", "")),
            closed_at=closed, resolution=row.get("Resolution Description", "")))
    except errors.DomainError as exc:
        return RowResult(line, key, "failed", str(exc.message))
    except IntegrityError:
        return RowResult(line, key, "skipped", _("already imported"))
    return RowResult(line, key, "imported", note, case.code)


def import_rows(rows: list[tuple[int, dict[str, str]]], *, tz: ZoneInfo,
                mapping: dict[str, str] | None = None, on_row: Callable[[RowResult], None] | None = None
                ) -> tuple[ImportSummary, References]:
    refs = prepare_references(rows, mapping=mapping or {})
    summary = ImportSummary()
    for line, row in rows:
        result = import_row(line, row, refs=refs, tz=tz)
        summary.results.append(result)
        if on_row is not None:
            on_row(result)
    return summary, refs


def read_mapping(path: str | Path) -> dict[str, str]:
    """A two-column CSV: complaint type, category code."""
    out: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for record in csv.reader(handle):
            if len(record) >= 2 and record[0].strip() and record[0].strip().lower() != "complaint type":
                out[record[0].strip()] = record[1].strip()
    return out
