"""Names of action inputs as people read them, for error messages."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.core import errors

LABELS = {
    "reason": gettext_lazy("reason"),
    "text": gettext_lazy("text"),
    "note": gettext_lazy("note"),
    "comment": gettext_lazy("comment"),
    "lead_department": gettext_lazy("lead department"),
    "assisting_departments": gettext_lazy("assisting departments"),
    "satisfaction": gettext_lazy("satisfaction"),
    "target": gettext_lazy("case to merge into"),
    "days": gettext_lazy("days"),
    "version": gettext_lazy("version"),
}


def required(field: str) -> errors.InvalidInput:
    label = LABELS.get(field, field)
    return errors.InvalidInput(_("This field is required: %(field)s") % {"field": label}, field=field)
