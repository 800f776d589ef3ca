"""Resident portal: submit a matter, track it with its code, rate the reply or ask to reopen.

Thin views: parse input, call one service (or selector), render. Domain errors become pages or
messages here; nothing in this module writes a model.
"""

import functools

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shiyu.cases import attachments, presenters, selectors, transparency
from shiyu.cases.attachment_views import photo_response
from shiyu.cases.services import case_resident_feedback, case_resident_reopen
from shiyu.cases.services.resident import reopen_open
from shiyu.core import errors, ratelimit
from shiyu.intake.services import intake_submit
from shiyu.portal.forms import FeedbackForm, ReopenForm, SubmitForm, TrackForm
from shiyu.routing import selectors as routing_selectors
from shiyu.routing import services as routing_services


def _error_page(request, exc: errors.DomainError):
    return render(request, "portal/error.html", {"message": exc.message}, status=exc.status)


def domain_errors(view):
    """What a view did not handle itself: not found is a 404 page, the rest an error page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404() from None
        except errors.DomainError as exc:
            return _error_page(request, exc)

    return wrapper


@require_safe
def home(request):
    return render(request, "portal/home.html")


@require_http_methods(["GET", "POST"])
@domain_errors
def submit(request):
    if request.method != "POST":
        return render(request, "portal/submit.html", {"form": SubmitForm()})
    form = SubmitForm(request.POST)
    status = 422
    uploads = request.FILES.getlist("photos")
    try:
        if not request.user.is_authenticated:
            ratelimit.check(request, "submit")
        if form.is_valid():
            # Checked and re-encoded before anything is written; a bad photo refuses the whole
            # submission (the resident fixes it and sends again), it never drops silently.
            photos = attachments.photos_from_uploads(uploads)
            case, _created = intake_submit(actor=request.user, data=form.case_input(photos),
                                           idempotency_key=form.cleaned_data["token"])
            if _created and request.POST.get("follow"):
                # "This is my matter": joined to the case the hint offered (or left as it is).
                routing_services.case_follow(case_id=case.pk, token=request.POST["follow"])
            return redirect("portal:submitted", code=case.code)
    except errors.RateLimited as exc:
        form.add_error(None, str(exc.message))
        status = exc.status
    except errors.InvalidInput as exc:
        form.add_service_error(exc.field, exc.message)
    except errors.Conflict:
        # The token already made a case from different content (edited after going back):
        # treat this as a new submission the resident must confirm.
        form.renew_token()
        form.add_error(None, _("This form was already sent with different content. "
                               "Check it and send it again to submit a new matter."))
        status = 409
    if uploads and "photos" not in form.errors:
        # A browser never re-fills a file input: say so rather than let photos vanish unnoticed.
        form.add_error("photos", _("Please choose your photos again before sending."))
    return render(request, "portal/submit.html", {"form": form}, status=status)


@require_safe
@domain_errors
def submitted(request, code: str):
    case = selectors.case_by_code(code)
    return render(request, "portal/submitted.html", {"code": case.code})


@require_safe
@domain_errors
def track(request):
    if "code" not in request.GET:
        return render(request, "portal/track.html", {"form": TrackForm()})
    form = TrackForm(request.GET)
    status = 400
    try:
        ratelimit.check(request, "track")
        if form.is_valid():
            case = selectors.case_by_code(form.cleaned_data["code"])
            # This look-up was counted; the page it leads to need not count it again.
            request.session["shiyu_tracked"] = case.code
            return redirect("portal:track-detail", code=case.code)
    except errors.NotFound:
        form.add_error("code", _("No case has this tracking code. Please check it and try again."))
        status = 404
    except errors.RateLimited as exc:
        form.add_error(None, str(exc.message))
        status = exc.status
    return render(request, "portal/track.html", {"form": form}, status=status)


@require_safe
@domain_errors
def track_detail(request, code: str):
    if request.session.pop("shiyu_tracked", None) != code:
        ratelimit.check(request, "track")
    found = selectors.case_by_code(code)
    case = presenters.track_dict(found)
    if case["code"] != code:
        return redirect("portal:track-detail", code=case["code"])  # one canonical address per case
    return render(request, "portal/track_detail.html", {
        "case": case,
        "photos": transparency.attachment_list(case_id=found.pk),
        # A merged request follows the case it repeats: its submitter sees that case's progress.
        "survivor": routing_selectors.merged_survivor_track(code) if case["state"] == "merged" else None,
        "feedback_form": FeedbackForm() if case["state"] == "replied" else None,
        "reopen_form": ReopenForm() if case["state"] == "closed" and reopen_open(found) else None,
    })


@require_safe
@domain_errors
def track_photo(request, code: str, attachment_id: int):
    """A photo of the resident's own case; the tracking code is the capability, as for the page."""
    ratelimit.check(request, "track")
    return photo_response(transparency.attachment_by_code(code=code, attachment_id=attachment_id))


def _resident_action(request, code: str, action, success: str, **params):
    ratelimit.check(request, "track")
    try:
        case = action(code=code, **params)
    except (errors.InvalidInput, errors.Conflict) as exc:  # IllegalTransition is a Conflict
        messages.error(request, str(exc.message))
        return redirect("portal:track-detail", code=code)
    messages.success(request, success)
    return redirect("portal:track-detail", code=case.code)


@require_POST
@domain_errors
def track_feedback(request, code: str):
    return _resident_action(request, code, case_resident_feedback, _("Thank you for your feedback."),
                            satisfaction=request.POST.get("satisfaction", ""),
                            comment=request.POST.get("comment", ""))


@require_POST
@domain_errors
def track_reopen(request, code: str):
    return _resident_action(request, code, case_resident_reopen,
                            _("Your case has been reopened and will be handled again."),
                            reason=request.POST.get("reason", ""))
