"""Forms of the staff workbench. They parse the query string and render the action forms;
the services stay the judges of what is valid (a form never saves anything)."""

from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from shiyu.accounts.selectors import department_list
from shiyu.cases import selectors
from shiyu.cases.models import Case
from shiyu.cases.services.actions import MAX_EXTENSION_DAYS
from shiyu.core.i18n import localized_name
from shiyu.geo.selectors import area_list

PAGE_SIZE = 25
SEARCH_MAX = 200


def label(obj: Any) -> str:
    """A category, area or department in the current language."""
    return localized_name(obj)


def department_choices() -> list[tuple[str, str]]:
    return [(str(d.pk), label(d)) for d in department_list()]


def category_choices() -> list[tuple[str, str]]:
    return [(str(c.pk), "\u2003" * (c.level - 1) + label(c)) for c in selectors.category_list()]


def area_choices() -> list[tuple[str, str]]:
    # path is "/1/4/19/": its depth gives the indentation of the tree.
    return [(str(a.pk), "\u2003" * max(a.path.count("/") - 2, 0) + label(a)) for a in area_list()]


def _blank(text: Any) -> list[tuple[str, Any]]:
    return [("", text)]


class FilterForm(forms.Form):
    """The filter bar of the workbench (GET). Bad values are ignored, not fatal."""

    queue = forms.CharField(required=False, widget=forms.HiddenInput)
    state = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int,
                                        empty_value=None)
    problem = forms.BooleanField(label=_("Problem cases only"), required=False)
    # Carried as hidden fields: the drill-down from an insights figure (selectors.CaseFilters).
    date_field = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                                   choices=[("", "")] + [(k, k) for k in selectors.DATE_FIELDS])
    date_from = forms.DateField(required=False, widget=forms.HiddenInput)
    date_to = forms.DateField(required=False, widget=forms.HiddenInput)
    reopened = forms.NullBooleanField(required=False, widget=forms.HiddenInput)
    first_contact = forms.NullBooleanField(required=False, widget=forms.HiddenInput)
    open = forms.BooleanField(required=False, widget=forms.HiddenInput)
    overdue = forms.BooleanField(required=False, widget=forms.HiddenInput)
    lead = forms.BooleanField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Words in title, text or address")}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = _("Any")
        self.fields["state"].choices = _blank(any_) + list(Case.STATE_CHOICES)
        self.fields["kind"].choices = _blank(any_) + list(Case.Kind.choices)
        self.fields["channel"].choices = _blank(any_) + list(Case.Channel.choices)
        self.fields["category"].choices = _blank(any_) + category_choices()
        self.fields["area"].choices = _blank(any_) + area_choices()
        self.fields["department"].choices = _blank(any_) + department_choices()

    def filters(self, queue: str) -> selectors.CaseFilters:
        self.is_valid()
        data = self.cleaned_data  # only the fields that parsed
        return selectors.CaseFilters(
            queue=queue, states=[data["state"]] if data.get("state") else [],
            kind=data.get("kind") or "", channel=data.get("channel") or "",
            category=data.get("category"), area=data.get("area"), department=data.get("department"),
            problem=True if data.get("problem") else None, q=(data.get("q") or "").strip(),
            date_field=data.get("date_field") or "", date_from=data.get("date_from"),
            date_to=data.get("date_to"), reopened=data.get("reopened"),
            first_contact=data.get("first_contact"), open_only=bool(data.get("open")),
            overdue=True if data.get("overdue") else None, lead_only=bool(data.get("lead")))

    def drill_fields(self) -> list:
        """The drill-down's hidden fields that carry a value (kept when the bar is used)."""
        return [f for f in self.hidden_fields() if f.name != "queue" and f.value() not in (None, "", False)]


class BulkDispatchFields(forms.Form):
    """Only renders the department pickers of the bulk bar."""

    lead_department = forms.ChoiceField(label=_("Lead department"), required=False)
    assisting_departments = forms.MultipleChoiceField(label=_("Assisting departments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="bulk_%s", **kwargs)
        choices = department_choices()
        self.fields["lead_department"].choices = _blank("—") + choices
        self.fields["assisting_departments"].choices = choices


# ---- action forms on the case page -------------------------------------------------------

def _text(label_: Any, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label_, required=required, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": rows}))


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        # Plain field names (the payload the services read), ids unique on the page.
        super().__init__(*args, auto_id=f"id_{action}_%s", **kwargs)
        self.action = action

    def set_error(self, field: str | None, message: Any) -> None:
        """Show a service's InvalidInput next to the field it names."""
        # The service's message alone: the form's own validation would repeat it in other words.
        if self._errors is None:
            self._errors = ErrorDict()
        name = field if field in self.fields and field != "version" else "__all__"
        self._errors.setdefault(name, self.error_class()).append(str(message))


class NoteForm(ActionForm):
    note = _text(_("Note (optional)"), required=False, rows=2)


class ReasonForm(ActionForm):
    reason = _text(_("Reason"))


class TextForm(ActionForm):
    text = _text(_("Text"), rows=4)


class DepartmentForm(ActionForm):
    lead_department = forms.ChoiceField(label=_("Lead department"))
    assisting_departments = forms.MultipleChoiceField(
        label=_("Assisting departments"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}))
    note = _text(_("Note (optional)"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = department_choices()
        self.fields["lead_department"].choices = _blank("—") + choices
        self.fields["assisting_departments"].choices = choices


class FollowUpForm(ActionForm):
    satisfaction = forms.ChoiceField(label=_("Resident's satisfaction"), choices=Case.Satisfaction.choices,
                                     widget=forms.RadioSelect)
    comment = _text(_("Comment (optional)"), required=False, rows=2)


class ExtendRequestForm(ActionForm):
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=MAX_EXTENSION_DAYS)
    reason = _text(_("Reason"))


class ExtendApproveForm(ActionForm):
    days = forms.IntegerField(label=_("Grant working days (empty: as requested)"), min_value=1,
                              max_value=MAX_EXTENSION_DAYS, required=False)
    reply_due_at = forms.DateTimeField(
        label=_("Or a new reply deadline"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    note = _text(_("Note (optional)"), required=False, rows=2)


class MergeForm(ActionForm):
    target = forms.CharField(label=_("Merge into case (tracking code or number)"), max_length=32)
    note = _text(_("Note (optional)"), required=False, rows=2)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": NoteForm, "acknowledge": NoteForm, "close": NoteForm, "urge": NoteForm,
    "escalate": NoteForm, "extend_approve": ExtendApproveForm,
    "reject": ReasonForm, "return": ReasonForm, "reopen": ReasonForm, "extend_deny": ReasonForm,
    "pause": ReasonForm, "resume": NoteForm, "reply_approve": NoteForm, "reply_reject": ReasonForm,
    "reply": TextForm, "answer": TextForm, "comment": TextForm,
    "dispatch": DepartmentForm, "transfer": DepartmentForm,
    "follow_up": FollowUpForm,
    "extend_request": ExtendRequestForm,
    "merge": MergeForm,
}


def action_form(action: str, case: Case, data: Any = None) -> ActionForm:
    """The form for one action on `case`; bound to `data` when redisplaying an error."""
    form_class = ACTION_FORMS.get(action, NoteForm)
    initial: dict[str, Any] = {"version": case.version}
    if form_class is DepartmentForm:
        suggested = case.suggested_department_id
        if action == "transfer" and suggested == case.lead_department_id:
            suggested = None
        initial["lead_department"] = str(suggested) if suggested else ""
    if form_class is ExtendApproveForm:
        initial["days"] = case.extension_pending_days
    if data is not None:
        data = data.copy()
        data["version"] = str(case.version)  # redisplayed forms act on what is shown now
    return form_class(data, action=action, initial=initial)
