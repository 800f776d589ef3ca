"""Publishing a resolved case on the transparency pages (成果共享).

Only a case whose submitter agreed at submission can be published, only once it is resolved, and
only with text a member of staff reviewed: the public title, description and reply are written
here, not copied, and are refused while they still contain what looks like a phone number, an
e-mail address or the submitter's name.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.cases.models import Attachment, Case, Publication
from shiyu.cases.services._core import lock_case
from shiyu.core import clock, errors
from shiyu.core.masking import scrub_public
from shiyu.core.text import clean

PUBLISHABLE_STATES = frozenset({"closed"})
TITLE_MAX = 200
TEXT_MAX = 5000


def _reviewed(value: str, field: str, case: Case, *, maximum: int, required: bool = True) -> str:
    text = clean(value or "")
    if required and not text:
        raise errors.InvalidInput(_("This text is required."), field=field)
    if len(text) > maximum:
        raise errors.InvalidInput(_("The text is longer than %(n)d characters.") % {"n": maximum},
                                  field=field)
    if scrub_public(text) != text:
        raise errors.InvalidInput(_("The text still contains what looks like a phone number or an "
                                    "e-mail address. Remove it before publishing."), field=field)
    name = clean(case.contact_name)
    if name and len(name) >= 2 and name in text:
        raise errors.InvalidInput(_("The text still contains the submitter's name. Remove it before "
                                    "publishing."), field=field)
    return text


def _consented(case: Case) -> Publication:
    publication = Publication.objects.select_for_update().filter(case=case).first()
    if publication is None:
        raise errors.Conflict(_("The submitter did not agree to publish this case."))
    return publication


@transaction.atomic
def publication_publish(*, actor: Any, case_id: int, title: str, body: str, reply: str,
                        photo_ids: list[int] | None = None) -> Publication:
    """Publish (or re-publish with corrected text) a resolved case the submitter agreed to show."""
    case = lock_case(case_id, actor=actor, action="publish")
    publication = _consented(case)
    if case.state not in PUBLISHABLE_STATES:
        raise errors.Conflict(_("Only a resolved (closed) case can be published."))
    publication.title = _reviewed(title, "title", case, maximum=TITLE_MAX)
    publication.body = _reviewed(body, "body", case, maximum=TEXT_MAX)
    publication.reply = _reviewed(reply, "reply", case, maximum=TEXT_MAX)
    chosen = {int(pk) for pk in photo_ids or []}
    own = set(Attachment.objects.filter(case=case).values_list("pk", flat=True))
    if chosen - own:
        raise errors.InvalidInput(_("Unknown photo."), field="photos")
    Attachment.objects.filter(case=case).exclude(pk__in=chosen).update(is_public=False)
    Attachment.objects.filter(case=case, pk__in=chosen).update(is_public=True)
    publication.status = Publication.Status.PUBLISHED
    publication.published_at = clock.now()
    publication.published_by = actor
    publication.save()
    audit_record(actor=actor, verb="case.publish", obj=case, data={"photos": sorted(chosen)})
    return publication


@transaction.atomic
def publication_withdraw(*, actor: Any, case_id: int) -> Publication:
    """Take a published case off the public pages (its consent stays on record)."""
    case = lock_case(case_id, actor=actor, action="publish")
    publication = _consented(case)
    publication.status = Publication.Status.WITHDRAWN
    publication.save(update_fields=["status"])
    Attachment.objects.filter(case=case).update(is_public=False)
    audit_record(actor=actor, verb="case.unpublish", obj=case)
    return publication
