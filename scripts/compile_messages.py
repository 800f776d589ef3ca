"""Compile .po catalogues to .mo with polib (no gettext tools needed on the machine)."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    count = 0
    for po_path in ROOT.glob("shiyu/locale/*/LC_MESSAGES/*.po"):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    print(f"translations: {count} catalogues compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
