"""Merge a {msgid: msgstr} dict (a Python file defining T) into the zh_Hans catalogue.

A string with a context (pgettext("count", "Intake"), {% translate "Intake" context "count" %})
is keyed by the pair: ("count", "Intake"): "受理量". A plain msgid key fills only the entry without
a context, so one English word can mean two things (the intake app, a count of cases).

Usage: python scripts/fill_translations.py FILE.py [FILE.py …]; then compile_messages.py.
"""

import runpy
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "shiyu/locale/zh_Hans/LC_MESSAGES/django.po"


def main(paths: list[str]) -> int:
    table: dict[str | tuple[str, str], str] = {}
    for path in paths:
        table.update(runpy.run_path(path)["T"])
    po = polib.pofile(str(PO))
    filled = 0
    for entry in po:
        key = (entry.msgctxt, entry.msgid) if entry.msgctxt else entry.msgid
        if key in table and (not entry.msgstr or "fuzzy" in entry.flags):
            entry.msgstr = table[key]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgctxt = None  # the guess it replaced
            filled += 1
    po.save()
    missing = [(e.msgctxt, e.msgid) if e.msgctxt else e.msgid for e in po if not e.obsolete and not e.msgstr
               and not any(e.msgstr_plural.values())]
    print(f"filled {filled}; still untranslated: {len(missing)}")
    for msgid in missing:
        print("  ", repr(msgid))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
