import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shiyu.core import backups


class Command(BaseCommand):
    # The database may be empty or from another version: checks that read it must not stop us.
    requires_system_checks: list[str] = []
    help = ("Back up the whole database to PATH (default var/backups/shiyu-<time>.sqlite3|.pgdump): "
            "SQLite's online backup, or pg_dump's custom format on PostgreSQL. Safe while the server runs.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="a file, or a directory to put a dated file in")
        parser.add_argument("--database-url", help="back up this database instead of the configured one")

    def handle(self, *args, path: str | None, database_url: str | None, **options):
        try:
            target = (backups.Target.from_url(database_url) if database_url
                      else backups.Target.from_settings(settings.DATABASES["default"]))
            name = backups.default_name(target, timezone.now().strftime("%Y%m%d-%H%M%S"))
            dest = Path(path) if path else Path(settings.VAR_DIR) / "backups"
            if not path or dest.is_dir() or path.endswith(("/", os.sep)):
                dest = dest / name
            backups.backup(target, dest)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = dest.stat().st_size
        self.stdout.write(f"backed up {target.describe()} to {dest} ({size:,} bytes, "
                          f"sha256 {backups.sha256_of(dest)})")
