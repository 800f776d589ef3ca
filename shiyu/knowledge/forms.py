from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shiyu.cases.forms import category_choices, department_choices
from shiyu.knowledge.models import Article
from shiyu.knowledge.services import ArticleInput


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Article.Kind.choices)
    summary = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("The short answer residents read first and operators insert "
                                          "into a reply."))
    body = forms.CharField(label=_("Full text"), max_length=20000, required=False,
                           widget=forms.Textarea(attrs={"rows": 10}))
    keywords = forms.CharField(label=_("Keywords"), max_length=300, required=False,
                               help_text=_("Other words people use for this, separated by spaces."))
    category = forms.ChoiceField(label=_("Category"), required=False)
    owner_department = forms.ChoiceField(label=_("Owner department"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Article.Status.choices)
    valid_from = forms.DateField(label=_("Valid from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *category_choices()]
        self.fields["owner_department"].choices = [("", "—"), *department_choices()]

    @classmethod
    def initial_for(cls, article: Article) -> dict[str, Any]:
        return {"title": article.title, "kind": article.kind, "summary": article.summary,
                "body": article.body, "keywords": article.keywords,
                "category": str(article.category_id or ""),
                "owner_department": str(article.owner_department_id or ""), "status": article.status,
                "valid_from": article.valid_from, "valid_until": article.valid_until,
                "version": article.version}

    def to_input(self) -> ArticleInput:
        d = self.cleaned_data
        return ArticleInput(title=d["title"], summary=d["summary"], body=d.get("body", ""), kind=d["kind"],
                            keywords=d.get("keywords", ""), category=d.get("category") or None,
                            owner_department=d.get("owner_department") or None, status=d["status"],
                            valid_from=d.get("valid_from"), valid_until=d.get("valid_until"))

    def set_error(self, field: str | None, message: Any) -> None:
        self.add_error(field if field in self.fields else None, str(message))
