"""The staff workbench: queues, the case page and its actions.

Thin on purpose: parse the request, fetch what the actor may see through a selector, call one
service, render. Domain errors become status codes here: NotFound → 404, Forbidden → 403,
Conflict → 409, InvalidInput → 422 (with the message next to the field it names).
"""

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from shiyu.accounts import policies
from shiyu.accounts.selectors import department_list_by_pks
from shiyu.cases import deadlines, forms, presenters, replyquality, selectors, services
from shiyu.cases.models import Case
from shiyu.core import clock, errors

QUEUE_LABELS = {
    "to_accept": gettext_lazy("To accept"),
    "to_dispatch": gettext_lazy("To dispatch"),
    "to_acknowledge": gettext_lazy("To acknowledge"),
    "in_progress": gettext_lazy("In progress"),
    "to_follow_up": gettext_lazy("To follow up"),
    "supervision": gettext_lazy("Supervision"),
    "supervised": gettext_lazy("Escalated and problem cases"),
    "all": gettext_lazy("All cases"),
}
# The queues whose rows can be worked in bulk, and with which actions.
BULK_ACTIONS = {"to_accept": ("accept",), "to_dispatch": ("dispatch",)}
BULK_MAX = 200
ID_MAX = 2**63  # beyond a 64-bit key no case exists, and SQLite cannot even compare it

ACTION_BUTTONS = {
    "accept": gettext_lazy("Accept"), "reject": gettext_lazy("Do not accept"),
    "merge": gettext_lazy("Merge"), "answer": gettext_lazy("Answer now"),
    "dispatch": gettext_lazy("Dispatch"), "transfer": gettext_lazy("Transfer"),
    "acknowledge": gettext_lazy("Take it on"), "return": gettext_lazy("Return to dispatcher"),
    "reply": gettext_lazy("Send reply"), "follow_up": gettext_lazy("Record follow-up"),
    "close": gettext_lazy("Close"), "reopen": gettext_lazy("Reopen"),
    "extend_request": gettext_lazy("Request extension"),
    "extend_approve": gettext_lazy("Approve extension"),
    "extend_deny": gettext_lazy("Refuse extension"), "urge": gettext_lazy("Urge"),
    "escalate": gettext_lazy("Escalate"), "comment": gettext_lazy("Add comment"),
    "pause": gettext_lazy("Pause (waiting for the resident)"), "resume": gettext_lazy("Resume"),
    "reply_approve": gettext_lazy("Send the held reply"),
    "reply_reject": gettext_lazy("Return the reply for revision"),
}
LIGHT_LABELS = {"on_time": gettext_lazy("On time"), "due_soon": gettext_lazy("Due soon"),
                "overdue": gettext_lazy("Overdue")}
DANGER_ACTIONS = frozenset({"reject", "return", "extend_deny", "reply_reject"})


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only: others are sent to sign in, residents get 404; NotFound is 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                back = request.htmx.current_url_abs_path or reverse("cases:workbench")
                return HttpResponseClientRedirect(f"{reverse('accounts:login')}?{urlencode({'next': back})}")
            return redirect_to_login(request.get_full_path())
        if not policies.is_staff_user(request.user):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404 from None

    return wrapped


def _partial(request: HttpRequest, target: str) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target == target and not htmx.history_restore_request


# ---- workbench -----------------------------------------------------------------------------

@staff_view
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    actor = request.user
    counts = selectors.queue_counts_for_user(actor=actor)
    queue = request.GET.get("queue", "")
    if queue not in counts and queue != "all":
        queue = next(iter(counts), "all")
    counts["all"] = selectors.case_list_for_user(actor=actor).count()
    form = forms.FilterForm(request.GET)
    cases = selectors.case_list_for_user(actor=actor, filters=form.filters(queue))
    page = Paginator(cases, forms.PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    rows = [{"case": c, "category": forms.label(c.category), "area": forms.label(c.area),
             "lead": forms.label(c.lead_department), **_light(c, now)} for c in page]
    bulk = [a for a in BULK_ACTIONS.get(queue, ()) if policies.roles_allowed(actor, a)]
    context = {
        "tabs": [{"name": name, "label": QUEUE_LABELS.get(name, name), "count": count,
                  "active": name == queue} for name, count in counts.items()],
        "queue": queue, "form": form, "page": page, "rows": rows, "bulk_actions": bulk,
        "bulk_fields": forms.BulkDispatchFields() if "dispatch" in bulk else None,
    }
    template = "cases/_table.html" if _partial(request, "case-table") else "cases/workbench.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@staff_view
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    """Apply one action to many cases, one service call each: a failure spoils no success."""
    actor = request.user
    action = request.POST.get("action", "")
    if action not in {a for actions in BULK_ACTIONS.values() for a in actions}:
        return HttpResponseBadRequest(_("Unknown bulk action."))
    if not policies.roles_allowed(actor, action):
        raise PermissionDenied
    back = _safe_next(request)
    raw = (v for v in request.POST.getlist("case_ids") if v.isascii() and v.isdigit())
    ids = [n for n in dict.fromkeys(int(v) for v in raw) if 0 < n < ID_MAX]
    if not ids:
        messages.warning(request, _("Select at least one case."))
        return redirect(back)
    if len(ids) > BULK_MAX:
        messages.error(request, _("Select at most %(n)d cases at a time.") % {"n": BULK_MAX})
        return redirect(back)
    payload: dict[str, Any] = {}
    if action == "dispatch":
        if not request.POST.get("lead_department"):
            messages.error(request, _("Choose the lead department to dispatch to."))
            return redirect(back)
        payload = {"lead_department": request.POST["lead_department"],
                   "assisting_departments": request.POST.getlist("assisting_departments")}
    codes = dict(selectors.case_list_for_user(actor=actor).filter(pk__in=ids).values_list("pk", "code"))
    done, failed = 0, []
    for case_id in ids:
        try:
            services.case_perform(actor=actor, case_id=case_id, action=action, payload=payload)
        except errors.DomainError as exc:
            failed.append(f"{codes.get(case_id, f'#{case_id}')}: {exc.message}")
        else:
            done += 1
    summary = _("%(done)d done, %(failed)d failed") % {"done": done, "failed": len(failed)}
    if failed:
        messages.warning(request, f"{summary} ({'; '.join(failed)})")
    else:
        messages.success(request, summary)
    return redirect(back)


def _light(case: Case, now: Any) -> dict[str, Any]:
    """The list's traffic light: the most pressing running deadline and its colour."""
    found = deadlines.current(case)
    if found is None:
        return {"light": "", "due": None, "light_label": ""}
    light = deadlines.light_of(case, now)
    return {"light": light, "due": found[1], "light_label": LIGHT_LABELS.get(light, light)}


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return reverse("cases:workbench")


# ---- the case page -----------------------------------------------------------------------

@staff_view
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_user(actor=request.user, case_id=case_id)
    return _render_case(request, case)


@staff_view
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    actor = request.user
    try:
        services.case_perform(actor=actor, case_id=case_id, action=action,
                              payload=_payload(request.POST), version=_version(request.POST))
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        # Re-read through the selector: a case the actor may not see stays a 404.
        case = selectors.case_get_for_user(actor=actor, case_id=case_id)
        if isinstance(exc, errors.InvalidInput):
            return _render_case(request, case, status=422,
                                invalid=(action, request.POST, exc.field, exc.message))
        return _render_case(request, case, status=exc.status, error=exc.message)
    done = _("Done: %(action)s.") % {"action": presenters.action_label(action)}
    try:
        case = selectors.case_get_for_user(actor=actor, case_id=case_id)
    except errors.NotFound:
        # The action handed the case on (returned, transferred): it left this user's view.
        messages.success(request, done)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(reverse("cases:workbench"))
        return redirect("cases:workbench")
    if getattr(request, "htmx", False):
        return _render_case(request, case, notice=done)
    messages.success(request, done)
    return redirect("cases:case", case_id=case.pk)


@staff_view
@require_POST
def case_contact(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_user(actor=request.user, case_id=case_id)
    try:
        contact = services.case_contact_reveal(actor=request.user, case_id=case.pk)
    except errors.Forbidden as exc:
        if _partial(request, "contact"):
            return render(request, "cases/_contact.html", {"case": case, "error": exc.message}, status=403)
        return _render_case(request, case, status=403, error=exc.message)
    if _partial(request, "contact"):
        return render(request, "cases/_contact.html", {"case": case, "contact": contact,
                                                        "can_view_contact": True})
    return _render_case(request, case, contact=contact)


def _payload(post: Mapping[str, Any]) -> dict[str, Any]:
    payload = {k: v for k, v in post.items() if k not in ("csrfmiddlewaretoken", "version")}
    if "assisting_departments" in post:
        payload["assisting_departments"] = post.getlist("assisting_departments")  # type: ignore[attr-defined]
    return payload


def _version(post: Mapping[str, Any]) -> int:
    try:
        return int(post.get("version", ""))
    except (TypeError, ValueError):
        raise errors.InvalidInput(_("The form is out of date; reload the page and try again."),
                                  field="version") from None


def _render_case(request: HttpRequest, case: Case, *, status: int = 200, error: Any = None,
                 notice: Any = None, invalid: tuple[str, Any, str | None, Any] | None = None,
                 contact: dict[str, str] | None = None) -> HttpResponse:
    actor = request.user
    action_forms = []
    for action in selectors.case_actions_for_user(actor=actor, case=case):
        if invalid is not None and invalid[0] == action:
            form = forms.action_form(action, case, data=invalid[1])
            form.set_error(invalid[2], invalid[3])
        else:
            form = forms.action_form(action, case)
        action_forms.append({"action": action, "form": form, "button": ACTION_BUTTONS.get(action, action),
                             "danger": action in DANGER_ACTIONS, "open": form.is_bound})
    if invalid is not None and not any(f["open"] for f in action_forms):
        error = invalid[3]  # the action is no longer offered: say why it failed all the same
    now = clock.now()
    can_view_contact = selectors.case_can_view_contact(actor=actor, case=case)
    context = {
        "case": case, "error": error, "notice": notice, "action_forms": action_forms,
        "timeline": _timeline(selectors.case_events_for_user(actor=actor, case_id=case.pk)),
        "category": forms.label(case.category), "area": forms.label(case.area),
        "lead": forms.label(case.lead_department),
        "assisting": [forms.label(d) for d in case.assisting_departments.all()],
        "suggested": forms.label(case.suggested_department),
        "deadlines": presenters.deadline_dict(case, now),
        "can_view_contact": can_view_contact, "contact": contact,
        "masked": selectors.case_contact_masked(case),
        "has_contact": bool(case.contact_name or case.contact_phone or case.contact_email),
    }
    template = "cases/_case_panel.html" if _partial(request, "case-panel") else "cases/case.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _timeline(events: Any) -> list[dict[str, Any]]:
    """Events as the page shows them: label, who, when, the move, and the data in words."""
    events = list(events)
    dept_ids: set[int] = set()
    for event in events:
        data = event.data or {}
        dept_ids.update(_int_list(data.get("assisting_departments")))
        dept_ids.update(_int_list([data.get("lead_department"), data.get("from_department")]))
    names = {d.pk: forms.label(d) for d in department_list_by_pks(pks=sorted(dept_ids))}

    def dept(pk: Any) -> str:
        return names.get(pk, f"#{pk}") if pk else ""

    satisfaction = dict(Case.Satisfaction.choices)
    out = []
    for event in events:
        data = event.data or {}
        details: list[tuple[Any, Any]] = []
        if event.action in ("dispatch", "transfer"):
            details.append((_("Lead department"),
                            names.get(data.get("lead_department")) or data.get("lead_name")
                            or dept(data.get("lead_department"))))
            assisting = [dept(pk) for pk in _int_list(data.get("assisting_departments"))]
            if assisting:
                details.append((_("Assisting departments"), "、".join(assisting)))
        if data.get("from_department") and event.action in ("transfer", "return"):
            details.append((_("From department"), dept(data.get("from_department"))))
        if data.get("text") and data.get("text") != event.note:
            details.append((_("Text"), data["text"]))
        if data.get("satisfaction"):
            details.append((_("Satisfaction"), satisfaction.get(data["satisfaction"], data["satisfaction"])))
        if data.get("days"):
            details.append((_("Days"), data["days"]))
        if data.get("target_code"):
            details.append((_("Merged into"), data["target_code"]))
        if data.get("automatic"):
            details.append((_("Automatic"), _("Problem case: escalated by the system")))
        if isinstance(data.get("quality"), dict):
            details.append((_("Reply quality"), replyquality_summary(data["quality"])))
        if event.action == "submit" and data.get("channel"):
            details.append((_("Channel"), dict(Case.Channel.choices).get(data["channel"], data["channel"])))
        if event.actor is not None:
            actor = str(event.actor)
        else:
            actor = _("Resident") if event.action == "submit" else _("System")
        out.append({
            "id": event.pk, "action": event.action, "label": presenters.action_label(event.action),
            "actor": actor, "at": event.created_at, "note": event.note,
            "from_state": presenters.state_label(event.from_state) if event.from_state else "",
            "to_state": presenters.state_label(event.to_state),
            "moved": bool(event.from_state) and event.from_state != event.to_state,
            "public": event.is_public, "details": details,
        })
    return out


def replyquality_summary(q: dict[str, Any]) -> str:
    """The stored score in words: overall, the parts, then the reasons that lowered it."""
    def pct(value: Any) -> str:
        return f"{round(value * 100)}%" if isinstance(value, int | float) else "—"

    parts = _("%(overall)s (relevance %(relevance)s, completeness %(completeness)s, timeliness "
              "%(timeliness)s, politeness %(politeness)s)") % {
        k: pct(q.get(k)) for k in ("overall", "relevance", "completeness", "timeliness", "politeness")}
    reasons = replyquality.reason_texts(q.get("reasons") or [])
    return " ".join([parts, *reasons])


def _int_list(values: Any) -> list[int]:
    if not isinstance(values, list | tuple):
        return []
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out
