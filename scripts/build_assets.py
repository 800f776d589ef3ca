"""Copy the npm packages the pages use into assets/vendor (served by whitenoise)."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "htmx.org/dist/htmx.min.js": "vendor/htmx.min.js",
}


def main() -> int:
    for source, target in FILES.items():
        src = ROOT / "node_modules" / source
        if not src.exists():
            print(f"missing {src}: run npm ci", file=sys.stderr)
            return 1
        dst = ROOT / "assets" / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    print(f"assets: {len(FILES)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
