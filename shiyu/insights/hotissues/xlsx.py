"""Read an exported message file (the columns of the Teddy Cup `messages_with_votes.xlsx`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from shiyu.core.errors import InvalidInput
from shiyu.insights.hotissues.algorithm import Message

COLUMNS = {"id": "留言编号", "user": "留言用户", "title": "留言主题", "time": "留言时间",
           "body": "留言详情", "down": "反对数", "up": "点赞数"}
_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M",
            "%Y/%m/%d", "%Y-%m-%d")


def parse_time(value: object) -> datetime | None:
    """A cell of 留言时间: a real Excel datetime or a string like 2019/2/28 11:25:05."""
    if isinstance(value, datetime):
        return value
    text = str(value or "").strip()
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007  (local times without a zone)
        except ValueError:
            continue
    return None


def _int(value: object) -> int:
    try:
        return max(0, int(float(str(value).strip() or 0)))
    except ValueError:
        return 0


def read_messages(path: str | Path) -> list[Message]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from exc
    try:
        rows = book.active.iter_rows(values_only=True)
        header = [str(c or "").strip() for c in next(rows, ())]
        missing = [c for c in (COLUMNS["id"], COLUMNS["title"], COLUMNS["body"]) if c not in header]
        if missing:
            raise InvalidInput(f"missing columns: {', '.join(missing)}")
        col = {key: header.index(name) if name in header else None for key, name in COLUMNS.items()}

        def get(row: tuple, key: str) -> object:
            i = col[key]
            return row[i] if i is not None and i < len(row) else None

        out = []
        for row in rows:
            ident = get(row, "id")
            if ident is None or str(ident).strip() == "":
                continue
            user = get(row, "user")
            out.append(Message(
                id=str(ident).strip(), title=str(get(row, "title") or ""), body=str(get(row, "body") or ""),
                time=parse_time(get(row, "time")), votes_up=_int(get(row, "up")),
                votes_down=_int(get(row, "down")), submitter=str(user).strip() if user else None))
        return out
    finally:
        book.close()
