"""Where an intake request spends its time: POST /api/v1/cases through Django's test client under
cProfile, in one process, over a fresh SQLite file (or --database-url) with the small city.

    python bench/profile_intake.py [--requests 200] [--sort cumulative|tottime] [--top 35]
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--path", default="/api/v1/cases", help="/api/v1/cases or /bench/bare/")
    parser.add_argument("--database-url", default="", help="an existing, empty database (default: temp SQLite)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="shiyu-profile-"))
    (tmp / "static").mkdir()
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.bench", "SHIYU_VAR_DIR": str(tmp),
                       "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'profile.sqlite3'}",
                       "SHIYU_RATE_SUBMIT": "0", "LOG_LEVEL": "ERROR"})
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", "--noinput", verbosity=0)
        call_command("bench_setup")

        from django.test import Client

        from bench.intake import payloads

        client = Client(HTTP_HOST="127.0.0.1")
        items = [json.dumps(p, ensure_ascii=False) for p in payloads(2 * args.requests + 20)]

        def post(i: int) -> None:
            headers = {"HTTP_IDEMPOTENCY_KEY": f"profile-{i}"} if args.path.startswith("/api/") else {}
            resp = client.post(args.path, items[i], content_type="application/json", **headers)
            assert resp.status_code in (200, 201), resp.content[:300]

        for i in range(20):  # warm: imports, URL resolver, jieba's dictionary
            post(args.requests + i)
        started = time.perf_counter()
        for i in range(args.requests):
            post(args.requests + 20 + i)
        plain = time.perf_counter() - started
        print(f"{args.requests} requests to {args.path} without a profiler: "
              f"{plain / args.requests * 1000:.2f} ms each")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for i in range(args.requests):
            post(i)
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"{args.requests} requests to {args.path} in {elapsed:.2f}s under cProfile "
              f"({elapsed / args.requests * 1000:.2f} ms each, profiler overhead included)\n")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort)
        stats.print_stats(args.top)
        print(out.getvalue())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
