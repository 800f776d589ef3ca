"""`shiyu crypto`: keys for personal data at rest (see shiyu/core/crypto.py)."""

from django.core.management.base import BaseCommand

from shiyu.core import crypto


class Command(BaseCommand):
    # genkey needs no database; the key check itself is the crypto.E001 system check.
    requires_system_checks: list[str] = []
    help = ("Encryption of personal data at rest: `genkey` prints a new key for SHIYU_FIELD_KEYS; "
            "`status` counts stored values per column that are not on the first key; `rotate` "
            "re-encrypts them with the first key (run after putting a new key first).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("genkey", help="print a new Fernet key")
        sub.add_parser("status", help="values per column still on an older key or in plaintext")
        rotate = sub.add_parser("rotate", help="re-encrypt every value with the first key")
        rotate.add_argument("--batch", type=int, default=500)

    def handle(self, *args, **options):
        action = options["action"]
        if action == "genkey":
            self.stdout.write(crypto.generate_key())
            return
        counts = crypto.rotate(batch=options.get("batch") or 500, dry_run=action == "status")
        self.stdout.write(f"key in use: {crypto.primary_key_id()} "
                          f"({len(crypto.keyring())} key(s) configured)")
        verb = "rewritten" if action == "rotate" else "to rotate"
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n} {verb}")
