"""Merge a {msgid: msgstr} dict (a Python file defining T) into the zh_Hans catalogue.

Usage: python scripts/fill_translations.py FILE.py [FILE.py …]; then compile_messages.py.
"""

import runpy
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "shiyu/locale/zh_Hans/LC_MESSAGES/django.po"


def main(paths: list[str]) -> int:
    table: dict[str, str] = {}
    for path in paths:
        table.update(runpy.run_path(path)["T"])
    po = polib.pofile(str(PO))
    filled = 0
    for entry in po:
        if entry.msgid in table and (not entry.msgstr or "fuzzy" in entry.flags):
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and not e.msgstr
               and not any(e.msgstr_plural.values())]
    print(f"filled {filled}; still untranslated: {len(missing)}")
    for msgid in missing:
        print("  ", repr(msgid))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
