"""Staff views of a case's photos: the fragment on the case page and the files themselves.

Files are read through the case's scope on every request (no public media URL): a photo can show
a resident's home or face, so it is as private as the case.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shiyu.cases import attachments, selectors, transparency
from shiyu.cases.views import staff_view


def photo_response(attachment) -> HttpResponse:
    response = HttpResponse(attachments.read(attachment.file), content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="photo-{attachment.pk}.jpg"'
    return response


@staff_view
@require_GET
def case_photos(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_user(actor=request.user, case_id=case_id)
    return render(request, "cases/_photos.html", {
        "case": case, "photos": transparency.attachment_list(case_id=case.pk)})


@staff_view
@require_GET
def case_photo(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponse:
    attachment = transparency.attachment_for_user(actor=request.user, attachment_id=attachment_id)
    if attachment.case_id != case_id:
        return render(request, "404.html", status=404)
    return photo_response(attachment)
