"""Staff review of cases residents agreed to publish: read the case, write the public text with
personal data removed, choose the photos, publish (or withdraw). One service call per action."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shiyu.cases import transparency
from shiyu.cases.services import publication_publish, publication_withdraw
from shiyu.cases.views import staff_view
from shiyu.core import errors
from shiyu.core.masking import scrub_public


class PublishForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Public title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Public description"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    reply = forms.CharField(label=gettext_lazy("Public reply"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 6}))
    photos = forms.MultipleChoiceField(label=gettext_lazy("Photos to show"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].choices = [(str(p.pk), _("Photo %(n)d") % {"n": i})
                                         for i, p in enumerate(photos, start=1)]


@require_safe
@staff_view
def queue(request):
    return render(request, "portal/publish_queue.html", {
        "items": transparency.publication_queue_for_user(actor=request.user)})


@require_http_methods(["GET", "POST"])
@staff_view
def review(request, case_id: int):
    case, publication = transparency.publication_for_user(actor=request.user, case_id=case_id)
    photos = transparency.attachment_list(case_id=case.pk)
    status = 200
    if request.method == "POST":
        form = PublishForm(request.POST, photos=photos)
        if form.is_valid():
            d = form.cleaned_data
            try:
                publication_publish(actor=request.user, case_id=case.pk, title=d["title"], body=d["body"],
                                    reply=d["reply"], photo_ids=[int(x) for x in d["photos"]])
            except errors.InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                status = 422
            except (errors.Conflict, errors.Forbidden) as exc:
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(request, _("Published."))
                return redirect("portal:publish-review", case_id=case.pk)
        else:
            status = 422
    else:
        # A starting point, not the answer: phone numbers and e-mails masked, staff still read it.
        initial = ({"title": publication.title, "body": publication.body, "reply": publication.reply,
                    "photos": [str(p.pk) for p in photos if p.is_public]}
                   if publication.status != "consented" else
                   {"title": scrub_public(case.title), "body": scrub_public(case.body),
                    "reply": scrub_public(case.reply_text)})
        form = PublishForm(initial=initial, photos=photos)
    return render(request, "portal/publish_review.html", {
        "case": case, "publication": publication, "form": form, "photos": photos}, status=status)


@require_POST
@staff_view
def withdraw(request, case_id: int):
    try:
        publication_withdraw(actor=request.user, case_id=case_id)
    except errors.Forbidden:
        raise PermissionDenied from None
    except errors.Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Taken off the public pages."))
    return redirect("portal:publish-review", case_id=case_id)
