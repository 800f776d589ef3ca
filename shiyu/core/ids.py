"""Ids from user input: anything outside a 64-bit key is simply "not found" (SQLite overflows)."""

MAX_ID = 2**63 - 1


def is_valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def valid_ids(values) -> list[int]:
    return [v for v in values if is_valid_id(v)]


def is_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses."""
    return text.isascii() and text.isdecimal()
