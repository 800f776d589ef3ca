from django.core.management.base import BaseCommand, CommandError

from shiyu.audit.services import audit_seal, audit_verify


class Command(BaseCommand):
    help = "The tamper-evident audit log: `verify` the hash chain, `seal` rows not yet chained."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="recompute the chain; exit 1 at the first broken link")
        verify.add_argument("--seal", action="store_true",
                            help="chain rows left unsealed (a process stopped between commit and seal) first")
        sub.add_parser("seal", help="chain every committed row that is not chained yet")

    def handle(self, *args, action: str, **options):
        if action == "seal":
            self.stdout.write(f"sealed {audit_seal()} audit rows")
            return
        if options["seal"]:
            audit_seal()
        report = audit_verify()
        if not report.ok:
            where = f"position {report.broken_at}" + (f" (audit row id {report.broken_id})"
                                                      if report.broken_id else "")
            raise CommandError(f"audit chain BROKEN at {where}: {report.reason}; "
                               f"{report.checked} rows before it are intact")
        self.stdout.write(f"audit chain OK: {report.checked} rows, head {report.head_hash}")
        if report.pending:
            self.stdout.write(f"{report.pending} rows not sealed yet (run `shiyu audit seal`)")
