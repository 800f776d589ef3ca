"""`shiyu case …`: list, show, act on and submit cases from the console, as a named user.

    shiyu case list --as operator --queue to_accept
    shiyu case show 42 --as operator
    shiyu case do dispatch 42 --as dispatcher --lead CGJ --assist D01GOV
    shiyu case submit --as operator --title … --body … --category C010101 --phone 13800000000

Reads go through the scoped selectors, writes through the services, exactly as in the API.
"""

import json
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from shiyu.accounts.selectors import department_find, user_get_by_username
from shiyu.cases import presenters, selectors, services, workflow
from shiyu.cases.models import Case
from shiyu.core import errors
from shiyu.core.ids import is_number

WRITE_COMMANDS = {"do", "submit"}


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def _cut(text: str, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Command(BaseCommand):
    help = "Work with cases from the console: list, show, do ACTION, submit (acting as --as USERNAME)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True, title="commands")

        def add(name: str, help_text: str) -> CommandParser:
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--as", dest="as_user", default=os.environ.get("SHIYU_AS", ""),
                           metavar="USERNAME", help="act as this user (or $SHIYU_AS); required for writes")
            return p

        p = add("list", "cases the user may see, newest first")
        p.add_argument("--queue", choices=sorted(selectors.QUEUES), default="")
        p.add_argument("--state", default="", help="one state or several separated by commas")
        p.add_argument("--q", default="", help="full-text search")
        p.add_argument("--limit", type=int, default=20)
        p.add_argument("--json", action="store_true")

        p = add("show", "one case with its timeline")
        p.add_argument("case", metavar="ID_OR_CODE")
        p.add_argument("--json", action="store_true")

        p = add("do", "take a workflow action")
        actions = sorted(a.value for a in workflow.Action if a != workflow.Action.SUBMIT)
        p.add_argument("action", choices=actions)
        p.add_argument("case", metavar="ID_OR_CODE")
        p.add_argument("--version", type=int, default=None, help="fail if the case has changed since")
        p.add_argument("--lead", default="", metavar="DEPT_CODE", help="lead unit (dispatch, transfer)")
        p.add_argument("--assist", default="", metavar="CODE,CODE", help="assisting units")
        p.add_argument("--text", default="", help="reply or answer text, comment")
        p.add_argument("--reason", default="", help="reason (reject, return, reopen, extend)")
        p.add_argument("--satisfaction", default="", choices=["", *workflow.SATISFACTION])
        p.add_argument("--comment", default="", help="follow-up comment")
        p.add_argument("--target", default="", metavar="ID_OR_CODE", help="case to merge into")
        p.add_argument("--days", type=int, default=None, help="extension days (request; approve: grant)")
        p.add_argument("--due", default="", metavar="ISO",
                       help="extend_approve: the new reply deadline (2026-12-01T17:30, or a date)")
        p.add_argument("--note", default="")
        p.add_argument("--json", action="store_true")

        p = add("submit", "register a case taken by phone (channel hotline)")
        p.add_argument("--title", required=True)
        p.add_argument("--body", required=True)
        p.add_argument("--category", default="", help="category code or name")
        p.add_argument("--area", default="", help="area code or name")
        p.add_argument("--kind", default=Case.Kind.COMPLAINT, choices=Case.Kind.values)
        p.add_argument("--phone", default="")
        p.add_argument("--name", default="", help="caller's name")
        p.add_argument("--address", default="")
        p.add_argument("--ticket", default="", help="the hotline system's ticket number")
        p.add_argument("--json", action="store_true")

    # --- plumbing -----------------------------------------------------------------------

    def execute(self, *args: Any, **options: Any) -> Any:
        # On the console print exactly "error: <code>: <message>" (Django would prefix
        # "CommandError: "); call_command still gets the CommandError to inspect.
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args: Any, command: str, **options: Any) -> None:
        actor = self._actor(options.get("as_user", ""), write=command in WRITE_COMMANDS)
        try:
            getattr(self, f"_{command}")(actor, options)
        except errors.DomainError as exc:
            raise CommandError(f"error: {exc.code}: {exc.message}", returncode=1) from None

    def _actor(self, username: str, *, write: bool) -> Any:
        if not username:
            if write:
                raise CommandError("error: --as USERNAME is required for this command")
            raise CommandError("error: --as USERNAME is required (reads are scoped by the user)")
        user = user_get_by_username(username)
        if user is None:
            raise CommandError(f"error: not_found: no active user {username!r}")
        return user

    def _emit_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))

    def _case(self, actor: Any, ref: str) -> Case:
        """A case the actor may see, by id or tracking code; otherwise not found."""
        ref = (ref or "").strip()
        if is_number(ref):
            return selectors.case_get_for_user(actor=actor, case_id=int(ref))
        case = selectors.case_list_for_user(actor=actor).filter(code=ref.upper()).first()
        if case is None:
            raise errors.NotFound()
        return case

    def _department_id(self, code: str) -> int:
        dept = department_find(code)
        if dept is None:
            raise errors.InvalidInput(f"unknown department: {code}", field="lead_department")
        return dept.pk

    # --- commands -----------------------------------------------------------------------

    def _list(self, actor: Any, options: dict) -> None:
        states = [s.strip() for s in options["state"].split(",") if s.strip()]
        unknown = [s for s in states if s not in {st.value for st in workflow.State}]
        if unknown:
            raise CommandError(f"error: invalid: unknown state {', '.join(unknown)} "
                               f"(one of {', '.join(workflow.State)})")
        filters = selectors.CaseFilters(queue=options["queue"], states=states, q=options["q"])
        limit = max(1, options["limit"])
        qs = selectors.case_list_for_user(actor=actor, filters=filters)
        rows = list(qs.prefetch_related("assisting_departments")[:limit])
        if options["json"]:
            self._emit_json([presenters.case_dict(c, actor=actor) for c in rows])
            return
        self.stdout.write(f"{'ID':>6}  {'CODE':<10}  {'STATE':<11}  {'KIND':<10}  {'SUBMITTED':<16}  "
                          f"{'CATEGORY':<8}  {'UNIT':<6}  TITLE")
        for c in rows:
            self.stdout.write(
                f"{c.pk:>6}  {c.code:<10}  {c.state:<11}  {c.kind:<10}  {_when(c.submitted_at):<16}  "
                f"{(c.category.code if c.category else '-'):<8}  "
                f"{(c.lead_department.code if c.lead_department else '-'):<6}  {_cut(c.title, 40)}")
        total = qs.count()
        self.stdout.write(f"{len(rows)} of {total} case(s)")

    def _show(self, actor: Any, options: dict) -> None:
        case = self._case(actor, options["case"])
        events = list(selectors.case_events_for_user(actor=actor, case_id=case.pk))
        if options["json"]:
            data = presenters.case_dict(case, actor=actor)
            data["timeline"] = [
                {"id": e.pk, "at": e.created_at, "action": e.action, "from": e.from_state, "to": e.to_state,
                 "actor": e.actor.username if e.actor else None, "note": e.note, "data": e.data}
                for e in events]
            self._emit_json(data)
            return
        d = presenters.case_dict(case, actor=actor)
        out = [
            f"{case.code}  #{case.pk}  {case.title}",
            f"  state      {case.state} (version {case.version})   kind {case.kind}   channel {case.channel}"
            f"   urgency {case.urgency}",
            f"  category   {d['category']['name'] if d['category'] else '-'}",
            f"  area       {d['area']['name'] if d['area'] else '-'}   address {case.address or '-'}",
            f"  lead unit  {d['lead_department']['name'] if d['lead_department'] else '-'}"
            + (f"   assisting {', '.join(a['name'] for a in d['assisting_departments'])}"
               if d["assisting_departments"] else ""),
            f"  submitted  {_when(case.submitted_at)}   reply due {_when(case.reply_due_at)}",
        ]
        if d["contact_masked"]:
            out.append(f"  contact    {d['contact_masked']['name']} {d['contact_masked']['phone']}")
        out += ["", "  " + case.body.replace("\n", "\n  ")]
        if case.reply_text:
            out += ["", "  reply: " + case.reply_text]
        out += ["", "  timeline:"]
        for e in events:
            who = e.actor.username if e.actor else "-"
            move = f"{e.from_state or '·'} → {e.to_state}" if e.from_state != e.to_state else e.to_state
            extra = _cut(e.note or e.data.get("text", "") or e.data.get("lead_name", ""), 60)
            out.append(f"    {_when(e.created_at)}  {e.action:<14} {move:<26} {who:<14} {extra}")
        out += ["", f"  actions now: {', '.join(d['actions']) or '-'}"]
        self.stdout.write("\n".join(out))

    def _do(self, actor: Any, options: dict) -> None:
        case = self._case(actor, options["case"])
        payload: dict[str, Any] = {}
        for name in ("text", "reason", "satisfaction", "comment", "note"):
            if options[name]:
                payload[name] = options[name]
        if options["lead"]:
            payload["lead_department"] = self._department_id(options["lead"])
        if options["assist"]:
            payload["assisting_departments"] = [
                self._department_id(c) for c in options["assist"].replace(" ", ",").split(",") if c]
        if options["target"]:
            try:
                payload["target"] = self._case(actor, options["target"]).pk
            except errors.NotFound:
                raise errors.InvalidInput("The case to merge into does not exist.", field="target") from None
        if options["days"] is not None:
            payload["days"] = options["days"]
        if options["due"]:
            payload["reply_due_at"] = options["due"]
        before = case.state
        case = services.case_perform(actor=actor, case_id=case.pk, action=options["action"], payload=payload,
                                     version=options["version"])
        if options["json"]:
            self._emit_json(presenters.case_dict(case, actor=actor))
            return
        self.stdout.write(f"ok: {case.code} #{case.pk} {options['action']}: {before} → {case.state} "
                          f"(version {case.version})")

    def _submit(self, actor: Any, options: dict) -> None:
        # Staff type in what a caller says on the phone. (intake_submit without an idempotency
        # key is exactly case_submit; the cases app may not import intake, which sits above it.)
        case = services.case_submit(actor=actor, data=services.CaseInput(
            title=options["title"], body=options["body"], kind=options["kind"],
            category=options["category"] or None, area=options["area"] or None, address=options["address"],
            channel=Case.Channel.HOTLINE, contact_name=options["name"], contact_phone=options["phone"],
            external_ref=options["ticket"]))
        if options["json"]:
            self._emit_json(presenters.case_dict(case, actor=actor))
            return
        self.stdout.write(f"ok: submitted {case.code} #{case.pk} ({case.state})")
