"""Residents' sign-in by e-mailed one-time link, and their "my requests" list. Tracking by code
keeps working without an account."""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from shiyu.accounts import policies
from shiyu.accounts.services import resident_sign_in_by_email
from shiyu.cases import presenters, selectors
from shiyu.core import errors, ratelimit
from shiyu.portal import residents

log = logging.getLogger(__name__)
MY_CASES_MAX = 200


class EmailForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}))


def _absolute(request, path: str) -> str:
    base = getattr(settings, "SHIYU_BASE_URL", "")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@require_http_methods(["GET", "POST"])
def signin(request):
    if request.user.is_authenticated:
        return redirect("portal:my-cases")
    if request.method != "POST":
        return render(request, "portal/signin.html", {"form": EmailForm()})
    form = EmailForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            email = residents.normalise_email(form.cleaned_data["email"])
            ratelimit.check(request, "login_address")
            ratelimit.check(request, "login", extra=email)
            url = _absolute(request, reverse("portal:account-link", args=[residents.link_token(email)]))
            residents.send_link(email=email, url=url)
        except errors.InvalidInput as exc:
            form.add_error("email", str(exc.message))
        except errors.RateLimited as exc:
            form.add_error(None, str(exc.message))
            status = exc.status
        except OSError:  # the mail server is down: say so, and log without the address
            log.exception("could not send a resident sign-in link")
            form.add_error(None, _("The message could not be sent just now. Please try again later."))
            status = 503
        else:
            # The same answer whether or not an account exists: the page tells no one who uses it.
            return render(request, "portal/signin_sent.html", {})
    return render(request, "portal/signin.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def link(request, token: str):
    """GET only shows a button: mail scanners that open links must not spend a one-time link."""
    try:
        email, issued = residents.link_read(token)
        if request.method == "POST":
            user = resident_sign_in_by_email(email=email, issued_at=issued)
            login(request, user, backend="shiyu.accounts.backends.ShiyuBackend")
            return redirect("portal:my-cases")
    except (errors.InvalidInput, errors.NotFound):
        return render(request, "portal/signin.html", {
            "form": EmailForm(), "link_error": _("This sign-in link is not valid, has expired or was "
                                                 "already used. Ask for a new one below.")}, status=400)
    return render(request, "portal/signin_confirm.html", {"token": token})


@require_safe
def my_cases(request):
    if not request.user.is_authenticated:
        return redirect("portal:signin")
    if policies.is_staff_user(request.user):
        return redirect("cases:workbench")
    cases = selectors.case_list_for_user(actor=request.user)[:MY_CASES_MAX]
    rows = [{"code": c.code, "title": c.title, "state": c.state,
             "state_label": presenters.state_label(c.state), "submitted_at": c.submitted_at} for c in cases]
    return render(request, "portal/my_cases.html", {"cases": rows})
