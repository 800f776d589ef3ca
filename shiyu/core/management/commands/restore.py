from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from shiyu.core import backups


class Command(BaseCommand):
    # The database may be empty or from another version: checks that read it must not stop us.
    requires_system_checks: list[str] = []
    help = ("Restore a backup made by `shiyu backup` into the configured database. Refuses a "
            "database that already has tables unless --force. Stop the servers and workers first.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--force", action="store_true",
                            help="overwrite a database that is not empty (everything in it is lost)")
        parser.add_argument("--database-url", help="restore into this database instead of the configured one")

    def handle(self, *args, path: str, force: bool, database_url: str | None, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"there is no backup file at {source}")
        connections.close_all()  # our own connection must not hold the database during the restore
        try:
            target = (backups.Target.from_url(database_url) if database_url
                      else backups.Target.from_settings(settings.DATABASES["default"]))
            backups.restore(target, source, force=force)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {source} into {target.describe()}; "
                          "run `shiyu migrate` if the backup is from an older version, then "
                          "`shiyu audit verify`")
