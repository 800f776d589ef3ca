"""`shiyu open311_key create NAME` (prints the key once), `list`, `rotate NAME`, `disable NAME`."""

from django.core.management.base import BaseCommand, CommandError

from shiyu.core import errors
from shiyu.open311 import services
from shiyu.open311.models import Application


class Command(BaseCommand):
    help = "Manage the API keys of Open311 client applications (only a key's hash is stored)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="a new application; prints its key")
        create.add_argument("name")
        create.add_argument("--contact", default="", help="who runs the application")
        sub.add_parser("list", help="applications, key prefixes, last use")
        for verb, text in (("rotate", "issue a new key; the old one stops working"),
                           ("disable", "refuse the application's key"), ("enable", "accept it again")):
            sub.add_parser(verb, help=text).add_argument("name")

    def handle(self, *args, verb: str, **options):
        try:
            if verb == "create":
                app, raw = services.application_create(name=options["name"], contact=options["contact"])
                self.stderr.write(f"Application {app.name} created. Its key (shown only now):")
                self.stdout.write(raw)
                return
            if verb == "list":
                # Reads only: the command is the admin's view of the same table.
                for app in Application.objects.order_by("name"):
                    used = app.last_used_at.isoformat(timespec="seconds") if app.last_used_at else "never"
                    state = "active" if app.is_active else "disabled"
                    self.stdout.write(f"{app.name}\t{app.prefix}…\t{state}\tlast used {used}")
                return
            app = Application.objects.filter(name=options["name"]).first()
            if app is None:
                raise CommandError(f"No application named {options['name']}")
            if verb == "rotate":
                self.stdout.write(services.application_rotate_key(application_id=app.pk))
            else:
                services.application_set_active(application_id=app.pk, active=verb == "enable")
                self.stdout.write(f"{app.name}: {verb}d")
        except errors.DomainError as exc:
            raise CommandError(str(exc.message)) from None
